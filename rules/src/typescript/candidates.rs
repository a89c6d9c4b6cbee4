//! A cheap text pre-filter: where in a file could an acquisition (or an inline
//! `removeEventListener`, which LL1003 reports on its own) be at all?
//!
//! Every acquisition the lowering recognises names its pattern's last segment literally in the
//! source (`setTimeout`, `createObjectURL`, `WebSocket`, a user kind's `.subscribe`): a callee
//! path is an identifier or a `member_expression` chain of `property_identifier`s. So a body
//! whose text holds none of those names has no acquisition site and no finding, and need not be
//! lowered; a file with none needs no analysis beyond its parse.

use std::ops::Range;

use super::kinds::{Acquire, Kind, Release};
use super::lower::Mode;

/// The byte offsets, sorted, where the names that can start a finding occur.
pub struct Candidates {
    /// Acquisitions of kinds that belong to an owner, and registration removes.
    owner: Vec<usize>,
    /// Acquisitions of kinds that leak anywhere, and registration removes.
    anywhere: Vec<usize>,
    /// Does an acquisition name of a kind that leaks anywhere occur (a local factory needs one)?
    anywhere_acquisition: bool,
    /// The names a release call ends in (`clearInterval`, `close`, `unobserve`).
    releases: Vec<usize>,
}

impl Candidates {
    pub fn find(source: &str, kinds: &[Kind]) -> Candidates {
        let mut owner_names: Vec<&str> = Vec::new();
        let mut anywhere_names: Vec<&str> = Vec::new();
        // `observer.unobserve(element)` ends an observation (see `FileCx::releases`).
        let mut release_names: Vec<&str> = vec!["unobserve"];
        let mut anywhere_acquisition = false;
        for kind in kinds {
            release_names.extend(kind.release.iter().map(|r| match r {
                Release::Function(path) => last_segment(path),
                Release::Method(steps) => steps.last().map_or("", |s| s.name.as_str()),
            }));
            let acquired = kind.acquire.iter().map(|a| match a {
                Acquire::New(path) | Acquire::Call(path) => last_segment(path),
                Acquire::Method(name) => name.as_str(),
            });
            if kind.anywhere() {
                anywhere_acquisition |= acquired.clone().any(|name| source.contains(name));
                anywhere_names.extend(acquired);
            } else {
                owner_names.extend(acquired);
            }
            if kind.registration {
                for release in &kind.release {
                    if let Release::Method(steps) = release {
                        if let [step] = steps.as_slice() {
                            owner_names.push(&step.name);
                            anywhere_names.push(&step.name);
                        }
                    }
                }
            }
        }
        Candidates {
            owner: occurrences(source, owner_names),
            anywhere: occurrences(source, anywhere_names),
            anywhere_acquisition,
            releases: occurrences(source, release_names),
        }
    }

    /// Can no rule fire anywhere in the file?
    pub fn is_empty(&self) -> bool {
        self.owner.is_empty() && self.anywhere.is_empty()
    }

    /// Do the kinds of `mode` have a candidate name in `range`?
    pub fn any_in(&self, mode: Mode, range: Range<usize>) -> bool {
        match mode {
            Mode::Owner => any_in(&self.owner, range),
            Mode::Anywhere => any_in(&self.anywhere, range),
        }
    }

    /// Can a call in `range` release anything? A release names its function or its last
    /// method (`x.close.call(x)` names `close`) inside the call.
    pub fn may_release(&self, range: Range<usize>) -> bool {
        any_in(&self.releases, range)
    }

    /// Does an acquisition name of a kind that leaks anywhere occur (a local factory needs one)?
    pub fn has_anywhere_acquisition(&self) -> bool {
        self.anywhere_acquisition
    }
}

fn any_in(offsets: &[usize], range: Range<usize>) -> bool {
    let first = offsets.partition_point(|&offset| offset < range.start);
    offsets.get(first).is_some_and(|&offset| offset < range.end)
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Where the names occur as whole identifiers (the text of an identifier or property node is a
/// whole token). One pass over the text; a name that is no plain identifier (`#start`) is
/// searched as a substring.
fn occurrences(source: &str, mut names: Vec<&str>) -> Vec<usize> {
    names.sort_unstable();
    names.dedup();
    // An empty name (a malformed user pattern) could match anything: every offset is a candidate.
    if names.contains(&"") {
        return (0..=source.len()).collect();
    }
    let (plain, other): (Vec<&str>, Vec<&str>) = names.into_iter().partition(|n| n.bytes().all(is_word_byte));
    let mut offsets: Vec<usize> =
        other.iter().flat_map(|name| source.match_indices(name).map(|(offset, _)| offset)).collect();
    let bytes = source.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            at += 1;
        }
        // Both ends are ASCII separators or the text's ends: a char boundary.
        if plain.binary_search(&&source[start..at]).is_ok() {
            offsets.push(start);
        }
    }
    offsets.sort_unstable();
    offsets
}

/// A byte of an identifier: ASCII word characters, `$`, and every byte of a non-ASCII char.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_mode_and_range() {
        let kinds = super::super::kinds::compile(&[]);
        let source =
            "const a = 1;\nsetInterval(f, 5);\nURL.createObjectURL(b);\nx.removeEventListener('k', g);";
        let found = Candidates::find(source, &kinds);
        let interval = source.find("setInterval").unwrap();
        let blob = source.find("createObjectURL").unwrap();
        assert!(!found.is_empty());
        assert!(found.has_anywhere_acquisition());
        assert!(!Candidates::find("x.removeEventListener('k', g);", &kinds).has_anywhere_acquisition());
        assert!(!found.any_in(Mode::Owner, 0..interval));
        assert!(found.any_in(Mode::Owner, interval..interval + 1));
        assert!(!found.any_in(Mode::Anywhere, interval..blob));
        assert!(found.any_in(Mode::Anywhere, blob..blob + 1));
        let remove = source.find("removeEventListener").unwrap();
        assert!(found.any_in(Mode::Anywhere, remove..source.len()));
        assert!(found.may_release(remove..source.len()));
        assert!(!found.may_release(0..remove));
        assert!(Candidates::find("const plain = 1;", &kinds).is_empty());
        // Whole identifiers only, non-ASCII letters included in them.
        assert!(Candidates::find("const mysetTimeout = 1; xfetch(); fetché();", &kinds).is_empty());
        assert!(!Candidates::find("const t = window.setTimeout(f);", &kinds).is_empty());
        assert_eq!(occurrences("a.#start(); start()", vec!["#start", "start"]), vec![2, 3, 12]);
    }
}
