//! The files a change touches, from git: `--staged` (what the index holds, read from the index,
//! not from the working tree) and `--changed-since REV` (changed since the merge base with REV,
//! plus untracked files).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Which change to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSet {
    /// Files added, copied, modified or renamed in the index, checked as staged.
    Staged,
    /// Files changed since the merge base of `HEAD` and the revision, and untracked files.
    Since(String),
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("`git {command}` failed: {message}")]
    Failed { command: String, message: String },
    #[error("unknown revision `{0}` (for --changed-since)")]
    UnknownRevision(String),
}

/// The changed files of a repository.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// The repository's top folder, canonical.
    pub root: PathBuf,
    /// Canonical paths of the changed files (that still exist in the working tree).
    pub files: Vec<PathBuf>,
    /// For `--staged`: the staged content of each changed file, by canonical path.
    pub staged: HashMap<PathBuf, Vec<u8>>,
}

/// The top folder of the repository containing `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let out = git(dir, &["rev-parse", "--show-toplevel"], None)?;
    let root = PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']));
    Ok(root.canonicalize().unwrap_or(root))
}

/// The files `set` selects in the repository containing `dir`.
pub fn changes(dir: &Path, set: &ChangeSet) -> Result<Changes, GitError> {
    let root = toplevel(dir)?;
    let names = match set {
        ChangeSet::Staged => nul_separated(&git(
            &root,
            &["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"],
            None,
        )?),
        ChangeSet::Since(rev) => {
            let commit = format!("{rev}^{{commit}}");
            git(&root, &["rev-parse", "--verify", "--quiet", &commit], None)
                .map_err(|_| GitError::UnknownRevision(rev.clone()))?;
            // On a branch, "changed since main" means since the branch left main.
            let base = git(&root, &["merge-base", &commit, "HEAD"], None)
                .map(|out| String::from_utf8_lossy(&out).trim().to_string())
                .unwrap_or(commit);
            let mut names = nul_separated(&git(
                &root,
                &["diff", "--name-only", "-z", "--diff-filter=ACMR", &base, "--"],
                None,
            )?);
            names.extend(nul_separated(&git(
                &root,
                &["ls-files", "--others", "--exclude-standard", "-z"],
                None,
            )?));
            names
        }
    };
    let mut changes = Changes { root: root.clone(), ..Changes::default() };
    let mut existing = Vec::new();
    for name in names {
        if let Ok(path) = root.join(&name).canonicalize() {
            existing.push((name, path));
        }
    }
    existing.sort();
    existing.dedup();
    if *set == ChangeSet::Staged {
        let blobs = staged_blobs(&root, existing.iter().map(|(name, _)| name.as_str()))?;
        for ((_, path), blob) in existing.iter().zip(blobs) {
            if let Some(blob) = blob {
                changes.staged.insert(path.clone(), blob);
            }
        }
    }
    changes.files = existing.into_iter().map(|(_, path)| path).collect();
    Ok(changes)
}

/// The staged content of each path (in order), read with one `git cat-file --batch`.
fn staged_blobs<'a>(
    root: &Path,
    names: impl Iterator<Item = &'a str>,
) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    let request: String = names.map(|n| format!(":{n}\n")).collect();
    let count = request.lines().count();
    let out = git(root, &["cat-file", "--batch"], Some(request.into_bytes()))?;
    let mut reader = BufReader::new(out.as_slice());
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(GitError::Spawn)?;
        // `<oid> <type> <size>`, or `<object> missing`.
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<usize>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            blobs.push(None);
            continue;
        };
        let mut blob = vec![0; size + 1];
        reader.read_exact(&mut blob).map_err(GitError::Spawn)?;
        blob.pop();
        blobs.push(Some(blob));
    }
    Ok(blobs)
}

fn nul_separated(out: &[u8]) -> Vec<String> {
    out.split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// Runs git in `dir`, feeding `input` on stdin; returns stdout, or the error git printed.
fn git(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, GitError> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(GitError::Spawn)?;
    // Feed stdin from another thread, so that a full stdout pipe cannot deadlock us.
    let feeder = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => Some(std::thread::spawn(move || stdin.write_all(&input))),
        _ => None,
    };
    let output = child.wait_with_output().map_err(GitError::Spawn)?;
    if let Some(feeder) = feeder {
        let written = feeder.join().unwrap_or_else(|_| Err(std::io::Error::other("stdin writer panicked")));
        written.map_err(GitError::Spawn)?;
    }
    if !output.status.success() {
        return Err(GitError::Failed {
            command: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(output.stdout)
}
