//! leaklint's suppression comments, one mechanism for every language, through the real binary.

#[path = "integrate_support/mod.rs"]
mod support;

use support::*;

/// Puts `directive` on its own line above the leaking line of each language's leak.
fn suppressed_above(text: &str, line: usize, directive: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let indent: String = lines[line - 1].chars().take_while(|c| c.is_whitespace()).collect();
    lines.insert(line - 1, format!("{indent}{directive}"));
    lines.join("\n") + "\n"
}

#[test]
fn disable_next_line_suppresses_leaks_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, code, line) in LEAKS {
        write(
            dir.path(),
            name,
            &suppressed_above(
                text,
                *line,
                &format!("// leaklint-disable-next-line {code} -- owned elsewhere"),
            ),
        );
    }
    let output = leaklint(dir.path(), &["check", "--report-unused"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    let output = leaklint(dir.path(), &["check", "--format", "json", "--include-suppressed"]);
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3, "{}", describe(&output));
    for finding in findings {
        assert_eq!(finding["suppressed"]["kind"], "leaklint-disable-next-line", "{finding}");
        assert_eq!(finding["suppressed"]["justification"], "owned elsewhere", "{finding}");
    }
}

#[test]
fn disable_line_and_disable_file() {
    let dir = tempfile::tempdir().unwrap();
    let cs = LEAKY_CS.replace(
        "var stream = new FileStream(path, FileMode.Open);",
        "var stream = new FileStream(path, FileMode.Open); // leaklint-disable-line CA2000",
    );
    write(dir.path(), "ReportSizer.cs", &cs);
    write(
        dir.path(),
        "refresh.rs",
        &format!("/* leaklint-disable-file LL2001 -- fire and forget */\n{LEAKY_RS}"),
    );
    write(dir.path(), "Ticker.tsx", LEAKY_TSX);
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let shown = stdout(&output);
    assert_eq!(shown.lines().count(), 1, "{}", describe(&output));
    assert!(shown.starts_with("Ticker.tsx:5:") && shown.contains("[LL1002]"), "{}", describe(&output));
}

#[test]
fn a_suppression_for_another_rule_suppresses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ReportSizer.cs",
        &suppressed_above(LEAKY_CS, 9, "// leaklint-disable-next-line CA2213"),
    );
    let output = leaklint(dir.path(), &["check", "--report-unused"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let shown = stdout(&output);
    assert!(shown.contains("ReportSizer.cs:10:") && shown.contains("[CA2000]"), "{}", describe(&output));
    assert!(shown.contains("ReportSizer.cs:9:") && shown.contains("[LL0001]"), "{}", describe(&output));
}

#[test]
fn unused_suppressions_are_reported_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let directive = "// leaklint-disable-next-line CA2000 -- disposed by the caller";
    write(dir.path(), "ReportSizer.cs", &suppressed_above(CLEAN_CS, 9, directive));
    write(
        dir.path(),
        "Ticker.tsx",
        &CLEAN_TSX.replace("return null;", "return null; // leaklint-disable-line NOPE123"),
    );

    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), "", "{}", describe(&output));

    let output = leaklint(dir.path(), &["check", "--report-unused"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{}", describe(&output));
    assert!(lines[0].starts_with("ReportSizer.cs:9:43: warning[LL0001]"), "{lines:?}");
    assert!(
        lines[1].starts_with("Ticker.tsx:8:")
            && lines[1].contains("`NOPE123`, which is not a leaklint rule code"),
        "{lines:?}"
    );

    let output = leaklint(dir.path(), &["check", "--report-unused", "--ignore", "LL0001"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn explain_documents_the_unused_suppression_rule() {
    let dir = tempfile::tempdir().unwrap();
    let output = leaklint(dir.path(), &["explain", "LL0001"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let text = stdout(&output);
    for section in ["## What it finds", "## Why it matters", "## Example", "## Fix"] {
        assert!(text.contains(section), "{text}");
    }
}
