//! Control flow: `if`/`if let`/let-chains, `match`, loops, labelled blocks, `break`,
//! `continue`, `return`.

use crate::engine::{BlockId, Terminator, VarId};
use crate::TextRange;

use super::cx::Ty;
use super::lower::{Lowering, Val};

pub(super) struct Loop {
    label: Option<String>,
    /// `continue` target; `None` for a labelled block.
    head: Option<BlockId>,
    exit: BlockId,
    result: VarId,
}

impl Lowering<'_, '_> {
    /// `if` / `if let` / let-chains.
    pub(super) fn if_expr(&mut self, e: &syn::ExprIf) -> Val {
        let at = self.cx.spans.span(e.if_token.span);
        self.scopes.push(Vec::new());
        let mut lets = Vec::new();
        self.condition(&e.cond, &mut lets);
        let then_block = self.b.new_block();
        let else_block = self.b.new_block();
        let join = self.b.new_block();
        let result = self.temp();
        self.b.terminate(self.cur, Terminator::Branch(vec![then_block, else_block]));
        self.cur = then_block;
        self.bind_lets(&lets);
        let v = self.block(&e.then_branch);
        self.assign(result, v, at);
        self.goto(join);
        self.scopes.pop();
        self.cur = else_block;
        self.release_lets(&lets, at);
        if let Some((_, otherwise)) = &e.else_branch {
            let v = self.expr(otherwise);
            self.assign(result, v, at);
        }
        self.goto(join);
        self.cur = join;
        Val::Temp(result)
    }

    /// Lowers a condition. The `let`s' scrutinees are evaluated here; their patterns are bound
    /// where the condition holds ([`Self::bind_lets`]), and on the other path they hold nothing
    /// ([`Self::release_lets`]: the pattern did not match, the `Err`/`None` case).
    fn condition<'e>(&mut self, cond: &'e syn::Expr, lets: &mut Vec<(&'e syn::Pat, Val, Ty)>) {
        match cond {
            syn::Expr::Let(l) => {
                let ty = self.ty_of(&l.expr);
                let value = self.expr(&l.expr);
                lets.push((&l.pat, value, ty));
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.condition(&b.left, lets);
                self.condition(&b.right, lets);
            }
            syn::Expr::Paren(p) => self.condition(&p.expr, lets),
            other => {
                let v = self.expr(other);
                let at = self.cx.spans.anchor(other);
                self.discard(v, at);
            }
        }
    }

    fn bind_lets(&mut self, lets: &[(&syn::Pat, Val, Ty)]) {
        for (pat, value, ty) in lets {
            self.bind_pat(pat, *value, ty.clone());
        }
    }

    fn release_lets(&mut self, lets: &[(&syn::Pat, Val, Ty)], at: TextRange) {
        for (_, value, _) in lets {
            self.release(*value, at);
        }
    }

    pub(super) fn match_expr(&mut self, e: &syn::ExprMatch) -> Val {
        let at = self.cx.spans.span(e.match_token.span);
        let ty = self.ty_of(&e.expr);
        let scrutinee = self.expr(&e.expr);
        let join = self.b.new_block();
        let result = self.temp();
        let arms: Vec<BlockId> = e.arms.iter().map(|_| self.b.new_block()).collect();
        if arms.is_empty() {
            self.end_path(Terminator::Diverge);
            return Val::None;
        }
        self.b.terminate(self.cur, Terminator::Branch(arms.clone()));
        for (arm, block) in e.arms.iter().zip(arms) {
            self.cur = block;
            self.scopes.push(Vec::new());
            if holds_nothing(&arm.pat) {
                self.release(scrutinee, at);
            } else {
                self.bind_pat(&arm.pat, scrutinee, ty.clone());
            }
            let v = self.expr(&arm.body);
            self.assign(result, v, at);
            self.goto(join);
            self.scopes.pop();
        }
        self.cur = join;
        Val::Temp(result)
    }

    fn push_loop(&mut self, label: Option<&syn::Label>, head: Option<BlockId>) -> (BlockId, VarId) {
        let exit = self.b.new_block();
        let result = self.temp();
        let label = label.map(|l| l.name.ident.to_string());
        self.loops.push(Loop { label, head, exit, result });
        (exit, result)
    }

    /// Starts a loop: its head block (the `continue` target) is current.
    fn enter_loop(&mut self, label: Option<&syn::Label>) -> (BlockId, BlockId, VarId) {
        let head = self.b.new_block();
        self.goto(head);
        self.cur = head;
        let (exit, result) = self.push_loop(label, Some(head));
        (head, exit, result)
    }

    /// Continues after a loop (or labelled block), whose value is what `break` gave it.
    fn leave_loop(&mut self, exit: BlockId, result: VarId) -> Val {
        self.loops.pop();
        self.cur = exit;
        Val::Temp(result)
    }

    pub(super) fn loop_expr(&mut self, e: &syn::ExprLoop) -> Val {
        let (head, exit, result) = self.enter_loop(e.label.as_ref());
        let v = self.block(&e.body);
        let at = self.cx.spans.span(e.body.brace_token.span.join());
        self.discard(v, at);
        self.goto(head);
        self.leave_loop(exit, result)
    }

    pub(super) fn while_expr(&mut self, e: &syn::ExprWhile) -> Val {
        let at = self.cx.spans.span(e.while_token.span);
        let (head, exit, result) = self.enter_loop(e.label.as_ref());
        self.scopes.push(Vec::new());
        let mut lets = Vec::new();
        self.condition(&e.cond, &mut lets);
        let body = self.b.new_block();
        let done = self.b.new_block();
        // `while true` (which rustc asks to write `loop`) always runs its body.
        self.b.terminate(self.cur, Terminator::loop_test(body, done, is_true(&e.cond)));
        self.cur = body;
        self.bind_lets(&lets);
        let v = self.block(&e.body);
        self.discard(v, at);
        self.goto(head);
        self.scopes.pop();
        self.cur = done;
        self.release_lets(&lets, at);
        self.goto(exit);
        self.leave_loop(exit, result)
    }

    pub(super) fn for_expr(&mut self, e: &syn::ExprForLoop) -> Val {
        let at = self.cx.spans.span(e.for_token.span);
        let iter = self.expr(&e.expr);
        self.transfer(iter, at);
        let (head, exit, result) = self.enter_loop(e.label.as_ref());
        let body = self.b.new_block();
        self.b.terminate(self.cur, Terminator::Branch(vec![body, exit]));
        self.cur = body;
        self.scopes.push(Vec::new());
        self.bind_pat(&e.pat, Val::None, Ty::Unknown);
        let v = self.block(&e.body);
        self.discard(v, at);
        self.scopes.pop();
        self.goto(head);
        self.leave_loop(exit, result)
    }

    pub(super) fn labelled_block(&mut self, e: &syn::ExprBlock) -> Val {
        let Some(label) = &e.label else { return self.block(&e.block) };
        let at = self.cx.spans.span(e.block.brace_token.span.join());
        let (exit, result) = self.push_loop(Some(label), None);
        let v = self.block(&e.block);
        self.assign(result, v, at);
        self.goto(exit);
        self.leave_loop(exit, result)
    }

    fn find_loop(&self, label: Option<&syn::Lifetime>, needs_head: bool) -> Option<&Loop> {
        let name = label.map(|l| l.ident.to_string());
        self.loops.iter().rev().find(|l| match &name {
            Some(n) => l.label.as_ref() == Some(n),
            None => !needs_head || l.head.is_some(),
        })
    }

    pub(super) fn break_expr(&mut self, e: &syn::ExprBreak) -> Val {
        let at = self.cx.spans.span(e.break_token.span);
        let value = e.expr.as_ref().map_or(Val::None, |x| self.expr(x));
        match self.find_loop(e.label.as_ref(), e.label.is_none()).map(|l| (l.exit, l.result)) {
            Some((exit, result)) => {
                self.assign(result, value, at);
                self.goto(exit);
                self.cur = self.b.new_block();
            }
            None => self.transfer(value, at),
        }
        Val::None
    }

    pub(super) fn continue_expr(&mut self, e: &syn::ExprContinue) -> Val {
        if let Some(head) = self.find_loop(e.label.as_ref(), true).and_then(|l| l.head) {
            self.goto(head);
            self.cur = self.b.new_block();
        }
        Val::None
    }

    pub(super) fn return_expr(&mut self, e: &syn::ExprReturn) -> Val {
        let at = self.cx.spans.span(e.return_token.span);
        let value = e.expr.as_ref().map_or(Val::None, |x| self.expr(x));
        self.transfer(value, at);
        self.end_path(Terminator::Return(Some(at)));
        Val::None
    }
}

/// A pattern that matches only the "nothing there" case: `Err(..)`, `None`.
fn holds_nothing(pat: &syn::Pat) -> bool {
    let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    match pat {
        syn::Pat::TupleStruct(ts) => last(&ts.path).as_deref() == Some("Err"),
        syn::Pat::Ident(id) => id.ident == "None" && id.subpat.is_none(),
        syn::Pat::Path(p) => last(&p.path).as_deref() == Some("None"),
        syn::Pat::Guard(g) => holds_nothing(&g.pat),
        _ => false,
    }
}

/// `true`, in parentheses or not.
fn is_true(condition: &syn::Expr) -> bool {
    match condition {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) => b.value,
        syn::Expr::Paren(p) => is_true(&p.expr),
        _ => false,
    }
}
