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

impl SpanMap<'_> {
    /// A cheap position for an expression — one of its own tokens (the method's `.`..`)`, the
    /// keyword, the braces) — where its full range would cost a walk over all its tokens
    /// (syn computes `Spanned::span` by printing the node). Events use it; findings use [`of`].
    ///
    /// [`of`]: SpanMap::of
    pub fn anchor(&self, expr: &syn::Expr) -> TextRange {
        use syn::Expr as E;
        let span = match expr {
            E::MethodCall(m) => m.dot_token.span.join(m.paren_token.span.close()).unwrap_or(m.dot_token.span),
            E::Call(c) => c.paren_token.span.join(),
            E::Macro(m) => m.mac.bang_token.span,
            E::Try(t) => t.question_token.span,
            E::Await(a) => a.await_token.span,
            E::Closure(c) => c.inputs_begin.span,
            E::Async(a) => a.async_token.span,
            E::Block(b) => b.block.brace_token.span.join(),
            E::Unsafe(u) => u.unsafe_token.span,
            E::Const(c) => c.const_token.span,
            E::If(i) => i.if_token.span,
            E::Match(m) => m.match_token.span,
            E::Loop(l) => l.loop_token.span,
            E::While(w) => w.while_token.span,
            E::ForLoop(f) => f.for_token.span,
            E::Break(b) => b.break_token.span,
            E::Continue(c) => c.continue_token.span,
            E::Return(r) => r.return_token.span,
            E::Let(l) => l.let_token.span,
            E::Assign(a) => a.eq_token.span,
            E::Struct(s) => s.brace_token.span.join(),
            E::Tuple(t) => t.paren_token.span.join(),
            E::Array(a) => a.bracket_token.span.join(),
            E::Repeat(r) => r.bracket_token.span.join(),
            E::Paren(p) => p.paren_token.span.join(),
            E::Field(f) => f.dot_token.span,
            E::Index(i) => i.bracket_token.span.join(),
            E::Cast(c) => c.as_token.span,
            E::Reference(r) => r.and_token.span,
            E::Range(r) => r.limits.span(),
            E::Binary(b) => b.op.span(),
            E::Unary(u) => u.op.span(),
            E::Path(p) => p.path.segments.last().map_or_else(|| p.path.span(), |s| s.ident.span()),
            E::Lit(l) => l.lit.span(),
            other => other.span(),
        };
        self.span(span)
    }
}
