//! Rust: zombie processes, process owners without `Drop`, forgotten resources (LL2xxx), on syn.
//!
//! syn's trees are not `Send`, so a Rust file is analysed as far as it can be while it is parsed:
//! the [`Model`] keeps the findings that need no project knowledge and the candidates that the
//! project index decides.

use std::time::Duration;

use crate::syntax::ParseError;
use crate::{Diagnostic, Settings};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {}

#[derive(Debug, Default)]
pub struct Index {}

impl Index {
    pub fn build<'f>(_facts: impl Iterator<Item = &'f Facts>) -> Index {
        Index {}
    }
}

pub struct Model {
    findings: Vec<Diagnostic>,
    syntax_errors: bool,
}

pub fn parse(text: &str, _timeout: Duration) -> Result<(Model, Facts), ParseError> {
    crate::syntax::check_nesting(text)?;
    let syntax_errors = syn::parse_file(text).is_err();
    proc_macro2::extra::invalidate_current_thread_spans();
    Ok((Model { findings: Vec::new(), syntax_errors }, Facts::default()))
}

pub fn check(model: &Model, _text: &str, _index: &Index, _settings: &Settings) -> Vec<Diagnostic> {
    model.findings.clone()
}

pub fn has_syntax_errors(model: &Model) -> bool {
    model.syntax_errors
}
