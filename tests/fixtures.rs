//! The fixtures harness: every file under `fixtures/<language>/<CODE>/` carries its expectations
//! inline (`// expect: CODE[, CODE]` or `# expect: ...` on the line a finding must start on), and
//! must yield exactly those findings: nothing missing, nothing extra.
//!
//! A file directly in a rule's folder is analysed on its own; a sub-folder is one project (for
//! findings that need the project index across files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leaklint::{check, CheckOptions};

const FIXTURES: &str = "fixtures";

/// (path, 1-based line, code) -> how many times.
type Expectations = BTreeMap<(String, usize, String), usize>;

fn expectations_in(path: &Path, text: &str) -> Expectations {
    let mut expected = Expectations::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("expect:") else { continue };
        let before = line[..at].trim_end();
        if !(before.ends_with("//") || before.ends_with('#') || before.ends_with("/*")) {
            continue;
        }
        let codes = line[at + "expect:".len()..].trim().trim_end_matches("*/");
        for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let code = code.split_whitespace().next().unwrap_or(code);
            *expected.entry((leaklint::display_path(path), i + 1, code.to_string())).or_default() += 1;
        }
    }
    expected
}

/// Every project to run: single files and sub-folders of each rule folder.
fn projects() -> Vec<PathBuf> {
    let mut projects = Vec::new();
    let mut languages: Vec<_> = std::fs::read_dir(FIXTURES).expect("fixtures/ exists").flatten().collect();
    languages.sort_by_key(|e| e.path());
    for language in languages.iter().filter(|e| e.path().is_dir()) {
        let mut codes: Vec<_> = std::fs::read_dir(language.path()).unwrap().flatten().collect();
        codes.sort_by_key(|e| e.path());
        for code in codes.iter().filter(|e| e.path().is_dir()) {
            let mut entries: Vec<_> =
                std::fs::read_dir(code.path()).unwrap().flatten().map(|e| e.path()).collect();
            entries.sort();
            projects.extend(entries);
        }
    }
    projects
}

fn files_below(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = walk(path);
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_fixture_yields_exactly_its_expectations() {
    let mut failures = Vec::new();
    let projects = projects();
    assert!(!projects.is_empty(), "no fixtures found");
    for project in &projects {
        let mut expected = Expectations::new();
        for file in files_below(project) {
            let text = std::fs::read_to_string(&file).unwrap();
            expected.append(&mut expectations_in(&file, &text));
        }
        // Unused suppressions (LL0001) are reported on request only: the meta fixtures request it.
        let report_unused = project.starts_with(Path::new(FIXTURES).join("meta"));
        let options = CheckOptions {
            paths: vec![project.clone()],
            jobs: Some(1),
            report_unused,
            ..CheckOptions::default()
        };
        let report = check(&options).expect("run");
        for problem in report.problems.iter().filter(|p| p.level == leaklint::ProblemLevel::Error) {
            failures.push(format!("{}: error: {}", problem.path, problem.message));
        }
        let mut actual = Expectations::new();
        for f in report.active() {
            *actual.entry((f.path.clone(), f.start.line, f.rule.code.to_string())).or_default() += 1;
        }
        for (key, &count) in &expected {
            let got = actual.get(key).copied().unwrap_or(0);
            if got < count {
                failures
                    .push(format!("{}:{}: missing {} (expected {count}, got {got})", key.0, key.1, key.2));
            }
        }
        for f in report.active() {
            let key = (f.path.clone(), f.start.line, f.rule.code.to_string());
            if actual[&key] > expected.get(&key).copied().unwrap_or(0) {
                failures
                    .push(format!("{}:{}: unexpected {}: {}", f.path, f.start.line, f.rule.code, f.message));
            }
        }
    }
    failures.dedup();
    assert!(failures.is_empty(), "{} fixture mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_flagged_and_clean_fixtures() {
    let mut missing = Vec::new();
    for rule in leaklint_rules::RULES {
        let dir = Path::new(FIXTURES).join(rule.family.name()).join(rule.code);
        let files = if dir.is_dir() { files_below(&dir) } else { Vec::new() };
        let expectations: Vec<(&PathBuf, Expectations)> = files
            .iter()
            .map(|f| (f, expectations_in(f, &std::fs::read_to_string(f).unwrap_or_default())))
            .collect();
        let flagged = expectations.iter().any(|(_, e)| e.keys().any(|(_, _, code)| code == rule.code));
        let clean = expectations.iter().any(|(f, e)| e.is_empty() && f.parent() == Some(dir.as_path()));
        if !flagged {
            missing.push(format!("{}: no flagged fixture in {}", rule.code, dir.display()));
        }
        if !clean {
            missing.push(format!(
                "{}: no clean fixture (a file without `expect:`) in {}",
                rule.code,
                dir.display()
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
