//! Baselines: record today's findings, then report only new ones.
//!
//! A finding is recorded by fingerprints that survive unrelated edits, never by line number:
//! * `context`: rule, path, and the whitespace-free text of the flagged line and of the nearest
//!   non-blank lines above and below it, with `:N` for the Nth identical one in the file;
//! * `line`: rule, path and the flagged line's text alone, for a second-chance match when a
//!   neighbouring line was edited.
//!
//! Paths are stored relative to the baseline file's folder, so the file can be committed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use leaklint_rules::LineIndex;
use sha2::{Digest, Sha256};

use crate::report::{BaselineState, Finding, Report};

/// Bumped on any change to the fingerprints or the file's shape.
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write the baseline {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{path} is not a leaklint baseline: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Entry {
    rule: String,
    path: String,
    context: String,
    line: String,
    /// For people reading the file; not used for matching.
    message: String,
}

/// A loaded baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    dir: PathBuf,
    entries: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| BaselineError::Read { path: shown.clone(), source })?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| BaselineError::Invalid { path: shown.clone(), reason: e.to_string() })?;
        if file.version != VERSION {
            return Err(BaselineError::Invalid {
                path: shown,
                reason: format!(
                    "version {} (this leaklint reads version {VERSION}); write it again",
                    file.version
                ),
            });
        }
        Ok(Baseline { dir: folder_of(path), entries: file.findings })
    }

    /// Marks every unsuppressed finding `New` or `Unchanged`.
    pub fn apply(&self, report: &mut Report) {
        let fingerprints = fingerprints(report, &self.dir);
        let mut matched = vec![false; self.entries.len()];
        let mut by_context: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_line: HashMap<&str, Vec<usize>> = HashMap::new();
        // Reversed, so that popping hands out entries in file order.
        for (i, e) in self.entries.iter().enumerate().rev() {
            by_context.entry(&e.context).or_default().push(i);
            by_line.entry(&e.line).or_default().push(i);
        }
        let mut states = vec![None; report.findings.len()];
        for (i, fp) in &fingerprints {
            if take(by_context.get_mut(fp.context.as_str()), &mut matched) {
                states[*i] = Some(BaselineState::Unchanged);
            }
        }
        for (i, fp) in &fingerprints {
            if states[*i].is_none() {
                let found = take(by_line.get_mut(fp.line.as_str()), &mut matched);
                states[*i] = Some(if found { BaselineState::Unchanged } else { BaselineState::New });
            }
        }
        for (finding, state) in report.findings.iter_mut().zip(states) {
            finding.baseline = state;
        }
    }
}

/// Claims the first candidate entry not matched yet.
fn take(candidates: Option<&mut Vec<usize>>, matched: &mut [bool]) -> bool {
    let Some(candidates) = candidates else { return false };
    while let Some(i) = candidates.pop() {
        if !std::mem::replace(&mut matched[i], true) {
            return true;
        }
    }
    false
}

/// Writes the report's unsuppressed findings as a baseline; returns how many.
pub fn write(path: &Path, report: &Report) -> Result<usize, BaselineError> {
    let mut findings: Vec<Entry> = fingerprints(report, &folder_of(path))
        .into_iter()
        .map(|(i, fp)| Entry {
            rule: fp.rule,
            path: fp.path,
            context: fp.context,
            line: fp.line,
            message: report.findings[i].message.clone(),
        })
        .collect();
    findings.sort_by(|a, b| (&a.path, &a.rule, &a.context).cmp(&(&b.path, &b.rule, &b.context)));
    let count = findings.len();
    let mut json = serde_json::to_string_pretty(&BaselineFile { version: VERSION, findings })
        .map_err(|e| BaselineError::Invalid { path: path.display().to_string(), reason: e.to_string() })?;
    json.push('\n');
    std::fs::write(path, json)
        .map_err(|source| BaselineError::Write { path: path.display().to_string(), source })?;
    Ok(count)
}

#[derive(Debug)]
struct Fingerprint {
    rule: String,
    path: String,
    context: String,
    line: String,
}

/// Fingerprints of the report's unsuppressed findings, by index into `report.findings`.
fn fingerprints(report: &Report, dir: &Path) -> Vec<(usize, Fingerprint)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut indexed: HashMap<&str, LineIndex> = HashMap::new();
    let mut out = Vec::new();
    for (i, finding) in report.findings.iter().enumerate().filter(|(_, f)| f.suppression.is_none()) {
        let text = report.sources.get(&finding.path).map_or("", String::as_str);
        let lines = indexed.entry(&finding.path).or_insert_with(|| LineIndex::new(text));
        let path = relative_to(&finding.path, dir);
        let (before, flagged, after) = neighbourhood(text, lines, finding);
        let line = hash(&[finding.rule.code, &path, &flagged]);
        let context = hash(&[finding.rule.code, &path, &before, &flagged, &after]);
        let occurrence = seen.entry(context.clone()).or_default();
        let context = format!("{context}:{occurrence}");
        *occurrence += 1;
        out.push((i, Fingerprint { rule: finding.rule.code.to_string(), path, context, line }));
    }
    out
}

/// The normalised flagged line and its nearest non-blank neighbours.
fn neighbourhood(text: &str, lines: &LineIndex, finding: &Finding) -> (String, String, String) {
    let at = finding.start.line.saturating_sub(1);
    let normalised = |l: usize| -> String { lines.line_text(text, l).split_whitespace().collect() };
    let before = (0..at).rev().map(normalised).find(|l| !l.is_empty()).unwrap_or_default();
    let after = (at + 1..lines.line_count()).map(normalised).find(|l| !l.is_empty()).unwrap_or_default();
    (before, normalised(at), after)
}

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn folder_of(path: &Path) -> PathBuf {
    std::path::absolute(path).ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default()
}

/// A report path made relative to `dir` (with `..` where needed), `/`-separated.
fn relative_to(path: &str, dir: &Path) -> String {
    let Ok(absolute) = std::path::absolute(path) else { return path.to_string() };
    let target: Vec<_> = absolute.components().collect();
    let base: Vec<_> = dir.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.to_string();
    }
    let ups = std::iter::repeat_n("..".into(), base.len() - common);
    let rest = target[common..].iter().map(|c| c.as_os_str().to_string_lossy());
    ups.chain(rest).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests;
