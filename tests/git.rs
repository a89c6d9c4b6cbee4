//! `--staged` and `--changed-since`, in real temporary git repositories, and the facts cache.
//!
//! Which files a run checked shows without any rule: a file with syntax errors is reported as a
//! `problem` when, and only when, it is checked.

#[path = "integrate_support/mod.rs"]
mod support;

use std::path::Path;

use support::*;

const BROKEN_CS: &str = "namespace Acme { class Broken { void Run( { } }\n";

/// Paths of the files the JSON report has problems with.
fn problem_paths(report: &serde_json::Value) -> Vec<String> {
    report["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap().to_string()).collect()
}

fn repo_with_history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_repo(dir.path());
    write(dir.path(), "src/Old.cs", BROKEN_CS);
    write(dir.path(), "src/Stable.cs", CLEAN_CS);
    write(dir.path(), "web/Ticker.tsx", CLEAN_TSX);
    commit_all(dir.path(), "initial");
    dir
}

fn checked(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = leaklint(dir, &all);
    assert_ne!(output.status.code(), Some(2), "{}", describe(&output));
    (json(&output), describe(&output))
}

#[test]
fn changed_since_checks_changed_and_untracked_files_only() {
    let dir = repo_with_history();
    write(dir.path(), "src/Stable.cs", &format!("{CLEAN_CS}\n{BROKEN_CS}"));
    write(dir.path(), "src/New.cs", BROKEN_CS);
    write(dir.path(), "notes.md", "not code");
    let (report, shown) = checked(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(report["files_analyzed"], 2, "{shown}");
    assert_eq!(problem_paths(&report), ["src/New.cs", "src/Stable.cs"], "src/Old.cs is unchanged: {shown}");

    let (report, shown) = checked(dir.path(), &["--changed-since", "HEAD", "web"]);
    assert_eq!(report["files_analyzed"], 0, "the paths narrow the change: {shown}");

    let (report, shown) = checked(dir.path(), &[]);
    assert_eq!(report["files_analyzed"], 4, "{shown}");
}

#[test]
fn changed_since_a_branch_point_ignores_what_changed_on_the_other_branch() {
    let dir = repo_with_history();
    git(dir.path(), &["checkout", "--quiet", "-b", "feature"]);
    write(dir.path(), "src/Feature.cs", BROKEN_CS);
    commit_all(dir.path(), "feature work");
    git(dir.path(), &["checkout", "--quiet", "main"]);
    write(dir.path(), "src/Mainline.cs", BROKEN_CS);
    commit_all(dir.path(), "main moves on");
    git(dir.path(), &["checkout", "--quiet", "feature"]);
    let (report, shown) = checked(dir.path(), &["--changed-since", "main"]);
    assert_eq!(problem_paths(&report), ["src/Feature.cs"], "{shown}");
}

#[test]
fn staged_checks_the_index_content_not_the_working_tree() {
    let dir = repo_with_history();
    // Staged broken, fixed in the working tree only: the staged content is what is checked.
    write(dir.path(), "src/Stable.cs", BROKEN_CS);
    git(dir.path(), &["add", "src/Stable.cs"]);
    write(dir.path(), "src/Stable.cs", CLEAN_CS);
    // Broken in the working tree but not staged: not checked.
    write(dir.path(), "web/Ticker.tsx", "export function (( {\n");
    let (report, shown) = checked(dir.path(), &["--staged"]);
    assert_eq!(report["files_analyzed"], 1, "{shown}");
    assert_eq!(problem_paths(&report), ["src/Stable.cs"], "{shown}");

    // And the other way round: staged clean (and changed), broken in the working tree.
    write(dir.path(), "src/Stable.cs", &format!("{CLEAN_CS}// Measures reports.\n"));
    git(dir.path(), &["add", "src/Stable.cs"]);
    write(dir.path(), "src/Stable.cs", BROKEN_CS);
    let (report, shown) = checked(dir.path(), &["--staged"]);
    assert_eq!(report["files_analyzed"], 1, "{shown}");
    assert_eq!(problem_paths(&report), Vec::<String>::new(), "{shown}");

    // The facts cache describes files as they are on disk: the staged one is left out of it.
    let cache = dir.path().join(".leaklint-cache/facts.json");
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    let entries: Vec<&String> = written["entries"].as_object().unwrap().keys().collect();
    assert_eq!(entries.len(), 2, "{written}");
    assert!(!entries.iter().any(|k| k.ends_with("Stable.cs")), "{written}");
}

#[test]
fn staged_leaks_are_reported_from_the_index() {
    let dir = repo_with_history();
    for (name, text, _, _) in LEAKS {
        write(dir.path(), name, text);
    }
    git(dir.path(), &["add", "--all"]);
    let clean = [CLEAN_CS, CLEAN_TSX, CLEAN_RS];
    for ((name, ..), clean) in LEAKS.iter().zip(clean) {
        write(dir.path(), name, clean);
    }
    let output = leaklint(dir.path(), &["check", "--staged"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    for (name, _, code, line) in LEAKS {
        assert!(stdout(&output).contains(&format!("{name}:{line}:")), "{name} {code}: {}", describe(&output));
    }
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "the working tree is clean: {}", describe(&output));
}

#[test]
fn git_errors_exit_2() {
    let dir = repo_with_history();
    let output = leaklint(dir.path(), &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(stderr(&output).contains("unknown revision `no-such-branch`"), "{}", describe(&output));

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "A.cs", CLEAN_CS);
    let output = leaklint(outside.path(), &["check", "--staged"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(stderr(&output).contains("git"), "{}", describe(&output));
}

#[test]
fn the_facts_cache_is_written_reused_and_survives_corruption() {
    let dir = repo_with_history();
    write(dir.path(), "src/New.cs", CLEAN_CS);
    // Checked with its invalid byte replaced: that text's hash is not the file's.
    std::fs::write(dir.path().join("src/Latin1.cs"), b"// caf\xe9\nnamespace Acme { }\n").unwrap();
    let cache = dir.path().join(".leaklint-cache/facts.json");

    let (cold, shown) = checked(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(cold["files_analyzed"], 2, "{shown}");
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    let entries = written["entries"].as_object().unwrap();
    assert_eq!(entries.len(), 4, "every file of the project but the one not valid UTF-8: {written}");
    assert!(!entries.keys().any(|k| k.ends_with("Latin1.cs")), "{written}");
    assert!(entries.keys().any(|k| k.ends_with("Old.cs")));
    assert_eq!(
        git(dir.path(), &["status", "--porcelain", "--", ".leaklint-cache"]),
        "",
        "the cache ignores itself"
    );

    let (warm, shown) = checked(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(warm, cold, "{shown}");

    std::fs::write(
        &cache,
        b"{\"header\": {\"version\": \"0.1.0\", \"max_file_size\": 2097152}, \"entries\": {\"x\": 1",
    )
    .unwrap();
    let (after_corruption, shown) = checked(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(after_corruption, cold, "{shown}");
    let rebuilt: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(rebuilt["entries"].as_object().unwrap().len(), 4, "rebuilt: {rebuilt}");

    let output = leaklint(dir.path(), &["check", "--changed-since", "HEAD", "--no-cache"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn unchanged_files_feed_the_project_index_from_the_cache() {
    // The disposable type is declared in a file that is not checked; its use is in the change.
    let dir = tempfile::tempdir().unwrap();
    git_repo(dir.path());
    write(
        dir.path(),
        "src/Lease.cs",
        "using System;\n\nnamespace Acme\n{\n    public sealed class Lease : IDisposable\n    {\n        public void Dispose() { }\n    }\n}\n",
    );
    write(
        dir.path(),
        "src/Worker.cs",
        "namespace Acme\n{\n    public sealed class Worker\n    {\n    }\n}\n",
    );
    commit_all(dir.path(), "initial");
    let worker = "namespace Acme\n{\n    public sealed class Worker\n    {\n        public void Run()\n        {\n            var lease = new Lease();\n        }\n    }\n}\n";
    write(dir.path(), "src/Worker.cs", worker);
    for round in ["cold", "warm"] {
        let output = leaklint(dir.path(), &["check", "--changed-since", "HEAD"]);
        assert_eq!(output.status.code(), Some(1), "{round}: {}", describe(&output));
        assert!(
            stdout(&output).contains("src/Worker.cs:7:") && stdout(&output).contains("[CA2000]"),
            "{round}: {}",
            describe(&output)
        );
    }
}
