//! End to end through the real pre-commit framework: a temporary repository uses this
//! checkout's `.pre-commit-hooks.yaml` at its HEAD commit (pre-commit clones it and builds the
//! binary with `cargo install`), then `git commit` runs the hook.
//!
//! Needs `pre-commit` on PATH (`.ci/run` installs it). Without it the test is skipped with a
//! loud message, except under `CI`, where it fails. Only committed code is tested: pre-commit
//! clones HEAD.

#[path = "integrate_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::*;

/// Building leaklint in release mode from a fresh clone takes minutes on a small machine.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn pre_commit_available() -> bool {
    Command::new("pre-commit").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Runs `git commit` (and so the hook) with pre-commit's state, and cargo's build folder, in
/// places that do not touch the user's.
fn commit(repo: &Path, home: &Path, message: &str) -> Output {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("git")
        .args(["commit", "-m", message])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_NET_OFFLINE", "true")
        // Kept between runs so that only leaklint's own crates are rebuilt.
        .env("CARGO_TARGET_DIR", checkout.join("target/precommit-install"))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git commit");
    let started = Instant::now();
    while child.try_wait().expect("wait for git commit").is_none() {
        if started.elapsed() > INSTALL_TIMEOUT {
            let _ = child.kill();
            panic!("git commit (installing and running the hook) took over {INSTALL_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait_with_output().expect("collect git commit output")
}

fn commit_count(repo: &Path) -> usize {
    git(repo, &["rev-list", "--all", "--count"]).parse().unwrap_or(0)
}

#[test]
fn precommit_hook_accepts_clean_commits_and_refuses_leaks() {
    if !pre_commit_available() {
        assert!(
            !in_ci(),
            "pre-commit is not on PATH, and CI is set: install it (python3 -m pip install pre-commit)"
        );
        eprintln!("\n\n*** SKIPPED precommit_hook_...: `pre-commit` is not on PATH (python3 -m pip install pre-commit) ***\n\n");
        return;
    }
    let checkout = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let head = git(&checkout, &["rev-parse", "HEAD"]);
    let temp = tempfile::tempdir().unwrap();
    let (repo, home) = (temp.path().join("repo"), temp.path().join("pre-commit-home"));
    std::fs::create_dir_all(&repo).unwrap();
    git_repo(&repo);
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: leaklint\n        verbose: true\n",
            checkout.display()
        ),
    );
    let installed = Command::new("pre-commit")
        .arg("install")
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", &home)
        .output()
        .unwrap();
    assert!(installed.status.success(), "pre-commit install: {}", describe(&installed));

    // Clean files in every language, .mts included: the commit goes through.
    write(&repo, "src/ReportSizer.cs", CLEAN_CS);
    write(&repo, "web/Ticker.tsx", CLEAN_TSX);
    write(&repo, "web/poll.mts", "export function poll(load: () => void): () => void {\n  const id = setInterval(load, 5000);\n  return () => clearInterval(id);\n}\n");
    write(&repo, "tools/refresh.rs", CLEAN_RS);
    write(&repo, "web/env.d.ts", "declare const BUILD_ID: string;\n");
    write(&repo, "README.md", "# Reports\n");
    git(&repo, &["add", "--all"]);
    let output = commit(&repo, &home, "clean code");
    assert!(output.status.success(), "a clean commit is accepted: {}", describe(&output));
    assert_eq!(commit_count(&repo), 1);
    let shown = stdout(&output) + &stderr(&output);
    assert!(shown.contains("leaklint") && shown.contains("Passed"), "the hook ran: {shown}");
    assert!(
        shown.contains("0 findings in 4 files analysed"),
        "cs, tsx, mts and rs files were checked: {shown}"
    );
    assert!(!shown.contains("declaration file"), "the hook passed a declaration file: {shown}");

    // A leak in each language: the commit is refused, with leaklint's findings.
    for (name, text, _, _) in LEAKS {
        write(&repo, &format!("src/{name}"), text);
    }
    git(&repo, &["add", "--all"]);
    let output = commit(&repo, &home, "leaky code");
    assert!(!output.status.success(), "a leaking commit is refused: {}", describe(&output));
    assert_eq!(commit_count(&repo), 1, "nothing was committed");
    let shown = stdout(&output) + &stderr(&output);
    assert!(shown.contains("Failed"), "{shown}");
    for (name, _, code, line) in LEAKS {
        assert!(
            shown.contains(&format!("src/{name}:{line}:")) && shown.contains(code),
            "{name} {code}: {shown}"
        );
    }
}
