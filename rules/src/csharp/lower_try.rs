//! Exits and exceptions: `try`/`catch`/`finally`, `return`/`break`/`continue` through
//! `finally` blocks, and where exceptions land.
//!
//! Paths that leave by an exception are not leaks, so `throw` outside a `try` ends the path.
//! Inside a `try` with `catch` clauses, every statement that calls, creates or awaits may throw
//! before its effects happen, so the catch landing is reachable from the state before each such
//! statement; `finally` is copied onto each exit that crosses it (return, break, continue, the
//! exceptional edge to an outer handler).

use crate::syntax::flat::Node;

use super::lower::{Lowerer, Scope};
use super::lower_expr::Dest;
use super::syntax::{self, field, kind_of, named_children, range, text};
use crate::engine::{BlockId, Event, Terminator};

impl<'a, 't> Lowerer<'a, 't> {
    pub(super) fn try_statement(&mut self, node: Node<'t>) {
        let children = named_children(node);
        let catches: Vec<Node> = children.iter().copied().filter(|c| kind_of(c) == "catch_clause").collect();
        let finally = children
            .iter()
            .find(|c| kind_of(c) == "finally_clause")
            .and_then(|f| named_children(*f).into_iter().find(|c| kind_of(c) == "block"));
        if let Some(body) = finally {
            self.scopes.push(Scope::Finally { body, landing: None });
        }
        let landing = (!catches.is_empty()).then(|| self.b.new_block());
        if let Some(landing) = landing {
            self.scopes.push(Scope::Catch { landing });
        }
        if let Some(body) = field(node, "body") {
            self.stmt(body);
        }
        let join = self.b.new_block();
        self.goto(join);
        if let Some(landing) = landing {
            self.scopes.pop();
            self.cur = landing;
            self.fork(&catches, |l, clause| {
                if let Some(decl) =
                    named_children(clause).into_iter().find(|c| kind_of(c) == "catch_declaration")
                {
                    if let Some(name) = field(decl, "name") {
                        let var = l.declare(text(name, l.source), None);
                        l.push(Event::Assign { to: var, from: None }, range(name));
                    }
                }
                if let Some(body) = field(clause, "body") {
                    l.stmt(body);
                }
            });
            self.goto(join);
        }
        self.cur = join;
        if let Some(body) = finally {
            self.scopes.pop();
            self.stmt(body);
        }
    }

    /// The innermost scope for which `pick` gives a target, with its level.
    pub(super) fn innermost(&self, pick: impl Fn(Scope<'t>) -> Option<BlockId>) -> Option<(usize, BlockId)> {
        self.scopes.iter().enumerate().rev().find_map(|(i, s)| pick(*s).map(|b| (i, b)))
    }

    /// Leaves every scope above `level` (running their `finally` blocks) and jumps to `target`.
    pub(super) fn jump(&mut self, level: usize, target: BlockId) {
        self.run_finallys_down_to(level + 1);
        self.goto(target);
        self.cur = self.b.new_block();
    }

    /// Copies the `finally` blocks of the scopes at `level` and above, innermost first.
    pub(super) fn run_finallys_down_to(&mut self, level: usize) {
        let mut i = self.scopes.len();
        while i > level {
            i -= 1;
            if let Scope::Finally { body, .. } = self.scopes[i] {
                let outer = self.scopes.split_off(i);
                self.stmt(body);
                self.scopes.extend(outer);
            }
        }
    }

    /// A loop or branch header: it may throw before it is evaluated.
    pub(super) fn header(&mut self, expr: Node<'t>) {
        self.throw_point(expr);
        self.expr(expr, Dest::Read);
    }

    /// Code that calls, creates or awaits may throw before its effects happen: inside a `try`
    /// with handlers, an edge from the state before it to where the exception lands.
    pub(super) fn throw_point(&mut self, node: Node) {
        // Disposing is not counted as throwing: a path where `Dispose()` itself fails is not a leak.
        let is_release = |call: Node| {
            let call = syntax::unwrap_value(call, self.source);
            kind_of(&call) == "invocation_expression"
                && syntax::arguments(call).is_empty()
                && syntax::invoked_member(call, self.source)
                    .is_some_and(|(_, m)| self.know.is_release_method(m))
        };
        let throws = || {
            syntax::pruned_descendants(node, syntax::is_function_like).any(|n| match kind_of(&n) {
                "invocation_expression" => !is_release(n),
                "await_expression" => !n.named_child(0).is_some_and(is_release),
                "object_creation_expression"
                | "implicit_object_creation_expression"
                | "element_access_expression"
                | "throw_expression" => true,
                _ => false,
            })
        };
        if self.scopes.iter().any(|s| matches!(s, Scope::Catch { .. })) && throws() {
            if let Some(target) = self.exception_target() {
                self.edge_to(target);
            }
        }
    }

    pub(super) fn throw_exit(&mut self) {
        match self.exception_target() {
            Some(target) => {
                self.goto(target);
                self.cur = self.b.new_block();
            }
            None => self.end_path(Terminator::Throw),
        }
    }

    /// Where an exception thrown here lands: the innermost catch landing, through the copies
    /// of the `finally` blocks in between; `None` when it leaves the body.
    pub(super) fn exception_target(&mut self) -> Option<BlockId> {
        for i in (0..self.scopes.len()).rev() {
            match self.scopes[i] {
                Scope::Catch { landing } => return Some(landing),
                Scope::Finally { body, landing } => {
                    if !self.scopes[..i].iter().any(|s| matches!(s, Scope::Catch { .. })) {
                        return None;
                    }
                    if let Some(landing) = landing {
                        return Some(landing);
                    }
                    let block = self.b.new_block();
                    let resume = self.cur;
                    self.cur = block;
                    let outer = self.scopes.split_off(i);
                    self.stmt(body);
                    match self.exception_target() {
                        Some(next) => self.goto(next),
                        None => self.b.terminate(self.cur, Terminator::Throw),
                    }
                    self.scopes.extend(outer);
                    self.scopes[i] = Scope::Finally { body, landing: Some(block) };
                    self.cur = resume;
                    return Some(block);
                }
                _ => {}
            }
        }
        None
    }
}
