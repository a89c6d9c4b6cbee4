//! TypeScript / JavaScript: timers, listeners, observers, Blob URLs, connections (LL1xxx), on
//! tree-sitter-typescript (TSX grammar for `.tsx` and JavaScript).

use std::time::Duration;

use crate::syntax::treesitter::{self, Grammar};
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

pub fn check(model: &Model, _text: &str, _settings: &Settings) -> Vec<Diagnostic> {
    let _ = model.tree.root_node();
    Vec::new()
}

pub fn has_syntax_errors(model: &Model) -> bool {
    model.tree.root_node().has_error()
}
