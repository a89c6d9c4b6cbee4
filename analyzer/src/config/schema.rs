//! `leaklint.toml` as written: every key the file may hold, with the spans errors point at.
//! Unknown keys are rejected by serde (`deny_unknown_fields`), so a typo never goes unnoticed.

use std::collections::BTreeMap;

use leaklint_rules::{ResourceKindSpec, Severity};
use toml::Spanned;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Rules to run (codes); every rule when absent.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules not to run.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Globs (relative to the config file's folder) of the files to analyse; all when absent.
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// Globs of files never analysed when walking folders.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: Option<u64>,
    /// Severity per rule code.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Severity>,
    /// Glob -> rule codes not reported in the files it matches.
    #[serde(default)]
    pub per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Resource kinds added to the built-in catalogue.
    #[serde(default)]
    pub resource_kinds: Vec<Spanned<ResourceKindSpec>>,
    #[serde(default)]
    pub csharp: RawCSharp,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCSharp {
    #[serde(default)]
    pub extra_disposable_types: Vec<String>,
    #[serde(default)]
    pub excluded_types: Vec<String>,
    #[serde(default)]
    pub excluded_symbols: Vec<String>,
    #[serde(default)]
    pub transfer_to_unknown_methods: bool,
}
