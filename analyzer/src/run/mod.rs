//! The pipeline: discover, read and parse in parallel, build the index, check in parallel,
//! and resolve diagnostics into findings in a deterministic order. A file whose rules need no
//! other file's facts (TypeScript/JavaScript) is checked right after its parse, while its tree
//! is still in the processor's cache, and its tree is dropped at once.
//!
//! With a git change set, only the changed files are parsed and checked; the index still holds
//! the facts of every file under the checked paths, taken from the facts cache where possible.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use leaklint_rules::{FileFacts, Language, ParseOptions, ParsedFile, Prepared, ProjectIndex, Settings};
use rayon::prelude::*;

use crate::cache::{self, FactsCache, Lookup, Stamp};
use crate::config::Config;
use crate::discover::{discover, Candidate, DiscoverOptions};
use crate::editorconfig::EditorConfigs;
use crate::git::{self, ChangeSet, Changes};
use crate::policy::{Policy, SourceFile};
use crate::read::{decode, Loaded};
use crate::report::{FileProblem, Finding, ProblemLevel, Report};

mod pass1;

use pass1::{pass1, TreeBudget, BATCH, GROUP_BYTES, HELD_TREES_BYTES};

/// Default cap on a file's size: tree-sitter needs ~50 bytes of memory per source byte.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// Everything a `check` run needs.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The project: every file under these feeds the index, and is checked unless `changes`
    /// narrows the check.
    pub paths: Vec<PathBuf>,
    /// Worker threads; `None` uses one per core.
    pub jobs: Option<usize>,
    pub max_file_size: u64,
    pub respect_gitignore: bool,
    pub force_exclude: bool,
    pub parse: ParseOptions,
    pub settings: Settings,
    /// Include/exclude globs, severities and per-path ignores from `leaklint.toml`.
    pub config: Config,
    /// Check only the files of this git change.
    pub changes: Option<ChangeSet>,
    /// With `changes`: keep unchanged files' facts in `.leaklint-cache/` at the repository top.
    pub use_cache: bool,
    /// Report suppression comments that suppress nothing (LL0001).
    pub report_unused: bool,
    /// Honour `dotnet_diagnostic.<CODE>.severity` in `.editorconfig` files for C# files.
    pub editorconfig: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            jobs: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            respect_gitignore: true,
            force_exclude: false,
            parse: ParseOptions::default(),
            settings: Settings::default(),
            config: Config::default(),
            changes: None,
            use_cache: true,
            report_unused: false,
            editorconfig: true,
        }
    }
}

impl CheckOptions {
    /// Whether the run reads and writes the facts cache.
    fn keeps_cache(&self) -> bool {
        self.changes.is_some() && self.use_cache
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start worker threads: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    #[error(transparent)]
    Git(#[from] git::GitError),
}

/// A file read and parsed in pass 1; `State` is where its rules stand (a [`Pass1`] once its
/// batch is done).
struct ParsedSource<State = Pass1> {
    path: PathBuf,
    display: String,
    language: Language,
    /// The content hash the facts cache records, when the run keeps one.
    content_hash: Option<String>,
    pass1: State,
}

/// A parsed file before the rest of its batch is parsed, with its text: prepared to be checked
/// in pass 1, or waiting for the project index.
type Unchecked = ParsedSource<(String, Result<Prepared, Box<ParsedFile>>)>;

/// Where a file stands after pass 1.
enum Pass1 {
    /// Parsed: its rules need the project index, in pass 2.
    Parsed { parsed: Box<ParsedFile>, text: String },
    /// Parsed, and its rules need the project index, but there was no room to hold its tree
    /// (see [`HELD_TREES_BYTES`]): it is parsed again in pass 2, given more time than in pass 1.
    Deferred { facts: FileFacts, text: String },
    /// Already checked (its rules need no other file's facts). Its tree is gone, and so is its
    /// text unless a finding's code frame needs it: on a large tree, texts held to the end
    /// would take fresh pages that the kernel must clear, where freed ones are reused.
    Checked { facts: FileFacts, findings: Vec<Finding>, text: Option<String> },
}

impl Pass1 {
    /// A file once checked in pass 2: only its index facts are left.
    fn done(facts: FileFacts) -> Pass1 {
        Pass1::Checked { facts, findings: Vec::new(), text: None }
    }
}

impl ParsedSource {
    /// The file as the policy sees it.
    fn source<'a>(&'a self, text: &'a str) -> SourceFile<'a> {
        SourceFile { path: &self.path, display: &self.display, language: self.language, text }
    }

    /// What the file contributes to the project index.
    fn facts(&self) -> &FileFacts {
        match &self.pass1 {
            Pass1::Parsed { parsed, .. } => &parsed.facts,
            Pass1::Checked { facts, .. } | Pass1::Deferred { facts, .. } => facts,
        }
    }
}

/// The index facts of a file that is not checked, and the cache entry to record for it.
struct KnownFacts {
    path: PathBuf,
    facts: Option<FileFacts>,
    update: Option<(String, cache::Entry)>,
}

/// A file to check, with its staged content when the check is of the git index.
struct Target {
    candidate: Candidate,
    staged: Option<Vec<u8>>,
}

/// Runs the whole analysis.
pub fn check(options: &CheckOptions) -> Result<Report, RunError> {
    check_holding(options, HELD_TREES_BYTES)
}

/// Runs the whole analysis, holding the trees of at most `held_trees_bytes` of source text
/// between the two passes.
fn check_holding(options: &CheckOptions, held_trees_bytes: usize) -> Result<Report, RunError> {
    let threads = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(leaklint_rules::WORKER_STACK_SIZE)
        .thread_name(|i| format!("leaklint-{i}"))
        .build()?;
    let discover_options = DiscoverOptions {
        respect_gitignore: options.respect_gitignore,
        force_exclude: options.force_exclude,
        threads,
        filter: options.config.filter.clone(),
    };
    let (candidates, mut problems) = discover(&options.paths, &discover_options);
    let changes = match &options.changes {
        Some(set) => Some(git::changes(&git_dir(&options.paths), set)?),
        None => None,
    };
    let (targets, others) = select(candidates, changes.as_ref(), &mut problems);
    let mut cache = changes
        .as_ref()
        .filter(|_| options.keeps_cache())
        .map(|c| FactsCache::open(&c.root.join(cache::DIR_NAME), options.max_file_size));

    let editorconfigs = EditorConfigs::default();
    let policy = Policy {
        catalogue: leaklint_rules::RULES,
        config: &options.config,
        settings: &options.settings,
        editorconfigs: options.editorconfig.then_some(&editorconfigs),
        report_unused: options.report_unused,
    };
    let (mut report, updates) = pool.install(|| {
        // Files are parsed a batch at a time, then checked (the files whose rules need no
        // index): the parser's tables and the analysis's code each stay in the processor's
        // caches for a whole batch instead of evicting each other at every file. Batches stay
        // small enough for every thread to get several.
        let batch = (targets.len() / (threads * 8)).clamp(1, BATCH);
        // Every problem and finding names its file relative to the current directory: read once.
        let cwd = std::env::current_dir().ok();
        let trees = TreeBudget::new(held_trees_bytes);
        let outcomes: Vec<_> = targets
            .into_par_iter()
            .chunks(batch)
            // Each batch a task of its own: by default rayon leaves each thread a run of
            // batches that it works through alone, and the last run kept one core busy while
            // the others waited (half a second of the 2.2 s the benchmark's mixed set took).
            .with_max_len(1)
            .flat_map_iter(|batch| pass1(batch, options, &policy, cwd.as_deref(), GROUP_BYTES, &trees))
            .collect();
        let mut files = Vec::with_capacity(outcomes.len());
        for (file, problem) in outcomes {
            files.extend(file);
            problems.extend(problem);
        }
        let known: Vec<KnownFacts> =
            others.par_iter().with_max_len(1).map(|c| facts_of(c, options, cache.as_ref())).collect();
        let report = check_files(&mut files, &known, options, &policy, &mut problems);
        let mut updates: Vec<(String, cache::Entry)> = known.into_iter().filter_map(|k| k.update).collect();
        if cache.is_some() {
            // Checked files are parsed anyway: their facts serve the next run, once committed.
            updates.extend(files.iter().filter_map(|f| {
                let entry =
                    cache::entry(Stamp::of(&f.path)?, f.content_hash.clone()?, Some(f.facts().clone()));
                Some((cache_key(&f.path), entry))
            }));
        }
        (report, updates)
    });
    if let Some(cache) = &mut cache {
        save_cache(cache, updates, &others, &mut problems);
    }
    problems.sort();
    problems.dedup();
    report.problems = problems;
    report.findings.sort_by(|a, b| {
        (&a.path, a.start, a.rule.code, &a.message).cmp(&(&b.path, b.start, b.rule.code, &b.message))
    });
    Ok(report)
}

/// Pass 2: builds the index from the facts of every file (checked or not, in path order) and
/// checks the parsed files, parsing again those whose trees were not held. The findings of
/// files checked in pass 1 are taken, not copied. Afterwards every file stands as checked,
/// with its facts. A file that cannot be parsed again adds its problem to `problems`.
fn check_files(
    files: &mut [ParsedSource],
    known: &[KnownFacts],
    options: &CheckOptions,
    policy: &Policy,
    problems: &mut Vec<FileProblem>,
) -> Report {
    let files_analyzed = files.len();
    let index = {
        let mut all_facts: Vec<(&Path, &FileFacts)> =
            files.iter().map(|f| (f.path.as_path(), f.facts())).collect();
        all_facts.extend(known.iter().filter_map(|k| Some((k.path.as_path(), k.facts.as_ref()?))));
        all_facts.sort_by(|a, b| a.0.cmp(b.0));
        ProjectIndex::build(all_facts.iter().map(|(_, facts)| *facts))
    };
    // Each file a task of its own: a file checked in pass 1 has nothing left to do here, a C#
    // file its whole check, and the C# files of a mixed tree lie together in path order.
    let per_file: Vec<_> = files
        .par_iter_mut()
        .with_max_len(1)
        .map(|file| {
            let state = std::mem::replace(&mut file.pass1, Pass1::done(FileFacts::default()));
            let findings_of = |parsed: &ParsedFile, text: &str| {
                let diagnostics = leaklint_rules::check(parsed, text, &index, &options.settings);
                policy.findings(&file.source(text), diagnostics)
            };
            let (facts, findings, text, problem) = match state {
                Pass1::Checked { facts, findings, text } => (facts, findings, text, None),
                Pass1::Parsed { parsed, text } => {
                    let findings = findings_of(&parsed, &text);
                    (parsed.facts, findings, Some(text), None)
                }
                Pass1::Deferred { facts, text } => {
                    // It parsed within the timeout in pass 1; a busier machine must not make the
                    // second parse give up where the first did not.
                    let again = ParseOptions { timeout: options.parse.timeout.saturating_mul(4) };
                    match leaklint_rules::parse(file.language, &text, &again) {
                        Ok(parsed) => (facts, findings_of(&parsed, &text), Some(text), None),
                        Err(e) => {
                            let message =
                                format!("parsed once, but not when parsed again for the check: {e}");
                            let problem =
                                FileProblem::new(file.display.clone(), ProblemLevel::Error, message);
                            (facts, Vec::new(), None, Some(problem))
                        }
                    }
                }
            };
            file.pass1 = Pass1::done(facts);
            (findings, text, problem, &*file)
        })
        .collect();
    let mut report = Report { files_analyzed, ..Report::default() };
    for (findings, text, problem, file) in per_file {
        if let Some(text) = text.filter(|_| !findings.is_empty()) {
            report.sources.insert(file.display.clone(), text);
        }
        report.findings.extend(findings);
        problems.extend(problem);
    }
    report
}

/// The folder git is asked about: the first checked path's.
fn git_dir(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if first.is_dir() {
        first
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

/// Splits the project's files into those to check and those that only feed the index.
fn select(
    candidates: Vec<Candidate>,
    changes: Option<&Changes>,
    problems: &mut Vec<FileProblem>,
) -> (Vec<Target>, Vec<Candidate>) {
    let Some(changes) = changes else {
        return (
            candidates.into_iter().map(|candidate| Target { candidate, staged: None }).collect(),
            Vec::new(),
        );
    };
    let changed: HashSet<&Path> = changes.files.iter().map(PathBuf::as_path).collect();
    let names: HashSet<&std::ffi::OsStr> = changes.files.iter().filter_map(|p| p.file_name()).collect();
    let mut staged: HashMap<PathBuf, Vec<u8>> = changes.staged.clone();
    let (mut targets, mut others) = (Vec::new(), Vec::new());
    for candidate in candidates {
        // Canonicalising is a system call: only for files whose name is among the changed ones.
        let canonical = candidate
            .path
            .file_name()
            .filter(|n| names.contains(n))
            .and_then(|_| candidate.path.canonicalize().ok())
            .filter(|c| changed.contains(c.as_path()));
        match canonical {
            Some(canonical) => {
                let blob = staged.remove(&canonical);
                if changes.staged.contains_key(&canonical) && blob.is_none() {
                    problems.push(FileProblem::new(
                        crate::display_path(&candidate.path),
                        ProblemLevel::Error,
                        "staged content could not be read from git",
                    ));
                    continue;
                }
                targets.push(Target { candidate, staged: blob });
            }
            None => others.push(candidate),
        }
    }
    (targets, others)
}

/// The index facts of a file that is not checked: from the cache when it is unchanged, else
/// by parsing it (then with the cache entry to record). Problems with such files are not
/// reported: the run is about the changed ones.
fn facts_of(candidate: &Candidate, options: &CheckOptions, cache: Option<&FactsCache>) -> KnownFacts {
    let path = candidate.path.as_path();
    let key = cache_key(path);
    let stamp = Stamp::of(path);
    let cached = match (cache, stamp) {
        (Some(cache), Some(stamp)) => cache.lookup(&key, stamp),
        _ => Lookup::Miss,
    };
    if let Lookup::Hit(facts) = cached {
        return KnownFacts { path: path.to_path_buf(), facts: facts.clone(), update: None };
    }
    let bytes = std::fs::read(path).unwrap_or_default();
    let hash = cache::content_hash(&bytes);
    let facts = match cached {
        Lookup::Verify { hash: known, facts } if known == hash => facts.clone(),
        _ => match decode(path, bytes, options.max_file_size) {
            Loaded::Text { text, .. } => leaklint_rules::parse(candidate.language, &text, &options.parse)
                .ok()
                .map(|parsed| parsed.facts),
            Loaded::Skipped(..) => None,
        },
    };
    let update =
        stamp.filter(|_| cache.is_some()).map(|stamp| (key, cache::entry(stamp, hash, facts.clone())));
    KnownFacts { path: path.to_path_buf(), facts, update }
}

/// The absolute path with `.` and `..` resolved, so that every spelling of a file (`src/a.cs`,
/// `../app/src/a.cs`) shares one entry.
fn cache_key(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut key = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                key.pop();
            }
            std::path::Component::CurDir => {}
            other => key.push(other),
        }
    }
    key.to_string_lossy().into_owned()
}

/// Records what the run learnt, forgets files gone from the project, and writes the cache.
/// A cache that cannot be written costs speed, not correctness: a warning.
fn save_cache(
    cache: &mut FactsCache,
    updates: Vec<(String, cache::Entry)>,
    others: &[Candidate],
    problems: &mut Vec<FileProblem>,
) {
    for (key, entry) in updates {
        cache.update(key, entry);
    }
    let present: HashSet<String> = others.iter().map(|c| cache_key(&c.path)).collect();
    cache.retain(|key| present.contains(key) || Path::new(key).exists());
    if let Err(e) = cache.save() {
        problems.push(FileProblem::new(
            cache::DIR_NAME,
            ProblemLevel::Warning,
            format!("cannot write the facts cache: {e}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files whose trees are not held between the passes are parsed again, to the same end.
    #[test]
    fn findings_do_not_depend_on_how_many_trees_are_held() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let options = CheckOptions { paths: vec![fixtures], ..CheckOptions::default() };
        let outcome = |held_trees_bytes| {
            let report = check_holding(&options, held_trees_bytes).unwrap();
            let findings: Vec<_> = report
                .findings
                .iter()
                .map(|f| (f.path.clone(), f.start, f.rule.code, f.message.clone()))
                .collect();
            let problems: Vec<_> =
                report.problems.iter().map(|p| (p.path.clone(), p.message.clone())).collect();
            (findings, problems, report.sources)
        };
        let all_held = outcome(usize::MAX);
        assert!(all_held.0.iter().any(|f| f.2.starts_with("CA")), "the fixtures have C# findings");
        assert_eq!(outcome(0), all_held, "no tree held");
        assert_eq!(outcome(4096), all_held, "a few trees held");
    }

    #[test]
    fn cache_keys_have_one_spelling_per_file() {
        let direct = cache_key(Path::new("analyzer/src/run/mod.rs"));
        assert_eq!(cache_key(Path::new("./analyzer/../analyzer/src/./run/mod.rs")), direct);
        assert!(Path::new(&direct).is_absolute());
    }
}
