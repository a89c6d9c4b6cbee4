//! `leaklint.toml`: found by walking up from the checked paths (or named with `--config`),
//! validated against the rule catalogue, and resolved into what a run needs. Every mistake in
//! it is an error that names the file, line and key (exit code 2).

mod error;
mod globs;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leaklint_rules::settings::CSharpSettings;
use leaklint_rules::{ResourceKindSpec, Rule, Severity};
use toml::Spanned;

pub use error::ConfigError;
pub use globs::{FileFilter, PathGlobs};
use schema::RawConfig;

/// The file name looked for in the checked folders and their ancestors.
pub const FILE_NAME: &str = "leaklint.toml";

/// The commented configuration `leaklint init` writes.
pub const STARTER: &str = include_str!("starter.toml");

/// A resolved configuration. The default is what a run without a config file uses.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from.
    pub file: Option<PathBuf>,
    /// Rules to run; every rule when `None`.
    pub select: Option<Vec<&'static str>>,
    pub ignore: Vec<&'static str>,
    pub filter: FileFilter,
    pub max_file_size: Option<u64>,
    pub severities: BTreeMap<&'static str, Severity>,
    pub path_ignores: PathIgnores,
    pub resource_kinds: Vec<ResourceKindSpec>,
    pub csharp: CSharpSettings,
}

/// Rules not reported in the files that globs match (`[per-path-ignores]`).
#[derive(Debug, Clone, Default)]
pub struct PathIgnores {
    entries: Vec<(PathGlobs, Vec<&'static str>)>,
}

impl PathIgnores {
    /// Whether `code` is switched off for the file at `path`.
    pub fn ignores(&self, path: &Path, code: &str) -> bool {
        self.entries.iter().any(|(globs, codes)| codes.contains(&code) && globs.matches(path))
    }
}

/// The nearest `leaklint.toml` in `start` (a folder, or a file's folder) or its ancestors.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let first = if absolute.is_dir() { absolute.as_path() } else { absolute.parent()? };
    first.ancestors().map(|dir| dir.join(FILE_NAME)).find(|candidate| candidate.is_file())
}

/// Reads and validates the config file at `path`; rule codes are checked against `catalogue`.
pub fn load(path: &Path, catalogue: &[&'static Rule]) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
    parse(path, &text, catalogue)
}

/// Validates config `text` as if read from `path` (globs are relative to its folder).
pub fn parse(path: &Path, text: &str, catalogue: &[&'static Rule]) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
    let root = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let invalid =
        |span: std::ops::Range<usize>, message: String| ConfigError::invalid(path, text, span, message);
    let code = |code: &Spanned<String>| {
        lookup(catalogue, code.get_ref()).ok_or_else(|| {
            invalid(code.span(), format!("unknown rule code `{}` (see `leaklint rules`)", code.get_ref()))
        })
    };
    let codes = |list: &[Spanned<String>]| {
        list.iter().map(|c| code(c).map(|r| r.code)).collect::<Result<Vec<_>, _>>()
    };
    let globs = |list: &[Spanned<String>]| {
        PathGlobs::new(&root, list).map_err(|(span, message)| invalid(span, message))
    };

    let select = raw.select.as_deref().map(codes).transpose()?;
    let ignore = codes(&raw.ignore)?;
    let filter = FileFilter { include: globs(&raw.include)?, exclude: globs(&raw.exclude)? };
    let mut severities = BTreeMap::new();
    for (key, severity) in &raw.severity {
        severities.insert(code(key)?.code, *severity);
    }
    let mut path_ignores = PathIgnores::default();
    for (glob, list) in &raw.per_path_ignores {
        if let Some(matcher) = globs(std::slice::from_ref(glob))? {
            path_ignores.entries.push((matcher, codes(list)?));
        }
    }
    let mut resource_kinds = Vec::new();
    for spec in &raw.resource_kinds {
        let rule = lookup(catalogue, &spec.get_ref().rule).ok_or_else(|| {
            invalid(
                spec.span(),
                format!(
                    "resource kind `{}`: unknown rule code `{}`",
                    spec.get_ref().name,
                    spec.get_ref().rule
                ),
            )
        })?;
        resource_kinds
            .push(validate_kind(spec.get_ref(), rule).map_err(|message| invalid(spec.span(), message))?);
    }
    Ok(Config {
        file: Some(path.to_path_buf()),
        select,
        ignore,
        filter,
        max_file_size: raw.max_file_size,
        severities,
        path_ignores,
        resource_kinds,
        csharp: CSharpSettings {
            extra_disposable_types: raw.csharp.extra_disposable_types,
            excluded_types: raw.csharp.excluded_types,
            excluded_symbols: raw.csharp.excluded_symbols,
            transfer_to_unknown_methods: raw.csharp.transfer_to_unknown_methods,
        },
    })
}

fn lookup(catalogue: &[&'static Rule], code: &str) -> Option<&'static Rule> {
    catalogue.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// A user's resource kind must be reported by a rule of its own language, and say how the
/// resource is acquired and released.
fn validate_kind(spec: &ResourceKindSpec, rule: &Rule) -> Result<ResourceKindSpec, String> {
    if rule.family != spec.language {
        return Err(format!(
            "resource kind `{}`: rule {} checks {} code, not {}",
            spec.name,
            rule.code,
            rule.family.name(),
            spec.language.name()
        ));
    }
    for (key, patterns) in [("acquire", &spec.acquire), ("release", &spec.release)] {
        if patterns.is_empty() || patterns.iter().any(|p| p.trim().is_empty()) {
            return Err(format!(
                "resource kind `{}`: `{key}` needs at least one non-empty pattern",
                spec.name
            ));
        }
    }
    Ok(ResourceKindSpec { rule: rule.code.to_string(), ..spec.clone() })
}

/// Writes the starter config into `dir`; refuses to overwrite an existing file.
pub fn write_starter(dir: &Path) -> Result<PathBuf, ConfigError> {
    use std::io::Write;
    let path = dir.join(FILE_NAME);
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                ConfigError::Exists { path: path.display().to_string() }
            } else {
                ConfigError::Write { path: path.display().to_string(), source }
            }
        })?;
    file.write_all(STARTER.as_bytes())
        .map_err(|source| ConfigError::Write { path: path.display().to_string(), source })?;
    Ok(path)
}

#[cfg(test)]
mod tests;
