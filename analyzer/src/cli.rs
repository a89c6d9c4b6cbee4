//! Command-line interface: argument definitions and the commands they run.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use leaklint_rules::catalogue::{self, RULES};

use crate::baseline::{self, Baseline, BaselineError};
use crate::config::{self, Config, ConfigError};
use crate::git::ChangeSet;
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
    Check(Box<CheckArgs>),
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
    /// Write a commented starter `leaklint.toml` (never overwrites one).
    Init {
        /// The folder to write it into.
        #[arg(default_value = ".")]
        dir: PathBuf,
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
    /// Files larger than this many bytes are skipped, with a note [default: 2097152, or the
    /// config file's `max-file-size`].
    #[arg(long)]
    pub max_file_size: Option<u64>,
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
    /// The configuration file [default: the nearest leaklint.toml in or above the checked paths].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Check only the files staged in git, as staged (the index of the project still reads
    /// every file under the paths).
    #[arg(long, conflicts_with = "changed_since")]
    pub staged: bool,
    /// Check only the files changed since the merge base of REV and HEAD, and untracked files.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Neither read nor write the facts cache (.leaklint-cache/) that --staged and
    /// --changed-since use for the files they do not check.
    #[arg(long)]
    pub no_cache: bool,
    /// Report only findings that this baseline file does not hold.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE as the baseline, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report leaklint-disable comments that suppress nothing (rule LL0001).
    #[arg(long)]
    pub report_unused: bool,
    /// Keep suppressed findings in the report (SARIF `suppressions`, JSON `suppressed`).
    #[arg(long)]
    pub include_suppressed: bool,
    /// SARIF `runAutomationDetails.id`, telling runs of different jobs apart (e.g. `leaklint/ci/`).
    #[arg(long, value_name = "ID")]
    pub automation_id: Option<String>,
}

/// Why a command could not run (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    #[error("unknown rule code `{0}` (see `leaklint rules`)")]
    UnknownRule(String),
    #[error("cannot write {what}: {source}")]
    Write { what: String, source: io::Error },
    #[error(transparent)]
    Run(#[from] run::RunError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Check(args) => check(*args),
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
        Command::Init { dir } => {
            let path = config::write_starter(&dir)?;
            eprintln!("leaklint: wrote {}", crate::display_path(&path));
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
            let name_width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in RULES {
                writeln!(
                    out,
                    "{:<7} {:<name_width$} {:<11} {:<8} {}",
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

/// The rules to run: `--select` replaces the config's `select`, `--ignore` adds to its `ignore`.
fn enabled_rules(
    args: &CheckArgs,
    config: &Config,
) -> Result<Option<std::collections::BTreeSet<&'static str>>, CliError> {
    let lookup = |code: &String| {
        catalogue::rule(code).map(|r| r.code).ok_or_else(|| CliError::UnknownRule(code.clone()))
    };
    let select = if args.select.is_empty() {
        config.select.clone()
    } else {
        Some(args.select.iter().map(lookup).collect::<Result<Vec<_>, _>>()?)
    };
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().map(lookup).collect::<Result<Vec<_>, _>>()?);
    if select.is_none() && ignore.is_empty() {
        return Ok(None);
    }
    let mut enabled: std::collections::BTreeSet<&'static str> = match select {
        Some(select) => select.into_iter().collect(),
        None => RULES.iter().map(|r| r.code).collect(),
    };
    for code in &ignore {
        enabled.remove(code);
    }
    Ok(Some(enabled))
}

/// The config file `--config` names, or the nearest one above the checked paths.
fn load_config(args: &CheckArgs) -> Result<Config, CliError> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => config::find(&common_ancestor(&args.paths)),
    };
    Ok(match path {
        Some(path) => config::load(&path, RULES)?,
        None => Config::default(),
    })
}

/// The deepest folder that holds every path.
fn common_ancestor(paths: &[PathBuf]) -> PathBuf {
    let absolute: Vec<PathBuf> = paths.iter().filter_map(|p| std::path::absolute(p).ok()).collect();
    let Some((first, rest)) = absolute.split_first() else { return PathBuf::from(".") };
    let mut common = first.clone();
    for path in rest {
        while !path.starts_with(&common) && common.pop() {}
    }
    common
}

fn check(args: CheckArgs) -> Result<ExitCode, CliError> {
    let config = load_config(&args)?;
    let mut options = CheckOptions {
        paths: args.paths.clone(),
        jobs: args.jobs,
        max_file_size: args.max_file_size.or(config.max_file_size).unwrap_or(DEFAULT_MAX_FILE_SIZE),
        respect_gitignore: !args.no_gitignore,
        force_exclude: args.force_exclude,
        changes: match (&args.changed_since, args.staged) {
            (Some(rev), _) => Some(ChangeSet::Since(rev.clone())),
            (None, true) => Some(ChangeSet::Staged),
            (None, false) => None,
        },
        use_cache: !args.no_cache,
        ..CheckOptions::default()
    };
    options.settings.enabled = enabled_rules(&args, &config)?;
    let unused_code = leaklint_rules::meta::LL0001.code;
    options.report_unused = args.report_unused
        && !config.ignore.contains(&unused_code)
        && !args.ignore.iter().any(|c| c.eq_ignore_ascii_case(unused_code));
    options.settings.resource_kinds = config.resource_kinds.clone();
    options.settings.csharp = config.csharp.clone();
    options.config = config;
    let mut report = run::check(&options)?;
    if let Some(path) = &args.baseline {
        Baseline::load(path)?.apply(&mut report);
    }
    if !args.include_suppressed {
        report.findings.retain(|f| f.suppression.is_none());
        let shown: std::collections::BTreeSet<&str> =
            report.findings.iter().map(|f| f.path.as_str()).collect();
        report.sources.retain(|path, _| shown.contains(path.as_str()));
    }
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &report)?;
        if !args.quiet {
            eprintln!("leaklint: recorded {count} finding{} in {}", plural(count), path.display());
        }
    }

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
    if args.write_baseline.is_some() && !report.has_errors() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(exit_code(&report))
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
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
