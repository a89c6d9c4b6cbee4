//! Pass 1: a batch of files read, then parsed, and the files whose rules need no other file's
//! facts (TypeScript/JavaScript) checked right after their parse, a group at a time.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use leaklint_rules::{LineIndex, Prefiltered};

use super::{cache, CheckOptions, ParsedSource, Pass1, Target, Unchecked};
use crate::discover::Candidate;
use crate::policy::{Policy, SourceFile};
use crate::read::{decode, load, Loaded};
use crate::report::{FileProblem, ProblemLevel};

/// The most files read, then parsed, before they are checked. On 1 500 files of the generated
/// TypeScript set, one core, check / parse-only: 1.48 checking each file right after its parse,
/// 1.35 in batches of 32 (medians of 10 alternated rounds). Sampling the check on the whole set
/// put the analysis at 0.30, 0.29 and 0.28 of the parse's CPU in batches of 16, 32 and 128.
pub(super) const BATCH: usize = 128;

/// The most text parsed before it is checked: a flat copy of a tree takes about seven times
/// its file's size, and a batch of large files must not hold hundreds of megabytes of them.
pub(super) const GROUP_BYTES: usize = 512 * 1024;

/// The most source whose trees pass 1 holds for pass 2 (C#: its rules read the project
/// index). A C# file's flat copy and outline take about 13 bytes for each byte of its text
/// (the benchmark's 9 MiB of C# peak at 119 MiB more than parsing alone; tree-sitter's own tree
/// took 55): past this budget, about 850 MiB, a file's tree is dropped once its index facts are
/// taken, and the file is parsed again in pass 2. A large project then costs a second parse of
/// what does not fit, not gigabytes. (A Rust file keeps no tree, only what syn's walk found: it
/// is always held; see [`leaklint_rules::ParsedFile::holds_tree`].)
pub(super) const HELD_TREES_BYTES: usize = 64 * 1024 * 1024;

/// What is left of a run's budget for held trees, in bytes of source text, shared by pass 1's
/// threads. Which files' trees are held depends on the threads' timing; the findings do not.
pub(super) struct TreeBudget(AtomicUsize);

impl TreeBudget {
    pub(super) fn new(bytes: usize) -> TreeBudget {
        TreeBudget(AtomicUsize::new(bytes))
    }

    /// Takes room for the tree of a text of `len` bytes, if that much is left.
    fn take(&self, len: usize) -> bool {
        self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(len)).is_ok()
    }
}

/// A file read in pass 1, with the warning its reading gave, if any.
struct ReadSource {
    candidate: Candidate,
    display: String,
    text: String,
    warning: Option<String>,
    /// The content hash the facts cache records, when the run keeps one.
    content_hash: Option<String>,
    /// What the text alone tells the check, found as the file is read (see
    /// [`leaklint_rules::prefilter`]).
    prefiltered: Prefiltered,
}

/// Pass 1 on a batch: reads its files, then parses them and checks those that need no index,
/// a group of about `group_bytes` of text at a time; the others keep their trees for pass 2
/// while `trees` allows. Each file's parsed state (or none, when it cannot be analysed) and the
/// problem to report about it, in the batch's order. Paths are shown relative to `cwd`.
pub(super) fn pass1(
    batch: Vec<Target>,
    options: &CheckOptions,
    policy: &Policy,
    cwd: Option<&Path>,
    group_bytes: usize,
    trees: &TreeBudget,
) -> Vec<(Option<ParsedSource>, Option<FileProblem>)> {
    let read: Vec<_> = batch.into_iter().map(|t| read(t, options, cwd)).collect();
    let mut done = Vec::with_capacity(read.len());
    let mut group = Vec::new();
    let mut grouped = 0;
    let check_group = |group: &mut Vec<(Option<Unchecked>, Option<FileProblem>)>, done: &mut Vec<_>| {
        let checked = group
            .drain(..)
            .map(|(file, problem)| (file.map(|f| check_alone(f, options, policy, trees)), problem));
        done.extend(checked);
    };
    for file in read {
        match file {
            Ok(file) => {
                grouped += file.text.len();
                group.push(parse(file, options));
            }
            Err(problem) => group.push((None, Some(problem))),
        }
        if grouped >= group_bytes {
            check_group(&mut group, &mut done);
            grouped = 0;
        }
    }
    check_group(&mut group, &mut done);
    done
}

/// Reads one file, from disk or its staged content: the text, or the problem that stops it.
fn read(target: Target, options: &CheckOptions, cwd: Option<&Path>) -> Result<ReadSource, FileProblem> {
    let Target { candidate, staged } = target;
    let from_index = staged.is_some();
    let display = crate::display_path_from(&candidate.path, cwd);
    let loaded = match staged {
        Some(bytes) => decode(&candidate.path, bytes, options.max_file_size),
        None => load(&candidate.path, options.max_file_size),
    };
    match loaded {
        Loaded::Text { text, warning } => {
            let prefiltered = leaklint_rules::prefilter(candidate.language, &text, &options.settings);
            // The cache records files as they are on disk, by the hash of their bytes: not staged
            // content, nor a text whose invalid bytes were replaced (its hash is not the file's).
            let content_hash = (options.keeps_cache() && !from_index && warning.is_none())
                .then(|| cache::content_hash(text.as_bytes()));
            Ok(ReadSource { candidate, display, text, warning, content_hash, prefiltered })
        }
        Loaded::Skipped(level, message) => Err(FileProblem::new(display, level, message)),
    }
}

/// Parses one read file: the parsed file when it can be analysed, and the problem to report
/// about it, if any (both, for a file analysed with a caveat).
fn parse(file: ReadSource, options: &CheckOptions) -> (Option<Unchecked>, Option<FileProblem>) {
    let ReadSource { candidate, display, text, warning, content_hash, prefiltered } = file;
    let problem = |level, message: String| Some(FileProblem::new(display.clone(), level, message));
    match leaklint_rules::parse(candidate.language, &text, &options.parse) {
        Ok(parsed) => {
            let problem = match (warning, parsed.first_syntax_error()) {
                (Some(warning), _) => problem(ProblemLevel::Warning, warning),
                (None, Some(at)) => {
                    let message = "syntax errors, the first here; analysed as far as the syntax tree allows";
                    let position = LineIndex::new(&text).position(&text, at);
                    problem(ProblemLevel::Warning, message.into()).map(|p| p.at(position))
                }
                (None, None) => None,
            };
            let language = parsed.language;
            let prepared = leaklint_rules::prepare_alone(parsed, &text, prefiltered, &options.settings);
            let pass1 = (text, prepared);
            let file = ParsedSource { path: candidate.path, display, language, content_hash, pass1 };
            (Some(file), problem)
        }
        Err(e) => (None, problem(ProblemLevel::Error, e.to_string())),
    }
}

/// Checks a file in pass 1 when its rules need no other file's facts, and turns its
/// diagnostics into findings while its text is still in the processor's caches. Any other file
/// waits for pass 2, with its tree if it holds one and `trees` has room for it.
fn check_alone(file: Unchecked, options: &CheckOptions, policy: &Policy, trees: &TreeBudget) -> ParsedSource {
    let ParsedSource { path, display, language, content_hash, pass1: (text, state) } = file;
    let pass1 = match state {
        Ok(prepared) => {
            let (facts, diagnostics) = leaklint_rules::check_prepared(prepared, &text, &options.settings);
            let source = SourceFile { path: &path, display: &display, language, text: &text };
            let findings = policy.findings(&source, diagnostics);
            let text = (!findings.is_empty()).then_some(text);
            Pass1::Checked { facts, findings, text }
        }
        Err(parsed) if !parsed.holds_tree() || trees.take(text.len()) => Pass1::Parsed { parsed, text },
        Err(parsed) => Pass1::Deferred { facts: parsed.facts, text },
    };
    ParsedSource { path, display, language, content_hash, pass1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaklint_rules::Language;

    /// Whatever the size of its groups, a batch gives each file the same outcome, in order.
    #[test]
    fn a_batch_checks_the_same_in_groups_of_any_size() {
        let dir = tempfile::tempdir().unwrap();
        let sources = [
            ("a.tsx", "useEffect(() => { setInterval(() => {}, 1000); }, []);\n"),
            ("b.ts", "export const x = ;\n"),
            ("c.ts", "export const y = 1;\n"),
            ("d.tsx", "useEffect(() => { const id = setTimeout(() => {}, 5); }, []);\n"),
        ];
        let mut candidates = Vec::new();
        for (name, text) in sources {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let language = Language::from_path(&path).unwrap();
            candidates.push(Candidate { path, language });
        }
        candidates.push(Candidate { path: dir.path().join("gone.ts"), language: Language::TypeScript });
        let options = CheckOptions::default();
        let policy = Policy {
            catalogue: leaklint_rules::RULES,
            config: &options.config,
            settings: &options.settings,
            editorconfigs: None,
            report_unused: false,
        };
        let outcome = |group_bytes| {
            let batch = candidates.iter().map(|c| Target { candidate: c.clone(), staged: None }).collect();
            let trees = TreeBudget::new(HELD_TREES_BYTES);
            pass1(batch, &options, &policy, std::env::current_dir().ok().as_deref(), group_bytes, &trees)
                .into_iter()
                .map(|(file, problem)| {
                    let codes = file.map(|f| match f.pass1 {
                        // A file with findings keeps its text for their code frames, and only then.
                        Pass1::Checked { findings, text, .. } => {
                            assert_eq!(text.is_some(), !findings.is_empty());
                            findings.iter().map(|f| f.rule.code).collect()
                        }
                        Pass1::Parsed { .. } | Pass1::Deferred { .. } => Vec::new(),
                    });
                    (codes, problem.map(|p| p.message))
                })
                .collect::<Vec<_>>()
        };
        let whole = outcome(usize::MAX);
        assert_eq!(whole.len(), 5);
        assert_eq!(whole[0], (Some(vec!["LL1002"]), None));
        assert!(whole[1].1.as_deref().is_some_and(|m| m.starts_with("syntax errors")), "{:?}", whole[1]);
        assert_eq!(whole[2], (Some(Vec::new()), None));
        assert_eq!(whole[3], (Some(vec!["LL1001"]), None));
        assert!(whole[4].0.is_none() && whole[4].1.as_deref().is_some_and(|m| m.starts_with("cannot read")));
        assert_eq!(outcome(1), whole);
        assert_eq!(outcome(60), whole);
    }

    #[test]
    fn the_tree_budget_gives_room_while_it_lasts() {
        let trees = TreeBudget::new(100);
        assert!(trees.take(60));
        assert!(!trees.take(41), "only 40 bytes are left");
        assert!(trees.take(40));
        assert!(trees.take(0));
        assert!(!trees.take(1));
    }
}
