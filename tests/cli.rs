//! The real binary, run in temporary trees: exit codes, every format, and the flags.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn leaklint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run leaklint")
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or_else(|| panic!("killed by a signal: {output:?}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Files no rule may flag: resources released on every path.
fn clean_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "Services/Exporter.cs",
        "using System.IO;\n\nnamespace Shop.Services;\n\npublic sealed class Exporter\n{\n    public void Export(string path, byte[] data)\n    {\n        using var stream = new FileStream(path, FileMode.Create);\n        stream.Write(data, 0, data.Length);\n    }\n}\n",
    );
    write(
        dir.path(),
        "web/useClock.ts",
        "import { useEffect, useState } from 'react';\n\nexport function useClock(): number {\n  const [now, setNow] = useState(Date.now());\n  useEffect(() => {\n    const id = setInterval(() => setNow(Date.now()), 1000);\n    return () => clearInterval(id);\n  }, []);\n  return now;\n}\n",
    );
    write(
        dir.path(),
        "jobs/src/lib.rs",
        "use std::process::Command;\n\npub fn version() -> std::io::Result<String> {\n    let output = Command::new(\"ffmpeg\").arg(\"-version\").output()?;\n    Ok(String::from_utf8_lossy(&output.stdout).into_owned())\n}\n",
    );
    dir
}

/// The clean tree plus a C# stream that is never disposed (CA2000), and a binary file that is
/// skipped with a note.
fn flagged_tree() -> tempfile::TempDir {
    let dir = clean_tree();
    write(
        dir.path(),
        "Services/ReportWriter.cs",
        "using System.IO;\n\nnamespace Shop.Services;\n\npublic sealed class ReportWriter\n{\n    public void Write(string path, byte[] data)\n    {\n        var stream = new FileStream(path, FileMode.Create);\n        stream.Write(data, 0, data.Length);\n    }\n}\n",
    );
    std::fs::write(dir.path().join("web/logo.ts"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").expect("write");
    dir
}

/// The catalogue, as `leaklint rules --format json` lists it.
fn catalogue() -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = leaklint(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str::<Vec<Value>>(&stdout(&output)).expect("rules JSON is an array")
}

fn codes() -> Vec<String> {
    catalogue().iter().map(|r| r["code"].as_str().expect("code").to_string()).collect()
}

fn json_report(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let output = leaklint(dir, &args);
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("JSON report")
}

fn finding_codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn clean_tree_exits_0() {
    let dir = clean_tree();
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(code(&output), 0, "stdout:\n{}\nstderr:\n{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "", "a clean tree prints no report");
    assert!(stderr(&output).contains("0 findings in 3 files analysed"), "{}", stderr(&output));
}

#[test]
fn undisposed_stream_exits_1_once_ca2000_exists() {
    let dir = flagged_tree();
    let output = leaklint(dir.path(), &["check", "--format", "compact"]);
    if codes().iter().any(|c| c == "CA2000") {
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let out = stdout(&output);
        assert!(out.contains("Services/ReportWriter.cs:9:22: warning[CA2000]"), "{out}");
        assert!(!out.contains("Exporter.cs"), "the disposed stream was flagged:\n{out}");
    } else {
        eprintln!("note: CA2000 is not in the catalogue yet; a tree without rules must exit 0");
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = clean_tree();
    for args in [
        &["check", "no/such/dir"][..],
        &["check", "--select", "XX9999"],
        &["check", "--ignore", "XX9999"],
        &["check", "--bogus-flag"],
        &["check", "--format", "xml"],
        &["explain", "XX9999"],
        &["frobnicate"],
    ] {
        let output = leaklint(dir.path(), args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).is_empty(), "{args:?} exits 2 without saying why");
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
    let missing = leaklint(dir.path(), &["check", "no/such/dir", "."]);
    assert_eq!(code(&missing), 2);
    assert!(stdout(&missing).contains("no/such/dir"), "the missing path is named: {}", stdout(&missing));
    let unknown = leaklint(dir.path(), &["check", "--select", "XX9999"]);
    assert!(stderr(&unknown).contains("unknown rule code `XX9999`"), "{}", stderr(&unknown));
}

#[test]
fn every_format_is_parseable() {
    let dir = flagged_tree();
    let run = |format: &str| {
        let output = leaklint(dir.path(), &["check", "--format", format]);
        assert!(matches!(code(&output), 0 | 1), "{format}: {}", stderr(&output));
        stdout(&output)
    };
    let human = run("human");
    assert!(human.contains("web/logo.ts: binary file"), "{human}");
    assert!(human.is_ascii() && !human.contains('\u{1b}'), "human output to a pipe must be plain:\n{human}");
    assert_eq!(human, stdout(&leaklint(dir.path(), &["check"])), "human is the default format");

    let compact = run("compact");
    assert!(!compact.is_empty());
    for line in compact.lines() {
        let mut parts = line.splitn(4, ':');
        let (path, line_no, column, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(path.is_some_and(|p| !p.is_empty()), "{line}");
        assert!(line_no.and_then(|n| n.parse::<usize>().ok()).is_some(), "{line}");
        assert!(column.and_then(|n| n.parse::<usize>().ok()).is_some(), "{line}");
        assert!(rest.is_some_and(|r| r.starts_with(' ') && r.contains('[') && r.contains("] ")), "{line}");
    }

    let json: Value = serde_json::from_str(&run("json")).expect("json parses");
    assert_eq!(json["version"], 1);
    assert_eq!(json["files_analyzed"], 4);
    assert_eq!(json["problems"][0]["path"], "web/logo.ts");

    let sarif: Value = serde_json::from_str(&run("sarif")).expect("sarif parses");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results").len();
    assert_eq!(results, json["findings"].as_array().expect("findings").len());

    let github = run("github");
    assert!(!github.is_empty());
    for line in github.lines() {
        let (command, message) =
            line.split_once("::").and_then(|(_, rest)| rest.split_once("::")).expect(line);
        assert!(["error ", "warning ", "notice "].iter().any(|c| command.starts_with(c)), "{line}");
        assert!(command.contains("file="), "{line}");
        assert!(!message.is_empty(), "{line}");
    }
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = flagged_tree();
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().expect("parent")).expect("mkdir");
    let output = leaklint(dir.path(), &["check", "--format", "json", "--output", "out/report.json"]);
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "the report goes to the file only");
    let written = std::fs::read_to_string(&report).expect("report written");
    assert_eq!(written, stdout(&leaklint(dir.path(), &["check", "--format", "json"])));

    let unwritable = leaklint(dir.path(), &["check", "-o", "no/such/dir/report.txt"]);
    assert_eq!(code(&unwritable), 2, "{}", stderr(&unwritable));
    assert!(stderr(&unwritable).contains("cannot write"), "{}", stderr(&unwritable));
}

#[test]
fn select_and_ignore_choose_the_rules() {
    let dir = flagged_tree();
    let codes = codes();
    let all = json_report(dir.path(), &[]);
    let everything = finding_codes(&all);
    if let Some(first) = codes.first() {
        let selected = finding_codes(&json_report(dir.path(), &["--select", &first.to_lowercase()]));
        assert!(selected.iter().all(|c| c == first), "--select {first} reported {selected:?}");
        let expected: Vec<&String> = everything.iter().filter(|c| *c == first).collect();
        assert_eq!(selected.iter().collect::<Vec<_>>(), expected);
        let ignored = finding_codes(&json_report(dir.path(), &["--ignore", first]));
        assert!(!ignored.contains(first), "--ignore {first} still reported it");
        let none = leaklint(dir.path(), &["check", "--ignore", &codes.join(",")]);
        assert_eq!(code(&none), 0, "every rule ignored, yet: {}", stdout(&none));
    } else {
        eprintln!("note: the catalogue is empty; only unknown codes can be tested");
        assert!(everything.is_empty());
    }
    let unknown = leaklint(dir.path(), &["check", "--select", "LL0000"]);
    assert_eq!(code(&unknown), 2);
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = flagged_tree();
    let findings = finding_codes(&json_report(dir.path(), &[]));
    let output = leaklint(dir.path(), &["check", "--statistics"]);
    assert_eq!(code(&output), if findings.is_empty() { 0 } else { 1 });
    let text = stdout(&output);
    let mut total = 0;
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let count: usize = fields[0].parse().unwrap_or_else(|_| panic!("no count in {line:?}"));
        assert_eq!(count, findings.iter().filter(|c| *c == fields[1]).count(), "{line}");
        total += count;
    }
    assert_eq!(total, findings.len(), "statistics:\n{text}");
    assert!(
        stderr(&output).contains("web/logo.ts: skipped: binary file"),
        "problems hidden: {}",
        stderr(&output)
    );
}

#[test]
fn quiet_drops_the_summary_but_keeps_the_report() {
    let dir = flagged_tree();
    let loud = leaklint(dir.path(), &["check", "--format", "compact"]);
    assert!(stderr(&loud).contains("leaklint: "), "{}", stderr(&loud));
    let quiet = leaklint(dir.path(), &["check", "--format", "compact", "--quiet"]);
    assert_eq!(stderr(&quiet), "");
    assert_eq!(stdout(&quiet), stdout(&loud));
    assert_eq!(code(&quiet), code(&loud));
}

#[test]
fn rules_lists_the_catalogue_in_text_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = catalogue();
    let text = stdout(&leaklint(dir.path(), &["rules"]));
    assert_eq!(text.lines().count(), rules.len());
    for (line, rule) in text.lines().zip(&rules) {
        for field in ["code", "name", "family", "default_severity", "precision", "summary"] {
            let value = rule[field].as_str().unwrap_or_else(|| panic!("{field} missing in {rule}"));
            assert!(!value.is_empty(), "{field} empty in {rule}");
        }
        assert!(line.starts_with(rule["code"].as_str().unwrap_or("")), "{line}");
    }
    let mut sorted = codes();
    sorted.sort();
    assert_eq!(sorted, codes(), "rules are listed by code");
}

#[test]
fn explain_prints_a_rules_documentation() {
    let dir = tempfile::tempdir().expect("temp dir");
    for code_name in codes() {
        let output = leaklint(dir.path(), &["explain", &code_name.to_lowercase()]);
        assert_eq!(code(&output), 0, "{code_name}");
        let text = stdout(&output);
        assert!(text.starts_with(&code_name), "{text}");
        for section in ["## What it finds", "## Why it matters", "## Example", "## Fix"] {
            assert!(text.contains(section), "{code_name}: no {section:?} in:\n{text}");
        }
    }
    let unknown = leaklint(dir.path(), &["explain", "CA0000"]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("unknown rule code `CA0000`"), "{}", stderr(&unknown));
}

#[test]
fn sarif_automation_id_comes_from_the_flag() {
    let dir = clean_tree();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "sarif"];
        args.extend_from_slice(extra);
        let sarif: Value = serde_json::from_str(&stdout(&leaklint(dir.path(), &args))).expect("sarif");
        sarif["runs"][0]["automationDetails"]["id"].as_str().unwrap_or("").to_string()
    };
    assert_eq!(run(&[]), "leaklint/");
    assert_eq!(run(&["--automation-id", "nightly/csharp"]), "nightly/csharp");
}

/// On a terminal `human` is colored, unless NO_COLOR says otherwise. `script` gives the
/// process a pseudo-terminal.
#[cfg(unix)]
#[test]
fn human_is_colored_on_a_terminal_unless_no_color() {
    let dir = flagged_tree();
    let on_terminal = |no_color: Option<&str>| {
        let command = format!("'{}' check", env!("CARGO_BIN_EXE_leaklint"));
        let mut script = Command::new("script");
        script.args(["-q", "-e", "-c", &command, "/dev/null"]).current_dir(dir.path()).env_remove("NO_COLOR");
        if let Some(value) = no_color {
            script.env("NO_COLOR", value);
        }
        script.output().ok().filter(|o| o.status.code().is_some_and(|c| c <= 2))
    };
    let Some(colored) = on_terminal(None) else {
        eprintln!("note: `script` (util-linux) cannot run here; the terminal case is not tested");
        return;
    };
    let text = String::from_utf8_lossy(&colored.stdout);
    assert!(text.contains("web/logo.ts") && text.contains("\u{1b}["), "no colors on a terminal:\n{text}");
    let plain = on_terminal(Some("1")).expect("script ran before");
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("web/logo.ts") && !text.contains("\u{1b}["), "colors despite NO_COLOR:\n{text}");
    let empty = on_terminal(Some("")).expect("script ran before");
    assert!(String::from_utf8_lossy(&empty.stdout).contains("\u{1b}["), "an empty NO_COLOR does not count");
}

#[test]
fn declaration_files_are_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A body in a declaration file does not compile; if leaklint read the file it would flag
    // the interval.
    let leaky = "import { useEffect } from 'react';\nexport function useTick(): void {\n  useEffect(() => {\n    setInterval(() => console.log('tick'), 1000);\n  }, []);\n}\n";
    write(dir.path(), "web/types.d.ts", leaky);
    write(dir.path(), "web/dist/index.d.mts", leaky);
    write(dir.path(), "web/useTick.ts", leaky);

    let walked = json_report(dir.path(), &[]);
    assert_eq!(walked["files_analyzed"], 1, "{walked:#}");
    let flagged: Vec<&str> =
        walked["findings"].as_array().expect("findings").iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(flagged, ["web/useTick.ts"], "{walked:#}");
    assert_eq!(walked["problems"], serde_json::json!([]), "a walk leaves declaration files out silently");

    let named = leaklint(dir.path(), &["check", "--format", "compact", "web/types.d.ts"]);
    assert_eq!(code(&named), 0, "{}", stderr(&named));
    assert!(
        stdout(&named).contains("web/types.d.ts:1:1: skipped[io] TypeScript declaration file"),
        "a declaration file named explicitly gets a note:\n{}",
        stdout(&named)
    );
}
