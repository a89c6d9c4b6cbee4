//! What becomes of a file's diagnostics: the severity the config and `.editorconfig` give them,
//! the per-path ignores, the suppression comments (and, on request, the comments that
//! suppressed nothing).

use std::path::Path;

use leaklint_rules::{Diagnostic, Family, Language, LineIndex, Rule, Settings, TextRange};

use crate::config::Config;
use crate::editorconfig::{EditorConfigs, Verdict};
use crate::report::{Finding, RelatedLocation, SuppressionInfo};
use crate::suppress;

/// The file-level policy of one run.
pub struct Policy<'a> {
    /// The rules diagnostics are resolved against (`leaklint_rules::RULES`).
    pub catalogue: &'a [&'static Rule],
    pub config: &'a Config,
    pub settings: &'a Settings,
    /// `.editorconfig` files, when they are honoured.
    pub editorconfigs: Option<&'a EditorConfigs>,
    /// Report suppression comments that suppress nothing (rule LL0001).
    pub report_unused: bool,
}

/// A file whose diagnostics are turned into findings.
pub struct SourceFile<'a> {
    /// Where it is on disk (for globs and `.editorconfig`).
    pub path: &'a Path,
    /// As shown in reports.
    pub display: &'a str,
    pub language: Language,
    pub text: &'a str,
}

impl Policy<'_> {
    /// The findings of one file, in the order of its diagnostics, unused suppressions last.
    pub fn findings(&self, file: &SourceFile, diagnostics: Vec<Diagnostic>) -> Vec<Finding> {
        if diagnostics.is_empty() && !self.report_unused {
            return Vec::new();
        }
        let directives = suppress::scan(file.text);
        let lines = LineIndex::new(file.text);
        let mut findings: Vec<Finding> = diagnostics
            .into_iter()
            .filter(|d| !self.config.path_ignores.ignores(file.path, d.code))
            .filter_map(|d| self.finding(file, &lines, d))
            .collect();
        let ran = |code: &str| {
            self.rule(code).is_some_and(|r| {
                self.settings.is_enabled(r.code) && !self.config.path_ignores.ignores(file.path, r.code)
            })
        };
        let unused = suppress::apply(&directives, &mut findings, |code| self.rule(code).is_some(), ran);
        if self.report_unused
            && !self.config.path_ignores.ignores(file.path, leaklint_rules::meta::LL0001.code)
        {
            findings.extend(
                unused.into_iter().map(|u| suppress::unused_finding(file.display, file.text, &lines, u)),
            );
        }
        findings
    }

    fn rule(&self, code: &str) -> Option<&'static Rule> {
        self.catalogue.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code))
    }

    fn finding(&self, file: &SourceFile, lines: &LineIndex, d: Diagnostic) -> Option<Finding> {
        let rule = self.rule(d.code)?;
        let locate =
            |range: TextRange| (lines.position(file.text, range.start), lines.position(file.text, range.end));
        let (start, end) = locate(d.range);
        let mut severity = self.config.severities.get(rule.code).copied().unwrap_or(rule.default_severity);
        let mut suppression =
            d.suppressed.map(|s| SuppressionInfo { kind: s.kind, justification: s.justification });
        let editorconfig = self.editorconfigs.filter(|_| file.language.family() == Family::CSharp);
        match editorconfig.and_then(|e| e.verdict(file.path, rule.code)) {
            Some(Verdict::Severity(s)) => severity = s,
            Some(Verdict::Suppressed(setting)) => {
                suppression = suppression
                    .or(Some(SuppressionInfo { kind: ".editorconfig".into(), justification: Some(setting) }))
            }
            None => {}
        }
        Some(Finding {
            path: file.display.to_string(),
            rule,
            severity,
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
            suppression,
            baseline: None,
        })
    }
}

#[cfg(test)]
mod tests;
