//! TypeScript / JavaScript: timers, listeners, observers, Blob URLs, audio contexts,
//! connections, animation frames, fetches and media streams (LL1001–LL1010), on
//! tree-sitter-typescript (the TSX grammar for `.tsx` and JavaScript).
//!
//! Per file: a binding table ([`scope`]), the resource kinds in force ([`kinds`], built-ins and
//! the user's), the scopes that must clean up ([`effects`]), each lowered to the shared
//! engine's CFG ([`lower`]), and the engine's leaks described ([`report`]).

mod effects;
mod exprs;
mod flow;
mod keys;
mod kinds;
mod lower;
mod nodes;
mod report;
mod scope;
mod suppress;

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

use std::collections::HashSet;
use std::time::Duration;

use crate::syntax::treesitter::{self, descendants, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, Language, Settings};

/// A parsed TypeScript/JavaScript file.
pub struct Model {
    tree: tree_sitter::Tree,
}

pub fn parse(language: Language, text: &str, timeout: Duration) -> Result<Model, ParseError> {
    crate::syntax::check_nesting(text)?;
    let grammar = match language {
        Language::TypeScript => Grammar::TypeScript,
        _ => Grammar::Tsx,
    };
    let tree = treesitter::parse(grammar, text, timeout)?;
    Ok(Model { tree })
}

pub fn check(model: &Model, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let root = model.tree.root_node();
    let mut cx = keys::FileCx {
        source: text,
        scopes: scope::Scopes::build(root, text),
        kinds: kinds::compile(&settings.resource_kinds),
        released: HashSet::new(),
        factories: Default::default(),
        facts_cache: Default::default(),
    };
    cx.find_factories(root);
    cx.released =
        descendants(root).filter(|n| n.kind() == "call_expression").flat_map(|c| cx.releases(c)).collect();
    let mut diagnostics = report::module_intervals(&cx, root);
    let owners = effects::owner_scopes(&cx, root);
    let anywhere = effects::anywhere_scopes(root);
    for (scopes, mode) in [(&owners, lower::Mode::Owner), (&anywhere, lower::Mode::Anywhere)] {
        for scope in scopes {
            let owner = effects::ScopeOwner { cx: &cx, scope };
            let lowered = lower::Lowerer::lower(&cx, &owner, mode, scope.role, scope.body);
            diagnostics.extend(report::report(&cx, scope, &lowered));
        }
    }
    suppress::apply(root, text, &mut diagnostics);
    diagnostics
}

pub fn has_syntax_errors(model: &Model) -> bool {
    model.tree.root_node().has_error()
}

#[cfg(test)]
mod tests;
