//! The pipeline: discover, read and parse in parallel, build the index, check in parallel,
//! and resolve diagnostics into findings in a deterministic order.

use std::path::PathBuf;
use std::sync::Arc;

use leaklint_rules::{LineIndex, ParseOptions, ParsedFile, ProjectIndex, Settings, TextRange};
use rayon::prelude::*;

use crate::discover::{discover, Candidate, DiscoverOptions};
use crate::read::{load, Loaded};
use crate::report::{FileProblem, Finding, ProblemLevel, RelatedLocation, Report, SuppressionInfo};

/// Default cap on a file's size: tree-sitter needs ~50 bytes of memory per source byte.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// Everything a `check` run needs.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Worker threads; `None` uses one per core.
    pub jobs: Option<usize>,
    pub max_file_size: u64,
    pub respect_gitignore: bool,
    pub force_exclude: bool,
    pub parse: ParseOptions,
    pub settings: Settings,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            jobs: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            respect_gitignore: true,
            force_exclude: false,
            parse: ParseOptions::default(),
            settings: Settings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start worker threads: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
}

/// A file read and parsed in pass 1.
struct ParsedSource {
    display: String,
    text: Arc<str>,
    parsed: ParsedFile,
}

/// Runs the whole analysis.
pub fn check(options: &CheckOptions) -> Result<Report, RunError> {
    let threads = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(leaklint_rules::WORKER_STACK_SIZE)
        .thread_name(|i| format!("leaklint-{i}"))
        .build()?;
    let discover_options = DiscoverOptions {
        respect_gitignore: options.respect_gitignore,
        force_exclude: options.force_exclude,
        threads,
    };
    let (candidates, mut problems) = discover(&options.paths, &discover_options);
    let report = pool.install(|| {
        let outcomes: Vec<_> = candidates.into_par_iter().map(|c| read_and_parse(c, options)).collect();
        let mut files = Vec::with_capacity(outcomes.len());
        for (file, problem) in outcomes {
            files.extend(file);
            problems.extend(problem);
        }
        let index = ProjectIndex::build(files.iter().map(|f| &f.parsed.facts));
        let per_file: Vec<(Vec<Finding>, Option<(String, Arc<str>)>)> = files
            .par_iter()
            .map(|file| {
                let findings = findings_for(file, &index, &options.settings);
                let source = (!findings.is_empty()).then(|| (file.display.clone(), file.text.clone()));
                (findings, source)
            })
            .collect();
        let mut report = Report { files_analyzed: files.len(), ..Report::default() };
        for (findings, source) in per_file {
            report.findings.extend(findings);
            report.sources.extend(source);
        }
        report
    });
    let mut report = report;
    problems.sort();
    problems.dedup();
    report.problems = problems;
    report.findings.sort_by(|a, b| {
        (&a.path, a.start, a.rule.code, &a.message).cmp(&(&b.path, b.start, b.rule.code, &b.message))
    });
    Ok(report)
}

/// Reads and parses one file: the parsed file when it can be analysed, and the problem to report
/// about it, if any (both, for a file analysed with a caveat).
fn read_and_parse(
    candidate: Candidate,
    options: &CheckOptions,
) -> (Option<ParsedSource>, Option<FileProblem>) {
    let display = crate::display_path(&candidate.path);
    let problem = |level, message| Some(FileProblem { path: display.clone(), level, message });
    let (text, warning) = match load(&candidate.path, options.max_file_size) {
        Loaded::Text { text, warning } => (text, warning),
        Loaded::Skipped(level, message) => return (None, problem(level, message)),
    };
    match leaklint_rules::parse(candidate.language, &text, &options.parse) {
        Ok(parsed) => {
            let warning = warning.or_else(|| {
                parsed
                    .has_syntax_errors()
                    .then(|| "syntax errors; analysed as far as the syntax tree allows".to_string())
            });
            let problem = warning.and_then(|w| problem(ProblemLevel::Warning, w));
            (Some(ParsedSource { display, text, parsed }), problem)
        }
        Err(e) => (None, problem(ProblemLevel::Error, e.to_string())),
    }
}

fn findings_for(file: &ParsedSource, index: &ProjectIndex, settings: &Settings) -> Vec<Finding> {
    let diagnostics = leaklint_rules::check(&file.parsed, &file.text, index, settings);
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(&file.text);
    let text = &*file.text;
    let locate = |range: TextRange| (lines.position(text, range.start), lines.position(text, range.end));
    diagnostics
        .into_iter()
        .filter_map(|d| {
            let rule = leaklint_rules::catalogue::rule(d.code)?;
            let (start, end) = locate(d.range);
            Some(Finding {
                path: file.display.clone(),
                rule,
                severity: rule.default_severity,
                range: d.range,
                start,
                end,
                message: d.message,
                help: d.help,
                related: d
                    .related
                    .into_iter()
                    .map(|r| {
                        let (start, end) = locate(r.range);
                        RelatedLocation { range: r.range, start, end, message: r.message }
                    })
                    .collect(),
                suppression: d
                    .suppressed
                    .map(|s| SuppressionInfo { kind: s.kind, justification: s.justification }),
                baseline: None,
            })
        })
        .collect()
}
