//! The C# front-end end to end on small snippets: configuration, and control flow the fixtures
//! do not spell out.

use super::disposables::Knowledge;
use super::index::Index;
use crate::settings::ResourceKindSpec;
use crate::{Family, Language, LineIndex, ParseOptions, ProjectIndex, Settings};

/// (1-based line, code) of every active finding in `source`, analysed as a one-file project.
fn findings_with(source: &str, settings: &Settings) -> Vec<(usize, &'static str)> {
    let parsed = crate::parse(Language::CSharp, source, &ParseOptions::default()).unwrap();
    let index = ProjectIndex::build([&parsed.facts].into_iter());
    let lines = LineIndex::new(source);
    crate::check(&parsed, source, &index, settings)
        .into_iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| (lines.line_of(d.range.start) + 1, d.code))
        .collect()
}

fn findings(source: &str) -> Vec<(usize, &'static str)> {
    findings_with(source, &Settings::default())
}

fn method(body: &str) -> String {
    format!("class Job {{\nvoid Run(bool c, int n) {{\n{body}\n}}\nvoid Use(object o) {{ }}\n}}\n")
}

const WIDGET: &str = "class Job {\nvoid Run() {\nvar w = new Widget();\nw.Paint();\n}\n}\n";

/// Settings with one user resource kind for C#, reported under CA2000.
fn settings_with_kind(name: &str, acquire: &str, release: &str) -> Settings {
    let mut settings = Settings::default();
    settings.resource_kinds.push(ResourceKindSpec {
        name: name.into(),
        language: Family::CSharp,
        rule: "CA2000".into(),
        acquire: vec![acquire.into()],
        release: vec![release.into()],
    });
    settings
}

#[test]
fn extra_disposable_types_come_from_settings() {
    assert!(findings(WIDGET).is_empty());
    let mut settings = Settings::default();
    settings.csharp.extra_disposable_types.push("Acme.Ui.Widget".into());
    assert_eq!(findings_with(WIDGET, &settings), vec![(3, "CA2000")]);
}

#[test]
fn resource_kinds_add_a_type_and_its_release_method() {
    let settings = settings_with_kind("native widget", "new Widget", ".Release");
    assert_eq!(findings_with(WIDGET, &settings), vec![(3, "CA2000")]);
    let released = WIDGET.replace("w.Paint();", "w.Paint();\nw.Release();");
    assert!(findings_with(&released, &settings).is_empty());
}

#[test]
fn excluded_types_cover_derived_types() {
    let source =
        "class Job {\nvoid Run() {\nvar a = new HttpClient();\nvar b = new RetryingClient();\n}\n}\n\
                  class RetryingClient : HttpClient { }\n";
    assert_eq!(findings(source), vec![(3, "CA2000"), (4, "CA2000")]);
    let mut settings = Settings::default();
    settings.csharp.excluded_types.push("System.Net.Http.HttpClient".into());
    assert!(findings_with(source, &settings).is_empty());
}

#[test]
fn excluded_symbols_silence_factories_and_types() {
    let source = "class Job {\nvoid Run() {\nvar a = ConnectionPool.Rent();\nvar b = new FileStream(\"p\", FileMode.Open);\n}\n}\n\
                  static class ConnectionPool { public static SqlConnection Rent() => null; }\n";
    assert_eq!(findings(source), vec![(3, "CA2000"), (4, "CA2000")]);
    let mut settings = Settings::default();
    settings.csharp.excluded_symbols = vec!["ConnectionPool.Rent".into(), "FileStream".into()];
    assert!(findings_with(source, &settings).is_empty());
}

#[test]
fn transfer_to_unknown_methods_is_configurable() {
    let source = method("Registry.Keep(new FileStream(\"p\", FileMode.Open));");
    assert_eq!(findings(&source), vec![(3, "CA2000")]);
    let mut settings = Settings::default();
    settings.csharp.transfer_to_unknown_methods = true;
    assert!(findings_with(&source, &settings).is_empty());
}

#[test]
fn disabled_rules_do_not_run() {
    let settings = Settings { enabled: Some(["CA1001"].into_iter().collect()), ..Settings::default() };
    assert!(findings_with(&method("var s = File.OpenRead(\"p\");"), &settings).is_empty());
}

#[test]
fn switch_sections_and_conditional_creations() {
    let leaky = method(
        "var s = c ? File.OpenRead(\"a\") : null;\n\
         switch (n) { case 1: s?.Dispose(); break; default: break; }",
    );
    assert_eq!(findings(&leaky), vec![(3, "CA2000")]);
    let clean = method(
        "var s = c ? File.OpenRead(\"a\") : File.OpenWrite(\"b\");\n\
         switch (n) { case 1: s.Dispose(); break; default: s.Close(); return; }",
    );
    assert!(findings(&clean).is_empty(), "{:?}", findings(&clean));
}

#[test]
fn coalescing_and_pattern_aliases() {
    let clean = method(
        "Stream s = null;\ns ??= File.OpenRead(\"a\");\nobject o = s;\nif (o is IDisposable d) { d.Dispose(); } else { s.Dispose(); }",
    );
    assert!(findings(&clean).is_empty(), "{:?}", findings(&clean));
}

#[test]
fn nested_finally_runs_on_return_and_exceptions_reach_the_outer_catch() {
    let clean = method(
        "var s = File.OpenRead(\"a\");\n\
         try { try { if (c) return; Use(s); } finally { s.Dispose(); } } catch (IOException) { }",
    );
    assert!(findings(&clean).is_empty(), "{:?}", findings(&clean));
    let leaky = method(
        "try { var s = File.OpenRead(\"a\");\nUse(s);\ns.Dispose(); } finally { n++; }\n\
         try { var t = File.OpenRead(\"b\");\nUse(t);\nt.Dispose(); } catch (IOException) { }",
    );
    // Without a catch the exception leaves the method (not reported); with one, it is a path.
    assert_eq!(findings(&leaky), vec![(6, "CA2000")]);
}

#[test]
fn do_while_loops_lose_the_previous_instance() {
    let leaky = method("FileStream s;\ndo {\ns = File.OpenRead(\"a\");\n} while (c);\ns.Dispose();");
    assert_eq!(findings(&leaky), vec![(5, "CA2000")]);
}

#[test]
fn iterators_hand_out_what_they_yield() {
    let source = "class Job {\nIEnumerable<Stream> All(string[] ps) {\nforeach (var p in ps) {\n\
                  var s = File.OpenRead(p);\nyield return s;\n}\n}\n}\n";
    assert!(findings(source).is_empty(), "{:?}", findings(source));
}

#[test]
fn pragma_ranges_and_suppress_message_scope() {
    let source = "class Job {\nvoid A() {\n#pragma warning disable CA2000\nvar s = File.OpenRead(\"a\");\n\
                  #pragma warning restore CA2000\nvar t = File.OpenRead(\"b\");\n}\n\
                  [SuppressMessage(\"Reliability\", \"CA2000:Dispose objects\")]\nvoid B() { var u = File.OpenRead(\"c\"); }\n\
                  void C() { var v = File.OpenRead(\"d\"); }\n}\n";
    assert_eq!(findings(source), vec![(6, "CA2000"), (10, "CA2000")]);
}

#[test]
fn a_creation_that_throws_has_nothing_to_leak() {
    let clean = "class Job {\nStream Open() {\ntry {\nvar s = File.OpenRead(\"a\");\nreturn s;\n}\n\
                 catch (IOException) {\nreturn null;\n}\n}\n}\n";
    assert!(findings(clean).is_empty(), "{:?}", findings(clean));
    let leaky =
        method("try {\nvar s = File.OpenRead(\"a\");\nUse(s);\ns.Dispose();\n} catch (IOException) { }");
    assert_eq!(findings(&leaky), vec![(4, "CA2000")]);
}

#[test]
fn interlocked_exchange_stores_the_new_value() {
    let source = "class Job {\nCancellationTokenSource _cts;\nvoid Restart() {\n\
                  Interlocked.Exchange(ref _cts, new CancellationTokenSource())?.Dispose();\n}\n}\n";
    assert!(findings(source).iter().all(|(_, code)| *code != "CA2000"), "{:?}", findings(source));
}

#[test]
fn try_pattern_out_values_exist_only_when_the_call_succeeds() {
    let source = "class Job {\nbool TryOpen(out Stream s) { s = File.OpenRead(\"a\"); return true; }\n\
                  long Size() {\nif (!TryOpen(out var s)) {\nreturn 0;\n}\nusing (s) { return s.Length; }\n}\n}\n";
    assert!(findings(source).is_empty(), "{:?}", findings(source));
}

#[test]
fn resource_kinds_with_call_patterns() {
    let settings = settings_with_kind("pooled buffer", "BufferPool.Shared.Rent", "BufferPool.Shared.Return");
    let leaky = method("var b = BufferPool.Shared.Rent(4096);\nUse(b);");
    assert_eq!(findings_with(&leaky, &settings), vec![(3, "CA2000")]);
    assert!(findings(&leaky).is_empty());
    let clean = method(
        "var b = BufferPool.Shared.Rent(4096);\ntry { Use(b); } finally { BufferPool.Shared.Return(b); }",
    );
    assert!(findings_with(&clean, &settings).is_empty(), "{:?}", findings_with(&clean, &settings));
}

#[test]
fn a_creation_in_a_finally_block_is_reported_once() {
    let source = method(
        "try {\nif (c) return;\nn++;\n} finally {\nvar log = File.AppendText(\"a\");\nlog.Write(n);\n}",
    );
    assert_eq!(findings(&source), vec![(7, "CA2000")]);
}

#[test]
fn library_receivers_do_not_reach_project_methods_of_the_same_name() {
    let source =
        "class Cache {\npublic bool TryGetValue(string k, out FileStream s) { s = null; return false; }\n}\n\
                  class Job {\nDictionary<string, FileStream> _open;\nvoid Run() {\n\
                  if (_open.TryGetValue(\"a\", out var s)) { s.Flush(); }\n}\n}\n";
    assert!(findings(source).is_empty(), "{:?}", findings(source));
    let through_cache = source.replace("Dictionary<string, FileStream> _open;", "Cache _open;");
    assert_eq!(findings(&through_cache), vec![(7, "CA2000")]);
}

#[test]
fn an_assignment_tested_against_null_in_the_condition() {
    let source = method("StreamReader r;\nif ((r = File.OpenText(\"a\")) != null) {\nr.Dispose();\n}");
    assert!(findings(&source).is_empty(), "{:?}", findings(&source));
}

#[test]
fn pathological_chains_are_analysed_in_bounded_time_and_stack() {
    let worker = std::thread::Builder::new().stack_size(crate::WORKER_STACK_SIZE);
    let handle = worker
        .spawn(|| {
            let chain = format!("class A {{ void M(B b) {{ b\n{}; }} }}", ".Add(1)\n".repeat(20_000));
            let sum = format!("class A {{ int M(int x) {{ return x\n{}; }} }}", "+ x\n".repeat(20_000));
            let coalesce =
                format!("class A {{ string M(string s) {{ return s\n{}; }} }}", "?? s\n".repeat(20_000));
            let started = std::time::Instant::now();
            for source in [chain, sum, coalesce] {
                assert!(findings(&source).is_empty());
            }
            started.elapsed()
        })
        .unwrap();
    let elapsed = handle.join().unwrap();
    assert!(elapsed < std::time::Duration::from_secs(30), "took {elapsed:?}");
}

// The catalogue on its own.

fn knowledge_with(settings: &Settings, index: &Index) -> bool {
    let k = Knowledge::new(index, settings);
    k.is_disposable("Widget")
}

#[test]
fn catalogue_and_exclusions() {
    let index = Index::default();
    let k = Knowledge::new(&index, &Settings::default());
    assert!(k.is_reportable("FileStream"));
    assert!(k.is_reportable("HttpClient"));
    assert!(!k.is_reportable("MemoryStream"));
    assert!(!k.is_reportable("StringReader"));
    assert!(!k.is_reportable("Task"));
    assert!(!k.is_reportable("String"));
    assert_eq!(k.static_factory("File", "OpenRead"), Some("FileStream"));
    assert_eq!(Knowledge::instance_factory("HttpClient", "GetAsync"), Some("HttpResponseMessage"));
}

#[test]
fn project_types_shadow_catalogue_names() {
    let parse = |source: &str| super::parse(source, std::time::Duration::from_secs(5)).unwrap().1;
    let facts = parse(
        "class Activity { } class Image : IDisposable { } class HttpClient : System.Net.Http.HttpClient { }",
    );
    let index = Index::build([&facts].into_iter());
    let k = Knowledge::new(&index, &Settings::default());
    assert!(!k.is_disposable("Activity"), "a domain entity named like a BCL type");
    assert!(k.is_disposable("Image"));
    assert!(k.is_disposable("HttpClient"), "a wrapper deriving from its namesake");
    assert!(k.is_disposable("Process"));
}

#[test]
fn configured_types_and_release_methods() {
    let index = Index::default();
    assert!(!knowledge_with(&Settings::default(), &index));
    let mut settings = Settings::default();
    settings.csharp.extra_disposable_types.push("Acme.Native.Widget".into());
    assert!(knowledge_with(&settings, &index));

    let settings = settings_with_kind("native widget", "new Widget", ".Release");
    assert!(knowledge_with(&settings, &index));
    let k = Knowledge::new(&index, &settings);
    assert!(k.is_release_method("Release"));
    assert!(k.is_release_method("Dispose"));

    let mut settings = Settings::default();
    settings.csharp.excluded_types.push("System.Net.Http.HttpClient".into());
    assert!(!Knowledge::new(&index, &settings).is_disposable("HttpClient"));
    settings.csharp.excluded_symbols.push("ConnectionFactory.Open".into());
    let k = Knowledge::new(&index, &settings);
    assert!(k.is_excluded_symbol(Some("ConnectionFactory"), "Open"));
    assert!(!k.is_excluded_symbol(Some("Other"), "Open"));
}
