use super::*;
use crate::report::SuppressionInfo;
use crate::test_support::{finding, XT2000};

/// A report of `path` (absolute) with `text` and a finding on every line containing `new Leak`.
fn report_of(path: &Path, text: &str) -> Report {
    let shown = path.to_string_lossy().into_owned();
    let findings = text
        .match_indices("new Leak")
        .map(|(at, needle)| finding(&shown, text, at, at + needle.len(), &XT2000))
        .collect();
    let mut report = Report { findings, files_analyzed: 1, ..Report::default() };
    report.sources.insert(shown, text.to_string());
    report
}

fn states(report: &Report) -> Vec<Option<BaselineState>> {
    report.findings.iter().map(|f| f.baseline).collect()
}

const ORIGINAL: &str = "\
class Jobs {
    void Run() {
        var a = new Leak(1);
        Work(a);
    }

    void Again() {
        var a = new Leak(1);
        Work(a);
    }
}
";

/// Baselines ORIGINAL, then applies the baseline to `edited`.
fn against_baseline(edited: &str) -> Vec<Option<BaselineState>> {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("src/Jobs.cs");
    let file = dir.path().join("leaklint-baseline.json");
    assert_eq!(write(&file, &report_of(&source, ORIGINAL)).unwrap(), 2);
    let baseline = Baseline::load(&file).unwrap();
    let mut report = report_of(&source, edited);
    baseline.apply(&mut report);
    states(&report)
}

use BaselineState::{New, Unchanged};

#[test]
fn unchanged_code_is_all_baselined() {
    assert_eq!(against_baseline(ORIGINAL), [Some(Unchanged), Some(Unchanged)]);
}

#[test]
fn lines_inserted_above_keep_findings_baselined() {
    let edited =
        ORIGINAL.replace("class Jobs {\n", "using System;\n\n// jobs\nclass Jobs {\n    int count;\n");
    assert_eq!(against_baseline(&edited), [Some(Unchanged), Some(Unchanged)]);
    let edited = ORIGINAL.replace("    void Again() {\n", "    void Again() {\n        Log(\"again\");\n");
    assert_eq!(
        against_baseline(&edited),
        [Some(Unchanged), Some(Unchanged)],
        "an edited neighbour still matches"
    );
    let edited = ORIGINAL.replace("        var a = new Leak(1);", "\n\n        var  a =  new Leak(1);");
    assert_eq!(against_baseline(&edited), [Some(Unchanged), Some(Unchanged)], "blank lines and spacing");
}

#[test]
fn a_new_leak_is_new_even_when_identical_to_a_baselined_one() {
    let edited = ORIGINAL.replace(
        "}\n}\n",
        "}\n\n    void Third() {\n        var a = new Leak(1);\n        Work(a);\n    }\n}\n",
    );
    assert_eq!(against_baseline(&edited), [Some(Unchanged), Some(Unchanged), Some(New)]);
}

#[test]
fn an_edited_flagged_line_is_new() {
    let edited = ORIGINAL.replacen("new Leak(1)", "new Leak(2)", 1);
    assert_eq!(against_baseline(&edited), [Some(New), Some(Unchanged)]);
}

#[test]
fn suppressed_findings_are_neither_recorded_nor_marked() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("a.cs");
    let mut report = report_of(&source, ORIGINAL);
    report.findings[0].suppression =
        Some(SuppressionInfo { kind: "leaklint-disable-line".into(), justification: None });
    let file = dir.path().join("baseline.json");
    assert_eq!(write(&file, &report).unwrap(), 1);
    Baseline::load(&file).unwrap().apply(&mut report);
    assert_eq!(states(&report), [None, Some(Unchanged)]);
}

#[test]
fn paths_are_stored_relative_to_the_baseline_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ci/baseline.json");
    std::fs::create_dir_all(dir.path().join("ci")).unwrap();
    write(&file, &report_of(&dir.path().join("src/Jobs.cs"), ORIGINAL)).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"path\": \"../src/Jobs.cs\""), "{text}");
    assert!(!text.contains(&*dir.path().to_string_lossy()), "no absolute paths: {text}");
}

#[test]
fn unreadable_or_foreign_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.json");
    assert!(matches!(Baseline::load(&file), Err(BaselineError::Read { .. })));
    std::fs::write(&file, "{\"version\": 1}").unwrap();
    assert!(matches!(Baseline::load(&file), Err(BaselineError::Invalid { .. })));
    std::fs::write(&file, "{\"version\": 99, \"findings\": []}").unwrap();
    let error = Baseline::load(&file).unwrap_err().to_string();
    assert!(error.contains("version 99"), "{error}");
}
