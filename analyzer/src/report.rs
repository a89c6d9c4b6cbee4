//! What a run produces: findings located in files, and problems with files that could not be
//! (fully) analysed.

use std::collections::BTreeMap;

use leaklint_rules::{Position, Rule, Severity, TextRange};

/// A rule's finding, resolved to a file position.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Path as shown to users: relative to the run's root when under it, `/`-separated.
    pub path: String,
    pub rule: &'static Rule,
    pub severity: Severity,
    pub range: TextRange,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<RelatedLocation>,
    /// Why the finding is not reported, when a suppression silences it.
    pub suppression: Option<SuppressionInfo>,
    /// Set when a baseline is in use: whether the baseline already had this finding.
    pub baseline: Option<BaselineState>,
}

/// A finding's standing against the baseline (SARIF's `baselineState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineState {
    New,
    Unchanged,
}

impl BaselineState {
    /// The name SARIF's `baselineState` and the JSON report use.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedLocation {
    pub range: TextRange,
    pub start: Position,
    pub end: Position,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionInfo {
    /// The mechanism, in the user's words: `leaklint-disable-next-line`, `#pragma warning disable`.
    pub kind: String,
    pub justification: Option<String>,
}

/// How serious a problem with a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemLevel {
    /// Left out by policy (size cap, minified bundle, binary): nothing is wrong.
    Skipped,
    /// Analysed, with a caveat (invalid UTF-8 replaced, syntax errors recovered).
    Warning,
    /// Not analysed although it should have been: the run fails with exit code 2.
    Error,
}

impl ProblemLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemLevel::Skipped => "skipped",
            ProblemLevel::Warning => "warning",
            ProblemLevel::Error => "error",
        }
    }
}

/// A problem with one file (or one path given on the command line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileProblem {
    pub path: String,
    /// Where in the file, for a problem that has a place (the first syntax error).
    pub position: Option<Position>,
    pub level: ProblemLevel,
    pub message: String,
}

impl FileProblem {
    /// A problem with the file as a whole.
    pub fn new(path: impl Into<String>, level: ProblemLevel, message: impl Into<String>) -> FileProblem {
        FileProblem { path: path.into(), position: None, level, message: message.into() }
    }

    /// The same problem, at a place in the file.
    pub fn at(self, position: Position) -> FileProblem {
        FileProblem { position: Some(position), ..self }
    }
}

/// The outcome of a run, in deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Sorted by path, line, column, code.
    pub findings: Vec<Finding>,
    /// Sorted by path.
    pub problems: Vec<FileProblem>,
    pub files_analyzed: usize,
    /// Text of every file that has findings, for code frames and fingerprints.
    pub sources: BTreeMap<String, String>,
}

impl Report {
    /// Findings that no suppression silences and that are not already in the baseline.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_none() && f.baseline != Some(BaselineState::Unchanged))
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == ProblemLevel::Error)
    }
}
