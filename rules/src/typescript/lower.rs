//! Lowering a function body (an effect's setup, a lifecycle or class method, any function for
//! Blob URLs) to the engine's control-flow graph of resource events.
//!
//! Functions nested in the body (callbacks, local handlers) are lowered in place as a branch
//! that may or may not run; a release they make of a variable from outside them also counts
//! after them (`img.onload = () => URL.revokeObjectURL(url)`). What the scope's owner releases
//! when the body is done (the returned cleanup, the other effects' cleanups, the teardown
//! method) is released at every exit.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, KindOf};

use super::keys::FileCx;
use super::nodes;
use crate::engine::{BlockId, Body, BodyBuilder, Event, Terminator, VarId};
use crate::syntax::flat::range;
use crate::TextRange;

/// How deep statements and expressions are lowered (the lowering recurses with the syntax).
pub(super) const MAX_DEPTH: usize = 800;

/// Which acquisitions a lowering records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Kinds owned by an effect, a component or an object with a teardown.
    Owner,
    /// Kinds that leak in any scope (Blob URLs).
    Anywhere,
}

/// What the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An effect's setup: what it returns is its cleanup.
    EffectSetup,
    /// A lifecycle or class method, or any function: what it returns goes to the caller.
    Function,
    /// The module's top level: nested functions are analysed on their own.
    Module,
}

/// One acquisition site.
#[derive(Debug, Clone)]
pub struct Site<'t> {
    pub kind: usize,
    pub node: Node<'t>,
    /// The place the resource was first kept in, as written (`id`, `this.timer`).
    pub held_in: Option<String>,
    /// The key of the place it was first kept in.
    pub place: Option<String>,
    /// For a stored place: its key (state, ref, field), used to tell "never revoked anywhere".
    pub stored_key: Option<String>,
    /// For `observer.observe(el)`: the observer's place.
    pub observation_of: Option<String>,
    /// Inside a loop or a nested callback of the body.
    pub repeated: bool,
    /// A `fetch` with no `signal`.
    pub unsignalled: bool,
    /// A listener whose handler is created inline (it can never be removed).
    pub inline_handler: bool,
}

/// A normal exit and the cleanup it returns.
#[derive(Debug, Clone)]
pub struct Exit {
    pub at: Option<TextRange>,
    pub cleanup: Option<TextRange>,
}

/// The lowered body with what is needed to report on it.
pub struct Lowered<'t> {
    pub body: Body,
    pub sites: Vec<Site<'t>>,
    pub exits: Vec<Exit>,
}

/// How releases the owner makes are looked up.
pub trait Owner<'t> {
    /// Is the key released at every exit of the body (by another effect's cleanup, the teardown)?
    fn releases_at_exit(&self, key: &str) -> bool;
    /// The node ids of the cleanup functions an effect's setup returns.
    fn cleanup_functions(&self, setup: Node<'t>) -> HashSet<usize>;
    /// Keys released by a returned cleanup (effects only).
    fn cleanup_releases(&self, returned: Node<'t>) -> (Rc<HashSet<String>>, Option<TextRange>);
    /// Keys released anywhere in the file (for stored Blob URLs).
    fn released_anywhere(&self, key: &str) -> bool;
    /// Variables the owner's cleanup or teardown assigns (`A|#3`): stop flags of loops.
    fn stop_flags(&self) -> &HashSet<String>;
    /// The body is a method of a plain class with a teardown method.
    fn is_plain_class(&self) -> bool;
}

/// A statement that `break` can leave: a loop, a `switch` or a labelled block.
#[derive(Clone, Copy)]
pub(super) struct Breakable<'t> {
    /// Where `continue` goes (a `switch` passes it on to the loop around it).
    pub(super) next: BlockId,
    /// Where `break` goes.
    pub(super) done: BlockId,
    /// How many `finally` blocks were pending when it started: leaving it runs the later ones.
    pub(super) finalizers: usize,
    /// The labelled statement it is the body of (`outer: for (...)`), whose labels `break outer`
    /// and `continue outer` name.
    pub(super) labelled: Option<Node<'t>>,
    pub(super) kind: BreakableKind,
}

impl Breakable<'_> {
    /// Whether `label` is one of its labels: `a` and `b` in `a: b: for (...)`.
    pub(super) fn is_named(&self, label: &str, source: &str) -> bool {
        let mut labelled = self.labelled;
        while let Some(statement) = labelled.filter(|s| s.kind_name() == "labeled_statement") {
            if statement.field(Field::Label).is_some_and(|l| nodes::text(l, source) == label) {
                return true;
            }
            labelled = statement.field(Field::Body);
        }
        false
    }
}

/// The statement a chain of labels stands before: the loop in `a: b: for (...)`.
pub(super) fn labelled_body(labelled: Node<'_>) -> Option<Node<'_>> {
    let mut body = labelled.field(Field::Body)?;
    while body.kind_name() == "labeled_statement" {
        body = body.field(Field::Body)?;
    }
    Some(body)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BreakableKind {
    Loop,
    Switch,
    /// A labelled statement that is not a loop: only a `break` that names it leaves it.
    Block,
}

#[derive(Clone)]
pub(super) enum Val {
    None,
    Place(String),
    Temp(VarId, usize),
}

pub(super) struct Frame<'t> {
    pub(super) function: Node<'t>,
    pub(super) ret: BlockId,
    pub(super) is_async: bool,
    pub(super) hoisted: Vec<String>,
    pub(super) handlers: usize,
    pub(super) loops: usize,
    pub(super) finalizers: usize,
}

/// Copies of `finally` blocks the returns of one body may lower: enough for real code, and a
/// bound on code with a great many returns inside a large `try` (past it, a return leaves
/// without its `finally`, as if there were none).
const FINALLY_BUDGET: usize = 256;

/// Runs of this file's releasing functions one body may lower where they are called or passed
/// on ([`Lowerer::run_releasing`]): past it, a call releases nothing, as before.
const RELEASING_RUNS: usize = 64;

pub struct Lowerer<'a, 't> {
    pub(super) cx: &'a FileCx<'t>,
    pub(super) owner: &'a dyn Owner<'t>,
    pub(super) mode: Mode,
    pub(super) role: Role,
    pub(super) root: Node<'t>,
    pub(super) root_async: bool,
    pub(super) b: BodyBuilder,
    pub(super) cur: BlockId,
    pub(super) vars: HashMap<String, Vec<VarId>>,
    pub(super) dependents: HashMap<String, Vec<String>>,
    pub(super) sites: Vec<Site<'t>>,
    pub(super) exits: Vec<Exit>,
    pub(super) frames: Vec<Frame<'t>>,
    /// The loops, `switch`es and labelled blocks open, innermost last.
    pub(super) loops: Vec<Breakable<'t>>,
    /// The labelled statement whose body is about to be lowered (`outer: for (...)`), for the
    /// loop to take its labels.
    pub(super) labelled: Option<Node<'t>>,
    /// Where a rejected `await` or a `throw` goes inside `try`.
    pub(super) handlers: Vec<BlockId>,
    /// The `finally` blocks of the `try`s around, innermost last: a `return` runs them first.
    pub(super) finalizers: Vec<Node<'t>>,
    /// How many more `finally` blocks returns may lower (each return lowers its own copy).
    pub(super) finally_budget: usize,
    /// How many more runs of releasing functions the body may lower.
    pub(super) releasing_runs: usize,
    /// Observer acquisition sites, and the places observers are kept in (with their kind).
    pub(super) observer_sites: HashSet<usize>,
    pub(super) observer_places: HashMap<String, usize>,
    /// Current recursion depth of `statement`/`expr`.
    pub(super) depth: usize,
    /// An effect's own cleanup functions: they run when the effect is done, so what they start
    /// is not the setup's to release.
    pub(super) cleanups: HashSet<usize>,
}

impl<'a, 't> Lowerer<'a, 't> {
    pub fn lower(
        cx: &'a FileCx<'t>,
        owner: &'a dyn Owner<'t>,
        mode: Mode,
        role: Role,
        root: Node<'t>,
    ) -> Lowered<'t> {
        let b = BodyBuilder::new();
        let cur = b.entry();
        let mut lowerer = Lowerer {
            cx,
            owner,
            mode,
            role,
            root,
            root_async: nodes::is_async(root, cx.source),
            b,
            cur,
            vars: HashMap::default(),
            dependents: HashMap::default(),
            sites: Vec::new(),
            exits: Vec::new(),
            frames: Vec::new(),
            loops: Vec::new(),
            labelled: None,
            handlers: Vec::new(),
            finalizers: Vec::new(),
            finally_budget: FINALLY_BUDGET,
            releasing_runs: RELEASING_RUNS,
            observer_sites: HashSet::default(),
            observer_places: HashMap::default(),
            depth: 0,
            cleanups: match (mode, role) {
                (Mode::Owner, Role::EffectSetup) => owner.cleanup_functions(root),
                _ => HashSet::default(),
            },
        };
        match root.field(Field::Body) {
            Some(body) if body.kind_name() == "statement_block" => lowerer.statement(body),
            Some(expression) => {
                let value = lowerer.expr(expression);
                lowerer.returned(value, Some(expression), range(expression));
            }
            None if role == Role::Module => lowerer.statement(root),
            None => {}
        }
        let end = TextRange::new(root.end_byte().saturating_sub(1), root.end_byte());
        lowerer.exit(None, None, &HashSet::default());
        Lowered { body: lowerer.b.finish(end), sites: lowerer.sites, exits: lowerer.exits }
    }

    // ----- events -------------------------------------------------------------------------

    pub(super) fn push(&mut self, event: Event, at: TextRange) {
        self.b.push(self.cur, event, at);
    }

    pub(super) fn var_for(&mut self, key: &str) -> VarId {
        if let Some(vars) = self.vars.get(key) {
            return vars[0];
        }
        let var = self.b.new_var();
        self.vars.insert(key.to_string(), vec![var]);
        var
    }

    pub(super) fn existing(&self, key: &str) -> Option<VarId> {
        self.vars.get(key).map(|v| v[0])
    }

    /// A fresh variable under `key` for one registration site (several can share a key).
    pub(super) fn registration_var(&mut self, key: &str, depends_on: Option<&str>) -> VarId {
        let var = self.b.new_var();
        self.vars.entry(key.to_string()).or_default().push(var);
        if let Some(owner) = depends_on {
            let list = self.dependents.entry(owner.to_string()).or_default();
            if !list.iter().any(|k| k == key) {
                list.push(key.to_string());
            }
        }
        var
    }

    pub(super) fn assign(&mut self, to: &str, from: Val, at: TextRange, written: &str) {
        if self.is_foreign_member(to) {
            // `track.timeoutId = setTimeout(...)` on an object from a collection: stored in
            // an object this class does not follow.
            self.transfer(from, at);
            return;
        }
        match from {
            Val::None => {
                if let Some(var) = self.existing(to) {
                    self.push(Event::Assign { to: var, from: None }, at);
                }
            }
            Val::Place(key) => {
                let source = self.existing(&key);
                if source.is_some() || self.existing(to).is_some() {
                    let var = self.var_for(to);
                    self.push(Event::Assign { to: var, from: source }, at);
                }
            }
            Val::Temp(temp, site) => {
                let var = self.var_for(to);
                self.push(Event::Assign { to: var, from: Some(temp) }, at);
                self.push(Event::Assign { to: temp, from: None }, at);
                let stored = self.is_stored(to).then(|| to.to_string());
                if self.observer_sites.contains(&site) {
                    self.observer_places.insert(to.to_string(), self.sites[site].kind);
                }
                let site = &mut self.sites[site];
                if site.held_in.is_none() {
                    site.held_in = Some(written.to_string());
                    site.place = Some(to.to_string());
                    site.stored_key = stored;
                }
            }
        }
    }

    pub(super) fn discard(&mut self, value: Val, at: TextRange) {
        if let Val::Temp(temp, _) = value {
            self.push(Event::Assign { to: temp, from: None }, at);
        }
    }

    pub(super) fn transfer(&mut self, value: Val, at: TextRange) {
        match value {
            Val::Temp(temp, _) => {
                self.push(Event::Transfer { var: temp }, at);
                self.push(Event::Assign { to: temp, from: None }, at);
            }
            Val::Place(key) => {
                if let Some(var) = self.existing(&key) {
                    self.push(Event::Transfer { var }, at);
                }
            }
            Val::None => {}
        }
    }

    pub(super) fn release(&mut self, key: &str, at: TextRange) {
        // The place's variables, then those of the places that depend on it.
        let dependents = self.dependents.get(key).map_or(&[][..], Vec::as_slice);
        for released in std::iter::once(key).chain(dependents.iter().map(String::as_str)) {
            for &var in self.vars.get(released).into_iter().flatten() {
                self.b.push(self.cur, Event::Release { var }, at);
            }
        }
        if let Some(frame) = self.frames.last_mut() {
            let local = FileCx::place_root(key)
                .is_some_and(|b| nodes::contains(frame.function, self.cx.scopes.get(b).scope));
            if !local {
                frame.hoisted.push(key.to_string());
            }
        }
    }

    /// In a plain class's method: is the place a member of an object that came from elsewhere
    /// (a parameter, a collection lookup, a call)?
    pub(super) fn is_foreign_member(&self, key: &str) -> bool {
        key.contains('.') && self.owns_foreign_root(key)
    }

    /// In a plain class's method: is the place rooted in a binding holding a foreign object?
    pub(super) fn owns_foreign_root(&self, key: &str) -> bool {
        self.mode == Mode::Owner
            && self.owner.is_plain_class()
            && FileCx::place_root(key).is_some_and(|b| self.cx.scopes.holds_foreign_object(b))
    }

    /// Is a place one that outlives the body (state, ref, field, module variable)?
    pub(super) fn is_stored(&self, key: &str) -> bool {
        if key.contains('.') || !key.starts_with('#') {
            return true;
        }
        match FileCx::place_root(key) {
            Some(b) => {
                let binding = self.cx.scopes.get(b);
                !nodes::contains(self.root, binding.scope) || binding.is_state
            }
            None => true,
        }
    }

    /// A normal exit: the owner's releases, then the return.
    pub(super) fn exit(
        &mut self,
        at: Option<TextRange>,
        cleanup: Option<TextRange>,
        returned: &HashSet<String>,
    ) {
        let at_range = at
            .unwrap_or_else(|| TextRange::new(self.root.end_byte().saturating_sub(1), self.root.end_byte()));
        // Only what this body holds can be released here: ask about its keys, never list the
        // owner's (an effect among thousands would otherwise cost the file quadratic time).
        let mut keys: Vec<String> = self
            .vars
            .keys()
            .chain(self.dependents.keys())
            .filter(|k| {
                returned.contains(*k)
                    || self.owner.releases_at_exit(k)
                    || (self.mode == Mode::Anywhere && self.is_stored(k) && self.owner.released_anywhere(k))
            })
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        let saved = std::mem::take(&mut self.frames);
        for key in &keys {
            self.release(key, at_range);
        }
        self.frames = saved;
        self.b.terminate(self.cur, Terminator::Return(at));
        self.exits.push(Exit { at, cleanup });
        self.cur = self.b.new_block();
    }

    /// The loops, `switch`es and labelled blocks open in the function being lowered (those of
    /// the functions around a nested one are not its to leave).
    pub(super) fn open_breakables(&self) -> &[Breakable<'t>] {
        let base = self.frames.last().map_or(0, |f| f.loops);
        self.loops.get(base..).unwrap_or_default()
    }

    pub(super) fn goto(&mut self, target: BlockId) {
        self.b.terminate(self.cur, Terminator::Goto(target));
    }

    pub(super) fn branch(&mut self, targets: Vec<BlockId>) {
        self.b.terminate(self.cur, Terminator::Branch(targets));
    }

    /// A rejected `await`: control leaves to the innermost handler, out of the nested function,
    /// or out of the body (a leak path for what is still open).
    pub(super) fn may_reject(&mut self, at: TextRange) {
        let handler_base = self.frames.last().map_or(0, |f| f.handlers);
        let target = if self.handlers.len() > handler_base {
            self.handlers.last().copied()
        } else {
            self.frames.last().map(|f| f.ret)
        };
        let (next, leave) = (self.b.new_block(), self.b.new_block());
        self.branch(vec![next, leave]);
        self.cur = leave;
        match target {
            Some(target) => self.goto(target),
            None => self.exit(Some(at), None, &HashSet::default()),
        }
        self.cur = next;
    }

    /// After a `finally` run on the way out: the rejection goes on to the enclosing handler,
    /// out of the nested function, or out of the body.
    pub(super) fn propagate(&mut self, at: TextRange) {
        let handler_base = self.frames.last().map_or(0, |f| f.handlers);
        let target = if self.handlers.len() > handler_base {
            self.handlers.last().copied()
        } else {
            self.frames.last().map(|f| f.ret)
        };
        match target {
            Some(target) => {
                self.goto(target);
                self.cur = self.b.new_block();
            }
            None => self.exit(Some(at), None, &HashSet::default()),
        }
    }
}
