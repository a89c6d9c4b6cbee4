//! Output depends on the tree only: not on the number of worker threads, nor on the run.

use std::path::Path;
use std::process::{Command, Output};

const FORMATS: &[&str] = &["human", "compact", "json", "sarif", "github"];

fn leaklint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaklint")).args(args).current_dir(dir).output().expect("run leaklint")
}

/// Forty services, components and job runners in every language, some leaking, plus files that
/// produce each kind of problem, so that there is something to order.
fn write_tree(root: &Path) {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..8 {
        files.push((
            format!("src/Services/Importer{i}.cs"),
            format!(
                "using System.IO;\nnamespace App.Services;\npublic class Importer{i}\n{{\n    public string Read(string path)\n    {{\n        var reader = new StreamReader(path);\n        var text = reader.ReadToEnd();\n        using var copy = new FileStream(path + \".bak\", FileMode.Create);\n        return text;\n    }}\n}}\n"
            )
            .into_bytes(),
        ));
        files.push((
            format!("web/components/Ticker{i}.tsx"),
            format!(
                "import {{ useEffect, useState }} from 'react';\nexport function Ticker{i}() {{\n  const [n, setN] = useState(0);\n  useEffect(() => {{\n    setInterval(() => setN((x) => x + 1), {i}00);\n    window.addEventListener('resize', () => setN(0));\n  }}, []);\n  return <span>{{n}}</span>;\n}}\n"
            )
            .into_bytes(),
        ));
        files.push((
            format!("web/lib/download{i}.ts"),
            format!(
                "export function download{i}(data: Blob): void {{\n  const url = URL.createObjectURL(data);\n  const a = document.createElement('a');\n  a.href = url;\n  a.click();\n}}\n"
            )
            .into_bytes(),
        ));
        files.push((
            format!("web/legacy/socket{i}.js"),
            format!("export function connect{i}(url) {{\n  const ws = new WebSocket(url);\n  ws.onmessage = (e) => console.log(e.data);\n}}\n").into_bytes(),
        ));
        files.push((
            format!("jobs/src/runner{i}.rs"),
            format!(
                "use std::process::Command;\npub fn run{i}(input: &str) -> std::io::Result<()> {{\n    let child = Command::new(\"ffmpeg\").arg(input).spawn()?;\n    println!(\"started {{}}\", child.id());\n    Ok(())\n}}\n"
            )
            .into_bytes(),
        ));
    }
    files.push(("web/lib/logo.ts".into(), b"\x00\x01binary".to_vec()));
    files.push(("web/lib/latin1.ts".into(), b"export const caf\xe9 = 1;\n".to_vec()));
    files.push(("web/lib/broken.ts".into(), b"export function ( {\n".to_vec()));
    files.push((
        "src/Deep.cs".into(),
        format!("class D {{ int M() => {}1{}; }}", "(".repeat(2000), ")".repeat(2000)).into_bytes(),
    ));
    for (name, bytes) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

#[test]
fn thread_count_and_repetition_do_not_change_a_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(dir.path());
    for format in FORMATS {
        let run = |jobs: &str| leaklint(dir.path(), &["check", "--format", format, "--jobs", jobs]);
        let (one, four, again) = (run("1"), run("4"), run("4"));
        assert!(!one.stdout.is_empty(), "{format}: nothing written, nothing compared");
        assert_eq!(one.status.code(), four.status.code(), "{format}: exit code depends on --jobs");
        assert!(
            one.stdout == four.stdout,
            "{format}: --jobs 1 and --jobs 4 differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&one.stdout),
            String::from_utf8_lossy(&four.stdout)
        );
        assert!(four.stdout == again.stdout, "{format}: two runs differ");
        assert_eq!(one.stderr, four.stderr, "{format}: stderr depends on --jobs");
    }
    let stats = |jobs: &str| leaklint(dir.path(), &["check", "--statistics", "--jobs", jobs]).stdout;
    assert_eq!(stats("1"), stats("4"));
}

#[test]
fn files_named_in_any_order_give_the_same_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(dir.path());
    let forward = leaklint(dir.path(), &["check", "--format", "json", "src", "web", "jobs"]);
    let backward = leaklint(dir.path(), &["check", "--format", "json", "jobs", "web", "src", "src"]);
    assert!(!forward.stdout.is_empty());
    assert!(forward.stdout == backward.stdout, "the order of the paths changes the report");
}
