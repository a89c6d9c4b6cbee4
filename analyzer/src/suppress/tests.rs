use leaklint_rules::LineIndex;

use super::*;
use crate::report::Finding;
use crate::test_support::{finding, XT2000, XT2213};

/// A finding of `rule` on the first occurrence of `needle` in `text`.
fn finding_at(text: &str, needle: &str, rule: &'static leaklint_rules::Rule) -> Finding {
    let start = text.find(needle).expect("needle in text");
    finding("src/App.cs", text, start, start + needle.len(), rule)
}

fn known(code: &str) -> bool {
    ["XT2000", "XT2213"].iter().any(|c| c.eq_ignore_ascii_case(code))
}

#[test]
fn scans_the_three_directives_in_every_comment_style() {
    let text = "\
// leaklint-disable-next-line XT2000, XT2213 -- the pool owns it
var a = new A();
var b = new B(); // leaklint-disable-line xt2000
/* leaklint-disable-file XT2213 */
# leaklint-disable-line
 * leaklint-disable-next-line XT2000 -- in a doc comment
";
    let directives = scan(text);
    assert_eq!(directives.len(), 5);
    let first = &directives[0];
    assert_eq!((first.scope, first.line, first.target), (Scope::NextLine, 1, Some(2)));
    assert_eq!(first.codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["XT2000", "XT2213"]);
    assert_eq!(&text[first.codes[1].range.start..first.codes[1].range.end], "XT2213");
    assert_eq!(first.reason.as_deref(), Some("the pool owns it"));
    assert_eq!((directives[1].scope, directives[1].target), (Scope::Line, Some(3)));
    assert_eq!(directives[1].reason, None);
    assert_eq!(directives[2].scope, Scope::File);
    assert_eq!(directives[2].codes[0].code, "XT2213", "the block comment's end is not a code");
    assert!(directives[3].codes.is_empty());
    assert_eq!(directives[4].target, None, "nothing follows the last directive");
}

#[test]
fn ignores_markers_outside_comments_and_unknown_directives() {
    let text = "\
var s = \"leaklint-disable-line XT2000\";
// leaklint-disable XT2000
// leaklint-disable-lines XT2000
// see leaklint-disable-line for details
";
    assert_eq!(scan(text), Vec::new());
}

#[test]
fn next_line_skips_blank_and_comment_lines() {
    let text = "\
// leaklint-disable-next-line XT2000 -- handed to the cache
// (which disposes it on eviction)

var s = new Stream();
";
    let directives = scan(text);
    assert_eq!(directives[0].target, Some(4));
}

#[test]
fn suppresses_the_findings_it_governs_only() {
    let text = "\
// leaklint-disable-next-line XT2000 -- owned by the pool
var a = new A();
var b = new B();
var c = new C(); // leaklint-disable-line XT2213
";
    let mut findings = vec![
        finding_at(text, "new A()", &XT2000),
        finding_at(text, "new B()", &XT2000),
        finding_at(text, "new C()", &XT2000),
    ];
    let unused = apply(&scan(text), &mut findings, known, |_| true);
    let suppression = findings[0].suppression.as_ref().expect("suppressed");
    assert_eq!(suppression.kind, "leaklint-disable-next-line");
    assert_eq!(suppression.justification.as_deref(), Some("owned by the pool"));
    assert!(findings[1].suppression.is_none(), "the directive governs one line");
    assert!(findings[2].suppression.is_none(), "a different code");
    assert_eq!(unused.len(), 1);
    assert_eq!(&text[unused[0].range.start..unused[0].range.end], "XT2213");
    assert!(unused[0].message.contains("no XT2213 finding on line 4"), "{}", unused[0].message);
}

#[test]
fn file_directive_and_blanket_directive() {
    let text = "\
/* leaklint-disable-file XT2213 */
var a = new A(); // leaklint-disable-line -- generated code
var b = new B();
";
    let mut findings = vec![finding_at(text, "new A()", &XT2000), finding_at(text, "new B()", &XT2213)];
    let unused = apply(&scan(text), &mut findings, known, |_| true);
    assert_eq!(findings[0].suppression.as_ref().map(|s| s.kind.as_str()), Some("leaklint-disable-line"));
    assert_eq!(findings[1].suppression.as_ref().map(|s| s.kind.as_str()), Some("leaklint-disable-file"));
    assert!(unused.is_empty(), "{unused:?}");
}

#[test]
fn a_multi_line_finding_is_governed_by_a_comment_on_any_of_its_lines() {
    let text = "\
var s = new FileStream(
    path, FileMode.Open); // leaklint-disable-line XT2000
";
    let mut findings = vec![finding_at(text, "new FileStream(\n    path, FileMode.Open)", &XT2000)];
    apply(&scan(text), &mut findings, known, |_| true);
    assert!(findings[0].suppression.is_some());
}

#[test]
fn existing_suppressions_are_kept_and_still_use_the_directive() {
    let text = "var a = new A(); // leaklint-disable-line XT2000\n";
    let mut findings = vec![finding_at(text, "new A()", &XT2000)];
    findings[0].suppression =
        Some(SuppressionInfo { kind: "#pragma warning disable".into(), justification: None });
    let unused = apply(&scan(text), &mut findings, known, |_| true);
    assert_eq!(findings[0].suppression.as_ref().map(|s| s.kind.as_str()), Some("#pragma warning disable"));
    assert!(unused.is_empty());
}

#[test]
fn unused_codes_unknown_codes_and_rules_that_did_not_run() {
    let text = "\
// leaklint-disable-next-line XT2000, XT9999, XT2213
var a = new A();
var b = new B(); // leaklint-disable-line
";
    let mut findings = vec![finding_at(text, "new A()", &XT2000)];
    let unused = apply(&scan(text), &mut findings, known, |code| code != "XT2213");
    let messages: Vec<&str> = unused.iter().map(|u| u.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("`XT9999`, which is not a leaklint rule code"));
    assert_eq!(unused[0].help, "remove `XT9999` from the comment");
    assert!(messages[1].contains("`leaklint-disable-line` suppresses nothing: no finding on line 3"));
    assert_eq!(unused[1].help, "remove the comment");
}

#[test]
fn unused_finding_is_located_on_the_code() {
    let text = "x();\n// leaklint-disable-next-line XT2000\ny();\n";
    let lines = LineIndex::new(text);
    let mut findings = Vec::new();
    let unused = apply(&scan(text), &mut findings, known, |_| true).remove(0);
    let finding = unused_finding("src/a.ts", text, &lines, unused);
    assert_eq!(finding.rule.code, "LL0001");
    assert_eq!((finding.start.line, finding.start.column), (2, 31));
    assert_eq!(finding.end.column, 37);
}
