//! SARIF 2.1.0, shaped for GitHub code scanning: rule metadata from the catalogue, relative URIs
//! under `%SRCROOT%`, UTF-16 columns, line-hash fingerprints, suppressions and baseline states.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use leaklint_rules::catalogue::{self, Rule, RULES};
use serde_json::{json, Map, Value};

use super::fingerprint::line_hashes;
use crate::report::{FileProblem, Finding, ProblemLevel, Report};

/// GitHub code scanning takes at most this many results per run; the rest are left out.
pub const MAX_RESULTS: usize = 25_000;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SOURCE_ROOT: &str = "%SRCROOT%";

/// What the SARIF writer includes beyond the active findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SarifOptions {
    /// Also write findings that a suppression silences, each with its `suppressions` entry
    /// (GitHub does not honour them, so by default they are left out).
    pub include_suppressed: bool,
    /// `run.automationDetails.id`; `leaklint/` when not given.
    pub automation_id: Option<String>,
}

pub fn write(report: &Report, options: &SarifOptions, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report, options))?;
    writeln!(out)
}

/// The SARIF log of one run.
pub fn document(report: &Report, options: &SarifOptions) -> Value {
    let findings: Vec<&Finding> =
        report.findings.iter().filter(|f| options.include_suppressed || f.suppression.is_none()).collect();
    let rules = rules_for(&findings);
    let rule_index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let mut fingerprints = Fingerprints::new(report);

    let kept = findings.len().min(MAX_RESULTS);
    let results: Vec<Value> =
        findings[..kept].iter().map(|f| result(f, rule_index[f.rule.code], &mut fingerprints)).collect();
    let mut notifications: Vec<Value> = report.problems.iter().map(notification).collect();
    if findings.len() > kept {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{} of {} results were left out: a SARIF run holds at most {MAX_RESULTS} results \
                 (GitHub code scanning's limit); the first {MAX_RESULTS} in path order are kept",
                findings.len() - kept,
                findings.len()
            ) },
        }));
    }

    let mut run = json!({
        "tool": { "driver": {
            "name": "leaklint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules.iter().map(|r| rule_metadata(r)).collect::<Vec<_>>(),
        } },
        "automationDetails": { "id": options.automation_id.as_deref().unwrap_or("leaklint/") },
        "columnKind": "utf16CodeUnits",
        "invocations": [{
            "executionSuccessful": !report.has_errors(),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    });
    if let Some(root) = source_root_uri() {
        run["originalUriBaseIds"] = json!({ SOURCE_ROOT: { "uri": root } });
    }
    json!({ "$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run] })
}

/// Every rule in the catalogue, then any rule a finding names that the catalogue lacks.
fn rules_for(findings: &[&Finding]) -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = RULES.to_vec();
    for finding in findings {
        if !rules.iter().any(|r| r.code == finding.rule.code) {
            rules.push(finding.rule);
        }
    }
    rules
}

fn rule_metadata(rule: &Rule) -> Value {
    let markdown = catalogue::docs_text(rule);
    let markdown = if markdown.is_empty() { rule.summary.to_string() } else { markdown };
    let full = section(&markdown, "What it finds").unwrap_or_else(|| rule.summary.to_string());
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": full },
        "help": { "text": plain_text(&markdown), "markdown": markdown },
        "defaultConfiguration": { "level": rule.default_severity.as_str() },
        "properties": {
            "tags": ["reliability", "resource-leak", rule.family.name()],
            "precision": rule.precision.as_str(),
        },
    })
}

/// The text of the `## heading` section of a rule's documentation, joined into one paragraph.
fn section(markdown: &str, heading: &str) -> Option<String> {
    let mut lines =
        markdown.lines().skip_while(|l| l.trim_start_matches('#').trim() != heading || !l.starts_with('#'));
    lines.next()?;
    let body: Vec<&str> =
        lines.take_while(|l| !l.starts_with('#')).map(str::trim).filter(|l| !l.is_empty()).collect();
    (!body.is_empty()).then(|| body.join(" "))
}

/// Markdown as plain text: headings lose their `#`, code fences their markers; code keeps its
/// indentation.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .filter(|l| !l.trim_start().starts_with("```"))
        .map(|l| if l.starts_with('#') { l.trim_start_matches('#').trim_start() } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

fn result(finding: &Finding, rule_index: usize, fingerprints: &mut Fingerprints) -> Value {
    let message = super::message_with_fix(finding);
    let mut fields = Map::new();
    fields.insert("ruleId".into(), json!(finding.rule.code));
    fields.insert("ruleIndex".into(), json!(rule_index));
    fields.insert("level".into(), json!(finding.severity.as_str()));
    fields.insert("message".into(), json!({ "text": message }));
    let primary = physical_location(&finding.path, Some((finding.start, finding.end)));
    fields.insert("locations".into(), json!([{ "physicalLocation": primary }]));
    if let Some(hash) = fingerprints.of_line(&finding.path, finding.start.line) {
        fields.insert("partialFingerprints".into(), json!({ "primaryLocationLineHash": hash }));
    }
    if !finding.related.is_empty() {
        let related = finding.related.iter().enumerate().map(|(id, r)| {
            json!({
                "id": id,
                "physicalLocation": physical_location(&finding.path, Some((r.start, r.end))),
                "message": { "text": r.message },
            })
        });
        fields.insert("relatedLocations".into(), related.collect());
    }
    if let Some(suppression) = &finding.suppression {
        let mut entry = Map::new();
        entry.insert("kind".into(), json!("inSource"));
        if let Some(justification) = &suppression.justification {
            entry.insert("justification".into(), json!(justification));
        }
        entry.insert("properties".into(), json!({ "mechanism": suppression.kind }));
        fields.insert("suppressions".into(), json!([entry]));
    }
    if let Some(state) = finding.baseline {
        fields.insert("baselineState".into(), json!(state.as_str()));
    }
    Value::Object(fields)
}

fn notification(problem: &FileProblem) -> Value {
    let level = match problem.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
        ProblemLevel::Skipped => "note",
    };
    let mut notification = json!({
        "level": level,
        "message": { "text": format!("{}: {}", problem.path, problem.message) },
    });
    if !problem.path.is_empty() {
        let mut location = physical_location(&problem.path, None);
        if let Some(at) = problem.position {
            location["region"] = json!({ "startLine": at.line, "startColumn": at.column });
        }
        notification["locations"] = json!([{ "physicalLocation": location }]);
    }
    notification
}

type Span = (leaklint_rules::Position, leaklint_rules::Position);

fn physical_location(path: &str, span: Option<Span>) -> Value {
    let artifact = if Path::new(path).is_absolute() || path.starts_with('/') {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": percent_encode(path), "uriBaseId": SOURCE_ROOT })
    };
    let mut location = json!({ "artifactLocation": artifact });
    if let Some((start, end)) = span {
        location["region"] = json!({
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
        });
    }
    location
}

/// Each file's line fingerprints, computed once per file that has findings.
struct Fingerprints<'r> {
    report: &'r Report,
    by_path: BTreeMap<&'r str, Vec<String>>,
}

impl<'r> Fingerprints<'r> {
    fn new(report: &'r Report) -> Fingerprints<'r> {
        Fingerprints { report, by_path: BTreeMap::new() }
    }

    fn of_line(&mut self, path: &str, line: usize) -> Option<String> {
        let (key, text) = self.report.sources.get_key_value(path)?;
        let hashes = self.by_path.entry(key.as_str()).or_insert_with(|| line_hashes(text));
        hashes.get(line.checked_sub(1)?).cloned()
    }
}

/// The current directory as a `file://` URI ending in `/`: what `%SRCROOT%` stands for.
fn source_root_uri() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let mut uri = file_uri(&cwd.to_string_lossy().replace('\\', "/"));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

fn file_uri(absolute: &str) -> String {
    let path = absolute.replace('\\', "/");
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", percent_encode(&path))
}

/// Percent-encodes what may not appear literally in a URI path (RFC 3986 `pchar` and `/` stay).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let literal = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte);
        if literal {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_encode_what_uris_cannot_hold() {
        assert_eq!(percent_encode("src/My App/Ünï#1.cs"), "src/My%20App/%C3%9Cn%C3%AF%231.cs");
        assert_eq!(file_uri("/work/a b"), "file:///work/a%20b");
        assert_eq!(file_uri("C:/src/x.cs"), "file:///C:/src/x.cs");
    }

    #[test]
    fn sections_of_rule_docs() {
        let docs = "## What it finds\nA `FileStream`\nnever disposed.\n\n## Why it matters\nHandles.";
        assert_eq!(section(docs, "What it finds").as_deref(), Some("A `FileStream` never disposed."));
        assert_eq!(section(docs, "Why it matters").as_deref(), Some("Handles."));
        assert_eq!(section(docs, "Fix"), None);
        assert_eq!(
            plain_text("## Fix\n```cs\nif (ok)\n    using var s = Open();\n```"),
            "Fix\nif (ok)\n    using var s = Open();"
        );
    }
}
