//! TypeScript / JavaScript: timers, listeners, observers, Blob URLs, audio contexts,
//! connections, animation frames, fetches and media streams (LL1001–LL1010), on
//! tree-sitter-typescript (the TSX grammar for `.tsx` and JavaScript).
//!
//! Per file: a binding table ([`scope`]), the resource kinds in force ([`kinds`], built-ins and
//! the user's), the scopes that must clean up ([`effects`]), each lowered to the shared
//! engine's CFG ([`lower`]), and the engine's leaks described ([`report`]).

mod calls;
mod candidates;
mod effects;
mod exprs;
mod facts;
mod flow;
mod ids;
mod keys;
mod kinds;
mod lower;
mod node_map;
mod nodes;
mod report;
mod scope;
mod suppress;
mod timers;

pub mod ll1001_timeout;
pub mod ll1002_interval;
pub mod ll1003_listener;
pub mod ll1004_observer;
pub mod ll1005_blob_url;
pub mod ll1006_audio_context;
pub mod ll1007_connection;
pub mod ll1008_animation_frame;
pub mod ll1009_fetch;
pub mod ll1010_media_stream;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crate::settings::ResourceKindSpec;
use crate::syntax::flat::FlatTree;
use crate::syntax::treesitter::{self, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, Language, Settings};

/// A parsed TypeScript/JavaScript file.
pub struct Model {
    tree: tree_sitter::Tree,
    grammar: Grammar,
}

pub fn parse(language: Language, text: &str, timeout: Duration) -> Result<Model, ParseError> {
    crate::syntax::check_nesting(text)?;
    let grammar = match language {
        Language::TypeScript => Grammar::TypeScript,
        _ => Grammar::Tsx,
    };
    let tree = treesitter::parse(grammar, text, timeout)?;
    Ok(Model { tree, grammar })
}

pub fn check(model: &Model, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    // A clone shares the tree (it only takes a reference): the copy leaves it to `model`.
    let model = Model { tree: model.tree.clone(), grammar: model.grammar };
    check_prepared(prepare(model, text, find_candidates(text, settings)), text, settings)
}

/// Where a file's text names what could start a finding: the text pre-filter, which needs no
/// tree (the pipeline runs it as it reads a file, away from the parses).
pub struct Candidates(candidates::Candidates);

pub fn find_candidates(text: &str, settings: &Settings) -> Candidates {
    let (_, names) = compiled(settings);
    Candidates(candidates::Candidates::find(text, &names))
}

/// A file reduced to what its check reads: the flat copy of its tree and where its candidate
/// names are; nothing when its text names nothing that could start a finding.
pub struct Prepared(Option<(FlatTree, candidates::Candidates)>);

/// The first half of [`check`] after the pre-filter: the flat copy of the tree of a file that
/// passes it, which takes the place of the model (tree-sitter's tree is freed as it is copied).
pub fn prepare(model: Model, text: &str, Candidates(candidates): Candidates) -> Prepared {
    if candidates.is_empty() {
        return Prepared(None);
    }
    // The analysis asks many questions of every node: it asks them of a flat copy of the tree,
    // which leaves out what is inside types and literals (a sixth of the nodes of typical
    // TypeScript: nothing there declares, calls or assigns) and the punctuation it never reads.
    let kept = ids::Ids::for_grammar(model.grammar).kept();
    Prepared(Some((FlatTree::pruned(model.tree, model.grammar, text, kept), candidates)))
}

/// The second half of [`check`]: the analysis of a prepared file.
pub fn check_prepared(prepared: Prepared, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let Prepared(Some((tree, candidates))) = prepared else {
        return Vec::new();
    };
    let (kinds, _) = compiled(settings);
    tree.bring_into_cache();
    crate::syntax::bring_into_cache(text.as_bytes(), |byte| u32::from(*byte));
    let root = tree.root();
    let nodes = root.descendants().len();
    // Only the lowering and the listener identities ask about bindings: without a scope that
    // can own a resource, a name that leaks anywhere or a remove, the walk is not needed (a
    // module-level interval is recognised without it).
    let needs_bindings = (candidates.has_owner_acquisition() && candidates.names_owner_scope())
        || candidates.has_anywhere_or_remove();
    let scopes = if needs_bindings { scope::Scopes::build(root, text) } else { scope::Scopes::empty(text) };
    let mut cx = keys::FileCx {
        source: text,
        scopes,
        kinds,
        released: HashSet::default(),
        release_keys: HashMap::default(),
        factories: Default::default(),
        candidates,
        facts_cache: Default::default(),
        facts_by_place: Default::default(),
        own_facts: Default::default(),
        places: RefCell::new(node_map::NodeMap::new(nodes)),
        calls: RefCell::new(node_map::NodeMap::new(nodes)),
        releasing_functions: Vec::new(),
    };
    // A factory returns an acquisition of a kind that leaks anywhere: without one, there is none.
    if cx.candidates.has_anywhere_acquisition() {
        cx.find_factories();
        // A local factory can be called under any name: its calls are candidates too.
        if !cx.factories.is_empty() {
            let calls = cx
                .scopes
                .census
                .calls
                .iter()
                .filter(|call| cx.acquisition(**call).is_some_and(|k| cx.kinds[k].anywhere()))
                .map(|c| c.start_byte())
                .collect();
            cx.candidates.add_anywhere(calls);
        }
    }
    // Every call's release keys, once: the lowering and the cleanups' facts look them up.
    cx.release_keys = cx
        .scopes
        .census
        .calls
        .iter()
        .filter(|c| cx.candidates.may_release(c.byte_range()))
        .map(|c| (c.id(), cx.releases(*c)))
        .filter(|(_, keys)| !keys.is_empty())
        .collect();
    cx.released = cx.release_keys.values().flatten().cloned().collect();
    // A function can only release what some call in the file releases.
    if !cx.released.is_empty() {
        cx.find_releasing_functions();
    }
    let mut diagnostics = report::module_intervals(&cx, root);
    diagnostics.extend(ll1003_listener::inline_removes(&cx));
    let owners = effects::owner_scopes(&cx);
    let anywhere = effects::anywhere_scopes(&cx, root);
    // Every scope is lowered before any is reported on: the lowering's code and the engine's
    // do not fit in the instruction cache together, and taking turns per scope refetched both
    // (300 files of the benchmark's TypeScript set: 94 000 fewer instruction-cache misses in
    // Cachegrind's model, for 0.3 M more instructions).
    let mut lowered = Vec::new();
    for (scopes, mode) in [(&owners, lower::Mode::Owner), (&anywhere, lower::Mode::Anywhere)] {
        for scope in scopes {
            if !cx.candidates.any_in(mode, scope.role, scope.body.byte_range()) {
                continue;
            }
            let owner = effects::ScopeOwner { cx: &cx, scope };
            lowered.push((scope, lower::Lowerer::lower(&cx, &owner, mode, scope.role, scope.body)));
        }
    }
    for (scope, lowered) in &lowered {
        diagnostics.extend(report::report(&cx, scope, lowered));
    }
    suppress::apply(root, text, &mut diagnostics);
    diagnostics
}

/// The kinds in force and the automaton of their names, compiled once per thread for the
/// settings' kinds (a run has one set of them), not once per file.
struct Compiled {
    user: Vec<ResourceKindSpec>,
    kinds: Rc<Vec<kinds::Kind>>,
    names: Rc<candidates::Names>,
}

thread_local! {
    static COMPILED: RefCell<Option<Compiled>> = const { RefCell::new(None) };
}

fn compiled(settings: &Settings) -> (Rc<Vec<kinds::Kind>>, Rc<candidates::Names>) {
    COMPILED.with_borrow_mut(|cache| {
        if let Some(hit) = cache.as_ref().filter(|c| c.user == settings.resource_kinds) {
            return (hit.kinds.clone(), hit.names.clone());
        }
        let kinds = Rc::new(kinds::compile(&settings.resource_kinds));
        let names = Rc::new(candidates::Names::new(&kinds));
        let user = settings.resource_kinds.clone();
        *cache = Some(Compiled { user, kinds: kinds.clone(), names: names.clone() });
        (kinds, names)
    })
}

/// Where the first syntax error is, as a byte offset.
pub fn first_syntax_error(model: &Model) -> Option<usize> {
    treesitter::first_error(model.tree.root_node())
}

#[cfg(test)]
mod tests;
