//! The JSON report, schema version 1 (documented in README, "JSON output").

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::report::{FileProblem, Finding, Report};

/// Bumped on any incompatible change to the document's shape.
pub const SCHEMA_VERSION: u32 = 1;

fn position(p: leaklint_rules::Position) -> Value {
    json!({ "line": p.line, "column": p.column })
}

fn finding(f: &Finding) -> Value {
    json!({
        "code": f.rule.code,
        "name": f.rule.name,
        "severity": f.severity.as_str(),
        "path": f.path,
        "start": position(f.start),
        "end": position(f.end),
        "message": f.message,
        "help": f.help,
        "related": f.related.iter().map(|r| json!({
            "start": position(r.start),
            "end": position(r.end),
            "message": r.message,
        })).collect::<Vec<_>>(),
        "suppressed": f.suppression.as_ref().map(|s| json!({
            "kind": s.kind,
            "justification": s.justification,
        })),
        "baseline": f.baseline.map(|state| state.as_str()),
    })
}

/// `start` is present (not null) only for a problem with a place in the file.
fn problem(p: &FileProblem) -> Value {
    let mut problem = json!({
        "path": p.path,
        "level": p.level.as_str(),
        "message": p.message,
    });
    if let Some(at) = p.position {
        problem["start"] = position(at);
    }
    problem
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "leaklint", "version": env!("CARGO_PKG_VERSION") },
        "files_analyzed": report.files_analyzed,
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "problems": report.problems.iter().map(problem).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
