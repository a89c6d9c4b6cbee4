//! The front-end end to end on small sources, for what fixtures cannot express: user-defined
//! resource kinds from settings.

use crate::settings::ResourceKindSpec;
use crate::{Family, Language, Settings};

fn codes_and_lines(source: &str, settings: &Settings) -> Vec<(String, usize)> {
    let model = super::parse(Language::Tsx, source, std::time::Duration::from_secs(5)).unwrap();
    let lines = crate::LineIndex::new(source);
    super::check(&model, source, settings)
        .into_iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| (d.code.to_string(), lines.line_of(d.range.start) + 1))
        .collect()
}

fn socket_io() -> Settings {
    Settings {
        resource_kinds: vec![ResourceKindSpec {
            name: "socket.io connection".into(),
            language: Family::TypeScript,
            rule: "LL1007".into(),
            acquire: vec!["io.connect".into(), "io".into()],
            release: vec![".disconnect".into(), ".close".into()],
        }],
        ..Settings::default()
    }
}

#[test]
fn user_kinds_work_like_builtins() {
    let source = r#"
export function usePresence(room: string) {
  useEffect(() => {
    const socket = io.connect(`/rooms/${room}`);
    socket.emit("join", room);
  }, [room]);
  useEffect(() => {
    const other = io("/lobby");
    return () => other.disconnect();
  }, []);
}
"#;
    assert_eq!(codes_and_lines(source, &socket_io()), vec![("LL1007".to_string(), 4)]);
    assert!(codes_and_lines(source, &Settings::default()).is_empty(), "no user kind, nothing to report");
}

#[test]
fn user_kinds_in_plain_classes_and_other_languages() {
    let source = r#"
class Presence {
  start() { this.socket = io.connect("/presence"); }
  stop() { this.socket.disconnect(); }
}
"#;
    assert!(codes_and_lines(source, &socket_io()).is_empty());
    let mut csharp_only = socket_io();
    csharp_only.resource_kinds[0].language = Family::CSharp;
    let leaky = "useEffect(() => { const s = io.connect('/x'); }, []);";
    assert!(codes_and_lines(leaky, &csharp_only).is_empty(), "kinds of another language do not apply");
    assert_eq!(codes_and_lines(leaky, &socket_io()), vec![("LL1007".to_string(), 1)]);
}

#[test]
fn eslint_directives_suppress_the_equivalent_rule_only() {
    let source = r#"
useEffect(() => {
  // eslint-disable-next-line @eslint-react/web-api/no-leaked-interval -- polls for the app's lifetime
  setInterval(poll, 1000);
  // eslint-disable-next-line @eslint-react/web-api/no-leaked-timeout
  setInterval(poll, 1000);
}, []);
"#;
    let model = super::parse(Language::Tsx, source, std::time::Duration::from_secs(5)).unwrap();
    let diagnostics = super::check(&model, source, &Settings::default());
    assert_eq!(diagnostics.len(), 2);
    let suppressed: Vec<_> = diagnostics.iter().filter_map(|d| d.suppressed.as_ref()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0].justification.as_deref(), Some("polls for the app's lifetime"));
}

/// The first fenced code block after `heading` in a rule's documentation.
fn code_after<'d>(docs: &'d str, heading: &str) -> &'d str {
    let section = &docs[docs.find(heading).unwrap_or_else(|| panic!("no {heading}"))..];
    let start = section.find("```").expect("a code block") + 3;
    let body = &section[start..];
    let body = &body[body.find('\n').expect("a fence line") + 1..];
    &body[..body.find("```").expect("a closing fence")]
}

#[test]
fn every_documented_example_is_flagged_and_its_fix_is_clean() {
    for rule in crate::RULES.iter().filter(|r| r.family == Family::TypeScript) {
        let docs = crate::catalogue::docs_text(rule);
        let codes = |source: &str| -> Vec<String> {
            codes_and_lines(source, &Settings::default()).into_iter().map(|(c, _)| c).collect()
        };
        let example = codes(code_after(&docs, "## Example"));
        assert!(example.iter().any(|c| c == rule.code), "{}: example not flagged: {example:?}", rule.code);
        let fix = codes(code_after(&docs, "## Fix"));
        assert!(fix.is_empty(), "{}: the fix is still flagged: {fix:?}", rule.code);
    }
}

#[test]
fn expressions_nested_without_brackets_do_not_exhaust_the_stack() {
    let mut source = String::from("useEffect(() => {\n  const id = setInterval(tick, 1000);\n  const x = 0");
    for _ in 0..50_000 {
        source.push_str("\n    + 1");
    }
    source.push_str(";\n});\n");
    let worker = std::thread::Builder::new().stack_size(crate::WORKER_STACK_SIZE);
    let codes = worker.spawn(move || codes_and_lines(&source, &Settings::default())).unwrap().join().unwrap();
    assert_eq!(codes, vec![("LL1002".to_string(), 2)]);
}

/// Statements that name nothing held are not lowered once something is held; these are the
/// ones that must be, though they do not name it.
#[test]
fn statements_that_leave_early_or_set_state_are_lowered() {
    let early_return = r#"
export function download(blob: Blob, ok: boolean) {
  const url = URL.createObjectURL(blob);
  if (!ok) return;
  URL.revokeObjectURL(url);
}
"#;
    assert_eq!(codes_and_lines(early_return, &Settings::default()), vec![("LL1005".to_string(), 3)]);
    let rejected_await = r#"
export async function preview(blob: Blob, check: () => Promise<void>) {
  const url = URL.createObjectURL(blob);
  await check();
  URL.revokeObjectURL(url);
}
"#;
    assert_eq!(codes_and_lines(rejected_await, &Settings::default()), vec![("LL1005".to_string(), 3)]);
    // `setPreview(undefined)` never spells `preview`, but it drops the URL the state held
    // (with React's batching the cleanup never sees it).
    let setter_overwrites = r#"
export function Gallery({ file }: { file: Blob }) {
  const [preview, setPreview] = useState<string>();
  function show() {
    setPreview(URL.createObjectURL(file));
    setPreview(undefined);
  }
  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);
  return show;
}
"#;
    assert_eq!(codes_and_lines(setter_overwrites, &Settings::default()), vec![("LL1005".to_string(), 5)]);
    let nothing_leaves = r#"
export function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.download = name;
  URL.revokeObjectURL(url);
}
"#;
    assert!(codes_and_lines(nothing_leaves, &Settings::default()).is_empty());
}

#[test]
fn a_class_with_several_teardowns_is_told_about_the_final_one() {
    // `close()` only hides the widget and comes first; `destroy()` ends its life.
    let source = r#"
export class Dropdown {
  constructor(root) {
    this.onClick = () => this.close();
    document.addEventListener("click", this.onClick);
  }
  close() { this.hidden = true; }
  destroy() { this.hidden = true; }
}
"#;
    let model = super::parse(Language::JavaScript, source, std::time::Duration::from_secs(5)).unwrap();
    let lines = crate::LineIndex::new(source);
    let diagnostics = super::check(&model, source, &Settings::default());
    let [leak] = &diagnostics[..] else { panic!("one finding expected: {diagnostics:?}") };
    assert!(leak.message.contains("never removed in destroy()"), "{}", leak.message);
    let pointed: Vec<usize> = leak.related.iter().map(|r| lines.line_of(r.range.start) + 1).collect();
    assert_eq!(pointed, [8], "the related location is destroy(): {:?}", leak.related);
}

#[test]
fn returns_run_the_finally_blocks_around_them() {
    let nested = r#"
export class Sync {
  async run(load) {
    const outer = setTimeout(() => {}, 1000);
    try {
      const inner = setTimeout(() => {}, 500);
      try {
        if (await load()) return 1;
        return 2;
      } finally {
        clearTimeout(inner);
      }
    } finally {
      clearTimeout(outer);
    }
  }
  close() {}
}
"#;
    assert!(
        codes_and_lines(nested, &Settings::default()).is_empty(),
        "both finally blocks run on each return"
    );
    // A function nested in the try returns from itself: the finally does not run then.
    let nested_function = r#"
export class Sync {
  run(items) {
    const outer = setTimeout(() => {}, 1000);
    try {
      items.forEach((item) => {
        if (item) return;
      });
    } finally {
      clearTimeout(outer);
    }
    const late = setTimeout(() => {}, 1000);
    return items.length;
  }
  close() {}
}
"#;
    assert_eq!(codes_and_lines(nested_function, &Settings::default()), vec![("LL1001".to_string(), 12)]);
}

#[test]
fn break_and_continue_run_the_finally_blocks_they_leave() {
    let leaving = r#"
export async function sizes(files, probe) {
  const sizes = [];
  for (const file of files) {
    const url = URL.createObjectURL(file);
    try {
      if (!(await probe(url))) continue;
      if (file.size > 1e9) break;
      sizes.push(file.size);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  return sizes;
}
"#;
    assert!(codes_and_lines(leaving, &Settings::default()).is_empty(), "each way out revokes the URL");
    // A `finally` around the loop runs only when the loop is left by `return`, after it.
    let around = r#"
export async function first(files, probe) {
  try {
    for (const file of files) {
      const url = URL.createObjectURL(file);
      if (await probe(url)) break;
      URL.revokeObjectURL(url);
    }
  } finally {
    console.log("probed");
  }
}
"#;
    assert_eq!(codes_and_lines(around, &Settings::default()), vec![("LL1005".to_string(), 5)]);
}

#[test]
fn names_the_file_declares_shadow_the_globals() {
    let effect = "\nexport function useFeed(url) {\n  useEffect(() => {\n    const ws = new WebSocket(url);\n    ws.send('hi');\n  }, [url]);\n}\n";
    let global = effect.to_string();
    let own_class = format!("class WebSocket {{ send() {{}} }}{effect}");
    let own_function = "function setTimeout(fn) { fn(); }\nuseEffect(() => { setTimeout(tick, 10); }, []);";
    let imported = format!("import {{ WebSocket }} from 'ws';{effect}");
    let codes = |source: &str| -> Vec<String> {
        codes_and_lines(source, &Settings::default()).into_iter().map(|(code, _)| code).collect()
    };
    assert_eq!(codes(&global), ["LL1007"]);
    assert!(codes(&own_class).is_empty(), "the file's own WebSocket class");
    assert!(codes(own_function).is_empty(), "the file's own setTimeout");
    assert_eq!(codes(&imported), ["LL1007"], "an imported WebSocket (the `ws` package) is a socket too");
}

#[test]
fn string_keys_and_event_types_are_read_from_the_text() {
    let source = |add: &str, remove: &str| {
        format!(
            "function onScroll() {{}}\nuseEffect(() => {{\n  window.addEventListener('scroll', onScroll{add});\n  \
             return () => window.removeEventListener(\"scroll\", onScroll{remove});\n}}, []);\n"
        )
    };
    let codes = |source: &str| -> Vec<String> {
        codes_and_lines(source, &Settings::default()).into_iter().map(|(code, _)| code).collect()
    };
    assert!(codes(&source(", { 'capture': true }", ", { capture: true }")).is_empty());
    assert!(codes(&source(", { \"capture\": true }", ", true")).is_empty());
    assert_eq!(codes(&source(", { 'capture': true }", "")), ["LL1003"], "removed without the capture flag");
    let escaped = "function f() {}\nuseEffect(() => {\n  document.addEventListener('a\\'b', f);\n  \
                   return () => document.removeEventListener(\"a\\'b\", f);\n}, []);\n";
    assert!(codes(escaped).is_empty(), "the same event type, written with other quotes");
}
