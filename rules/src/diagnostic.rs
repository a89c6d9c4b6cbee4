//! What a rule reports: a finding in one file, located by byte ranges.

use crate::source::TextRange;

/// A finding produced by a rule, before the CLI resolves positions, severities and suppressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's code, e.g. `CA2000` or `LL1002`.
    pub code: &'static str,
    /// Where the resource is acquired (or the declaration a type-level rule concerns).
    pub range: TextRange,
    /// One sentence naming the variable/type and what leaks.
    pub message: String,
    /// The concrete fix for this finding.
    pub help: Option<String>,
    /// Further places that explain the finding: the exit it escapes by, the cleanup that misses it.
    pub related: Vec<Related>,
    /// Set when a language's own suppression mechanism silences this finding.
    pub suppressed: Option<Suppression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// A suppression written in the language's own terms (`#pragma warning disable CA2000`,
/// `#[allow(clippy::zombie_processes)]`, `// eslint-disable-next-line ...`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// How it was suppressed, e.g. `#pragma warning disable CA2000`.
    pub kind: String,
    pub justification: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, range, message: message.into(), help: None, related: Vec::new(), suppressed: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { range, message: message.into() });
        self
    }
}
