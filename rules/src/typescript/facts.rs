//! What a function releases and assigns, following the local functions and the class methods
//! it calls: the facts an effect's cleanup, a teardown method or a class's other methods
//! release for the scopes that own resources ([`super::effects`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids, KindOf};
use super::keys::FileCx;
use super::nodes::{self, text};
use super::scope::Census;

/// A class's members that are functions, by name (`[Symbol.dispose]` as written), in the
/// order the class declares them; also found by name, as every `this.m()` call in the
/// class's methods asks.
pub struct Members<'t> {
    list: Vec<(String, Node<'t>)>,
    /// For a class of many members: indices into `list`, by name, then by declaration order.
    by_name: Option<Vec<u32>>,
}

/// How many members a class may have for them to be looked through one by one.
const FEW_MEMBERS: usize = 16;

impl<'t> Members<'t> {
    pub fn new(list: Vec<(String, Node<'t>)>) -> Members<'t> {
        let by_name = (list.len() > FEW_MEMBERS).then(|| {
            let mut by_name: Vec<u32> = (0..list.len() as u32).collect();
            by_name.sort_by(|a, b| list[*a as usize].0.cmp(&list[*b as usize].0));
            by_name
        });
        Members { list, by_name }
    }

    /// Every member, with its name, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Node<'t>)> + '_ {
        self.list.iter().map(|(name, function)| (name.as_str(), *function))
    }

    /// The members named `name`, in declaration order.
    pub fn named<'m>(&'m self, name: &'m str) -> impl Iterator<Item = Node<'t>> + 'm {
        let member = move |index: &u32| &self.list[*index as usize];
        let (few, indexed): (&[(String, Node<'t>)], &[u32]) = match &self.by_name {
            None => (&self.list, &[]),
            Some(by_name) => {
                let first = by_name.partition_point(|i| member(i).0.as_str() < name);
                let end = first + by_name[first..].partition_point(|i| member(i).0 == name);
                (&[], &by_name[first..end])
            }
        };
        // One of the two is empty: the members looked through, or those found in the index.
        let few = few.iter().filter(move |(member, _)| member == name);
        few.chain(indexed.iter().map(member)).map(|(_, function)| *function)
    }

    pub fn has(&self, name: &str) -> bool {
        self.named(name).next().is_some()
    }
}

/// What a function releases and assigns, anywhere in it, following calls to local functions
/// and to `this` methods of the class whose `members` are given. Computed once per function.
pub fn release_facts<'t>(
    cx: &FileCx<'t>,
    function: Node<'t>,
    members: Option<&Members<'t>>,
) -> Rc<HashSet<String>> {
    if let Some(facts) = cx.facts_cache.borrow().get(&function.id()) {
        return facts.clone();
    }
    // A placeholder first: a recursive call sees no facts instead of recursing forever.
    cx.facts_cache.borrow_mut().insert(function.id(), no_facts());
    let facts = collect_release_facts(cx, function, members);
    // Most functions release and assign nothing: they share one empty set.
    let facts = if facts.is_empty() { no_facts() } else { Rc::new(facts) };
    cx.facts_cache.borrow_mut().insert(function.id(), facts.clone());
    facts
}

thread_local! {
    static NO_FACTS: Rc<HashSet<String>> = Rc::default();
}

fn no_facts() -> Rc<HashSet<String>> {
    NO_FACTS.with(Rc::clone)
}

/// A function's release facts by the place each starts from: `p.current` and `A|p.current`
/// are found under `p` and under `p.current`, as `A|` (or not) and the rest of the place
/// after it.
pub type FactsByPlace = HashMap<String, Vec<(&'static str, String)>>;

/// What a call to a local helper releases in terms of the caller's arguments:
/// `clearTimeoutIfSet(timeoutRef)` where the helper clears `param.current`.
fn released_through_parameters<'t>(cx: &FileCx<'t>, call: Node<'t>, helper: Node<'t>) -> Vec<String> {
    let parameters: Vec<Node> = helper
        .field(Field::Parameters)
        .map(|p| nodes::children(p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.field(Field::Pattern).unwrap_or(p))
        .chain(helper.field(Field::Parameter))
        .collect();
    let substitutions: Vec<(String, String)> = parameters
        .iter()
        .zip(cx.call(call).arguments().iter().copied())
        .filter_map(|(parameter, argument)| Some((cx.place(*parameter)?, cx.place(argument)?)))
        .collect();
    if substitutions.is_empty() {
        return Vec::new();
    }
    let facts = release_facts(cx, helper, None);
    if facts.is_empty() {
        return Vec::new();
    }
    // A helper called from many places (in a large module, with many facts) is matched against
    // each call's parameters through its facts by place, made once. A helper's facts are empty
    // while they are being found (the placeholder that stops recursion, left out just above),
    // and final once they are not: the index made from them holds for good.
    let by_place = cx
        .facts_by_place
        .borrow_mut()
        .entry(helper.id())
        .or_insert_with(|| Rc::new(facts_by_place(&facts)))
        .clone();
    let mut out = Vec::new();
    for (parameter, argument) in &substitutions {
        for (prefix, rest) in by_place.get(parameter).into_iter().flatten() {
            out.push(format!("{prefix}{argument}{rest}"));
        }
    }
    out
}

/// `("A|", place)` for the fact that a place is assigned, `("", place)` for its release.
fn split_assigned(key: &str) -> (&'static str, &str) {
    key.strip_prefix("A|").map_or(("", key), |place| ("A|", place))
}

fn facts_by_place(facts: &HashSet<String>) -> FactsByPlace {
    let mut by_place: FactsByPlace = HashMap::default();
    for key in facts {
        let (prefix, place) = split_assigned(key);
        // The place itself, and each path it starts with (`p` of `p.current`).
        let ends = place.match_indices('.').map(|(at, _)| at).chain([place.len()]);
        for end in ends {
            by_place.entry(place[..end].to_string()).or_default().push((prefix, place[end..].to_string()));
        }
    }
    by_place
}

fn collect_release_facts<'t>(
    cx: &FileCx<'t>,
    function: Node<'t>,
    members: Option<&Members<'t>>,
) -> HashSet<String> {
    let mut facts = HashSet::default();
    // The function, then the helpers and methods it calls (a class's methods can reach
    // hundreds of others). What the function itself gives goes straight into its facts; that
    // of a function reached is made once, and kept.
    let mut own_steps = Vec::new();
    let root = function.id();
    let mut visited: HashSet<usize> = HashSet::default();
    let mut stack = vec![function];
    while let Some(function) = stack.pop() {
        if !visited.insert(function.id()) {
            continue;
        }
        let kept = (function.id() != root).then(|| own_facts(cx, function));
        let steps = match &kept {
            Some(own) => {
                facts.extend(own.facts.iter().cloned());
                &own.steps
            }
            None => {
                gather(cx, function, &mut facts, &mut own_steps);
                &own_steps
            }
        };
        for &step in steps {
            // A call on `this` is taken apart only when the class has a member of its name.
            let step = match step {
                Step::OnThis { name, call } if members.is_some_and(|members| members.has(name)) => {
                    resolve(cx, call)
                }
                Step::OnThis { .. } => None,
                reached => Some(reached),
            };
            match step {
                Some(Step::Helper { call, helper }) => {
                    facts.extend(released_through_parameters(cx, call, helper));
                    stack.push(helper);
                }
                Some(Step::Methods(method)) => {
                    stack.extend(members.into_iter().flat_map(|m| m.named(method)))
                }
                _ => {}
            }
        }
    }
    facts
}

/// What a function gives the facts of every function that reaches it, whichever that is: the
/// release keys of its own calls and the places it assigns, and, in the order of its calls,
/// the helpers and methods it calls. (What a helper releases through its parameters is asked
/// again at each visit: it depends on the facts known by then.) Made once per function: a
/// class's methods reach the same helpers again and again.
pub struct Own<'t> {
    facts: Vec<String>,
    steps: Vec<Step<'t>>,
}

/// Where a call of a function leads the facts of those that reach it.
#[derive(Clone, Copy)]
enum Step<'t> {
    /// A call to a local function: what it releases through its parameters, then its facts.
    Helper { call: Node<'t>, helper: Node<'t> },
    /// `this.method(…)`: the facts of the class's methods of that name.
    Methods(&'t str),
    /// `this.name(…)` as written: where it leads, [`resolve`]d, when the class has a member
    /// `name`; nowhere otherwise.
    OnThis { name: &'t str, call: Node<'t> },
}

fn own_facts<'t>(cx: &FileCx<'t>, function: Node<'t>) -> Rc<Own<'t>> {
    if let Some(own) = cx.own_facts.borrow().get(&function.id()) {
        return own.clone();
    }
    let mut own = Own { facts: Vec::new(), steps: Vec::new() };
    gather(cx, function, &mut own.facts, &mut own.steps);
    let own = Rc::new(own);
    cx.own_facts.borrow_mut().insert(function.id(), own.clone());
    own
}

/// What [`Own`] holds of a function, into `facts` and `steps`.
fn gather<'t>(
    cx: &FileCx<'t>,
    function: Node<'t>,
    facts: &mut impl Extend<String>,
    steps: &mut Vec<Step<'t>>,
) {
    let census = &cx.scopes.census;
    for call in Census::within(&census.calls, function) {
        facts.extend(cx.release_keys_of(call).iter().cloned());
        match reach(cx, call) {
            Some(Reach::Always) => steps.extend(resolve(cx, call)),
            Some(Reach::IfMember(name)) => steps.push(Step::OnThis { name, call }),
            None => {}
        }
    }
    for assignment in Census::within(&census.assignments, function) {
        if let Some(place) = assignment.field(Field::Left).and_then(|l| cx.place(l)) {
            facts.extend([["A|", &place].concat()]);
        }
    }
}

/// What a call that can reach a helper or a method reaches: a local function it calls by
/// name, or the class's methods of the name it calls on `this`.
fn resolve<'t>(cx: &FileCx<'t>, call: Node<'t>) -> Option<Step<'t>> {
    let parts = cx.call(call);
    let callee = parts.function.map(nodes::unwrap)?;
    if callee.kind_id() == Ids::of(call).identifier {
        let helper = cx.scopes.function_named(callee)?;
        Some(Step::Helper { call, helper })
    } else if parts.receiver.is_some_and(|object| nodes::unwrap(object).kind_name() == "this") {
        Some(Step::Methods(parts.method.unwrap_or("")))
    } else {
        None
    }
}

/// When a call can reach a helper or a method: always, or when the class has a member of the
/// name its text calls (`this.name(…)`).
enum Reach<'t> {
    Always,
    IfMember(&'t str),
}

/// Can the call reach a local function or one of the class's methods, as its text begins?
/// Most calls are on another object (`console.log(…)`, `this.cache.set(…)`) or call a global
/// (`setTimeout(…)`), and their parts need not be looked up. A callee the text does not show
/// plainly (`(f)()`, `f!()`) is looked at.
fn reach<'t>(cx: &FileCx<'t>, call: Node<'t>) -> Option<Reach<'t>> {
    let written = text(call, cx.source);
    let (rest, on_this) = match written.strip_prefix("this.") {
        Some(rest) => (rest, true),
        None => (written, false),
    };
    let length = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$')).count();
    let (name, after) = rest.split_at(length);
    let after = after.trim_start();
    let called = after.starts_with('(') || after.starts_with('<') || after.starts_with("?.(");
    if length == 0 {
        Some(Reach::Always)
    } else if called && on_this {
        Some(Reach::IfMember(name))
    } else if called {
        cx.scopes.declares(name).then_some(Reach::Always)
    } else {
        // `name.x(…)`, `this.name.x(…)`: a member of another object.
        (!after.starts_with('.') && !after.starts_with("?.")).then_some(Reach::Always)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::flat;
    use crate::syntax::treesitter::Grammar;

    #[test]
    fn members_are_found_by_name_in_declaration_order() {
        let tree = flat::parse(Grammar::TypeScript, "a; b; c;");
        let [first, second, third] = [1, 2, 3].map(|i| tree.root().descendant(i).expect("a node"));
        let members =
            Members::new(vec![("stop".into(), first), ("close".into(), second), ("stop".into(), third)]);
        assert_eq!(members.named("stop").collect::<Vec<_>>(), [first, third]);
        assert_eq!(members.named("close").collect::<Vec<_>>(), [second]);
        assert!(members.has("close") && !members.has("clos") && !members.has("stops"));
        let names: Vec<&str> = members.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["stop", "close", "stop"], "declaration order");
        // A class of many members is looked up through its index by name.
        let many: Vec<(String, Node)> = (0..40)
            .map(|i| (format!("m{}", i % 20), tree.root().descendant(1 + i % 3).expect("a node")))
            .collect();
        let many = Members::new(many);
        assert!(many.by_name.is_some());
        assert_eq!(many.named("m7").collect::<Vec<_>>(), [second, first], "the 8th and the 28th");
        assert!(many.has("m19") && !many.has("m20") && !many.has("m"));
    }

    /// What the index holds under `place`, sorted.
    fn found<'f>(by_place: &'f FactsByPlace, place: &str) -> Vec<(&'static str, &'f str)> {
        let mut found: Vec<_> = by_place
            .get(place)
            .into_iter()
            .flatten()
            .map(|(prefix, rest)| (*prefix, rest.as_str()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn facts_are_found_by_each_place_they_start_from() {
        let facts: HashSet<String> = ["#1", "#1.current", "A|#1.x.y", "#10.current", "this.timer"]
            .map(String::from)
            .into_iter()
            .collect();
        let by_place = facts_by_place(&facts);
        let found = |place: &str| found(&by_place, place);
        assert_eq!(found("#1"), [("", ""), ("", ".current"), ("A|", ".x.y")]);
        assert_eq!(found("#1.x"), [("A|", ".y")]);
        assert_eq!(found("#10"), [("", ".current")], "a place is not a prefix of a longer name");
        assert_eq!(found("this"), [("", ".timer")]);
        assert!(found("#1.cur").is_empty() && found("thi").is_empty());
    }

    /// The index finds what matching each fact against each parameter finds: a fact on the
    /// parameter's place, or on a path below it.
    #[test]
    fn facts_by_place_match_fact_by_fact_matching() {
        let places = ["", ".", "a", "a.", "a..b", "a.b", "a.bc", "ab", "A|a", "A|a.b", "A|", "b.a", "a.b.c"];
        let facts: HashSet<String> = places.iter().map(|place| place.to_string()).collect();
        let by_place = facts_by_place(&facts);
        for parameter in ["", "a", "a.", "a.b", "b", "A|a", "a.b.c", "x"] {
            let mut expected: Vec<(&str, &str)> = facts
                .iter()
                .filter_map(|key| {
                    let (prefix, place) = split_assigned(key);
                    let rest =
                        place.strip_prefix(parameter).filter(|r| r.is_empty() || r.starts_with('.'))?;
                    Some((prefix, rest))
                })
                .collect();
            expected.sort();
            assert_eq!(found(&by_place, parameter), expected, "parameter {parameter:?}");
        }
    }
}
