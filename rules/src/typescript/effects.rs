//! The scopes that must clean up: effects (any `use…Effect` callee) and the cleanup they
//! return, class components (`componentDidMount` / `componentWillUnmount`), plain classes with
//! a teardown method; and, for Blob URLs, every outermost function and the module.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::facts::{release_facts, Members};
use super::ids::{Field, FieldOf, Ids, KindOf};
use super::keys::FileCx;
use super::lower::{Owner, Role};
use super::nodes::{self, text};
use super::scope::Census;
use crate::syntax::flat::range;
use crate::TextRange;

/// Hooks whose callback runs on unmount: it counts as an effect's cleanup.
pub(super) const UNMOUNT_HOOKS: &[&str] = &[
    "useUnmount",
    "useUnmountEffect",
    "useWillUnmount",
    "onUnmounted",
    "onBeforeUnmount",
    "onDestroy",
    "onCleanup",
];

/// Method names that end an object's life (`disconnectedCallback`: a custom element's), in
/// the order messages prefer them.
pub const TEARDOWN_METHODS: &[&str] = &[
    "destroy",
    "dispose",
    "disconnectedCallback",
    "close",
    "stop",
    "teardown",
    "disconnect",
    "unmount",
    "[Symbol.dispose]",
    "[Symbol.asyncDispose]",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerKind {
    Effect,
    ClassComponent,
    /// A plain class; the name of its (first) teardown method.
    PlainClass(String),
    /// Any function, for kinds that leak in any scope.
    Anywhere,
}

/// One body to analyse and what its owner releases when the body is done.
pub struct Scope<'t> {
    pub kind: OwnerKind,
    pub body: Node<'t>,
    pub role: Role,
    /// Released at every exit: the other effects' cleanups, the teardown.
    pub releases: Releases,
    /// Variables the cleanups or the teardown assign (`A|...`).
    pub stop_flags: Rc<HashSet<String>>,
    /// The teardown method (`componentWillUnmount`, `destroy`), for related locations.
    pub teardown: Option<TextRange>,
}

/// What the owner releases when a body is done, shared (never copied) between its bodies.
#[derive(Clone)]
pub enum Releases {
    /// The cleanups of the file's effects other than effect `index`: key -> the first effect
    /// whose cleanup releases it, and whether another one does too.
    OtherEffects {
        index: usize,
        providers: Rc<HashMap<String, (usize, bool)>>,
    },
    /// The teardown's releases, shared by the class's methods.
    Teardown(Rc<HashSet<String>>),
    /// A plain class: the teardown's releases, those of the class's other methods (key -> the
    /// first method that releases it, and whether another one does too), and whether the
    /// teardown calls an abstract method (a subclass may release any field there).
    Class {
        teardown: Rc<HashSet<String>>,
        methods: Rc<HashMap<String, (usize, bool)>>,
        index: usize,
        open: bool,
    },
    Nothing,
}

/// A scope together with the file it belongs to: what the lowering asks about releases.
pub struct ScopeOwner<'a, 't> {
    pub cx: &'a FileCx<'t>,
    pub scope: &'a Scope<'t>,
}

impl<'t> Owner<'t> for ScopeOwner<'_, 't> {
    fn releases_at_exit(&self, key: &str) -> bool {
        match &self.scope.releases {
            Releases::OtherEffects { index, providers } => {
                providers.get(key).is_some_and(|(first, more)| first != index || *more)
            }
            Releases::Teardown(facts) => facts.contains(key),
            Releases::Class { teardown, methods, index, open } => {
                teardown.contains(key)
                    || (*open && key.starts_with("this."))
                    || methods.get(key).is_some_and(|(first, more)| first != index || *more)
            }
            Releases::Nothing => false,
        }
    }

    fn cleanup_functions(&self, setup: Node<'t>) -> HashSet<usize> {
        returned_values(self.cx, setup)
            .into_iter()
            .flat_map(|r| cleanup_functions(self.cx, r))
            .map(|f| f.id())
            .collect()
    }

    fn cleanup_releases(&self, returned: Node<'t>) -> (Rc<HashSet<String>>, Option<TextRange>) {
        let at = match cleanup_functions(self.cx, returned).as_slice() {
            [function] => range(*function),
            _ => range(returned),
        };
        (Rc::new(cleanup_facts(self.cx, returned)), Some(at))
    }

    fn released_anywhere(&self, key: &str) -> bool {
        self.cx.released.contains(key)
    }

    fn stop_flags(&self) -> &HashSet<String> {
        &self.scope.stop_flags
    }

    fn is_plain_class(&self) -> bool {
        matches!(self.scope.kind, OwnerKind::PlainClass(_))
    }
}

/// The functions a returned cleanup expression can be: inline, a named local function, or
/// either side of `enabled ? cleanup : undefined` / `enabled && cleanup`.
fn cleanup_functions<'t>(cx: &FileCx<'t>, returned: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![returned];
    while let Some(node) = stack.pop() {
        let node = nodes::unwrap(node);
        match node.kind_name() {
            _ if nodes::is_function(node) => out.push(node),
            "identifier" => out.extend(cx.scopes.function_named(node)),
            "ternary_expression" => {
                stack.extend(node.field(Field::Consequence));
                stack.extend(node.field(Field::Alternative));
            }
            "binary_expression" => stack.extend(node.field(Field::Right)),
            _ => {}
        }
    }
    out
}

/// What a returned cleanup releases.
fn cleanup_facts<'t>(cx: &FileCx<'t>, returned: Node<'t>) -> HashSet<String> {
    cleanup_functions(cx, returned)
        .into_iter()
        .flat_map(|f| release_facts(cx, f, None).as_ref().clone())
        .collect()
}

/// The return values of a function's own `return`s (not those of functions nested in it),
/// or its expression body.
pub fn returned_values<'t>(cx: &FileCx<'t>, function: Node<'t>) -> Vec<Node<'t>> {
    let Some(body) = function.field(Field::Body) else { return Vec::new() };
    if body.kind_id() != Ids::of(body).statement_block {
        return vec![body];
    }
    cx.scopes.census.returns.get(&function.id()).cloned().unwrap_or_default()
}

/// The last segment of a call's callee path: `useEffect` in `React.useEffect(...)`.
fn hook_name<'t>(cx: &FileCx<'t>, call: Node<'t>) -> Option<String> {
    let call = cx.call(call);
    let path = call.path(cx.source)?;
    // Compiled CommonJS: `useUnmount_1.default(...)`, `react_1.useEffect(...)`.
    let mut segments = path.rsplit('.').filter(|s| *s != "default");
    let name = segments.next()?;
    Some(name.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('_').to_string())
}

fn is_effect_hook<'t>(cx: &FileCx<'t>, call: Node<'t>) -> bool {
    hook_name(cx, call)
        .is_some_and(|name| name.starts_with("use") && name.ends_with("Effect") && name != "useUnmountEffect")
}

/// The members of a class that are functions, by name (`[Symbol.dispose]` as written).
fn class_members<'t>(cx: &FileCx<'t>, body_members: &[Node<'t>]) -> Vec<(String, Node<'t>)> {
    let mut members = Vec::new();
    for &member in body_members {
        let Some(name) = member.field(Field::Name) else { continue };
        let name = text(name, cx.source);
        let name = if name.contains(char::is_whitespace) {
            name.replace(char::is_whitespace, "")
        } else {
            name.to_string()
        };
        match member.kind_name() {
            "method_definition" if name == "constructor" => {
                members.extend(constructor_functions(cx, member));
                members.push((name, member));
            }
            // A getter or setter named `dispose` is no teardown, and no method `this.m()` calls.
            "method_definition" if is_accessor(cx, member) => {}
            "method_definition" => members.push((name, member)),
            "public_field_definition" => {
                if let Some(value) =
                    member.field(Field::Value).map(nodes::unwrap).filter(|v| nodes::is_function(*v))
                {
                    members.push((name, value));
                }
            }
            _ => {}
        }
    }
    members
}

/// The method `name` of the class that `inside` (a method, or a function in one) belongs to.
pub fn sibling_method<'t>(cx: &FileCx<'t>, inside: Node<'t>, name: &str) -> Option<Node<'t>> {
    // Up to the class body.
    let mut node = inside;
    let body = loop {
        node = node.parent()?;
        if node.kind_name() == "class_body" {
            break node;
        }
    };
    let members = class_members(cx, &nodes::children(body).collect::<Vec<_>>());
    members.into_iter().find(|(member, _)| member == name).map(|(_, function)| function)
}

/// `get name() {..}` / `set name(v) {..}` (after any decorators and modifiers).
fn is_accessor(cx: &FileCx, method: Node) -> bool {
    let Some(name) = method.field(Field::Name) else { return false };
    let head = cx.source.get(method.start_byte()..name.start_byte()).unwrap_or("");
    head.split_whitespace().any(|word| word == "get" || word == "set")
}

/// The methods a constructor defines as fields, `this.name = () => { ... }` at its top level:
/// how compilers write class fields (`name = () => { ... }`) for older targets.
fn constructor_functions<'t>(cx: &FileCx<'t>, constructor: Node<'t>) -> Vec<(String, Node<'t>)> {
    let Some(body) = constructor.field(Field::Body) else { return Vec::new() };
    let assignments = nodes::children(body)
        .filter(|s| s.kind_name() == "expression_statement")
        .filter_map(|s| nodes::children(s).next().filter(|e| e.kind_name() == "assignment_expression"));
    assignments
        .filter_map(|assignment| {
            let field = assignment.field(Field::Left).filter(|l| l.kind_name() == "member_expression")?;
            let value = nodes::unwrap(assignment.field(Field::Right)?);
            let is_this = field.field(Field::Object).is_some_and(|o| o.kind_name() == "this");
            let name = text(field.field(Field::Property)?, cx.source);
            (is_this && nodes::is_function(value)).then(|| (name.to_string(), value))
        })
        .collect()
}

/// Does the callee's text name an effect or unmount hook? `hook_name` takes a segment of the
/// callee as written, so a hook call names one in its callee's text.
fn names_a_hook(callee: &str) -> bool {
    callee.contains("Effect") || UNMOUNT_HOOKS.iter().any(|hook| callee.contains(hook))
}

/// Every scope in the file that must clean up after itself.
pub fn owner_scopes<'t>(cx: &FileCx<'t>) -> Vec<Scope<'t>> {
    let mut effects: Vec<Node<'t>> = Vec::new();
    let mut unmounts: Vec<Node<'t>> = Vec::new();
    let first_function = |call: Node<'t>| {
        cx.call(call).arguments().first().map(|a| nodes::unwrap(*a)).and_then(|a| {
            if nodes::is_function(a) {
                Some(a)
            } else {
                (a.kind_name() == "identifier").then(|| cx.scopes.function_named(a)).flatten()
            }
        })
    };
    let calls = if cx.candidates.names_hook() { cx.scopes.census.calls.as_slice() } else { &[] };
    for &call in calls {
        // The callee comes before the arguments: most calls name no hook there, and need not
        // be taken apart.
        let head_end = call.field(Field::Arguments).map_or(call.end_byte(), |a| a.start_byte());
        if !names_a_hook(cx.source.get(call.start_byte()..head_end).unwrap_or("")) {
            continue;
        }
        let callee = cx.call(call).function.map_or("", |f| text(f, cx.source));
        if !names_a_hook(callee) {
            continue;
        }
        if is_effect_hook(cx, call) {
            effects.extend(first_function(call));
        } else if hook_name(cx, call).is_some_and(|n| UNMOUNT_HOOKS.contains(&n.as_str())) {
            unmounts.extend(first_function(call));
        }
    }
    let mut scopes = effect_scopes(cx, &effects, &unmounts);
    for &class in &cx.scopes.census.classes {
        scopes.extend(class_scopes(cx, class));
    }
    scopes
}

/// Effects, and the cleanups each one's (or an unmount hook's) make.
fn effect_scopes<'t>(cx: &FileCx<'t>, setups: &[Node<'t>], unmounts: &[Node<'t>]) -> Vec<Scope<'t>> {
    let cleanups: Vec<HashSet<String>> = setups
        .iter()
        .map(|setup| {
            let mut facts = HashSet::default();
            for returned in returned_values(cx, *setup) {
                facts.extend(cleanup_facts(cx, returned));
            }
            facts
        })
        .chain(unmounts.iter().map(|cleanup| release_facts(cx, *cleanup, None).as_ref().clone()))
        .collect();
    // key -> the first effect whose cleanup releases it, and whether another one does too
    let mut providers: HashMap<String, (usize, bool)> = HashMap::default();
    for (i, facts) in cleanups.iter().enumerate() {
        for key in facts {
            providers.entry(key.clone()).and_modify(|p| p.1 |= p.0 != i).or_insert((i, false));
        }
    }
    let all_flags: Rc<HashSet<String>> =
        Rc::new(cleanups.iter().flatten().filter(|k| k.starts_with("A|")).cloned().collect());
    let providers = Rc::new(providers);
    setups
        .iter()
        .enumerate()
        .map(|(i, setup)| Scope {
            kind: OwnerKind::Effect,
            body: *setup,
            role: Role::EffectSetup,
            releases: Releases::OtherEffects { index: i, providers: providers.clone() },
            stop_flags: all_flags.clone(),
            teardown: None,
        })
        .collect()
}

fn class_scopes<'t>(cx: &FileCx<'t>, class: Node<'t>) -> Vec<Scope<'t>> {
    let Some(body) = class.field(Field::Body) else { return Vec::new() };
    // Everything in the body: methods, fields, signatures.
    let body_members: Vec<_> = nodes::children(body).collect();
    let members = Members::new(class_members(cx, &body_members));
    let extends_component = nodes::children(class)
        .any(|c| c.kind_name() == "class_heritage" && text(c, cx.source).contains("Component"));
    let is_component =
        extends_component || members.has("componentDidMount") || members.has("componentWillUnmount");
    let facts_of = |names: &[&str]| -> (Rc<HashSet<String>>, Rc<HashSet<String>>, Option<TextRange>) {
        let mut facts = HashSet::default();
        let mut at = None;
        for (_, function) in members.iter().filter(|(n, _)| names.contains(n)) {
            facts.extend(release_facts(cx, function, Some(&members)).iter().cloned());
            at = at.or(Some(range(function)));
        }
        let flags = facts.iter().filter(|k| k.starts_with("A|")).cloned().collect();
        (Rc::new(facts), Rc::new(flags), at)
    };
    type Facts = (Rc<HashSet<String>>, Rc<HashSet<String>>, Option<TextRange>);
    let scope = |kind: OwnerKind, function: Node<'t>, facts: &Facts| Scope {
        kind,
        body: function,
        role: Role::Function,
        releases: Releases::Teardown(facts.0.clone()),
        stop_flags: facts.1.clone(),
        teardown: facts.2,
    };
    if is_component {
        let facts = facts_of(&["componentWillUnmount"]);
        return members
            .iter()
            .filter(|(n, _)| *n == "componentDidMount" || *n == "componentDidUpdate")
            .map(|(_, f)| scope(OwnerKind::ClassComponent, f, &facts))
            .collect();
    }
    // The teardown the messages name: with several (`stop()` and `destroy()`), the one first in
    // [`TEARDOWN_METHODS`], which ends the object's life for good.
    let Some(teardown) = TEARDOWN_METHODS.iter().copied().find(|name| members.has(name)) else {
        return Vec::new();
    };
    // A release in another method (`stop()`, a detach handler) is the class's own lifecycle:
    // it counts like one in the teardown.
    let mut facts = facts_of(TEARDOWN_METHODS);
    facts.2 = members.named(teardown).next().map(range).or(facts.2);
    let others: Vec<Node<'t>> =
        members.iter().filter(|(n, _)| !TEARDOWN_METHODS.contains(n)).map(|(_, f)| f).collect();
    let mut methods: HashMap<String, (usize, bool)> = HashMap::default();
    for (i, function) in others.iter().enumerate() {
        for key in release_facts(cx, *function, Some(&members)).iter() {
            methods.entry(key.clone()).and_modify(|p| p.1 |= p.0 != i).or_insert((i, false));
        }
    }
    let methods = Rc::new(methods);
    let open = calls_abstract_method(cx, &body_members, &members);
    others
        .iter()
        .enumerate()
        .map(|(index, function)| Scope {
            releases: Releases::Class { teardown: facts.0.clone(), methods: methods.clone(), index, open },
            ..scope(OwnerKind::PlainClass(teardown.to_string()), *function, &facts)
        })
        .collect()
}

/// Does a teardown method call `this.m()` for an abstract `m` (implemented by subclasses)?
fn calls_abstract_method<'t>(cx: &FileCx<'t>, body_members: &[Node<'t>], members: &Members<'t>) -> bool {
    let abstracts: Vec<&str> = body_members
        .iter()
        .filter(|m| matches!(m.kind_name(), "abstract_method_signature" | "method_signature"))
        .filter_map(|m| m.field(Field::Name).map(|n| text(n, cx.source)))
        .collect();
    if abstracts.is_empty() {
        return false;
    }
    members.iter().filter(|(n, _)| TEARDOWN_METHODS.contains(n)).any(|(_, teardown)| {
        Census::within(&cx.scopes.census.calls, teardown).any(|call| {
            let call = cx.call(call);
            call.receiver.is_some_and(|o| o.kind_name() == "this")
                && call.method.is_some_and(|m| abstracts.contains(&m))
        })
    })
}

/// The module and every outermost function (class members included), for kinds that leak in
/// any scope.
pub fn anywhere_scopes<'t>(cx: &FileCx<'t>, root: Node<'t>) -> Vec<Scope<'t>> {
    let scope = |body: Node<'t>, role: Role| Scope {
        kind: OwnerKind::Anywhere,
        body,
        role,
        releases: Releases::Nothing,
        stop_flags: Rc::default(),
        teardown: None,
    };
    let mut scopes = vec![scope(root, Role::Module)];
    // The census lists functions in document order: an outermost one starts after the last.
    let mut outer_end = 0;
    for &function in &cx.scopes.census.functions {
        if function.start_byte() >= outer_end {
            outer_end = function.end_byte();
            scopes.push(scope(function, Role::Function));
        }
    }
    scopes
}
