//! Config errors that point at the offending key: `path:line:column`, the key's dotted name,
//! and a code frame when rendered by miette.

use std::ops::Range;
use std::path::Path;

use miette::{NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(leaklint::config))]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(leaklint::config))]
    Write { path: String, source: std::io::Error },
    #[error("{path} already exists; not overwritten")]
    #[diagnostic(code(leaklint::config), help("edit it, or remove it first to start over"))]
    Exists { path: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidConfig>),
}

/// A value or key the config file must not hold, located in it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path}:{line}:{column}: {message}")]
#[diagnostic(code(leaklint::config))]
pub struct InvalidConfig {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
}

impl ConfigError {
    /// An error at `span` of the config `text`; the message is prefixed with the key it concerns.
    pub fn invalid(path: &Path, text: &str, span: Range<usize>, message: String) -> ConfigError {
        let start = span.start.min(text.len());
        let line = text[..start].matches('\n').count() + 1;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..start].chars().count() + 1;
        let message = match key_at(text, start) {
            Some(key) if !message.contains(&format!("`{key}`")) => format!("`{key}`: {message}"),
            _ => message,
        };
        let shown = path.display().to_string();
        ConfigError::Invalid(Box::new(InvalidConfig {
            path: shown.clone(),
            line,
            column,
            message,
            source_code: NamedSource::new(shown, text.to_string()),
            span: (start, span.end.min(text.len()).saturating_sub(start)).into(),
        }))
    }

    /// A TOML syntax or type error, with toml's own message in the user's words.
    pub fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
        let message = error
            .message()
            .trim()
            .replace("unknown field", "unknown key")
            .replace("missing field", "missing key");
        let span = error.span().unwrap_or(0..0);
        ConfigError::invalid(path, text, span, message)
    }
}

/// The dotted name of the key whose line holds byte `offset` (or, inside a multi-line value,
/// the nearest key above), qualified by the table header it sits under.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let mut key = None;
    for line in text[..line_end].lines().rev() {
        if let Some(table) = table_header(line) {
            return Some(match key {
                Some(key) => format!("{table}.{key}"),
                None => table.to_string(),
            });
        }
        if key.is_none() {
            key = key_of_line(line);
        }
    }
    key
}

fn key_of_line(line: &str) -> Option<String> {
    let line = line.trim_start();
    if line.starts_with('#') || line.starts_with('[') {
        return None;
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.\"' *".contains(c));
    (plain && !key.is_empty()).then(|| key.to_string())
}

fn table_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"));
    inner.or_else(|| line.strip_prefix('[').and_then(|l| l.strip_suffix(']'))).map(str::trim)
}
