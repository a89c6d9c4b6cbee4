//! C#: the CA2000 / CA1001 / CA2213 family, on tree-sitter-c-sharp.
//!
//! The parse pass gathers each file's [`Facts`] (declared types, methods, what they dispose)
//! and, in the same walk, outlines what the check pass reads (`survey.rs`): the check pass
//! then lowers the function bodies that may create a disposable to the engine's CFG for
//! CA2000, reads the type declarations and the project [`Index`] for CA2213 and CA1001, and
//! applies the suppressions C# developers already write (`#pragma warning disable`,
//! `[SuppressMessage]`). It walks no tree again: the trees are cold by then, and a walk costs
//! a large share of a parse.

mod ca1001;
mod ca2000;
mod ca2213;
mod disposables;
mod fields;
mod index;
mod lower;
mod lower_call;
mod lower_expr;
mod lower_try;
mod ownership;
mod suppress;
mod survey;
mod syntax;

use std::time::Duration;

use crate::syntax::flat::FlatTree;
use crate::syntax::treesitter::{self, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, Settings};

pub use ca1001::CA1001;
pub use ca2000::CA2000;
pub use ca2213::CA2213;
pub use index::{Facts, Index, MethodDisposals, MethodFact, ParamFact, TypeFact, TypeInfo};
pub use ownership::Forward;
pub use suppress::GlobalSuppression;

/// A parsed C# file, kept between the index pass and the check pass: the flat copy of its tree
/// and what the check pass reads of it (with the text, about 13 bytes for each byte of source,
/// where tree-sitter's tree took 55: a project holds them for every file until its index is
/// built), and where its first syntax error is.
pub struct Model {
    tree: FlatTree,
    /// What the check pass reads, found in the walk that gathers the index facts.
    outline: survey::Outline,
    first_error: Option<usize>,
}

pub fn parse(text: &str, timeout: Duration) -> Result<(Model, Facts), ParseError> {
    crate::syntax::check_nesting(text)?;
    let tree = treesitter::parse(Grammar::CSharp, text, timeout)?;
    let first_error = treesitter::first_error(tree.root_node());
    let tree = FlatTree::new(tree, Grammar::CSharp);
    let (outline, types) = survey::outline(tree.root(), text);
    let facts = index::gather(tree.root(), text, &types);
    drop(types);
    Ok((Model { tree, outline, first_error }, facts))
}

pub fn check(model: &Model, text: &str, index: &Index, settings: &Settings) -> Vec<Diagnostic> {
    let know = disposables::Knowledge::new(index, settings);
    let root = model.tree.root();
    let mut diagnostics = Vec::new();
    let run_ca2000 = settings.is_enabled(CA2000.code);
    let run_fields = settings.is_enabled(CA2213.code) || settings.is_enabled(CA1001.code);
    let at = survey::Locator::new(root);
    let outline = &model.outline;
    if run_ca2000 {
        let top_level = outline.top_level.iter().filter_map(|f| at.surveyed(f, text, &know)).collect();
        let types = outline
            .types
            .iter()
            .map(|t| {
                (at.node(t.decl), t.functions.iter().filter_map(|f| at.surveyed(f, text, &know)).collect())
            })
            .collect();
        diagnostics.extend(ca2000::check(root, text, &know, top_level, types));
    }
    if run_fields {
        for class in outline.types.iter().filter(|t| t.is_class) {
            let decl = at.node(class.decl);
            let uses: Vec<_> = class.field_uses.iter().map(|i| at.node(*i)).collect();
            let owned = fields::owned_fields(decl, text, &know, &uses);
            if settings.is_enabled(CA2213.code) {
                diagnostics.extend(ca2213::check(decl, text, &know, &owned));
            }
            if settings.is_enabled(CA1001.code) {
                diagnostics.extend(ca1001::check(decl, text, &know, &owned));
            }
        }
    }
    suppress::apply(root, text, &index.global_suppressions, &mut diagnostics);
    diagnostics
}

/// Where the first syntax error is, as a byte offset.
pub fn first_syntax_error(model: &Model) -> Option<usize> {
    model.first_error
}

#[cfg(test)]
mod tests;
