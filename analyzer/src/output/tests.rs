//! Each writer on a hand-built report: a finding with help and a related location, a suppressed
//! finding, and problems with files.

use leaklint_rules::{declare_rule, Family, LineIndex, Precision, Severity, TextRange};

use super::{write, Format, OutputOptions, Styling};
use crate::report::{FileProblem, Finding, ProblemLevel, RelatedLocation, Report, SuppressionInfo};

declare_rule! {
    /// ## What it finds
    /// A stream that is opened and never closed.
    pub static LL9001 = {
        name: "stream-never-closed",
        family: Family::CSharp,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "Stream opened here is never closed",
        aliases: &[],
    }
}

const SOURCE: &str = "class Job {\n    void Run() {\n        var s = new FileStream(path, FileMode.Open);\n        return;\n    }\n}\n";

fn finding_at(needle: &str, message: &str) -> Finding {
    let lines = LineIndex::new(SOURCE);
    let start = SOURCE.find(needle).unwrap();
    let range = TextRange::new(start, start + needle.len());
    let exit = SOURCE.find("return;").unwrap();
    let exit_range = TextRange::new(exit, exit + "return;".len());
    Finding {
        path: "src/Job.cs".into(),
        rule: &LL9001,
        severity: Severity::Warning,
        range,
        start: lines.position(SOURCE, range.start),
        end: lines.position(SOURCE, range.end),
        message: message.into(),
        help: Some("wrap it in `using var s = ...`".into()),
        related: vec![RelatedLocation {
            range: exit_range,
            start: lines.position(SOURCE, exit_range.start),
            end: lines.position(SOURCE, exit_range.end),
            message: "leaves the method here".into(),
        }],
        suppression: None,
        baseline: None,
    }
}

fn report() -> Report {
    let mut suppressed = finding_at("FileMode.Open", "suppressed: must not appear");
    suppressed.suppression =
        Some(SuppressionInfo { kind: "#pragma warning disable".into(), justification: None });
    let mut report = Report {
        findings: vec![
            finding_at("new FileStream(path, FileMode.Open)", "`s` (FileStream) is never disposed"),
            suppressed,
        ],
        problems: vec![FileProblem::new(
            "gen/big.ts",
            ProblemLevel::Skipped,
            "over the size cap, not analysed",
        )],
        files_analyzed: 1,
        ..Report::default()
    };
    report.sources.insert("src/Job.cs".into(), SOURCE.into());
    report
}

fn render(format: Format, styling: Styling) -> String {
    let options = OutputOptions { styling, ..OutputOptions::default() };
    let mut out = Vec::new();
    write(format, &report(), &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_plain_shows_frame_labels_and_fix_in_ascii() {
    let text = render(Format::Human, Styling::Plain);
    for expected in [
        "LL9001(stream-never-closed)",
        "`s` (FileStream) is never disposed",
        "[src/Job.cs:3:17]",
        "3 |         var s = new FileStream(path, FileMode.Open);",
        "Stream opened here is never closed",
        "leaves the method here",
        "help: wrap it in `using var s = ...`",
        "gen/big.ts: over the size cap, not analysed",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("must not appear"), "a suppressed finding was shown:\n{text}");
    assert!(text.is_ascii(), "plain output must be ASCII:\n{text}");
    assert!(!text.contains('\u{1b}'), "plain output must have no escape sequences");
}

#[test]
fn human_color_uses_ansi_styles() {
    let text = render(Format::Human, Styling::Color);
    assert!(text.contains('\u{1b}'), "no ANSI escapes in:\n{text}");
    assert!(text.contains("leaves the method here"));
}

#[test]
fn compact_lists_active_findings_then_problems() {
    assert_eq!(
        render(Format::Compact, Styling::Plain),
        "src/Job.cs:3:17: warning[LL9001] `s` (FileStream) is never disposed\n\
         gen/big.ts:1:1: skipped[io] over the size cap, not analysed\n"
    );
}

#[test]
fn github_writes_one_escaped_command_per_finding_and_problem() {
    assert_eq!(
        render(Format::Github, Styling::Plain),
        "::warning file=src/Job.cs,line=3,col=17,endLine=3,endColumn=52,title=LL9001::\
         `s` (FileStream) is never disposed%0AFix: wrap it in `using var s = ...`\n\
         ::notice file=gen/big.ts,title=leaklint::over the size cap, not analysed\n"
    );
}

#[test]
fn json_schema_v1_carries_suppressed_findings_marked() {
    let document: serde_json::Value = serde_json::from_str(&render(Format::Json, Styling::Plain)).unwrap();
    assert_eq!(document["version"], 1);
    assert_eq!(document["files_analyzed"], 1);
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["code"], "LL9001");
    assert_eq!(findings[0]["start"], serde_json::json!({ "line": 3, "column": 17 }));
    assert_eq!(findings[0]["related"][0]["message"], "leaves the method here");
    assert_eq!(findings[0]["suppressed"], serde_json::Value::Null);
    assert_eq!(findings[1]["suppressed"]["kind"], "#pragma warning disable");
    assert_eq!(document["problems"][0]["level"], "skipped");
}
