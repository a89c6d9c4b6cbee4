//! Rules about leaklint's own suppression comments, for every language. The CLI checks them
//! (it reads the comments); they are declared here so that they are documented like any rule.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::source::Family;

declare_rule! {
    /// ## What it finds
    ///
    /// A `leaklint-disable-next-line`, `leaklint-disable-line` or `leaklint-disable-file`
    /// comment that suppresses nothing: the rule it names reports nothing where the comment
    /// applies, or the code is not a leaklint rule at all. Reported only with
    /// `leaklint check --report-unused`.
    ///
    /// ## Why it matters
    ///
    /// A suppression outlives the leak it was written for. Left in place, it silently hides the
    /// next leak written on that line, and a misspelt code suppresses nothing while looking as if
    /// it did.
    ///
    /// ## Example
    ///
    /// ```csharp
    /// // leaklint-disable-next-line CA2000 -- the caller disposes the reader
    /// using var reader = new StreamReader(path);
    /// ```
    ///
    /// ## Fix
    ///
    /// Remove the comment (or the codes in it that no longer apply):
    ///
    /// ```csharp
    /// using var reader = new StreamReader(path);
    /// ```
    pub static LL0001 = {
        name: "unused-suppression",
        family: Family::Meta,
        severity: Severity::Warning,
        precision: Precision::VeryHigh,
        summary: "A leaklint-disable comment that suppresses no finding",
        aliases: &[],
    }
}
