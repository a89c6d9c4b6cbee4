//! The Rust front-end end to end: parse (with the fallback), index, check.

use std::time::Duration;

use super::*;

/// (1-based line, code) of every finding, `suppressed` ones included.
fn findings(files: &[&str]) -> Vec<(usize, &'static str, bool)> {
    let parsed: Vec<(Model, Facts)> =
        files.iter().map(|t| parse(t, Duration::from_secs(5)).expect("parses")).collect();
    let index = Index::build(parsed.iter().map(|(_, f)| f));
    let mut out = Vec::new();
    for ((model, _), text) in parsed.iter().zip(files) {
        let lines = LineIndex::new(text);
        for d in check(model, text, &index, &Settings::default()) {
            out.push((lines.position(text, d.range.start).line, d.code, d.suppressed.is_some()));
        }
    }
    out.sort();
    out
}

fn codes(text: &str) -> Vec<(usize, &'static str)> {
    findings(&[text]).into_iter().filter(|f| !f.2).map(|(l, c, _)| (l, c)).collect()
}

#[test]
fn if_let_spawn_reaped_inside_is_clean() {
    let text = "use std::process::Command;
fn f(v: &str) -> String {
    if let Ok(mut proc) = Command::new(\"rustfmt\").spawn() {
        {
            let stdin = proc.stdin.as_mut().unwrap();
            stdin.write_all(v.as_bytes()).unwrap();
        }
        if let Ok(output) = proc.wait_with_output() {
            if output.status.success() {
                return String::new();
            }
        }
    }
    v.to_string()
}";
    assert_eq!(codes(text), vec![]);
}
