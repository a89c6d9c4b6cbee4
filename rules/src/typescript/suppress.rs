//! Suppressions users already have: `// eslint-disable-next-line <rule>`,
//! `// eslint-disable-line <rule>` and `/* eslint-disable <rule> */` (up to a matching
//! `/* eslint-enable */`) naming the equivalent eslint-react rule (`aliases` of each rule)
//! silence the matching leaklint rule. A bare `eslint-disable` names no rule and silences
//! nothing here.

use crate::syntax::flat::Node;

use super::ids::Ids;
use crate::{Diagnostic, LineIndex, Suppression};

struct Directive {
    /// 0-based lines covered, inclusive.
    first: usize,
    last: usize,
    rules: Vec<String>,
    written: String,
    justification: Option<String>,
}

fn parse(comment: &str) -> Option<(&str, Vec<String>, Option<String>)> {
    let body = comment.trim_start_matches("//").trim_start_matches("/*").trim_end_matches("*/").trim();
    let (directive, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    if !matches!(
        directive,
        "eslint-disable-next-line" | "eslint-disable-line" | "eslint-disable" | "eslint-enable"
    ) {
        return None;
    }
    let (names, reason) = match rest.split_once("--") {
        Some((names, reason)) => (names, Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let rules = names.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
    Some((directive, rules, reason))
}

fn directives(root: Node, source: &str, lines: &LineIndex) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    let last_line = lines.line_count();
    let comment_kind = Ids::of(root).comment;
    // The comments that mention eslint, found from the text: no walk over the whole tree.
    let mut comments: Vec<Node> = Vec::new();
    for (offset, _) in source.match_indices("eslint-") {
        let node = root.node_at(offset);
        if node.kind_id() == comment_kind && comments.last() != Some(&node) {
            comments.push(node);
        }
    }
    for comment in comments {
        let written = comment.text(source);
        let Some((directive, rules, justification)) = parse(written) else { continue };
        let line = lines.line_of(comment.start_byte());
        let end_line = lines.line_of(comment.end_byte());
        let (first, last) = match directive {
            "eslint-disable-next-line" => (end_line + 1, end_line + 1),
            "eslint-disable-line" => (line, line),
            "eslint-disable" => (line, last_line),
            _ => {
                // eslint-enable: close the open ranges for the rules it names.
                for open in out.iter_mut().filter(|d| d.last == last_line && d.first <= line) {
                    if rules.is_empty() || open.rules.iter().any(|r| rules.contains(r)) {
                        open.last = line;
                    }
                }
                continue;
            }
        };
        out.push(Directive { first, last, rules, written: written.trim().to_string(), justification });
    }
    out
}

/// Marks the diagnostics an eslint directive silences.
pub fn apply(root: Node, source: &str, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() || !source.contains("eslint-") {
        return;
    }
    let lines = LineIndex::new(source);
    let directives = directives(root, source, &lines);
    for diagnostic in diagnostics.iter_mut() {
        let Some(rule) = crate::catalogue::rule(diagnostic.code) else { continue };
        let line = lines.line_of(diagnostic.range.start);
        let matching = directives.iter().find(|d| {
            d.first <= line && line <= d.last && d.rules.iter().any(|r| names_equivalent(r, rule.aliases))
        });
        if let Some(directive) = matching {
            diagnostic.suppressed = Some(Suppression {
                kind: directive.written.clone(),
                justification: directive.justification.clone(),
            });
        }
    }
}

/// Does a directive's rule name one of these eslint-react rules? Spelled as the aliases are,
/// or under whatever name the plugin was registered with in a flat config, where the rule reads
/// `web-api-no-leaked-…` (`react/web-api-no-leaked-event-listener`).
fn names_equivalent(written: &str, aliases: &[&str]) -> bool {
    aliases.iter().any(|alias| {
        let rule = alias.rsplit('/').next().unwrap_or(alias);
        written == *alias
            || written
                .rsplit_once('/')
                .is_some_and(|(_, last)| last.strip_prefix("web-api-").is_some_and(|tail| tail == rule))
    })
}

#[cfg(test)]
mod tests {
    use super::{names_equivalent, parse};

    #[test]
    fn flat_config_names_of_the_rules_are_recognised() {
        let aliases =
            ["@eslint-react/web-api/no-leaked-event-listener", "react-web-api/no-leaked-event-listener"];
        for written in [
            "@eslint-react/web-api/no-leaked-event-listener",
            "react-web-api/no-leaked-event-listener",
            "react/web-api-no-leaked-event-listener",
            "@eslint-react/web-api-no-leaked-event-listener",
        ] {
            assert!(names_equivalent(written, &aliases), "{written}");
        }
        for written in [
            "react/no-leaked-event-listener",
            "web-api-no-leaked-event-listener",
            "react/web-api-no-leaked-timeout",
        ] {
            assert!(!names_equivalent(written, &aliases), "{written}");
        }
    }

    #[test]
    fn directives_with_names_and_reasons() {
        let (d, rules, reason) = parse(
            "// eslint-disable-next-line @eslint-react/web-api/no-leaked-interval, foo -- polled forever",
        )
        .unwrap();
        assert_eq!(d, "eslint-disable-next-line");
        assert_eq!(rules, vec!["@eslint-react/web-api/no-leaked-interval", "foo"]);
        assert_eq!(reason.as_deref(), Some("polled forever"));
        assert!(parse("// just a comment").is_none());
        assert_eq!(
            parse("/* eslint-disable react-web-api/no-leaked-timeout */").unwrap().1,
            vec!["react-web-api/no-leaked-timeout"]
        );
    }
}
