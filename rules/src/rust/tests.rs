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

const LEAKY: &str = "fn leak() -> std::io::Result<()> {
    let child = std::process::Command::new(\"sleep\").spawn()?;
    println!(\"{}\", child.id());
    Ok(())
}";

#[test]
fn a_syntax_error_in_one_item_does_not_hide_the_rest() {
    let text =
        format!("use std::process::Command;\n\nfn broken( {{ let x = ; }}\n\n#[allow(dead_code)]\n{LEAKY}\n");
    let (model, _) = parse(&text, Duration::from_secs(5)).unwrap();
    let at = first_syntax_error(&model).expect("a syntax error");
    assert_eq!(text[..at].lines().count(), 3, "the error is on the broken function's line");
    assert_eq!(codes(&text), vec![(7, "LL2001")], "line and column adjusted to the item's place in the file");
}

#[test]
fn allow_attributes_survive_the_fallback() {
    let text = format!("fn broken( {{\n#[allow(clippy::zombie_processes)]\n{LEAKY}\n");
    assert_eq!(findings(&[&text]), vec![(4, "LL2001", true)]);
}

#[test]
fn spans_count_characters_not_bytes() {
    let text = "fn f() { let _s = \"ünïcødé\"; let c = std::process::Command::new(\"x\").spawn().unwrap(); }";
    let (model, _) = parse(text, Duration::from_secs(5)).unwrap();
    let d = &check(&model, text, &Index::default(), &Settings::default())[0];
    assert!(text[d.range.start..d.range.end].starts_with("std::process::Command::new(\"x\")"));
    assert!(text[d.range.start..d.range.end].ends_with(".spawn()"));
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_crash() {
    let deep = format!("fn f() {{ let x = {}1{}; }}", "(".repeat(5_000), ")".repeat(5_000));
    assert!(matches!(parse(&deep, Duration::from_secs(5)), Err(ParseError::TooDeep { .. })));
}

#[test]
fn nesting_just_under_the_limit_parses_on_a_worker_stack() {
    let body = format!(
        "let c = {}std::process::Command::new(\"x\").spawn().unwrap(){};",
        "(".repeat(990),
        ")".repeat(990)
    );
    let text = format!("fn f() {{ {body} }}");
    let result = std::thread::Builder::new()
        .stack_size(crate::WORKER_STACK_SIZE)
        .spawn(move || codes(&text))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, vec![(1, "LL2001")]);
}

#[test]
fn error_propagation_is_not_a_leak_path_but_return_is() {
    let text = "use std::process::Command;
fn q(flag: bool) -> std::io::Result<()> {
    let mut a = Command::new(\"a\").spawn()?;
    check()?;
    a.wait()?;
    let mut b = Command::new(\"b\").spawn()?;
    if flag { return Ok(()); }
    b.wait()?;
    Ok(())
}";
    assert_eq!(codes(text), vec![(6, "LL2001")]);
}

#[test]
fn tokio_kill_waits_std_kill_does_not() {
    let text = "async fn t() {
    let mut a = tokio::process::Command::new(\"a\").spawn().unwrap();
    a.kill().await.unwrap();
    let mut b = std::process::Command::new(\"b\").spawn().unwrap();
    b.kill().unwrap();
}";
    assert_eq!(codes(text), vec![(4, "LL2001")]);
}

#[test]
fn a_local_command_type_is_not_a_process() {
    let text = "struct Command; impl Command { fn new(_: &str) -> Self { Command } fn spawn(&self) {} }
fn f() { Command::new(\"x\").spawn(); }";
    assert_eq!(codes(text), vec![]);
}

#[test]
fn drop_impl_in_another_file_clears_ll2002() {
    let owner = "use std::process::Child; pub struct Job { child: Child }";
    let drop = "impl Drop for crate::jobs::Job { fn drop(&mut self) { let _ = self.child.kill(); let _ = self.child.wait(); } }";
    assert_eq!(findings(&[owner]), vec![(1, "LL2002", false)]);
    assert_eq!(findings(&[owner, drop]), vec![]);
}

#[test]
fn parsing_many_files_on_one_thread_keeps_working() {
    for _ in 0..50 {
        assert_eq!(codes(LEAKY), vec![(2, "LL2001")]);
    }
}

#[test]
fn operator_chains_too_deep_for_syn_are_reported_not_parsed() {
    let text = format!("fn f() {{ let x = 1{}; }}", " +\n1".repeat(50_000));
    match parse(&text, Duration::from_secs(5)) {
        Err(ParseError::Failed(why)) => assert!(why.contains("levels deep"), "{why}"),
        other => panic!("expected a depth error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn nested_closures_capture_through_every_level() {
    let text = "fn f() -> std::io::Result<()> {
    let mut child = std::process::Command::new(\"x\").spawn()?;
    let reap = move || { let inner = || { let _ = child.wait(); }; inner() };
    reap();
    Ok(())
}";
    assert_eq!(codes(text), vec![]);
}
