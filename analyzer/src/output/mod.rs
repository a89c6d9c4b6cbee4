//! Report formats. Every writer is deterministic: same report and options, same bytes.

mod compact;
mod fingerprint;
mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::report::{Finding, Report};

pub use fingerprint::line_hashes;
pub use human::Styling;
pub use sarif::{SarifOptions, MAX_RESULTS};

/// An output format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames with the acquisition labelled and the fix (colored on a terminal).
    Human,
    /// `path:line:col: severity[CODE] message`, one finding per line (editor problem matchers).
    Compact,
    /// A versioned JSON document (see README, "`json` (schema version 1)").
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

impl Format {
    /// Whether a person reading the output sees the problems with files in it. Machine formats
    /// carry them too, but are usually written to a file: their runs repeat problems on stderr.
    pub fn shows_file_problems(self) -> bool {
        matches!(self, Format::Human | Format::Compact | Format::Github)
    }
}

/// How the writers render what the format leaves open.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// `human` only: colors and unicode, or plain ASCII.
    pub styling: Styling,
    pub sarif: SarifOptions,
}

/// The finding's message with its fix on a second line, for formats with one text per finding.
fn message_with_fix(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{}\nFix: {help}", finding.message),
        None => finding.message.clone(),
    }
}

/// Writes `report` in `format`.
pub fn write(
    format: Format,
    report: &Report,
    options: &OutputOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, options.styling, out),
        Format::Compact => compact::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, &options.sarif, out),
        Format::Github => github::write(report, out),
    }
}

#[cfg(test)]
mod tests;
