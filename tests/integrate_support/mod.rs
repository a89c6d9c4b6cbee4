//! Shared by the integration tests of config, suppressions, baselines, git and pre-commit:
//! source files that leak (one per language) and their fixed versions, and helpers that run
//! the real `leaklint` binary and the real `git`.
//!
//! The leaking files are flagged by CA2000, LL1002 and LL2001.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// C#: a stream opened and never disposed (CA2000 on line 9, at `new FileStream`).
pub const LEAKY_CS: &str = "\
using System.IO;

namespace Acme.Reports
{
    public sealed class ReportSizer
    {
        public long Measure(string path)
        {
            var stream = new FileStream(path, FileMode.Open);
            return stream.Length;
        }
    }
}
";

pub const CLEAN_CS: &str = "\
using System.IO;

namespace Acme.Reports
{
    public sealed class ReportSizer
    {
        public long Measure(string path)
        {
            using var stream = new FileStream(path, FileMode.Open);
            return stream.Length;
        }
    }
}
";

/// TSX: an interval started in an effect and never cleared (LL1002 on line 5).
pub const LEAKY_TSX: &str = "\
import { useEffect, useState } from \"react\";

export function Ticker({ tick }: { tick: () => void }) {
  useEffect(() => {
    setInterval(tick, 1000);
  }, []);
  return null;
}
";

pub const CLEAN_TSX: &str = "\
import { useEffect, useState } from \"react\";

export function Ticker({ tick }: { tick: () => void }) {
  useEffect(() => {
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, []);
  return null;
}
";

/// Rust: a child process spawned and never reaped (LL2001 on line 4).
pub const LEAKY_RS: &str = "\
use std::process::Command;

pub fn refresh_index() {
    Command::new(\"x\").spawn().unwrap();
}
";

pub const CLEAN_RS: &str = "\
use std::process::Command;

pub fn refresh_index() {
    let status = Command::new(\"x\").status().unwrap();
    assert!(status.success());
}
";

/// The three leaking files: (file name, text, code, line).
pub const LEAKS: &[(&str, &str, &str, usize)] = &[
    ("ReportSizer.cs", LEAKY_CS, "CA2000", 9),
    ("Ticker.tsx", LEAKY_TSX, "LL1002", 5),
    ("refresh.rs", LEAKY_RS, "LL2001", 4),
];

/// Runs the real binary in `dir`, without colours. `check` runs default to the compact format
/// (one `path:line:col: severity[CODE] message` line per finding), which the tests read.
pub fn leaklint(dir: &Path, args: &[&str]) -> Output {
    let mut args: Vec<&str> = args.to_vec();
    if args.first() == Some(&"check") && !args.contains(&"--format") {
        args.extend(["--format", "compact"]);
    }
    Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run leaklint")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Everything a test needs to see when an assertion about a run fails.
pub fn describe(output: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", output.status.code(), stdout(output), stderr(output))
}

pub fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The JSON report of a run (`--format json`).
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", describe(output)))
}

/// `code@line` of every finding in a JSON report, for one file.
pub fn findings_in(report: &serde_json::Value, file: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .map(|f| format!("{}@{}", f["code"].as_str().unwrap(), f["start"]["line"]))
        .collect()
}

/// Runs git in `dir`; panics with git's message when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git").args(args).current_dir(dir).output().expect("run git");
    assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A new repository with an identity, so that commits work anywhere.
pub fn git_repo(dir: &Path) {
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["config", "user.name", "leaklint tests"]);
    git(dir, &["config", "user.email", "tests@leaklint.invalid"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "--no-verify", "-m", message]);
}
