//! A cheap text pre-filter: where in a file could an acquisition (or an inline
//! `removeEventListener`, which LL1003 reports on its own) be at all?
//!
//! Every acquisition the lowering recognises names its pattern's last segment literally in the
//! source (`setTimeout`, `createObjectURL`, `WebSocket`, a user kind's `.subscribe`): a callee
//! path is an identifier or a `member_expression` chain of `property_identifier`s. So a body
//! whose text holds none of those names has no acquisition site and no finding, and need not be
//! lowered; a file with none needs no analysis beyond its parse.

use std::cell::Cell;
use std::ops::Range;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::kinds::{Acquire, Kind, Release};
use super::lower::{Mode, Role};

thread_local! {
    /// The hits of the last file's search, for the thread's next file.
    static HITS: Cell<Vec<(usize, u8)>> = const { Cell::new(Vec::new()) };
}

/// The names the pre-filter looks for, compiled once per set of kinds into one automaton.
pub struct Names {
    automaton: Option<AhoCorasick>,
    /// By pattern: what an occurrence can start ([`can`] bits), and whether the name is a plain
    /// identifier, found as a whole word only (other names, `#start`, are substrings).
    patterns: Vec<(u8, bool)>,
}

/// What an occurrence of a name can start.
mod can {
    /// An acquisition of a kind that belongs to an owner.
    pub const ACQUIRE_OWNED: u8 = 1;
    /// The same, except acquisitions reported in effects only (`fetch`).
    pub const ACQUIRE_OWNED_BEYOND_EFFECTS: u8 = 2;
    /// An acquisition of a kind that leaks anywhere.
    pub const ACQUIRE_ANYWHERE: u8 = 4;
    /// A release: the name a release call ends in (`clearInterval`, `close`, `unobserve`).
    pub const RELEASE: u8 = 8;
    /// A registration's remove (`removeEventListener`): given an inline function, LL1003
    /// reports it wherever it is.
    pub const REMOVE: u8 = 16;
    /// An effect or unmount hook (`useEffect`, `onUnmounted`): a scope that can own resources.
    pub const HOOK: u8 = 32;
    /// A class, the other scope that can own resources.
    pub const CLASS: u8 = 64;
    /// What is found anywhere in a word (`useLayoutEffect`, `className`).
    pub const IN_WORDS: u8 = HOOK | CLASS;
    /// A keyword that can leave a body or jump out of a statement: `return`, `throw`, `await`...
    pub const EXIT: u8 = 128;
}

/// The keywords after which control can leave a statement other than by its end.
const EXIT_KEYWORDS: &[&str] = &["return", "throw", "await", "yield", "break", "continue"];

impl Names {
    pub fn new(kinds: &[Kind]) -> Names {
        // `observer.unobserve(element)` ends an observation (see `FileCx::releases`).
        let mut named: Vec<(&str, u8)> = vec![("unobserve", can::RELEASE)];
        // Any `…Effect` hook, as `effects` recognises them.
        named.extend(["Effect"].iter().chain(super::effects::UNMOUNT_HOOKS).map(|name| (*name, can::HOOK)));
        named.push(("class", can::CLASS));
        named.extend(EXIT_KEYWORDS.iter().map(|keyword| (*keyword, can::EXIT)));
        for kind in kinds {
            for release in &kind.release {
                let name = match release {
                    Release::Function(path) => last_segment(path),
                    Release::Method(steps) => steps.last().map_or("", |s| s.name.as_str()),
                };
                let is_remove =
                    kind.registration && matches!(release, Release::Method(steps) if steps.len() == 1);
                named.push((name, if is_remove { can::RELEASE | can::REMOVE } else { can::RELEASE }));
                // `for (const t of x.getTracks())` releases as `x.getTracks().forEach` does.
                if let Release::Method(steps) = release {
                    if let [.., iterated, last] = steps.as_slice() {
                        if last.name == "forEach" {
                            named.push((iterated.name.as_str(), can::RELEASE));
                        }
                    }
                }
            }
            let acquires = if kind.anywhere() {
                can::ACQUIRE_ANYWHERE
            } else if kind.effect_only() {
                can::ACQUIRE_OWNED
            } else {
                can::ACQUIRE_OWNED | can::ACQUIRE_OWNED_BEYOND_EFFECTS
            };
            named.extend(kind.acquire.iter().map(|acquire| match acquire {
                Acquire::New(path) | Acquire::Call(path) => (last_segment(path), acquires),
                Acquire::Method(name) => (name.as_str(), acquires),
            }));
        }
        named.sort_by(|a, b| a.0.cmp(b.0));
        let mut names: Vec<&str> = Vec::new();
        let mut patterns: Vec<(u8, bool)> = Vec::new();
        for (name, bits) in named {
            match patterns.last_mut() {
                Some((merged, _)) if names.last() == Some(&name) => *merged |= bits,
                _ => {
                    names.push(name);
                    patterns.push((bits, name.bytes().all(is_word_byte)));
                }
            }
        }
        // An empty name (a malformed user pattern) could match anything: no automaton, and
        // every offset is a candidate.
        let automaton = if names.contains(&"") {
            None
        } else {
            AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&names).ok()
        };
        Names { automaton, patterns }
    }
}

/// The byte offsets, sorted, where the names that can start a finding occur.
pub struct Candidates {
    /// Acquisitions of kinds that belong to an owner.
    owner: Vec<usize>,
    /// The same, except acquisitions reported in effects only.
    owner_beyond_effects: Vec<usize>,
    /// Acquisitions of kinds that leak anywhere.
    anywhere: Vec<usize>,
    /// The names a release call ends in (`clearInterval`, `close`, `unobserve`).
    releases: Vec<usize>,
    /// The [`EXIT_KEYWORDS`].
    exits: Vec<usize>,
    /// Does a registration's remove occur?
    remove: bool,
    /// Does the text name an effect or unmount hook?
    hook: bool,
    /// Does the text say `class`?
    class: bool,
}

impl Candidates {
    /// One pass over the text. Plain names count as whole identifiers only (the text of an
    /// identifier or property node is a whole token).
    pub fn find(source: &str, names: &Names) -> Candidates {
        let Some(automaton) = &names.automaton else {
            let everywhere: Vec<usize> = (0..=source.len()).collect();
            return Candidates {
                owner: everywhere.clone(),
                owner_beyond_effects: everywhere.clone(),
                anywhere: everywhere.clone(),
                releases: everywhere.clone(),
                exits: everywhere,
                remove: true,
                hook: true,
                class: true,
            };
        };
        let bytes = source.as_bytes();
        let is_word_end = |at: usize| bytes.get(at).is_none_or(|b| !is_word_byte(*b));
        // Every hit with what it can start, first: each list is then made at its size, where
        // growing five lists hit by hit reallocated them again and again.
        let mut hits = HITS.take();
        hits.clear();
        let mut any = 0;
        // The leftmost-longest match from each position on, resuming one byte after its start
        // so that a name starting inside it is found too: every match the overlapping search
        // finds but a shorter one at the same start, at a fraction of its cost.
        let mut at = 0;
        while let Some(hit) = automaton.find(Input::new(source).span(at..source.len())) {
            at = hit.start() + 1;
            let (mut bits, word) = names.patterns[hit.pattern().as_usize()];
            let whole = hit.start() == 0 || is_word_end(hit.start() - 1);
            if word && !(whole && is_word_end(hit.end())) {
                bits &= can::IN_WORDS;
            }
            any |= bits;
            hits.push((hit.start(), bits));
        }
        let list = |bit: u8| -> Vec<usize> {
            if any & bit == 0 {
                return Vec::new();
            }
            let mut list = Vec::with_capacity(hits.iter().filter(|(_, bits)| bits & bit != 0).count());
            list.extend(hits.iter().filter(|(_, bits)| bits & bit != 0).map(|(at, _)| *at));
            list
        };
        let found = Candidates {
            owner: list(can::ACQUIRE_OWNED),
            owner_beyond_effects: list(can::ACQUIRE_OWNED_BEYOND_EFFECTS),
            anywhere: list(can::ACQUIRE_ANYWHERE),
            releases: list(can::RELEASE),
            exits: list(can::EXIT),
            remove: any & can::REMOVE != 0,
            hook: any & can::HOOK != 0,
            class: any & can::CLASS != 0,
        };
        HITS.set(hits);
        found
    }

    /// More places where an acquisition of a kind that leaks anywhere starts (the calls to a
    /// local factory, which can have any name).
    pub fn add_anywhere(&mut self, offsets: Vec<usize>) {
        if !offsets.is_empty() {
            self.anywhere.extend(offsets);
            self.anywhere.sort_unstable();
        }
    }

    /// Does the text name an effect or unmount hook? (`effects` takes a hook's name from its
    /// callee as written, so a hook call names one in the text.)
    pub fn names_hook(&self) -> bool {
        self.hook
    }

    /// Can the file hold a scope that owns resources: a hook, or a class?
    pub fn names_owner_scope(&self) -> bool {
        self.hook || self.class
    }

    /// Does an acquisition name of a kind that belongs to an owner occur?
    pub fn has_owner_acquisition(&self) -> bool {
        !self.owner.is_empty()
    }

    /// Does an acquisition name of a kind that leaks anywhere, or a registration's remove, occur?
    pub fn has_anywhere_or_remove(&self) -> bool {
        !self.anywhere.is_empty() || self.remove
    }

    /// Can no rule fire anywhere in the file?
    pub fn is_empty(&self) -> bool {
        self.owner.is_empty() && self.anywhere.is_empty() && !self.remove
    }

    /// Do the kinds of `mode` that a body of `role` reports have a candidate name in `range`?
    pub fn any_in(&self, mode: Mode, role: Role, range: Range<usize>) -> bool {
        match mode {
            Mode::Owner if role == Role::EffectSetup => any_in(&self.owner, range),
            Mode::Owner => any_in(&self.owner_beyond_effects, range),
            Mode::Anywhere => any_in(&self.anywhere, range),
        }
    }

    /// Does any name that acquires or releases occur in `range`?
    pub fn any_name_in(&self, range: Range<usize>) -> bool {
        self.any_acquisition_in(range.clone()) || any_in(&self.releases, range)
    }

    /// Can control leave a statement in `range` other than by its end (`return`, `throw`, a
    /// rejected `await`, `break`...)? Keywords in strings and comments count too.
    pub fn any_exit_in(&self, range: Range<usize>) -> bool {
        any_in(&self.exits, range)
    }

    /// Can a call or `new` in `range` acquire anything, in either mode?
    pub fn any_acquisition_in(&self, range: Range<usize>) -> bool {
        any_in(&self.owner, range.clone()) || any_in(&self.anywhere, range)
    }

    /// Can a call in `range` release anything? A release names its function or its last
    /// method (`x.close.call(x)` names `close`) inside the call.
    pub fn may_release(&self, range: Range<usize>) -> bool {
        any_in(&self.releases, range)
    }

    /// Does an acquisition name of a kind that leaks anywhere occur (a local factory needs one)?
    pub fn has_anywhere_acquisition(&self) -> bool {
        !self.anywhere.is_empty()
    }
}

fn any_in(offsets: &[usize], range: Range<usize>) -> bool {
    let first = offsets.partition_point(|&offset| offset < range.start);
    offsets.get(first).is_some_and(|&offset| offset < range.end)
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A byte of an identifier: ASCII word characters, `$`, and every byte of a non-ASCII char.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_and_classes_are_found_inside_words() {
        let names = Names::new(&super::super::kinds::compile(&[]));
        let layout = Candidates::find("React.useLayoutEffect(() => setInterval(f, 5));", &names);
        assert!(layout.names_hook() && layout.names_owner_scope());
        let unmount = Candidates::find("onUnmounted(() => {});", &names);
        assert!(unmount.names_hook());
        let class = Candidates::find("export class Poller { start() { setInterval(f, 5); } }", &names);
        assert!(!class.names_hook() && class.names_owner_scope());
        let neither = Candidates::find("setInterval(f, 5);", &names);
        assert!(!neither.names_hook() && !neither.names_owner_scope());
    }

    #[test]
    fn names_are_found_by_mode_and_range() {
        let names = Names::new(&super::super::kinds::compile(&[]));
        let source =
            "const a = 1;\nsetInterval(f, 5);\nURL.createObjectURL(b);\nx.removeEventListener('k', g);";
        let found = Candidates::find(source, &names);
        let interval = source.find("setInterval").unwrap();
        let blob = source.find("createObjectURL").unwrap();
        assert!(!found.is_empty());
        assert!(found.has_anywhere_acquisition());
        assert!(!Candidates::find("x.removeEventListener('k', g);", &names).has_anywhere_acquisition());
        assert!(!found.any_in(Mode::Owner, Role::EffectSetup, 0..interval));
        assert!(found.any_in(Mode::Owner, Role::EffectSetup, interval..interval + 1));
        assert!(!found.any_in(Mode::Anywhere, Role::Function, interval..blob));
        assert!(found.any_in(Mode::Anywhere, Role::Function, blob..blob + 1));
        let remove = source.find("removeEventListener").unwrap();
        assert!(!found.any_in(Mode::Anywhere, Role::Function, remove..source.len()));
        assert!(!Candidates::find("x.removeEventListener('k', g);", &names).is_empty());
        assert!(found.may_release(remove..source.len()));
        assert!(!found.may_release(0..remove));
        assert!(Candidates::find("const plain = 1;", &names).is_empty());
        // Whole identifiers only, non-ASCII letters included in them.
        assert!(Candidates::find("const mysetTimeout = 1; xfetch(); fetché();", &names).is_empty());
        assert!(!Candidates::find("const t = window.setTimeout(f);", &names).is_empty());
        let user = Kind {
            name: "task".into(),
            rule: "LL1007",
            acquire: vec![Acquire::Method("#start".into()), Acquire::Call("start".into())],
            release: Vec::new(),
            registration: false,
        };
        let found = Candidates::find("a.#start(); start(); restart()", &Names::new(&[user]));
        assert_eq!(found.owner, vec![2, 3, 12]);
    }

    #[test]
    fn fetch_makes_only_an_effect_a_candidate() {
        let names = Names::new(&super::super::kinds::compile(&[]));
        let source = "const r = await fetch(url);";
        let found = Candidates::find(source, &names);
        let all = 0..source.len();
        assert!(found.any_in(Mode::Owner, Role::EffectSetup, all.clone()));
        assert!(!found.any_in(Mode::Owner, Role::Function, all.clone()));
        // The call is still an acquisition where the lowering asks, and still a name to lower for.
        assert!(found.any_acquisition_in(all.clone()));
        assert!(found.any_name_in(all));
        let with_timer = "const r = await fetch(url); setTimeout(done, 5);";
        let found = Candidates::find(with_timer, &names);
        assert!(found.any_in(Mode::Owner, Role::Function, 0..with_timer.len()));
    }

    #[test]
    fn factory_calls_join_the_anywhere_candidates() {
        let names = Names::new(&super::super::kinds::compile(&[]));
        let source = "const u = toUrl(blob); const v = toUrl(other);";
        let mut found = Candidates::find(source, &names);
        assert!(!found.any_in(Mode::Anywhere, Role::Function, 0..source.len()));
        let second = source.rfind("toUrl").unwrap();
        found.add_anywhere(vec![second, source.find("toUrl").unwrap()]);
        assert!(found.any_in(Mode::Anywhere, Role::Function, second..source.len()));
        assert!(found.any_in(Mode::Anywhere, Role::Function, 0..second));
    }
}
