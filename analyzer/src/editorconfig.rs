//! `.editorconfig`'s `dotnet_diagnostic.<CODE>.severity` for C# files, as Roslyn reads it: the
//! `.editorconfig` files from the file's folder upwards (up to one with `root = true`), the
//! farthest first, each section whose glob matches the file in order; the last value wins.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobMatcher};
use leaklint_rules::Severity;

const FILE_NAME: &str = ".editorconfig";

/// What `.editorconfig` says about one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `none` or `silent`: the finding is suppressed. Carries the setting, for the report.
    Suppressed(String),
    /// `suggestion`, `warning`, `error`.
    Severity(Severity),
}

/// One parsed `.editorconfig` file: whether it is the root, and its diagnostic settings.
#[derive(Debug, Default)]
struct ConfigFile {
    root: bool,
    sections: Vec<Section>,
}

#[derive(Debug)]
struct Section {
    glob: GlobMatcher,
    /// (upper-case code, lower-case value) in file order.
    severities: Vec<(String, String)>,
}

/// Parsed `.editorconfig` files, shared by the worker threads of one run.
#[derive(Debug, Default)]
pub struct EditorConfigs {
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<ConfigFile>>>>,
}

impl EditorConfigs {
    /// The verdict for `code` in the file at `path`, if any `.editorconfig` sets one.
    pub fn verdict(&self, path: &Path, code: &str) -> Option<Verdict> {
        let absolute = std::path::absolute(path).ok()?;
        let mut files = Vec::new();
        for dir in absolute.ancestors().skip(1) {
            if let Some(file) = self.file_in(dir) {
                let root = file.root;
                files.push((dir, file));
                if root {
                    break;
                }
            }
        }
        let code = code.to_ascii_uppercase();
        let mut verdict = None;
        for (dir, file) in files.iter().rev() {
            let Ok(relative) = absolute.strip_prefix(dir) else { continue };
            for section in file.sections.iter().filter(|s| s.glob.is_match(relative)) {
                for (_, value) in section.severities.iter().filter(|(c, _)| *c == code) {
                    verdict = match value.as_str() {
                        "none" | "silent" => Some(Verdict::Suppressed(format!(
                            "dotnet_diagnostic.{code}.severity = {value} in {}",
                            crate::display_path(&dir.join(FILE_NAME))
                        ))),
                        "suggestion" => Some(Verdict::Severity(Severity::Note)),
                        "warning" => Some(Verdict::Severity(Severity::Warning)),
                        "error" => Some(Verdict::Severity(Severity::Error)),
                        // `default` and anything unknown: the rule's own severity.
                        _ => None,
                    };
                }
            }
        }
        verdict
    }

    fn file_in(&self, dir: &Path) -> Option<Arc<ConfigFile>> {
        let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(dir.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(dir.join(FILE_NAME)).ok().map(|t| Arc::new(parse(&t))))
            .clone()
    }
}

/// Parses the parts of an `.editorconfig` that matter here; lines it does not understand are
/// skipped, as editors do.
fn parse(text: &str) -> ConfigFile {
    let mut file = ConfigFile::default();
    let mut current: Option<Section> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            file.sections.extend(current.take());
            current = section_glob(name).map(|glob| Section { glob, severities: Vec::new() });
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().to_ascii_lowercase();
        match &mut current {
            None if key == "root" => file.root = value == "true",
            None => {}
            Some(section) => {
                let code = key.strip_prefix("dotnet_diagnostic.").and_then(|k| k.strip_suffix(".severity"));
                if let Some(code) = code {
                    let value = value.split(':').next().unwrap_or("").trim().to_string();
                    section.severities.push((code.to_ascii_uppercase(), value));
                }
            }
        }
    }
    file.sections.extend(current);
    file
}

/// An editorconfig section name as a glob over paths relative to its file's folder: a name
/// without `/` matches the file name at any depth.
fn section_glob(name: &str) -> Option<GlobMatcher> {
    let pattern =
        if name.contains('/') { name.trim_start_matches('/').to_string() } else { format!("**/{name}") };
    GlobBuilder::new(&pattern).literal_separator(true).build().ok().map(|g| g.compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn nearest_file_wins_and_root_stops_the_search() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        write(&top.join(".editorconfig"), "[*.cs]\ndotnet_diagnostic.CA2000.severity = error\n");
        write(
            &top.join("repo/.editorconfig"),
            "root = true\n\n[*.cs]\ndotnet_diagnostic.CA2000.severity = warning\ndotnet_diagnostic.CA2213.severity = none\n",
        );
        write(
            &top.join("repo/src/Legacy/.editorconfig"),
            "# legacy code\n[*.{cs,vb}]\nDOTNET_DIAGNOSTIC.ca2000.SEVERITY = silent\n",
        );
        let configs = EditorConfigs::default();
        let app = top.join("repo/src/App.cs");
        assert_eq!(
            configs.verdict(&app, "CA2000"),
            Some(Verdict::Severity(Severity::Warning)),
            "root = true hides the outer file"
        );
        assert!(
            matches!(configs.verdict(&app, "CA2213"), Some(Verdict::Suppressed(s)) if s.contains("CA2213.severity = none"))
        );
        assert_eq!(configs.verdict(&app, "CA1001"), None);
        let legacy = top.join("repo/src/Legacy/Old.cs");
        assert!(matches!(configs.verdict(&legacy, "ca2000"), Some(Verdict::Suppressed(_))));
        assert_eq!(
            configs.verdict(&top.join("Other.cs"), "CA2000"),
            Some(Verdict::Severity(Severity::Error))
        );
    }

    #[test]
    fn sections_match_by_glob_and_later_sections_override() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join(".editorconfig"),
            "root = true\n[*.cs]\ndotnet_diagnostic.CA2000.severity = suggestion\n\n[tests/**/*.cs]\ndotnet_diagnostic.CA2000.severity = none\n\n[*.ts]\ndotnet_diagnostic.CA2000.severity = error\n\n[Generated.cs]\ndotnet_diagnostic.CA2000.severity = default\n",
        );
        let configs = EditorConfigs::default();
        assert_eq!(
            configs.verdict(&dir.path().join("src/A.cs"), "CA2000"),
            Some(Verdict::Severity(Severity::Note))
        );
        assert!(matches!(
            configs.verdict(&dir.path().join("tests/unit/A.cs"), "CA2000"),
            Some(Verdict::Suppressed(_))
        ));
        assert_eq!(
            configs.verdict(&dir.path().join("src/Generated.cs"), "CA2000"),
            None,
            "default restores the rule's own"
        );
    }
}
