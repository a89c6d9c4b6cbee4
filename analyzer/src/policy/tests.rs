use std::path::{Path, PathBuf};

use leaklint_rules::{Diagnostic, Language, Settings, Severity, Suppression, TextRange};

use super::*;
use crate::config;
use crate::test_support::CATALOGUE;

const CS: &str = "\
class Jobs {
    void Run() {
        var a = new Leak(); // leaklint-disable-line XT2000 -- the pool owns it
        var b = new Leak();
        // leaklint-disable-next-line XT2213
        var c = new Leak();
    }
}
";

/// An XT2000 diagnostic on each `new Leak()` of `text`.
fn diagnostics(text: &str) -> Vec<Diagnostic> {
    text.match_indices("new Leak()")
        .map(|(at, n)| Diagnostic::new("XT2000", TextRange::new(at, at + n.len()), "leak"))
        .collect()
}

struct Project {
    dir: tempfile::TempDir,
    config: Config,
}

impl Project {
    fn new(config_text: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let config = config::parse(&dir.path().join(config::FILE_NAME), config_text, CATALOGUE).unwrap();
        Project { dir, config }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// (line, code, severity, suppression kind) of each finding for `text` at `relative`.
    fn run(
        &self,
        relative: &str,
        text: &str,
        diagnostics: Vec<Diagnostic>,
        report_unused: bool,
    ) -> Vec<(usize, &'static str, Severity, Option<String>)> {
        let editorconfigs = EditorConfigs::default();
        let settings = Settings::default();
        let policy = Policy {
            catalogue: CATALOGUE,
            config: &self.config,
            settings: &settings,
            editorconfigs: Some(&editorconfigs),
            report_unused,
        };
        let path = self.path(relative);
        let language = leaklint_rules::Language::from_path(&path).unwrap_or(Language::CSharp);
        let file = SourceFile { path: &path, display: relative, language, text };
        policy
            .findings(&file, diagnostics)
            .into_iter()
            .map(|f| (f.start.line, f.rule.code, f.severity, f.suppression.map(|s| s.kind)))
            .collect()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn suppression_comments_and_unused_ones() {
    let project = Project::new("");
    let quiet = project.run("Jobs.cs", CS, diagnostics(CS), false);
    assert_eq!(
        quiet,
        [
            (3, "XT2000", Severity::Warning, Some("leaklint-disable-line".into())),
            (4, "XT2000", Severity::Warning, None),
            (6, "XT2000", Severity::Warning, None),
        ]
    );
    let with_unused = project.run("Jobs.cs", CS, diagnostics(CS), true);
    assert_eq!(with_unused.len(), 4);
    assert_eq!(with_unused[3], (5, "LL0001", Severity::Warning, None));
    assert!(project.run("Clean.cs", CS, Vec::new(), true).iter().all(|f| f.1 == "LL0001"));
    assert_eq!(project.run("Clean.cs", "class A {}\n", Vec::new(), true), []);
}

#[test]
fn config_severity_and_per_path_ignores() {
    let project = Project::new(
        "[severity]\nXT2000 = \"error\"\n[per-path-ignores]\n\"tests/**\" = [\"XT2000\", \"XT2213\"]\n",
    );
    let findings = project.run("src/Jobs.cs", CS, diagnostics(CS), true);
    assert!(findings.iter().filter(|f| f.1 == "XT2000").all(|f| f.2 == Severity::Error), "{findings:?}");
    let findings = project.run("tests/Jobs.cs", CS, diagnostics(CS), true);
    // XT2000 is off there, so the XT2000 directive is not called unused; XT2213 neither.
    assert_eq!(findings, []);
}

#[test]
fn editorconfig_governs_csharp_files_only() {
    let project = Project::new("[severity]\nXT2000 = \"note\"\n");
    write(
        &project.path(".editorconfig"),
        "root = true\n[*.{cs,ts}]\ndotnet_diagnostic.XT2000.severity = error\n",
    );
    write(&project.path("legacy/.editorconfig"), "[*.cs]\ndotnet_diagnostic.xt2000.severity = silent\n");
    let text = "var b = new Leak();\n";
    let findings = project.run("src/Jobs.cs", text, diagnostics(text), false);
    assert_eq!(findings, [(1, "XT2000", Severity::Error, None)], "editorconfig wins over leaklint.toml");
    let findings = project.run("legacy/Old.cs", text, diagnostics(text), false);
    assert_eq!(findings, [(1, "XT2000", Severity::Note, Some(".editorconfig".into()))]);
    let findings = project.run("web/jobs.ts", text, diagnostics(text), false);
    assert_eq!(findings, [(1, "XT2000", Severity::Note, None)], "not a C# file");
}

#[test]
fn language_suppressions_are_kept() {
    let project = Project::new("");
    let text = "var b = new Leak(); // leaklint-disable-line XT2000\n";
    let mut diagnostic = diagnostics(text).remove(0);
    diagnostic.suppressed = Some(Suppression { kind: "#pragma warning disable".into(), justification: None });
    let findings = project.run("Jobs.cs", text, vec![diagnostic], true);
    assert_eq!(findings, [(1, "XT2000", Severity::Warning, Some("#pragma warning disable".into()))]);
}
