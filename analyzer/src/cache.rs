//! The facts cache (`.leaklint-cache/`): each file's [`FileFacts`], so that a run that checks a
//! few changed files builds the project index without parsing the rest of the tree.
//!
//! An entry is keyed by the file's path and checked against its size and modification time,
//! then, when those changed (or are too recent to trust), against a hash of its content. The
//! cache is one file, replaced atomically (written to a temporary file, then renamed), so
//! concurrent runs never see half a cache: the last writer wins, and what it lost is only
//! rebuilt. A cache that cannot be read or was written by another version is ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leaklint_rules::FileFacts;
use sha2::{Digest, Sha256};

/// The folder, created next to the project's top.
pub const DIR_NAME: &str = ".leaklint-cache";
const FILE_NAME: &str = "facts.json";

/// Modification times this close to the moment an entry was made may hide a later write in the
/// same clock tick: such entries are confirmed by content hash.
const MTIME_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Header {
    /// leaklint's version: facts change shape between versions.
    version: String,
    /// Entries record files skipped by the size cap, which depends on it.
    max_file_size: u64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    header: Header,
    entries: HashMap<String, Entry>,
}

/// What is known about one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    size: u64,
    mtime_ns: u128,
    /// When the entry was made (ns since the epoch).
    made_ns: u128,
    hash: String,
    /// `None` for a file that yields no facts (skipped, or not parseable).
    facts: Option<FileFacts>,
}

impl Entry {
    /// Whether the file's stamp alone proves it unchanged: it was last modified well before the
    /// entry was made, not in the same clock tick as a write the stamp could hide.
    fn settled(&self) -> bool {
        self.mtime_ns + MTIME_GRACE.as_nanos() < self.made_ns
    }
}

/// A loaded cache. Lookups are read-only, so worker threads share it; updates are collected
/// and applied with [`FactsCache::update`].
#[derive(Debug)]
pub struct FactsCache {
    dir: PathBuf,
    header: Header,
    entries: HashMap<String, Entry>,
    changed: bool,
}

/// A file's stat, as the cache compares it.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    size: u64,
    mtime_ns: u128,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime_ns = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        Some(Stamp { size: meta.len(), mtime_ns })
    }
}

/// The outcome of looking a file up.
#[derive(Debug)]
pub enum Lookup<'c> {
    /// Unchanged since cached: its facts (`None`: it has none).
    Hit(&'c Option<FileFacts>),
    /// Cached, but the stat differs or is too recent: compare content hashes.
    Verify {
        hash: &'c str,
        facts: &'c Option<FileFacts>,
    },
    Miss,
}

impl FactsCache {
    /// Opens the cache in `dir`; a missing, corrupt or foreign cache starts empty.
    pub fn open(dir: &Path, max_file_size: u64) -> FactsCache {
        let header = Header { version: env!("CARGO_PKG_VERSION").to_string(), max_file_size };
        let entries = std::fs::read(dir.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|file| file.header == header)
            .map(|file| file.entries)
            .unwrap_or_default();
        FactsCache { dir: dir.to_path_buf(), header, entries, changed: false }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn lookup(&self, key: &str, stamp: Stamp) -> Lookup<'_> {
        let Some(entry) = self.entries.get(key) else { return Lookup::Miss };
        if entry.settled() && entry.size == stamp.size && entry.mtime_ns == stamp.mtime_ns {
            Lookup::Hit(&entry.facts)
        } else {
            Lookup::Verify { hash: &entry.hash, facts: &entry.facts }
        }
    }

    /// Records what a run learnt about a file. An entry that says nothing new is not rewritten
    /// (so that a warm run writes nothing), unless the new one can be trusted by its stamp alone.
    pub fn update(&mut self, key: String, entry: Entry) {
        let known = self.entries.get(&key).is_some_and(|old| {
            let same = (old.size, old.mtime_ns, &old.hash, &old.facts)
                == (entry.size, entry.mtime_ns, &entry.hash, &entry.facts);
            same && (old.settled() || !entry.settled())
        });
        if !known {
            self.entries.insert(key, entry);
            self.changed = true;
        }
    }

    /// Forgets files that no longer exist in the project (`keep` says which do).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let before = self.entries.len();
        self.entries.retain(|k, _| keep(k));
        self.changed |= self.entries.len() != before;
    }

    /// Writes the cache if it changed: to a temporary file first, then renamed over the old one.
    pub fn save(&self) -> std::io::Result<()> {
        if !self.changed {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# Created by leaklint: the cache is not for version control.\n*\n")?;
        }
        let file = CacheFile { header: self.header.clone(), entries: self.entries.clone() };
        let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        // Unique to this save: the process and its count of saves (two threads of one process
        // can read the same clock, so a time in the name was not enough).
        static SAVES: AtomicU64 = AtomicU64::new(0);
        let save = SAVES.fetch_add(1, Ordering::Relaxed);
        let temporary = self.dir.join(format!("{FILE_NAME}.{}.{save}.tmp", std::process::id()));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, self.dir.join(FILE_NAME)).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }
}

/// An entry for a file with this stamp and content.
pub fn entry(stamp: Stamp, hash: String, facts: Option<FileFacts>) -> Entry {
    Entry { size: stamp.size, mtime_ns: stamp.mtime_ns, made_ns: now_ns(), hash, facts }
}

/// The content hash entries are compared by.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Option<FileFacts> {
        Some(FileFacts::default())
    }

    #[test]
    fn entries_survive_a_save_and_settled_stamps_hit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.cs");
        std::fs::write(&file, "class A {}").unwrap();
        let stamp = Stamp::of(&file).unwrap();
        let mut cache = FactsCache::open(dir.path(), 100);
        assert!(matches!(cache.lookup("a.cs", stamp), Lookup::Miss));
        let mut settled = entry(stamp, content_hash(b"class A {}"), facts());
        settled.made_ns += 10 * MTIME_GRACE.as_nanos();
        cache.update("a.cs".into(), settled);
        cache.update("fresh.cs".into(), entry(stamp, "h".into(), None));
        cache.save().unwrap();
        assert!(dir.path().join(".gitignore").is_file());

        let cache = FactsCache::open(dir.path(), 100);
        assert_eq!(cache.len(), 2);
        assert!(matches!(cache.lookup("a.cs", stamp), Lookup::Hit(Some(_))));
        let changed = Stamp { size: stamp.size + 1, ..stamp };
        assert!(matches!(cache.lookup("a.cs", changed), Lookup::Verify { .. }));
        assert!(matches!(cache.lookup("fresh.cs", stamp), Lookup::Verify { .. }), "too recent to trust");
    }

    #[test]
    fn nothing_new_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp { size: 1, mtime_ns: 1 };
        let mut cache = FactsCache::open(dir.path(), 100);
        cache.update("a.cs".into(), entry(stamp, "h".into(), facts()));
        cache.save().unwrap();
        let mut cache = FactsCache::open(dir.path(), 100);
        cache.update("a.cs".into(), entry(stamp, "h".into(), facts()));
        assert!(!cache.changed, "the same file, settled both times");
        cache.update("a.cs".into(), entry(stamp, "other".into(), facts()));
        assert!(cache.changed);
        let fresh = Stamp { size: 1, mtime_ns: now_ns() };
        let mut cache = FactsCache::open(dir.path(), 100);
        cache.update("b.cs".into(), entry(fresh, "h".into(), facts()));
        cache.save().unwrap();
        let mut cache = FactsCache::open(dir.path(), 100);
        let mut later = entry(fresh, "h".into(), facts());
        later.made_ns += 10 * MTIME_GRACE.as_nanos();
        cache.update("b.cs".into(), later);
        assert!(cache.changed, "an entry that becomes settled is worth writing");
    }

    #[test]
    fn corrupt_or_foreign_caches_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{\"header\": 3, garbage").unwrap();
        assert!(FactsCache::open(dir.path(), 100).is_empty());
        let mut cache = FactsCache::open(dir.path(), 100);
        cache.update("a.cs".into(), entry(Stamp { size: 1, mtime_ns: 1 }, "h".into(), facts()));
        cache.save().unwrap();
        assert_eq!(FactsCache::open(dir.path(), 100).len(), 1);
        assert!(FactsCache::open(dir.path(), 200).is_empty(), "another size cap");
    }

    #[test]
    fn concurrent_saves_leave_a_whole_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::thread::scope(|scope| {
            for t in 0..8 {
                let dir = dir.path();
                scope.spawn(move || {
                    for round in 0..20 {
                        let mut cache = FactsCache::open(dir, 100);
                        let key = format!("file-{t}-{round}.cs");
                        cache.update(key, entry(Stamp { size: 1, mtime_ns: 1 }, "h".into(), facts()));
                        cache.save().unwrap();
                    }
                });
            }
        });
        let bytes = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
        assert!(serde_json::from_slice::<CacheFile>(&bytes).is_ok(), "never a torn file");
        assert!(!FactsCache::open(dir.path(), 100).is_empty());
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }
}
