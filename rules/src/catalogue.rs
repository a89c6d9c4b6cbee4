//! The rule catalogue: every rule's metadata and documentation, declared once.
//!
//! Rules are declared with [`declare_rule!`] in their own file, next to the code that checks
//! them; this module lists them. `leaklint rules`, `leaklint explain` and SARIF's `rules[]` all
//! read from [`RULES`].

use crate::source::Family;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How often a rule's findings are true positives, as SARIF's `precision` property says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
        }
    }
}

/// A rule's metadata and documentation.
#[derive(Debug, serde::Serialize)]
pub struct Rule {
    /// Stable code: `CA2000`, `LL1002`, ...
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    pub precision: Precision,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Markdown with four sections: what it finds, why it matters, example, fix.
    #[serde(skip)]
    pub docs: &'static str,
    /// Other tools' names for the same check, whose suppressions leaklint honours
    /// (`clippy::zombie_processes`, `@eslint-react/web-api/no-leaked-interval`, ...).
    pub aliases: &'static [&'static str],
}

/// Declares a rule: its doc comment becomes its documentation (`leaklint explain`, SARIF help).
///
/// ```ignore
/// declare_rule! {
///     /// ## What it finds
///     /// ...
///     pub static CA2000 = {
///         name: "dispose-objects-before-losing-scope",
///         family: Family::CSharp,
///         severity: Severity::Warning,
///         precision: Precision::High,
///         summary: "...",
///         aliases: &[],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        pub static $code:ident = {
            name: $name:expr,
            family: $family:expr,
            severity: $severity:expr,
            precision: $precision:expr,
            summary: $summary:expr,
            aliases: $aliases:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $code: $crate::catalogue::Rule = $crate::catalogue::Rule {
            code: stringify!($code),
            name: $name,
            family: $family,
            default_severity: $severity,
            precision: $precision,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
            aliases: $aliases,
        };
    };
}

/// Every rule, ordered by code.
pub static RULES: &[&Rule] = &[
    // csharp
    &crate::csharp::CA1001,
    &crate::csharp::CA2000,
    &crate::csharp::CA2213,
    // meta
    &crate::meta::LL0001,
    // typescript
    &crate::typescript::ll1001_timeout::LL1001,
    &crate::typescript::ll1002_interval::LL1002,
    &crate::typescript::ll1003_listener::LL1003,
    &crate::typescript::ll1004_observer::LL1004,
    &crate::typescript::ll1005_blob_url::LL1005,
    &crate::typescript::ll1006_audio_context::LL1006,
    &crate::typescript::ll1007_connection::LL1007,
    &crate::typescript::ll1008_animation_frame::LL1008,
    &crate::typescript::ll1009_fetch::LL1009,
    &crate::typescript::ll1010_media_stream::LL1010,
    // rust
    &crate::rust::ll2001_zombie_process::LL2001,
    &crate::rust::ll2002_child_owner_without_drop::LL2002,
    &crate::rust::ll2003_forgotten_resource::LL2003,
];

/// The rule with this code (case-insensitive), if any.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The documentation with the one-space indent of doc comments removed.
pub fn docs_text(rule: &Rule) -> String {
    rule.docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}
