//! Report formats. Every writer is deterministic: same report, same bytes.

mod compact;
mod json;

use std::io::{self, Write};

use crate::report::Report;

/// An output format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[CODE] message`, one finding per line (editor problem matchers).
    Compact,
    /// A versioned JSON document (see README, "JSON output").
    Json,
}

/// Writes `report` in `format`.
pub fn write(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Compact => compact::write(report, out),
        Format::Json => json::write(report, out),
    }
}
