//! proc-macro2 spans (1-based lines, 0-based char columns) to byte ranges of the file.

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::{LineIndex, TextRange};

/// The text syn parsed — the whole file, or one top-level item of it when the file as a whole
/// did not parse — and where that text starts in the file.
pub struct SpanMap<'t> {
    text: &'t str,
    lines: LineIndex,
    base: usize,
}

impl<'t> SpanMap<'t> {
    pub fn new(text: &'t str, base: usize) -> SpanMap<'t> {
        SpanMap { text, lines: LineIndex::new(text), base }
    }

    pub fn span(&self, span: Span) -> TextRange {
        let (start, end) = (span.start(), span.end());
        TextRange::new(
            self.base + self.lines.offset_of_char_column(self.text, start.line, start.column),
            self.base + self.lines.offset_of_char_column(self.text, end.line, end.column),
        )
    }

    pub fn of(&self, node: &impl Spanned) -> TextRange {
        self.span(node.span())
    }
}
