//! Command-line interface: argument definitions and the commands they run.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use leaklint_rules::catalogue::{self, RULES};

use crate::output::{self, Format, OutputOptions, SarifOptions, Styling};
use crate::run::{self, CheckOptions, DEFAULT_MAX_FILE_SIZE};

#[derive(Debug, Parser)]
#[command(name = "leaklint", version, about = "Finds resource leaks in C#, TypeScript/JavaScript and Rust")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files and directories (default: the current directory).
    Check(CheckArgs),
    /// List every rule.
    Rules {
        /// `text` (a table) or `json`.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule's code, e.g. CA2000 or LL1002.
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to analyse. Files named here are analysed even when ignored.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format. `human` is colored on a terminal and plain ASCII otherwise (or with NO_COLOR).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Run only these rules (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Files larger than this many bytes are skipped, with a note.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Analyse files that .gitignore / .ignore exclude.
    #[arg(long)]
    pub no_gitignore: bool,
    /// Apply ignore rules to files named on the command line too (for pre-commit hooks).
    #[arg(long)]
    pub force_exclude: bool,
    /// Print nothing but findings and errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// SARIF: also write suppressed findings, each with its `suppressions` entry.
    #[arg(long)]
    pub include_suppressed: bool,
    /// SARIF: the run's `automationDetails.id` (default `leaklint/`).
    #[arg(long, value_name = "ID")]
    pub automation_id: Option<String>,
}

/// Why a command could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("unknown rule code `{0}` (see `leaklint rules`)")]
    UnknownRule(String),
    #[error("cannot write {what}: {source}")]
    Write { what: String, source: io::Error },
    #[error(transparent)]
    Run(#[from] run::RunError),
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => {
            let mut stdout = io::stdout().lock();
            write_rules(format, &mut stdout)
                .map_err(|source| CliError::Write { what: "stdout".into(), source })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => {
            let rule = catalogue::rule(&code).ok_or(CliError::UnknownRule(code))?;
            println!("{} ({}): {}\n\n{}", rule.code, rule.name, rule.summary, catalogue::docs_text(rule));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write_rules(format: RulesFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, RULES)?;
            writeln!(out)
        }
        RulesFormat::Text => {
            for rule in RULES {
                writeln!(
                    out,
                    "{:<7} {:<36} {:<11} {:<8} {}",
                    rule.code,
                    rule.name,
                    rule.family.name(),
                    rule.default_severity.as_str(),
                    rule.summary
                )?;
            }
            Ok(())
        }
    }
}

/// Resolves `--select` / `--ignore` to the set of enabled rule codes.
fn enabled_rules(
    select: &[String],
    ignore: &[String],
) -> Result<Option<std::collections::BTreeSet<&'static str>>, CliError> {
    if select.is_empty() && ignore.is_empty() {
        return Ok(None);
    }
    let lookup = |code: &String| {
        catalogue::rule(code).map(|r| r.code).ok_or_else(|| CliError::UnknownRule(code.clone()))
    };
    let mut enabled: std::collections::BTreeSet<&'static str> = if select.is_empty() {
        RULES.iter().map(|r| r.code).collect()
    } else {
        select.iter().map(lookup).collect::<Result<_, _>>()?
    };
    for code in ignore {
        enabled.remove(lookup(code)?);
    }
    Ok(Some(enabled))
}

fn check(args: CheckArgs) -> Result<ExitCode, CliError> {
    let mut options = CheckOptions {
        paths: args.paths.clone(),
        jobs: args.jobs,
        max_file_size: args.max_file_size,
        respect_gitignore: !args.no_gitignore,
        force_exclude: args.force_exclude,
        ..CheckOptions::default()
    };
    options.settings.enabled = enabled_rules(&args.select, &args.ignore)?;
    let report = run::check(&options)?;

    let mut buffer = Vec::new();
    if args.statistics {
        write_statistics(&report, &mut buffer)
    } else {
        let options = OutputOptions {
            styling: styling(args.output.is_some()),
            sarif: SarifOptions {
                include_suppressed: args.include_suppressed,
                automation_id: args.automation_id.clone(),
            },
        };
        output::write(args.format, &report, &options, &mut buffer)
    }
    .map_err(|source| CliError::Write { what: "the report".into(), source })?;
    match &args.output {
        Some(path) => std::fs::write(path, &buffer)
            .map_err(|source| CliError::Write { what: path.display().to_string(), source })?,
        None => io::stdout()
            .lock()
            .write_all(&buffer)
            .map_err(|source| CliError::Write { what: "stdout".into(), source })?,
    }
    if !args.quiet {
        print_summary(&report, !args.statistics && args.format.shows_file_problems());
    }
    Ok(exit_code(&report))
}

fn write_statistics(report: &crate::Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts = std::collections::BTreeMap::new();
    for finding in report.active() {
        *counts.entry((finding.rule.code, finding.rule.name)).or_insert(0usize) += 1;
    }
    for ((code, name), count) in counts {
        writeln!(out, "{count:>6}  {code:<7} {name}")?;
    }
    Ok(())
}

/// Colors only for a terminal, and not when `NO_COLOR` is set to anything non-empty.
fn styling(to_file: bool) -> Styling {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if to_file || no_color || !io::stdout().is_terminal() {
        Styling::Plain
    } else {
        Styling::Color
    }
}

/// A one-line count on standard error, and the problems with files when the report does not
/// show them to a reader.
fn print_summary(report: &crate::Report, problems_shown: bool) {
    let mut stderr = io::stderr().lock();
    if !problems_shown {
        for p in &report.problems {
            let _ = writeln!(stderr, "{}: {}: {}", p.path, p.level.as_str(), p.message);
        }
    }
    let active = report.active().count();
    let _ = writeln!(
        stderr,
        "leaklint: {} finding{} in {} file{} analysed",
        active,
        if active == 1 { "" } else { "s" },
        report.files_analyzed,
        if report.files_analyzed == 1 { "" } else { "s" },
    );
}

/// 2 when a file could not be analysed, else 1 when findings remain, else 0.
pub fn exit_code(report: &crate::Report) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(2)
    } else if report.active().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
