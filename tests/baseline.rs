//! `--write-baseline` / `--baseline`, through the real binary.

#[path = "integrate_support/mod.rs"]
mod support;

use support::*;

#[test]
fn baselined_findings_survive_edits_and_new_leaks_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, _, _) in LEAKS {
        write(dir.path(), &format!("src/{name}"), text);
    }
    let output = leaklint(dir.path(), &["check", "src", "--write-baseline", "leaklint-baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "writing a baseline succeeds: {}", describe(&output));
    let recorded = std::fs::read_to_string(dir.path().join("leaklint-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 3, "{recorded}");
    assert!(!recorded.contains("\"line\": 9,"), "no line numbers: {recorded}");

    let output = leaklint(dir.path(), &["check", "src", "--baseline", "leaklint-baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), "");

    // Lines inserted above every leak, right above included: still the same findings.
    let cs = LEAKY_CS
        .replace("using System.IO;\n", "using System;\nusing System.IO;\n\n// Sizes reports.\n")
        .replace("            var stream", "            Console.WriteLine(path);\n            var stream");
    write(dir.path(), "src/ReportSizer.cs", &cs);
    write(dir.path(), "src/Ticker.tsx", &format!("// The ticker.\n\n{LEAKY_TSX}"));
    write(dir.path(), "src/refresh.rs", &format!("//! Index maintenance.\n\n{LEAKY_RS}"));
    let output = leaklint(dir.path(), &["check", "src", "--baseline", "leaklint-baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    // A second, identical leak is new.
    let rs =
        format!("{LEAKY_RS}\npub fn refresh_again() {{\n    Command::new(\"x\").spawn().unwrap();\n}}\n");
    write(dir.path(), "src/refresh.rs", &rs);
    let output = leaklint(dir.path(), &["check", "src", "--baseline", "leaklint-baseline.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let shown = stdout(&output);
    assert_eq!(shown.lines().count(), 1, "{}", describe(&output));
    assert!(shown.contains("[LL2001]"), "{}", describe(&output));

    // Without the baseline, everything is reported again.
    let output = leaklint(dir.path(), &["check", "src"]);
    assert_eq!(stdout(&output).lines().count(), 4, "{}", describe(&output));
}

#[test]
fn the_baseline_is_independent_of_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/src/ReportSizer.cs", LEAKY_CS);
    let output = leaklint(dir.path(), &["check", "app/src", "--write-baseline", "app/baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let recorded = std::fs::read_to_string(dir.path().join("app/baseline.json")).unwrap();
    assert!(recorded.contains("\"path\": \"src/ReportSizer.cs\""), "{recorded}");
    let output = leaklint(&dir.path().join("app"), &["check", "src", "--baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn a_clean_tree_writes_an_empty_baseline_and_bad_baselines_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/ReportSizer.cs", CLEAN_CS);
    let output = leaklint(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    assert_eq!(written["findings"], serde_json::json!([]));

    let output = leaklint(dir.path(), &["check", "--baseline", "missing.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(stderr(&output).contains("missing.json"), "{}", describe(&output));
    write(dir.path(), "broken.json", "{ not json");
    let output = leaklint(dir.path(), &["check", "--baseline", "broken.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let output =
        leaklint(dir.path(), &["check", "--baseline", "baseline.json", "--write-baseline", "b.json"]);
    assert_eq!(output.status.code(), Some(2), "the two flags conflict: {}", describe(&output));
}
