//! C#: the CA2000 / CA1001 / CA2213 family, on tree-sitter-c-sharp.
//!
//! The parse pass gathers each file's [`Facts`] (declared types, methods, what they dispose);
//! the check pass lowers every function body to the engine's CFG for CA2000 and reads the type
//! declarations and the project [`Index`] for CA2213 and CA1001, then applies the suppressions
//! C# developers already write (`#pragma warning disable`, `[SuppressMessage]`).

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

use crate::syntax::treesitter::{self, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, Settings};
use syntax::kind_of;

pub use ca1001::CA1001;
pub use ca2000::CA2000;
pub use ca2213::CA2213;
pub use index::{Facts, Index, MethodDisposals, MethodFact, ParamFact, TypeFact, TypeInfo};
pub use ownership::Forward;
pub use suppress::GlobalSuppression;

/// A parsed C# file, kept between the index pass and the check pass.
pub struct Model {
    tree: tree_sitter::Tree,
}

pub fn parse(text: &str, timeout: Duration) -> Result<(Model, Facts), ParseError> {
    crate::syntax::check_nesting(text)?;
    let tree = treesitter::parse(Grammar::CSharp, text, timeout)?;
    let facts = index::gather(tree.root_node(), text);
    Ok((Model { tree }, facts))
}

pub fn check(model: &Model, text: &str, index: &Index, settings: &Settings) -> Vec<Diagnostic> {
    let know = disposables::Knowledge::new(index, settings);
    let root = model.tree.root_node();
    let mut diagnostics = Vec::new();
    let run_ca2000 = settings.is_enabled(CA2000.code);
    let run_ca2213 = settings.is_enabled(CA2213.code);
    let run_ca1001 = settings.is_enabled(CA1001.code);
    // The type declarations, found in one walk shared by the rules.
    let types: Vec<tree_sitter::Node> = if run_ca2000 || run_ca2213 || run_ca1001 {
        treesitter::descendants(root).filter(|n| syntax::is_type_declaration(kind_of(n))).collect()
    } else {
        Vec::new()
    };
    // One walk per type declaration: the functions CA2000 lowers, and the assignments and
    // calls the field rules read.
    let run_fields = run_ca2213 || run_ca1001;
    let mut functions = Vec::with_capacity(types.len());
    let mut classes = Vec::new();
    for &decl in &types {
        let is_class = matches!(kind_of(&decl), "class_declaration" | "record_declaration");
        let mut uses = Vec::new();
        let surveyed = survey::functions(decl, text, &know, |node, kind| {
            if is_class && run_fields && fields::is_field_use(kind) {
                uses.push(node);
            }
        });
        functions.push((decl, surveyed));
        if is_class {
            classes.push((decl, uses));
        }
    }
    if run_ca2000 {
        diagnostics.extend(ca2000::check(root, text, &know, functions));
    }
    if run_fields {
        for (decl, uses) in classes {
            let owned = fields::owned_fields(decl, text, &know, &uses);
            if run_ca2213 {
                diagnostics.extend(ca2213::check(decl, text, &know, &owned));
            }
            if run_ca1001 {
                diagnostics.extend(ca1001::check(decl, text, &know, &owned));
            }
        }
    }
    suppress::apply(root, text, &index.global_suppressions, &mut diagnostics);
    diagnostics
}

pub fn has_syntax_errors(model: &Model) -> bool {
    model.tree.root_node().has_error()
}

#[cfg(test)]
mod tests;
