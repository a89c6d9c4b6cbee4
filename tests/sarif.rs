//! leaklint's SARIF must be valid against the official SARIF 2.1.0 schema (in `tests/data/`),
//! for real runs and for hand-built reports that use every optional part the writer emits.

use std::path::Path;

use leaklint::output::{self, line_hashes, Format, OutputOptions, SarifOptions, MAX_RESULTS};
use leaklint::report::{BaselineState, RelatedLocation, SuppressionInfo};
use leaklint::{check, CheckOptions, FileProblem, Finding, ProblemLevel, Report};
use leaklint_rules::{declare_rule, Family, LineIndex, Precision, Rule, Severity, TextRange};
use serde_json::Value;

declare_rule! {
    /// ## What it finds
    /// A `FileStream` that is opened in a method and never disposed.
    ///
    /// ## Why it matters
    /// Each one holds an OS file handle until the finalizer runs.
    ///
    /// ## Example
    /// ```cs
    /// var s = new FileStream(path, FileMode.Open);
    /// ```
    ///
    /// ## Fix
    /// ```cs
    /// using var s = new FileStream(path, FileMode.Open);
    /// ```
    pub static LL9101 = {
        name: "test-stream-not-disposed",
        family: Family::CSharp,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "Stream never disposed",
        aliases: &[],
    }
}

declare_rule! {
    /// ## What it finds
    /// An interval that is never cleared.
    pub static LL9102 = {
        name: "test-interval-not-cleared",
        family: Family::TypeScript,
        severity: Severity::Error,
        precision: Precision::Medium,
        summary: "Interval never cleared",
        aliases: &[],
    }
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("schema in tests/data");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles")
}

/// Every schema violation in `document`, one per line.
fn schema_errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator.iter_errors(document).map(|e| format!("at {}: {e}", e.instance_path())).collect()
}

fn assert_valid(document: &Value, what: &str) {
    let errors = schema_errors(&validator(), document);
    assert!(errors.is_empty(), "SARIF of {what} violates the schema:\n{}", errors.join("\n"));
}

fn sarif(report: &Report, sarif: SarifOptions) -> Value {
    let options = OutputOptions { sarif, ..OutputOptions::default() };
    let mut out = Vec::new();
    output::write(Format::Sarif, report, &options, &mut out).expect("write to memory");
    serde_json::from_slice(&out).expect("SARIF is JSON")
}

fn include_suppressed() -> SarifOptions {
    SarifOptions { include_suppressed: true, ..SarifOptions::default() }
}

/// A finding of `rule` on the first occurrence of `needle` in `text`.
fn finding(path: &str, text: &str, rule: &'static Rule, needle: &str) -> Finding {
    let lines = LineIndex::new(text);
    let start = text.find(needle).expect("needle in text");
    let range = TextRange::new(start, start + needle.len());
    Finding {
        path: path.into(),
        rule,
        severity: rule.default_severity,
        range,
        start: lines.position(text, range.start),
        end: lines.position(text, range.end),
        message: format!("`{needle}` leaks"),
        help: Some("release it on every path".into()),
        related: Vec::new(),
        suppression: None,
        baseline: None,
    }
}

fn related(text: &str, needle: &str, message: &str) -> RelatedLocation {
    let lines = LineIndex::new(text);
    let start = text.find(needle).expect("needle in text");
    let range = TextRange::new(start, start + needle.len());
    RelatedLocation {
        range,
        start: lines.position(text, range.start),
        end: lines.position(text, range.end),
        message: message.into(),
    }
}

const CSHARP: &str = "class Importer {\n    void Run(string p) {\n        var name = \"📄 ü\"; var s = new FileStream(p, FileMode.Open);\n        if (name == null) return;\n        var t = new FileStream(p, FileMode.Open);\n    }\n}\n";
const TYPESCRIPT: &str = "export function poll() {\n  const id = setInterval(tick, 1000);\n}\n";
const CSHARP_PATH: &str = "src/Ünïcode dir/Importer.cs";

/// Two files, three findings (one suppressed, baseline states set), related locations and
/// problems at every level.
fn hand_built_report() -> Report {
    let mut first = finding(CSHARP_PATH, CSHARP, &LL9101, "new FileStream(p, FileMode.Open)");
    first.related.push(related(CSHARP, "return;", "leaves the method here without disposing `s`"));
    first.related.push(related(CSHARP, "}\n}", "scope of `s` ends here"));
    first.baseline = Some(BaselineState::New);
    let mut second = finding(CSHARP_PATH, CSHARP, &LL9101, "new FileStream(p, FileMode.Open);\n    }");
    second.suppression = Some(SuppressionInfo {
        kind: "#pragma warning disable LL9101".into(),
        justification: Some("closed by the caller".into()),
    });
    second.baseline = Some(BaselineState::Unchanged);
    let mut interval = finding("web/poll.ts", TYPESCRIPT, &LL9102, "setInterval(tick, 1000)");
    interval.baseline = Some(BaselineState::Unchanged);
    let mut report = Report {
        findings: vec![first, second, interval],
        problems: vec![
            FileProblem::new("web/bundle.js", ProblemLevel::Skipped, "minified"),
            FileProblem::new("web/bad.ts", ProblemLevel::Warning, "syntax errors")
                .at(leaklint_rules::Position { line: 3, column: 7 }),
            FileProblem::new("gone.cs", ProblemLevel::Error, "cannot read"),
        ],
        files_analyzed: 2,
        ..Report::default()
    };
    report.sources.insert(CSHARP_PATH.into(), CSHARP.into());
    report.sources.insert("web/poll.ts".into(), TYPESCRIPT.into());
    report
}

fn run(document: &Value) -> &Value {
    &document["runs"][0]
}

#[test]
fn hand_built_report_is_valid_with_and_without_suppressed_findings() {
    let report = hand_built_report();
    assert_valid(&sarif(&report, SarifOptions::default()), "the hand-built report");
    assert_valid(&sarif(&report, include_suppressed()), "the hand-built report with suppressed findings");
}

#[test]
fn results_carry_rule_locations_fingerprints_and_states() {
    let document = sarif(&hand_built_report(), SarifOptions::default());
    let run = run(&document);
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "the suppressed finding must be left out by default");

    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let first = &results[0];
    assert_eq!(first["ruleId"], "LL9101");
    let index = first["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "LL9101");
    assert_eq!(first["level"], "warning");
    assert_eq!(first["baselineState"], "new");
    assert_eq!(
        first["message"]["text"],
        "`new FileStream(p, FileMode.Open)` leaks\nFix: release it on every path"
    );

    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/%C3%9Cn%C3%AFcode%20dir/Importer.cs");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // `        var name = "📄 ü"; var s = ` is 35 UTF-16 units (the emoji takes two), 34 chars
    // and 38 bytes: only UTF-16 counting gives column 36.
    let region = &location["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64(), region["endColumn"].as_u64()),
        (Some(3), Some(36), Some(68))
    );
    assert_eq!(first["partialFingerprints"]["primaryLocationLineHash"], line_hashes(CSHARP)[2]);

    let related = first["relatedLocations"].as_array().expect("relatedLocations");
    assert_eq!(related.len(), 2);
    assert_eq!((related[0]["id"].as_u64(), related[1]["id"].as_u64()), (Some(0), Some(1)));
    assert_eq!(related[0]["message"]["text"], "leaves the method here without disposing `s`");
    assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 4);

    let interval = &results[1];
    assert_eq!(interval["ruleId"], "LL9102");
    assert_eq!(interval["level"], "error");
    assert_eq!(interval["baselineState"], "unchanged");
    assert_eq!(interval["locations"][0]["physicalLocation"]["region"]["startColumn"], 14);
}

#[test]
fn suppressed_findings_are_written_with_their_suppression_when_asked() {
    let document = sarif(&hand_built_report(), include_suppressed());
    let results = run(&document)["results"].as_array().expect("results").clone();
    assert_eq!(results.len(), 3);
    let suppressed: Vec<&Value> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    let suppression = &suppressed[0]["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["justification"], "closed by the caller");
    assert_eq!(suppression["properties"]["mechanism"], "#pragma warning disable LL9101");
    assert_eq!(suppressed[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 5);
}

#[test]
fn run_metadata_names_the_source_root_and_the_invocation() {
    let document = sarif(&hand_built_report(), SarifOptions::default());
    assert_eq!(document["version"], "2.1.0");
    let run = run(&document);
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["automationDetails"]["id"], "leaklint/");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().expect("%SRCROOT% uri");
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "a file could not be read: the run failed");
    let notifications = invocation["toolExecutionNotifications"].as_array().expect("notifications");
    let levels: Vec<&str> = notifications.iter().map(|n| n["level"].as_str().unwrap_or("")).collect();
    assert_eq!(levels, ["note", "warning", "error"]);
    assert_eq!(notifications[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "gone.cs");

    let custom = SarifOptions { automation_id: Some("ci/leaklint/42".into()), ..SarifOptions::default() };
    assert_eq!(run_of(&sarif(&hand_built_report(), custom))["automationDetails"]["id"], "ci/leaklint/42");
}

fn run_of(document: &Value) -> Value {
    run(document).clone()
}

#[test]
fn rules_metadata_covers_the_catalogue_and_every_reported_rule() {
    let document = sarif(&hand_built_report(), SarifOptions::default());
    let rules = run(&document)["tool"]["driver"]["rules"].as_array().expect("rules").clone();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap_or("")).collect();
    for rule in leaklint_rules::RULES {
        let entry =
            rules.iter().find(|r| r["id"] == rule.code).unwrap_or_else(|| panic!("{} missing", rule.code));
        assert_eq!(entry["name"], rule.name);
        assert_eq!(entry["shortDescription"]["text"], rule.summary);
        assert_eq!(entry["help"]["markdown"], leaklint_rules::catalogue::docs_text(rule));
        assert_eq!(entry["defaultConfiguration"]["level"], rule.default_severity.as_str());
        assert_eq!(entry["properties"]["precision"], rule.precision.as_str());
    }
    assert_eq!(ids.len(), leaklint_rules::RULES.len() + 2, "{ids:?}");
    let test_rule = rules.iter().find(|r| r["id"] == "LL9101").expect("LL9101 in rules");
    assert_eq!(test_rule["name"], "test-stream-not-disposed");
    assert_eq!(
        test_rule["fullDescription"]["text"],
        "A `FileStream` that is opened in a method and never disposed."
    );
    let help = test_rule["help"]["text"].as_str().expect("help text");
    assert!(help.contains("Fix\nusing var s = new FileStream(path, FileMode.Open);"), "{help}");
    assert!(!help.contains("```") && !help.contains("## "), "help.text must be plain: {help}");
    assert!(test_rule["help"]["markdown"].as_str().expect("markdown").contains("```cs"));
    assert_eq!(
        test_rule["properties"]["tags"],
        serde_json::json!(["reliability", "resource-leak", "csharp"])
    );
}

#[test]
fn results_beyond_the_limit_are_left_out_with_a_warning() {
    let text = "x\n".repeat(10);
    let one = finding("many.ts", &text, &LL9102, "x");
    let mut report = Report { findings: vec![one; MAX_RESULTS + 7], files_analyzed: 1, ..Report::default() };
    report.sources.insert("many.ts".into(), text.clone());
    let document = sarif(&report, SarifOptions::default());
    let run = run(&document);
    assert_eq!(run["results"].as_array().map(Vec::len), Some(MAX_RESULTS));
    let notifications = run["invocations"][0]["toolExecutionNotifications"].as_array().expect("notes");
    assert_eq!(notifications.len(), 1);
    assert_eq!(notifications[0]["level"], "warning");
    let message = notifications[0]["message"]["text"].as_str().unwrap_or("");
    assert!(message.starts_with("7 of 25007 results were left out"), "{message}");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_valid(&document, "a truncated run");
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    let mut document = sarif(&hand_built_report(), SarifOptions::default());
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    document["runs"][0]["results"][1]["level"] = "fatal".into();
    document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///a b/".into();
    let errors = schema_errors(&validator(), &document);
    assert!(errors.len() >= 3, "the schema check missed errors: {errors:?}");
}

/// A small project in every language, with files that produce each kind of problem.
fn write_generated_tree(root: &Path) {
    let files: &[(&str, &str)] = &[
        ("Services/ReportWriter.cs", "using System.IO;\nclass ReportWriter {\n    public void Write(string path) {\n        var stream = new FileStream(path, FileMode.Create);\n        stream.WriteByte(1);\n    }\n}\n"),
        ("Services/Clean.cs", "class Clean {\n    void M(string p) { using var s = new System.IO.FileStream(p, System.IO.FileMode.Open); }\n}\n"),
        ("web/Clock.tsx", "import { useEffect } from 'react';\nexport function Clock() {\n  useEffect(() => {\n    setInterval(() => console.log('tick'), 1000);\n  }, []);\n  return <span>⏰ ü</span>;\n}\n"),
        ("web/poll.js", "export function poll(fn) {\n  const id = setInterval(fn, 500);\n  return () => clearInterval(id);\n}\n"),
        ("jobs/runner.rs", "use std::process::Command;\npub fn run() {\n    let child = Command::new(\"ffmpeg\").spawn().unwrap();\n    drop(child);\n}\n"),
        ("web/broken.ts", "export function f( {\n"),
    ];
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    std::fs::write(root.join("web/binary.ts"), b"\x00\x01\x02").expect("write");
    std::fs::write(root.join("web/latin1.ts"), b"const s = '\xe9t\xe9';\n").expect("write");
}

#[test]
fn sarif_of_real_runs_is_valid() {
    let validator = validator();
    let mut failures = Vec::new();
    let generated = tempfile::tempdir().expect("temp dir");
    write_generated_tree(generated.path());
    let mut trees = vec![generated.path().to_path_buf()];
    if Path::new("fixtures").is_dir() {
        trees.push("fixtures".into());
    } else {
        eprintln!("note: no fixtures/ directory in this checkout; validating the generated tree only");
    }
    for tree in &trees {
        let options = CheckOptions { paths: vec![tree.clone()], jobs: Some(2), ..CheckOptions::default() };
        let report = check(&options).expect("run");
        assert!(report.files_analyzed > 0, "nothing analysed in {}", tree.display());
        for sarif_options in [SarifOptions::default(), include_suppressed()] {
            let document = sarif(&report, sarif_options);
            for error in schema_errors(&validator, &document) {
                failures.push(format!("{}: {error}", tree.display()));
            }
            let notifications = run(&document)["invocations"][0]["toolExecutionNotifications"].clone();
            assert_eq!(notifications.as_array().map(Vec::len), Some(report.problems.len()));
        }
    }
    assert!(failures.is_empty(), "SARIF of real runs violates the schema:\n{}", failures.join("\n"));
}
