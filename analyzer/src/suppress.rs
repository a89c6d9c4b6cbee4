//! leaklint's own suppression comments, one mechanism for every language:
//!
//! ```text
//! // leaklint-disable-next-line CA2000, CA2213 -- the pool disposes it
//! foo(); // leaklint-disable-line LL1002 -- reason
//! /* leaklint-disable-file LL2001 */
//! ```
//!
//! The scan is textual: a directive counts where it follows a comment opener (`//`, `/*`, `#`,
//! or a `*` continuing a block comment) on its line. Codes come before ` -- `, the reason after;
//! no codes means every rule. `next-line` governs the next line that is not blank and not a
//! comment, so directives can be stacked and explained.

use leaklint_rules::{LineIndex, Position, TextRange};

use crate::report::{Finding, SuppressionInfo};

const MARKER: &str = "leaklint-disable";

/// Which lines a directive governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    NextLine,
    Line,
    File,
}

impl Scope {
    /// The directive as written, which is also the suppression's kind in reports.
    pub fn keyword(self) -> &'static str {
        match self {
            Scope::NextLine => "leaklint-disable-next-line",
            Scope::Line => "leaklint-disable-line",
            Scope::File => "leaklint-disable-file",
        }
    }
}

/// A rule code written in a directive, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    pub code: String,
    pub range: TextRange,
}

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub scope: Scope,
    /// Empty: every rule.
    pub codes: Vec<CodeRef>,
    pub reason: Option<String>,
    /// From the marker to the end of the comment.
    pub range: TextRange,
    /// 1-based line of the comment.
    pub line: usize,
    /// 1-based line whose findings it suppresses (`None` for a file-wide directive, or a
    /// `next-line` directive with no code after it).
    pub target: Option<usize>,
}

impl Directive {
    fn governs(&self, finding: &Finding) -> bool {
        let lines = finding.start.line..=finding.end.line.max(finding.start.line);
        match self.scope {
            Scope::File => true,
            Scope::Line | Scope::NextLine => self.target.is_some_and(|t| lines.contains(&t)),
        }
    }

    fn names(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.code.eq_ignore_ascii_case(code))
    }
}

/// Every directive in `text`, in order.
pub fn scan(text: &str) -> Vec<Directive> {
    // Most files have no directive: a vectorised search says so.
    if memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let mut directives = Vec::new();
    for (at, _) in text.match_indices(MARKER) {
        let line = lines.line_of(at);
        let line_start = lines.line_start(line).unwrap_or(0);
        if !follows_comment_opener(&text[line_start..at]) {
            continue;
        }
        let line_text = lines.line_text(text, line);
        let rest = line_text.get(at - line_start + MARKER.len()..).unwrap_or("");
        let (scope, after) = if let Some(after) = rest.strip_prefix("-next-line") {
            (Scope::NextLine, after)
        } else if let Some(after) = rest.strip_prefix("-line") {
            (Scope::Line, after)
        } else if let Some(after) = rest.strip_prefix("-file") {
            (Scope::File, after)
        } else {
            continue;
        };
        if !(after.is_empty() || after.starts_with(char::is_whitespace) || after.starts_with("*/")) {
            continue;
        }
        let body = after.split("*/").next().unwrap_or("");
        let body_start = at + (rest.len() - after.len()) + MARKER.len();
        let (codes_text, reason) = match body.split_once("--") {
            Some((codes, reason)) => {
                (codes, Some(reason.trim()).filter(|r| !r.is_empty()).map(str::to_string))
            }
            None => (body, None),
        };
        let codes = codes_in(codes_text, body_start);
        let target = match scope {
            Scope::File => None,
            Scope::Line => Some(line + 1),
            Scope::NextLine => next_code_line(text, &lines, line + 1).map(|l| l + 1),
        };
        directives.push(Directive {
            scope,
            codes,
            reason,
            range: TextRange::new(at, body_start + body.trim_end().len()),
            line: line + 1,
            target,
        });
    }
    directives
}

/// Whether the text before a marker on its line ends in a comment opener.
fn follows_comment_opener(before: &str) -> bool {
    let before = before.trim_end();
    ["//", "/*", "/**", "//!", "/*!", "#"].iter().any(|opener| before.ends_with(opener))
        || before.trim() == "*"
}

fn codes_in(text: &str, offset: usize) -> Vec<CodeRef> {
    let mut codes = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let separator = c == ',' || c.is_whitespace();
        match (separator, start) {
            (true, Some(s)) => {
                codes.push(CodeRef {
                    code: text[s..i].to_string(),
                    range: TextRange::new(offset + s, offset + i),
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    codes
}

/// 0-based index of the first line from `from` that holds code (not blank, not a comment).
fn next_code_line(text: &str, lines: &LineIndex, from: usize) -> Option<usize> {
    (from..lines.line_count()).find(|&l| {
        let t = lines.line_text(text, l).trim_start();
        !(t.is_empty() || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*'))
    })
}

/// A directive, or one code in it, that suppressed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused {
    pub range: TextRange,
    pub message: String,
    pub help: String,
}

/// Marks the findings of one file that its directives suppress (keeping a suppression a
/// language mechanism already set), and returns what suppressed nothing. A code is only called
/// unused when its rule ran on this file (`ran`); unknown codes (`known`) always are.
pub fn apply(
    directives: &[Directive],
    findings: &mut [Finding],
    known: impl Fn(&str) -> bool,
    ran: impl Fn(&str) -> bool,
) -> Vec<Unused> {
    let mut used: Vec<Vec<bool>> = directives.iter().map(|d| vec![false; d.codes.len().max(1)]).collect();
    for finding in findings.iter_mut() {
        for (directive, used) in directives.iter().zip(used.iter_mut()) {
            if !directive.governs(finding) {
                continue;
            }
            let slot = if directive.codes.is_empty() { Some(0) } else { directive.names(finding.rule.code) };
            let Some(slot) = slot else { continue };
            used[slot] = true;
            if finding.suppression.is_none() {
                finding.suppression = Some(SuppressionInfo {
                    kind: directive.scope.keyword().to_string(),
                    justification: directive.reason.clone(),
                });
            }
        }
    }
    let mut unused = Vec::new();
    for (directive, used) in directives.iter().zip(&used) {
        let keyword = directive.scope.keyword();
        let place = match (directive.scope, directive.target) {
            (Scope::File, _) => "in this file".to_string(),
            (_, Some(line)) => format!("on line {line}"),
            (_, None) => "after it".to_string(),
        };
        if directive.codes.is_empty() {
            if !used[0] {
                unused.push(Unused {
                    range: directive.range,
                    message: format!("`{keyword}` suppresses nothing: no finding {place}"),
                    help: "remove the comment".into(),
                });
            }
            continue;
        }
        for (code, &used) in directive.codes.iter().zip(used) {
            let message = if used {
                continue;
            } else if !known(&code.code) {
                format!("`{keyword}` names `{}`, which is not a leaklint rule code", code.code)
            } else if ran(&code.code) {
                format!("`{keyword}` suppresses nothing: no {} finding {place}", code.code)
            } else {
                continue;
            };
            let help = if directive.codes.len() == 1 {
                "remove the comment".to_string()
            } else {
                format!("remove `{}` from the comment", code.code)
            };
            unused.push(Unused { range: code.range, message, help });
        }
    }
    unused
}

/// The finding that reports an unused suppression (rule LL0001).
pub fn unused_finding(path: &str, text: &str, lines: &LineIndex, unused: Unused) -> Finding {
    let position = |offset| -> Position { lines.position(text, offset) };
    let rule = &leaklint_rules::meta::LL0001;
    Finding {
        path: path.to_string(),
        rule,
        severity: rule.default_severity,
        range: unused.range,
        start: position(unused.range.start),
        end: position(unused.range.end),
        message: unused.message,
        help: Some(unused.help),
        related: Vec::new(),
        suppression: None,
        baseline: None,
    }
}

#[cfg(test)]
mod tests;
