//! Which files a run analyses: the paths given, walked with `.gitignore` rules, by language.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use leaklint_rules::Language;

use crate::config::FileFilter;
use crate::read::NOT_A_REGULAR_FILE;
use crate::report::{FileProblem, ProblemLevel};

/// Why a TypeScript declaration file named explicitly is not analysed.
const DECLARATION_FILE: &str =
    "TypeScript declaration file (types only, no code that could leak); not analysed";

/// Directories never entered, whatever the ignore files say.
const ALWAYS_SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".svn", "node_modules", ".leaklint-cache"];

#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    pub respect_gitignore: bool,
    /// Apply the ignore rules to paths named explicitly too (what pre-commit hooks want).
    pub force_exclude: bool,
    pub threads: usize,
    /// `include` / `exclude` globs from the config file.
    pub filter: FileFilter,
}

/// A file to analyse.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub language: Language,
}

/// Walks `paths` and returns the files to analyse in path order, and the paths that failed.
/// Files named explicitly are analysed even when ignored or excluded, unless `force_exclude` is
/// set.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> (Vec<Candidate>, Vec<FileProblem>) {
    let found = Mutex::new(Vec::new());
    let problems = Mutex::new(Vec::new());
    let mut roots = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => push(&problems, problem(path, ProblemLevel::Error, format!("cannot read: {e}"))),
            Ok(meta) if meta.is_file() => {
                if options.force_exclude
                    && (is_ignored(path, options.respect_gitignore) || !options.filter.allows(path))
                {
                    continue;
                }
                match Language::from_path(path) {
                    Some(_) if Language::is_declaration_file(path) => {
                        push(&problems, problem(path, ProblemLevel::Skipped, DECLARATION_FILE.into()))
                    }
                    Some(language) => push(&found, candidate(path, language)),
                    None => push(
                        &problems,
                        problem(
                            path,
                            ProblemLevel::Skipped,
                            "not a C#, TypeScript, JavaScript or Rust file; not analysed".into(),
                        ),
                    ),
                }
            }
            Ok(meta) if meta.is_dir() => roots.push(path.clone()),
            Ok(_) => push(&problems, problem(path, ProblemLevel::Skipped, NOT_A_REGULAR_FILE.into())),
        }
    }
    if let Some((first, rest)) = roots.split_first() {
        let filter = options.filter.clone();
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        builder
            .standard_filters(options.respect_gitignore)
            .hidden(true)
            .require_git(false)
            .follow_links(false)
            .threads(options.threads)
            .filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                let skipped = entry.file_name().to_str().is_some_and(|n| ALWAYS_SKIPPED_DIRS.contains(&n));
                !(is_dir && (skipped || filter.excludes(entry.path())))
            });
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let kind = entry.file_type();
                        let is_file = kind.is_some_and(|t| t.is_file());
                        let is_special = kind.is_some_and(|t| !(t.is_file() || t.is_dir() || t.is_symlink()));
                        match Language::from_path(entry.path()) {
                            // Declaration files in a tree are left out without a note, like
                            // files of other languages: a package's `dist/` has one per module.
                            Some(_) if Language::is_declaration_file(entry.path()) => {}
                            Some(_) if !options.filter.allows(entry.path()) => {}
                            Some(language) if is_file => push(&found, candidate(entry.path(), language)),
                            Some(_) if is_special => push(
                                &problems,
                                problem(entry.path(), ProblemLevel::Skipped, NOT_A_REGULAR_FILE.into()),
                            ),
                            _ => {}
                        }
                    }
                    Err(err) => {
                        let path = error_path(&err).unwrap_or_default();
                        push(&problems, problem(&path, ProblemLevel::Error, format!("cannot walk: {err}")));
                    }
                }
                WalkState::Continue
            })
        });
    }
    let mut found: Vec<Candidate> = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort();
    found.dedup();
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    problems.sort();
    (found, problems)
}

fn push<T>(into: &Mutex<Vec<T>>, item: T) {
    into.lock().unwrap_or_else(|e| e.into_inner()).push(item);
}

fn problem(path: &Path, level: ProblemLevel, message: String) -> FileProblem {
    FileProblem::new(crate::display_path(path), level, message)
}

fn candidate(path: &Path, language: Language) -> Candidate {
    Candidate { path: normalize(path), language }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// Drops `./` components so the same file has one spelling.
fn normalize(path: &Path) -> PathBuf {
    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// Whether the ignore files (`.gitignore`, `.ignore`, from the file's folder up) exclude `path`.
fn is_ignored(path: &Path, respect_gitignore: bool) -> bool {
    if !respect_gitignore {
        return false;
    }
    let Ok(absolute) = std::path::absolute(path) else { return false };
    let mut dir = absolute.parent();
    while let Some(current) = dir {
        for name in [".gitignore", ".ignore"] {
            let file = current.join(name);
            if file.is_file() {
                let (matcher, _) = ignore::gitignore::Gitignore::new(&file);
                if matcher.matched_path_or_any_parents(&absolute, false).is_ignore() {
                    return true;
                }
            }
        }
        if current.join(".git").exists() {
            break;
        }
        dir = current.parent();
    }
    false
}
