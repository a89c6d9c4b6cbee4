//! syn function bodies -> the engine's control-flow graph of resource events.
//!
//! One body is lowered once per [`Policy`]: LL2001 tracks spawned children, LL2003 tracks
//! `ManuallyDrop`s and raw handles. The policies differ in what a method call on a tracked
//! value means (a `Child`'s `wait()` reaps it; a method on a `ManuallyDrop` only derefs).
//!
//! Paths and exits, as documented in README (Rust rules, LL2001):
//! * `?` (and `bail!`/`ensure!`) leave by an error: not a leak path, like an exception
//!   elsewhere — an error usually aborts the whole job, and flagging every `?` after a spawn
//!   would bury the real findings.
//! * `return`, the body's end and loop back-edges are checked.
//! * `std::process::exit`/`abort`, `panic!`/`unreachable!`/`todo!`/`unimplemented!` and calls
//!   to functions of the same file declared `-> !` end the path.

use crate::engine::{BlockId, Body, BodyBuilder, Event, ResId, Terminator, VarId};
use crate::TextRange;

use super::cx::{FileCx, Ty};
use super::suppress::{allows_in, Allow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// LL2001: children from `Command::spawn()`.
    Zombie,
    /// LL2003: `ManuallyDrop::new(resource)`, `into_raw_fd()`, `Box::into_raw(resource)`.
    Forgotten,
}

/// An acquisition in a lowered body (indexed by its [`ResId`]).
#[derive(Debug, Clone)]
pub struct Site {
    pub kind: SiteKind,
    pub range: TextRange,
    /// The variable it was first bound to, for messages.
    pub binding: Option<String>,
    /// The `allow`/`expect` lints in force where it was acquired.
    pub allows: Vec<Allow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteKind {
    Spawn,
    /// `ManuallyDrop::new(x)` of a value of this type.
    ManuallyDrop(String),
    /// `Box::into_raw(b)` of a box holding this type.
    BoxIntoRaw(String),
    /// `x.into_raw_fd()` (the method's name).
    IntoRaw(String),
}

/// A `mem::forget(x)` or `Box::leak(x)` of a value of a known type (LL2003, no dataflow needed).
#[derive(Debug, Clone)]
pub struct ForgetCall {
    pub callee: &'static str,
    pub ty: String,
    pub range: TextRange,
    pub allows: Vec<Allow>,
}

/// A lowered body with what its acquisitions are.
pub struct Lowered {
    pub body: Body,
    pub sites: Vec<Site>,
    pub forgets: Vec<ForgetCall>,
}

/// What an expression evaluates to, as far as resources go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    /// Holds no tracked resource.
    None,
    /// A temporary created for this expression (a fresh acquisition, a branch's merged value).
    Temp(VarId),
    /// A named variable, used by value (moved).
    Var(VarId),
    /// `&mut var`: acts on the variable without moving it.
    Borrow(VarId),
}

impl Val {
    pub fn var(self) -> Option<VarId> {
        match self {
            Val::None => None,
            Val::Temp(v) | Val::Var(v) | Val::Borrow(v) => Some(v),
        }
    }
}

pub struct Lowering<'c, 'd> {
    pub(super) cx: &'c FileCx<'c>,
    pub(super) policy: Policy,
    pub(super) b: BodyBuilder,
    pub(super) cur: BlockId,
    pub(super) scopes: Vec<Vec<(String, VarId)>>,
    pub(super) var_types: Vec<Ty>,
    /// Per variable: forgetting it is an ownership idiom rather than a leak — it was built here
    /// from a struct literal (a drop guard being defused) or from a raw handle (a borrowed
    /// descriptor), or its fields were read (they were handed to a new owner first).
    pub(super) handed_out: Vec<bool>,
    /// The method call lowered last and its type (identity only, never dereferenced).
    pub(super) chain_ty: Option<(*const syn::ExprMethodCall, Ty)>,
    /// Names used here that no binding of this body declares: a closure's captures.
    free: Vec<String>,
    pub(super) loops: Vec<super::flow::Loop>,
    pub(super) sites: Vec<Site>,
    /// Which acquisition a temporary was created for, to name it when it is bound.
    pub(super) temp_site: Vec<(VarId, ResId)>,
    pub(super) forgets: Vec<ForgetCall>,
    /// Every body lowered so far, this one's nested closures and functions included.
    pub(super) done: &'d mut Vec<Lowered>,
    pub(super) allows: Vec<Allow>,
}

impl<'c, 'd> Lowering<'c, 'd> {
    pub fn new(
        cx: &'c FileCx<'c>,
        policy: Policy,
        allows: Vec<Allow>,
        done: &'d mut Vec<Lowered>,
    ) -> Lowering<'c, 'd> {
        let b = BodyBuilder::new();
        let cur = b.entry();
        Lowering {
            cx,
            policy,
            b,
            cur,
            scopes: vec![Vec::new()],
            var_types: Vec::new(),
            handed_out: Vec::new(),
            chain_ty: None,
            free: Vec::new(),
            loops: Vec::new(),
            sites: Vec::new(),
            temp_site: Vec::new(),
            forgets: Vec::new(),
            done,
            allows,
        }
    }

    /// Lowers a function: its parameters are bound (typed, holding nothing), its block's value
    /// is returned.
    pub fn function(
        mut self,
        inputs: &syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
        block: &syn::Block,
    ) {
        for input in inputs {
            match input {
                syn::FnArg::Receiver(_) => {
                    let ty = self.cx.self_ty.clone().map_or(Ty::Unknown, Ty::Path);
                    self.declare("self".into(), ty);
                }
                syn::FnArg::Typed(pt) => {
                    let ty = self.cx.ty_of_type(&pt.ty);
                    self.bind_pat(&pt.pat, Val::None, ty);
                }
            }
        }
        let value = self.block(block);
        let end = self.cx.spans.span(block.brace_token.span.close());
        self.finish(value, end);
    }

    /// Lowers a closure; returns the names it uses that it does not bind (its captures).
    pub fn closure(mut self, closure: &syn::ExprClosure) -> Vec<String> {
        for input in &closure.inputs {
            self.bind_pat(input, Val::None, Ty::Unknown);
        }
        let value = self.expr(&closure.body);
        let end = self.cx.spans.anchor(&closure.body);
        self.finish(value, end)
    }

    /// Lowers an async block; returns its captures.
    pub fn async_block(mut self, block: &syn::Block) -> Vec<String> {
        let value = self.block(block);
        let end = self.cx.spans.span(block.brace_token.span.close());
        self.finish(value, end)
    }

    fn finish(mut self, value: Val, end: TextRange) -> Vec<String> {
        self.transfer(value, end);
        if !self.sites.is_empty() || !self.forgets.is_empty() {
            self.done.push(Lowered { body: self.b.finish(end), sites: self.sites, forgets: self.forgets });
        }
        self.free
    }

    /// A lowering for a body nested in this one, with the `allow`s in force here.
    pub(super) fn nested(&mut self) -> Lowering<'c, '_> {
        Lowering::new(self.cx, self.policy, self.allows.clone(), self.done)
    }

    // ---- variables and values -------------------------------------------------------------

    pub(super) fn declare(&mut self, name: String, ty: Ty) -> VarId {
        let var = self.b.new_var();
        self.var_types.push(ty);
        self.handed_out.push(false);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name, var));
        }
        var
    }

    pub(super) fn temp(&mut self) -> VarId {
        let var = self.b.new_var();
        self.var_types.push(Ty::Unknown);
        self.handed_out.push(false);
        var
    }

    pub(super) fn lookup(&self, name: &str) -> Option<VarId> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| n == name).map(|&(_, v)| v)
    }

    /// A name used as a value: its variable, or (noted as free, for the enclosing body's
    /// captures) none.
    pub(super) fn use_name(&mut self, name: &str) -> Option<VarId> {
        let var = self.lookup(name);
        if var.is_none() && !self.free.iter().any(|f| f == name) {
            self.free.push(name.to_string());
        }
        var
    }

    pub(super) fn push(&mut self, event: Event, at: TextRange) {
        self.b.push(self.cur, event, at);
    }

    /// The value is dropped here: a temporary holding an open resource is lost.
    pub(super) fn discard(&mut self, value: Val, at: TextRange) {
        if let Val::Temp(t) = value {
            self.push(Event::Assign { to: t, from: None }, at);
        }
    }

    /// The value has been moved somewhere that now holds it: forget the old holder.
    pub(super) fn moved(&mut self, value: Val, at: TextRange) {
        if let Val::Temp(v) | Val::Var(v) = value {
            self.push(Event::Assign { to: v, from: None }, at);
        }
    }

    /// Ownership leaves the body (returned, stored, given to a call, captured).
    pub(super) fn transfer(&mut self, value: Val, at: TextRange) {
        if let Some(var) = value.var() {
            self.push(Event::Transfer { var }, at);
            self.moved(value, at);
        }
    }

    pub(super) fn release(&mut self, value: Val, at: TextRange) {
        if let Some(var) = value.var() {
            self.push(Event::Release { var }, at);
            self.discard(value, at);
        }
    }

    /// `to = value` for a variable or a merge temporary.
    pub(super) fn assign(&mut self, to: VarId, value: Val, at: TextRange) {
        self.push(Event::Assign { to, from: value.var() }, at);
        if value != Val::Var(to) {
            self.moved(value, at);
        }
    }

    /// Continues in a fresh block nothing jumps to (after `return`, `break`, a diverging call).
    pub(super) fn end_path(&mut self, terminator: Terminator) {
        self.b.terminate(self.cur, terminator);
        self.cur = self.b.new_block();
    }

    pub(super) fn goto(&mut self, target: BlockId) {
        self.b.terminate(self.cur, Terminator::Goto(target));
    }

    /// An error exit (`?`): branches off a path that leaves without being checked.
    pub(super) fn error_exit(&mut self) {
        let throw = self.b.new_block();
        let next = self.b.new_block();
        self.b.terminate(throw, Terminator::Throw);
        self.b.terminate(self.cur, Terminator::Branch(vec![throw, next]));
        self.cur = next;
    }

    pub(super) fn names_site(&mut self, value: Val, name: &str) {
        if let Val::Temp(t) = value {
            if let Some(&(_, res)) = self.temp_site.iter().find(|(v, _)| *v == t) {
                let site = &mut self.sites[res.0 as usize];
                site.binding.get_or_insert_with(|| name.to_string());
            }
        }
    }

    // ---- blocks and statements -------------------------------------------------------------

    pub(super) fn block(&mut self, block: &syn::Block) -> Val {
        self.scopes.push(Vec::new());
        let mut value = Val::None;
        let count = block.stmts.len();
        for (i, stmt) in block.stmts.iter().enumerate() {
            let last = i + 1 == count;
            value = self.stmt(stmt, last);
        }
        self.scopes.pop();
        value
    }

    fn with_allows<T>(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self) -> T) -> T {
        let added = allows_in(attrs);
        let before = self.allows.len();
        self.allows.extend(added);
        let result = f(self);
        self.allows.truncate(before);
        result
    }

    fn stmt(&mut self, stmt: &syn::Stmt, last: bool) -> Val {
        match stmt {
            syn::Stmt::Local(local) => {
                self.with_allows(&local.attrs, |this| this.local(local));
                Val::None
            }
            syn::Stmt::Expr(expr, semi) => {
                let attrs = expr_attrs(expr);
                self.with_allows(attrs, |this| {
                    let value = this.expr(expr);
                    if semi.is_none() && last {
                        value
                    } else {
                        let at = this.cx.spans.anchor(expr);
                        this.discard(value, at);
                        Val::None
                    }
                })
            }
            syn::Stmt::Macro(mac) => self.with_allows(&mac.attrs, |this| {
                let value = this.mac(&mac.mac);
                if mac.semi_token.is_none() && last {
                    value
                } else {
                    let at = this.cx.spans.span(mac.mac.bang_token.span);
                    this.discard(value, at);
                    Val::None
                }
            }),
            syn::Stmt::Item(syn::Item::Fn(f)) => {
                self.with_allows(&f.attrs, |this| this.nested().function(&f.sig.inputs, &f.block));
                Val::None
            }
            syn::Stmt::Item(_) => Val::None,
        }
    }

    fn local(&mut self, local: &syn::Local) {
        let Some(init) = &local.init else {
            self.bind_pat(&local.pat, Val::None, Ty::Unknown);
            return;
        };
        let ty = self.ty_of(&init.expr);
        let value = self.expr(&init.expr);
        if let Some((_, otherwise)) = &init.diverge {
            // `let PAT = e else { ... }`: the else path has no value (it did not match).
            let else_block = self.b.new_block();
            let next = self.b.new_block();
            self.b.terminate(self.cur, Terminator::Branch(vec![else_block, next]));
            self.cur = else_block;
            let at = self.cx.spans.anchor(otherwise);
            self.release(value, at);
            let v = self.expr(otherwise);
            self.discard(v, at);
            self.goto(next);
            self.cur = next;
        }
        self.bind_pat(&local.pat, value, ty);
        if built_to_be_forgotten(&init.expr) {
            let mut names = Vec::new();
            collect_bindings(&local.pat, &mut names);
            let vars: Vec<VarId> = names.iter().filter_map(|n| self.lookup(n)).collect();
            for var in vars {
                self.handed_out[var.0 as usize] = true;
            }
        }
    }

    /// Binds the variables of `pat` to `value`. A single binding (through `Ok(..)`, `Some(..)`,
    /// a type ascription, `mut`, `ref mut`) aliases the value; a destructuring pattern loses
    /// track of it, which counts as a transfer (never a false report).
    pub(super) fn bind_pat(&mut self, pat: &syn::Pat, value: Val, ty: Ty) {
        let at = self.cx.spans.of(pat);
        match pat {
            syn::Pat::Ident(id) => {
                if let Some((_, sub)) = &id.subpat {
                    self.bind_pat(sub, Val::None, Ty::Unknown);
                }
                let name = id.ident.to_string();
                self.names_site(value, &name);
                let shared_ref = id.by_ref.is_some() && id.mutability.is_none();
                let var = self.declare(name, ty);
                if shared_ref {
                    self.discard(value, at);
                } else if id.by_ref.is_some() {
                    self.push(Event::Assign { to: var, from: value.var() }, at);
                } else {
                    self.assign(var, value, at);
                }
            }
            syn::Pat::Type(pt) => {
                let declared = self.cx.ty_of_type(&pt.ty);
                let ty = if declared == Ty::Unknown { ty } else { declared };
                self.bind_pat(&pt.pat, value, ty);
            }
            syn::Pat::Paren(p) => self.bind_pat(&p.pat, value, ty),
            syn::Pat::Reference(r) => self.bind_pat(&r.pat, value, ty),
            syn::Pat::Wild(_) => self.discard(value, at),
            syn::Pat::Guard(g) => {
                self.bind_pat(&g.pat, value, ty);
                let v = self.expr(&g.guard);
                self.discard(v, at);
            }
            syn::Pat::Or(or) => match or.cases.first() {
                Some(first) => self.bind_pat(first, value, ty),
                None => self.discard(value, at),
            },
            syn::Pat::TupleStruct(ts) if ts.elems.len() == 1 => {
                if let Some(inner) = ts.elems.first() {
                    self.bind_pat(inner, value, ty);
                }
            }
            _ => {
                self.transfer(value, at);
                self.bind_all(pat);
            }
        }
    }

    /// Declares every variable in a destructuring pattern, holding nothing.
    fn bind_all(&mut self, pat: &syn::Pat) {
        let mut names = Vec::new();
        collect_bindings(pat, &mut names);
        for name in names {
            self.declare(name, Ty::Unknown);
        }
    }
}

/// A struct literal (a drop guard) or a value made from a raw handle (`from_raw_fd(fd)`), as
/// written in a `let`: forgetting it later is deliberate.
fn built_to_be_forgotten(init: &syn::Expr) -> bool {
    let mut expr = init;
    loop {
        expr = match expr {
            syn::Expr::Struct(_) => return true,
            syn::Expr::Call(c) => {
                return matches!(&*c.func, syn::Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident.to_string().starts_with("from_raw")))
            }
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Unsafe(u) => match u.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => e,
                _ => return false,
            },
            syn::Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
                &m.receiver
            }
            _ => return false,
        };
    }
}

pub(super) fn collect_bindings(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(id) => {
            out.push(id.ident.to_string());
            if let Some((_, sub)) = &id.subpat {
                collect_bindings(sub, out);
            }
        }
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| collect_bindings(p, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|p| collect_bindings(p, out)),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| collect_bindings(&f.pat, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|p| collect_bindings(p, out)),
        syn::Pat::Reference(r) => collect_bindings(&r.pat, out),
        syn::Pat::Paren(p) => collect_bindings(&p.pat, out),
        syn::Pat::Type(t) => collect_bindings(&t.pat, out),
        syn::Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                collect_bindings(first, out);
            }
        }
        syn::Pat::Guard(g) => collect_bindings(&g.pat, out),
        _ => {}
    }
}

/// The outer attributes of an expression statement (`#[allow(..)] child.kill()?;`).
fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    match expr {
        syn::Expr::Call(e) => &e.attrs,
        syn::Expr::MethodCall(e) => &e.attrs,
        syn::Expr::Try(e) => &e.attrs,
        syn::Expr::Assign(e) => &e.attrs,
        syn::Expr::Await(e) => &e.attrs,
        syn::Expr::Macro(e) => &e.attrs,
        syn::Expr::Block(e) => &e.attrs,
        syn::Expr::Unsafe(e) => &e.attrs,
        _ => &[],
    }
}
