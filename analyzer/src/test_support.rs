//! Test-only rules and findings, for unit tests of the mechanics that need no real rule
//! (configuration, suppressions, baselines).

use leaklint_rules::{declare_rule, Family, LineIndex, Precision, Rule, Severity, TextRange};

use crate::report::Finding;

/// Declares a rule for tests: they differ only in code, name and family.
macro_rules! test_rule {
    ($doc:literal, $code:ident, $name:literal, $family:ident) => {
        declare_rule! {
            #[doc = $doc]
            pub static $code = {
                name: $name,
                family: Family::$family,
                severity: Severity::Warning,
                precision: Precision::High,
                summary: "test rule",
                aliases: &[],
            }
        }
    };
}

test_rule!("A C# rule for tests.", XT2000, "test-csharp-rule", CSharp);
test_rule!("Another C# rule for tests.", XT2213, "other-test-csharp-rule", CSharp);
test_rule!("A TypeScript rule for tests.", XT1002, "test-typescript-rule", TypeScript);

/// The test rules, as a catalogue.
pub const CATALOGUE: &[&Rule] = &[&XT1002, &XT2000, &XT2213];

/// A finding of `rule` in `path` at byte offsets `start..end` of `text`.
pub fn finding(path: &str, text: &str, start: usize, end: usize, rule: &'static Rule) -> Finding {
    let range = TextRange::new(start, end);
    let lines = LineIndex::new(text);
    Finding {
        path: path.to_string(),
        rule,
        severity: rule.default_severity,
        range,
        start: lines.position(text, range.start),
        end: lines.position(text, range.end),
        message: "leak".into(),
        help: None,
        related: Vec::new(),
        suppression: None,
        baseline: None,
    }
}
