//! Rust: zombie processes, process owners without `Drop`, forgotten resources (LL2xxx), on syn.
//!
//! syn's trees are not `Send`, so a Rust file is analysed as far as it can be while it is parsed:
//! the [`Model`] keeps the findings that need no project knowledge (LL2001) and the candidates
//! that the project index decides (LL2002, and LL2003 for project types).
//!
//! A file syn cannot take whole (a syntax error) is split into its top-level items with
//! tree-sitter-rust, and every item syn can parse on its own is analysed: one broken function
//! does not hide the findings in the rest of the file.

mod cx;
mod depth;
mod expr;
mod flow;
mod imports;
mod index;
mod items;
pub mod ll2001_zombie_process;
pub mod ll2002_child_owner_without_drop;
pub mod ll2003_forgotten_resource;
mod lower;
mod resources;
mod spans;
mod suppress;

use std::collections::HashSet;
use std::time::Duration;

pub use index::{Facts, Index};

use crate::syntax::treesitter::{self, Grammar};
use crate::syntax::ParseError;
use crate::{Diagnostic, LineIndex, Settings};
use imports::Imports;
use items::{ChildOwner, Walker};
use ll2003_forgotten_resource::Pending;
use spans::SpanMap;
use suppress::allows_in;

/// A parsed Rust file: findings and the candidates the index decides.
pub struct Model {
    findings: Vec<Diagnostic>,
    child_owners: Vec<ChildOwner>,
    forgotten: Vec<Pending>,
    /// Where syn stopped parsing the whole file, when it did.
    syntax_error: Option<usize>,
}

/// Text that syn parsed on its own: the whole file, or one top-level item.
struct Chunk<'t> {
    spans: SpanMap<'t>,
    file: syn::File,
}

/// Forgets proc-macro2's per-thread copy of the parsed text when the file is done, however it
/// ends, so memory stays flat over thousands of files. Declared before any syn tree, so it
/// runs after they are dropped.
struct SpanReset;

impl Drop for SpanReset {
    fn drop(&mut self) {
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

pub fn parse(text: &str, timeout: Duration) -> Result<(Model, Facts), ParseError> {
    crate::syntax::check_nesting(text)?;
    let depth = depth::estimated_depth(text);
    if depth > depth::MAX_DEPTH {
        return Err(ParseError::Failed(format!(
            "expressions chain about {depth} levels deep (the limit is {}); file not analysed",
            depth::MAX_DEPTH
        )));
    }
    let _reset = SpanReset;
    let (chunks, syntax_error) = match syn::parse_file(text) {
        Ok(file) => (vec![Chunk { spans: SpanMap::new(text, 0), file }], None),
        Err(error) => {
            let start = error.span().start();
            let at = LineIndex::new(text).offset_of_char_column(text, start.line, start.column);
            (split_items(text, timeout)?, Some(at))
        }
    };
    let imports = Imports::of_module(chunks.iter().flat_map(|c| &c.file.items));
    let mut diverging = HashSet::new();
    for chunk in &chunks {
        items::diverging_fns(&chunk.file.items, &mut diverging);
    }
    let file_allows: Vec<_> = chunks.iter().flat_map(|c| allows_in(&c.file.attrs)).collect();
    let mut walker = Walker { diverging: &diverging, found: items::Found::default() };
    for chunk in &chunks {
        walker.items(&chunk.spans, &imports, &chunk.file.items, &file_allows);
    }
    let found = walker.found;
    let lines = LineIndex::new(text);
    let model = Model {
        findings: ll2001_zombie_process::findings(&found.zombie, text, &lines),
        child_owners: found.child_owners,
        forgotten: ll2003_forgotten_resource::pending(&found.forgotten),
        syntax_error,
    };
    let facts = Facts { drop_impls: found.drop_impls, resource_owners: found.resource_owners };
    Ok((model, facts))
}

/// The top-level items (with their attributes) that syn parses on their own, found with
/// tree-sitter-rust. Inner attributes (`#![allow(..)]`) are kept for the whole file.
fn split_items(text: &str, timeout: Duration) -> Result<Vec<Chunk<'_>>, ParseError> {
    let tree = treesitter::parse(Grammar::Rust, text, timeout)?;
    let root = tree.root_node();
    let mut chunks = Vec::new();
    let mut start: Option<usize> = None;
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        match node.kind() {
            "line_comment" | "block_comment" => continue,
            "attribute_item" => {
                start.get_or_insert(node.start_byte());
                continue;
            }
            _ => {}
        }
        let from = start.take().unwrap_or(node.start_byte());
        let Some(item_text) = text.get(from..node.end_byte()) else { continue };
        if let Ok(file) = syn::parse_file(item_text) {
            chunks.push(Chunk { spans: SpanMap::new(item_text, from), file });
        }
    }
    Ok(chunks)
}

pub fn check(model: &Model, _text: &str, index: &Index, _settings: &Settings) -> Vec<Diagnostic> {
    let mut out = model.findings.clone();
    out.extend(model.child_owners.iter().filter_map(|o| ll2002_child_owner_without_drop::finding(o, index)));
    out.extend(
        model
            .forgotten
            .iter()
            .filter(|p| p.needs_drop_type.as_ref().is_none_or(|t| index.releases_on_drop(t)))
            .map(|p| p.diagnostic.clone()),
    );
    out
}

/// Where the first syntax error is, as a byte offset: where syn stopped parsing the file.
pub fn first_syntax_error(model: &Model) -> Option<usize> {
    model.syntax_error
}

#[cfg(test)]
mod tests;
