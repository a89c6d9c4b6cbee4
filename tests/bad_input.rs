//! Hostile and broken input beside good files: each bad file gets a clear diagnostic of its own,
//! every good file is still analysed, and the process neither panics, aborts nor blocks.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

/// Runs leaklint in `dir`, failing the test if it does not finish within a minute (a FIFO that
/// is opened for reading blocks forever). The pipes are drained while it runs: a SARIF report
/// with every rule's documentation is larger than a pipe's buffer.
fn leaklint(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start leaklint");
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("collect output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("leaklint {args:?} still running after 60 s: it blocks on some input");
        }
    }
}

/// Exit code 0, 1 or 2, no signal, no panic message.
fn assert_orderly(output: &Output, args: &[&str]) -> i32 {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code().unwrap_or_else(|| panic!("{args:?} killed by a signal: {stderr}"));
    assert!(matches!(code, 0..=2), "{args:?} exited {code} (101 is a panic): {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    code
}

fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

const GOOD: &[(&str, &str)] = &[
    ("good/Worker.cs", "public class Worker { public int Run() => 1; }\n"),
    ("good/poll.ts", "export const poll = (f: () => void) => { const id = setInterval(f, 10); return () => clearInterval(id); };\n"),
    ("good/View.tsx", "export const View = () => <div>ok</div>;\n"),
    ("good/util.js", "export function add(a, b) { return a + b; }\n"),
    ("good/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { a + b }\n"),
];

/// 100 000 nested brackets in a file of each language, 100 to a line (one 200 kB line would be
/// taken for a minified bundle in JavaScript and TypeScript).
fn deep_files(root: &Path) -> Vec<String> {
    let nest = |open: &str, close: &str| {
        let lines = |s: &str| format!("{}\n", s.repeat(100)).repeat(1_000);
        format!("{}1{}", lines(open), lines(close))
    };
    let files = [
        ("deep/Deep.cs", format!("class Deep {{ int M() => {}; }}\n", nest("(", ")"))),
        ("deep/deep.ts", format!("export const x = {};\n", nest("(", ")"))),
        ("deep/deep.tsx", format!("export const X = () => <div>{{{}}}</div>;\n", nest("(", ")"))),
        ("deep/deep.js", format!("const x = {};\n", nest("[", "]"))),
        ("deep/deep.rs", format!("fn main() {{ let x = {}; }}\n", nest("(", ")"))),
    ];
    for (name, text) in &files {
        write(root, name, text.as_bytes());
    }
    files.iter().map(|(name, _)| name.to_string()).collect()
}

/// Nesting that real code can reach (just under the limit) must be analysed, not crash.
fn nested_but_legal_files(root: &Path) -> Vec<String> {
    let nest = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    let files = [
        ("nested/Nested.cs", format!("class Nested {{ int M() => {}; }}\n", nest(990))),
        ("nested/nested.ts", format!("export const x = {};\n", nest(990))),
        ("nested/nested.rs", format!("fn main() {{ let x = {}; }}\n", nest(990))),
    ];
    for (name, text) in &files {
        write(root, name, text.as_bytes());
    }
    files.iter().map(|(name, _)| name.to_string()).collect()
}

fn problems(report: &Value) -> BTreeMap<String, (String, String)> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            let field = |k: &str| p[k].as_str().unwrap_or("").to_string();
            (field("path"), (field("level"), field("message")))
        })
        .collect()
}

fn assert_problem(problems: &BTreeMap<String, (String, String)>, path: &str, level: &str, needle: &str) {
    let (got_level, message) =
        problems.get(path).unwrap_or_else(|| panic!("no diagnostic for {path}: {problems:?}"));
    assert_eq!(got_level, level, "{path}: {message}");
    assert!(message.contains(needle), "{path}: {message:?} does not say {needle:?}");
}

/// A temporary tree holding the [`GOOD`] files.
fn good_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in GOOD {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

#[test]
fn bad_files_are_reported_one_by_one_and_good_files_still_analysed() {
    let dir = good_tree();
    let root = dir.path();
    write(root, "bad/image.ts", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    write(root, "bad/latin1.ts", b"export const caf\xe9 = '\xe9t\xe9';\n");
    write(root, "bad/Empty.cs", b"");
    write(
        root,
        "bad/generated.ts",
        format!("export const table = [{}];\n", "1,\n".repeat(200_000)).as_bytes(),
    );
    let deep = deep_files(root);
    let nested = nested_but_legal_files(root);

    let args = ["check", "--format", "json", "--max-file-size", "300000", "."];
    let output = leaklint(root, &args);
    let code = assert_orderly(&output, &args);
    assert_eq!(code, 2, "files that should have been analysed were not: the run fails");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report despite bad input");
    let problems = problems(&report);

    assert_problem(&problems, "bad/image.ts", "skipped", "binary file");
    assert_problem(&problems, "bad/latin1.ts", "warning", "not valid UTF-8");
    assert_problem(&problems, "bad/generated.ts", "skipped", "size cap");
    for name in &deep {
        assert_problem(&problems, name, "error", "levels deep (the limit is");
    }
    for name in GOOD.iter().map(|(n, _)| n.to_string()).chain(nested.iter().cloned()) {
        assert!(!problems.contains_key(&name), "{name} is fine but got {:?}", problems[&name]);
    }
    assert!(!problems.contains_key("bad/Empty.cs"), "an empty file is fine: {problems:?}");
    // Analysed: the good files, the nested ones, the empty file and the repaired latin-1 file.
    assert_eq!(report["files_analyzed"], GOOD.len() + nested.len() + 2, "{problems:?}");
}

#[test]
fn syntax_errors_are_reported_at_the_first_one_and_the_file_still_analysed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    // Each file leaks after its syntax error, so each finding shows the file was analysed.
    let leak_ts = "export class Poll {\n  start() { setInterval(tick, 10); }\n  stop() {}\n}\n";
    write(root, "web/broken.ts", format!("export const ok = 1;\nconst = ;\n{leak_ts}").as_bytes());
    let leak_cs =
        "class Job { void Run() { var s = new System.IO.FileStream(\"a\", System.IO.FileMode.Open); } }\n";
    write(root, "src/Broken.cs", format!("class Ok {{ }}\n  int = ;\n{leak_cs}").as_bytes());
    let leak_rs = "fn run() {\n    std::process::Command::new(\"x\").spawn().unwrap();\n}\n";
    write(
        root,
        "src/broken.rs",
        format!("fn ok() {{}}\n\nfn broken( {{ let x = ; }}\n\n{leak_rs}").as_bytes(),
    );

    let args = ["check", "--format", "json", "."];
    let output = leaklint(root, &args);
    assert_eq!(assert_orderly(&output, &args), 1, "findings after the syntax errors");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let problems = problems(&report);
    let positions: BTreeMap<&str, (u64, u64)> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            let at = &p["start"];
            let number = |k: &str| at[k].as_u64().unwrap_or_else(|| panic!("no start.{k} in {p}"));
            (p["path"].as_str().unwrap_or(""), (number("line"), number("column")))
        })
        .collect();
    for path in ["web/broken.ts", "src/Broken.cs", "src/broken.rs"] {
        assert_problem(&problems, path, "warning", "syntax errors, the first here");
    }
    assert_eq!(positions["web/broken.ts"].0, 2, "{positions:?}");
    assert_eq!(positions["src/Broken.cs"].0, 2, "{positions:?}");
    assert_eq!(positions["src/broken.rs"].0, 3, "{positions:?}");
    let flagged: Vec<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(flagged, ["src/Broken.cs", "src/broken.rs", "web/broken.ts"], "{flagged:?}");

    let args = ["check", "--format", "compact", "web/broken.ts"];
    let compact = String::from_utf8_lossy(&leaklint(root, &args).stdout).into_owned();
    let line = compact.lines().find(|l| l.contains("[io]")).unwrap_or_default();
    let (line_number, column) = positions["web/broken.ts"];
    assert!(line.starts_with(&format!("web/broken.ts:{line_number}:{column}: warning[io]")), "{compact}");
}

#[test]
fn every_format_survives_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "good/lib.rs", GOOD[4].1.as_bytes());
    write(dir.path(), "bad/image.ts", b"\x00\x00");
    deep_files(dir.path());
    for format in ["human", "compact", "json", "sarif", "github"] {
        let args = ["check", "--format", format];
        let output = leaklint(dir.path(), &args);
        assert_eq!(assert_orderly(&output, &args), 2);
        let text =
            String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        for name in ["deep/deep.rs", "deep/Deep.cs", "bad/image.ts"] {
            assert!(text.contains(name), "{format}: {name} not mentioned:\n{text}");
        }
    }
}

#[test]
fn missing_paths_are_named_and_the_rest_analysed() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "good/lib.rs", GOOD[4].1.as_bytes());
    let args = ["check", "--format", "json", "good", "gone/away.ts", "missing-dir"];
    let output = leaklint(dir.path(), &args);
    assert_eq!(assert_orderly(&output, &args), 2);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let problems = problems(&report);
    assert_problem(&problems, "gone/away.ts", "error", "cannot read");
    assert_problem(&problems, "missing-dir", "error", "cannot read");
    assert_eq!(report["files_analyzed"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_unreadable_files_do_not_stop_the_run() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let dir = good_tree();
    let root = dir.path();
    std::fs::create_dir_all(root.join("bad")).expect("mkdir");
    symlink("loop-b.ts", root.join("bad/loop-a.ts")).expect("symlink");
    symlink("loop-a.ts", root.join("bad/loop-b.ts")).expect("symlink");
    symlink("..", root.join("bad/parent-loop")).expect("symlink");
    symlink("nowhere.cs", root.join("bad/dangling.cs")).expect("symlink");
    let fifo = root.join("bad/pipe.ts");
    let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    assert!(made, "mkfifo failed");
    write(root, "bad/Secret.cs", b"class Secret {}\n");
    let secret = root.join("bad/Secret.cs");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root (and CAP_DAC_OVERRIDE) reads the file anyway: then that case proves nothing.
    let unreadable = std::fs::read(&secret).is_err();
    if !unreadable {
        eprintln!("note: running with privileges that read mode-000 files; the unreadable-file case is covered by the dangling symlink only");
    }

    // The walk: loops are not followed and the FIFO is not opened.
    let walk = ["check", "--format", "json", "."];
    let output = leaklint(root, &walk);
    let code = assert_orderly(&output, &walk);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found = problems(&report);
    assert_problem(&found, "bad/pipe.ts", "skipped", "not a regular file");
    if unreadable {
        assert_problem(&found, "bad/Secret.cs", "error", "cannot read");
        assert_eq!(code, 2);
        assert_eq!(report["files_analyzed"], GOOD.len());
    } else {
        assert_eq!(report["files_analyzed"], GOOD.len() + 1);
    }

    // Named explicitly: each one is diagnosed, the good files are still analysed.
    let named = [
        "check",
        "--format",
        "json",
        "good",
        "bad/loop-a.ts",
        "bad/dangling.cs",
        "bad/pipe.ts",
        "bad/parent-loop",
    ];
    let output = leaklint(root, &named);
    assert_eq!(assert_orderly(&output, &named), 2);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found = problems(&report);
    assert_problem(&found, "bad/loop-a.ts", "error", "symbolic links");
    assert_problem(&found, "bad/dangling.cs", "error", "cannot read");
    assert_problem(&found, "bad/pipe.ts", "skipped", "not a regular file");
    assert!(report["files_analyzed"].as_u64() >= Some(GOOD.len() as u64), "{report}");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).expect("chmod back");
}
