//! C#: the CA2000 / CA1001 / CA2213 family, on tree-sitter-c-sharp.

use std::time::Duration;

use crate::syntax::treesitter::{self, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, Settings};

/// This file's contribution to the project index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {}

/// Project-wide C# knowledge, built from every file's [`Facts`].
#[derive(Debug, Default)]
pub struct Index {}

impl Index {
    pub fn build<'f>(_facts: impl Iterator<Item = &'f Facts>) -> Index {
        Index {}
    }
}

/// A parsed C# file, kept between the index pass and the check pass.
pub struct Model {
    tree: tree_sitter::Tree,
}

pub fn parse(text: &str, timeout: Duration) -> Result<(Model, Facts), ParseError> {
    crate::syntax::check_nesting(text)?;
    let tree = treesitter::parse(Grammar::CSharp, text, timeout)?;
    Ok((Model { tree }, Facts::default()))
}

pub fn check(model: &Model, _text: &str, _index: &Index, _settings: &Settings) -> Vec<Diagnostic> {
    let _ = model.tree.root_node();
    Vec::new()
}

pub fn has_syntax_errors(model: &Model) -> bool {
    model.tree.root_node().has_error()
}
