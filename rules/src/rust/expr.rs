//! Expressions: calls, method calls, macros, closures — where resources are acquired,
//! released and handed over.

use proc_macro2::TokenTree;
use syn::punctuated::Punctuated;

use crate::engine::{Event, Terminator};
use crate::TextRange;

use super::cx::Ty;
use super::lower::{ForgetCall, Lowering, Policy, Site, SiteKind, Val};
use super::resources::{
    BORROWING_MACROS, DIVERGING_MACROS, DROP, ERROR_RETURN_MACROS, FORGET, INTO_RAW_METHODS,
    NON_REAPING_METHODS, PASS_THROUGH_METHODS, PROCESS_EXIT, REAPING_METHODS,
};

impl Lowering<'_, '_> {
    pub(super) fn expr(&mut self, expr: &syn::Expr) -> Val {
        let at = self.cx.spans.anchor(expr);
        match expr {
            syn::Expr::Path(p) => match p.path.get_ident() {
                Some(id) => self.use_name(&id.to_string()).map_or(Val::None, Val::Var),
                None => Val::None,
            },
            syn::Expr::Reference(r) => {
                let v = self.expr(&r.expr);
                match (r.mutability.is_some(), v) {
                    (true, Val::Var(var) | Val::Borrow(var)) => Val::Borrow(var),
                    (true, temp @ Val::Temp(_)) => temp,
                    (_, other) => {
                        self.discard(other, at);
                        Val::None
                    }
                }
            }
            syn::Expr::Paren(p) => self.expr(&p.expr),
            syn::Expr::Group(g) => self.expr(&g.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.expr(&u.expr),
            syn::Expr::Try(t) => {
                let v = self.expr(&t.expr);
                self.error_exit();
                v
            }
            syn::Expr::Await(a) => match &*a.base {
                // tokio's `kill()` is async: it kills and then waits.
                syn::Expr::MethodCall(m) if m.method == "kill" && m.args.is_empty() => {
                    let child = self.expr(&m.receiver);
                    self.release(child, at);
                    Val::None
                }
                base => self.expr(base),
            },
            syn::Expr::Call(call) => self.call(call, at),
            syn::Expr::MethodCall(m) => self.method_call(m, at),
            syn::Expr::Macro(m) => self.mac(&m.mac),
            syn::Expr::Closure(c) => {
                let captured = self.nested().closure(c);
                self.capture_names(captured, at);
                Val::None
            }
            syn::Expr::Async(a) => {
                let captured = self.nested().async_block(&a.block);
                self.capture_names(captured, at);
                Val::None
            }
            syn::Expr::Block(b) => self.labelled_block(b),
            syn::Expr::Unsafe(u) => self.block(&u.block),
            syn::Expr::Const(c) => self.block(&c.block),
            syn::Expr::TryBlock(t) => self.block(&t.block),
            syn::Expr::If(e) => self.if_expr(e),
            syn::Expr::Match(e) => self.match_expr(e),
            syn::Expr::Loop(e) => self.loop_expr(e),
            syn::Expr::While(e) => self.while_expr(e),
            syn::Expr::ForLoop(e) => self.for_expr(e),
            syn::Expr::Break(e) => self.break_expr(e),
            syn::Expr::Continue(e) => self.continue_expr(e),
            syn::Expr::Return(e) => self.return_expr(e),
            syn::Expr::Let(l) => {
                let ty = self.ty_of(&l.expr);
                let v = self.expr(&l.expr);
                self.bind_pat(&l.pat, v, ty);
                Val::None
            }
            syn::Expr::Assign(a) => {
                let v = self.expr(&a.right);
                match a.left.as_ref() {
                    syn::Expr::Path(p) if p.path.get_ident().is_some() => {
                        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                        match self.lookup(&name) {
                            Some(var) => self.assign(var, v, at),
                            None => self.transfer(v, at),
                        }
                    }
                    place => {
                        // A field, an index, a dereferenced `&mut`: the value is stored.
                        let p = self.expr(place);
                        self.discard(p, at);
                        self.transfer(v, at);
                    }
                }
                Val::None
            }
            syn::Expr::Struct(s) => {
                let values: Vec<&syn::Expr> =
                    s.fields.iter().map(|f| &f.expr).chain(s.rest.as_deref()).collect();
                self.store_all(values, at)
            }
            syn::Expr::Tuple(t) => self.store_all(t.elems.iter().collect(), at),
            syn::Expr::Array(a) => self.store_all(a.elems.iter().collect(), at),
            syn::Expr::Repeat(r) => self.store_all(vec![&*r.expr, &*r.len], at),
            syn::Expr::Yield(y) => {
                let v = y.expr.as_ref().map_or(Val::None, |x| self.expr(x));
                self.transfer(v, at);
                Val::None
            }
            syn::Expr::Field(f) => {
                let v = self.expr(&f.base);
                match v {
                    Val::Var(var) | Val::Borrow(var) => {
                        self.handed_out[var.0 as usize] = true;
                        // Reading a field of a `ManuallyDrop` (or of a raw pointer's target)
                        // moves its contents to a new owner; a `Child`'s pipes are not the child.
                        if self.policy == Policy::Forgotten {
                            self.transfer(v, at);
                        }
                    }
                    other => self.discard(other, at),
                }
                Val::None
            }
            syn::Expr::Binary(b) => self.use_all(vec![&*b.left, &*b.right], at),
            syn::Expr::Unary(u) => self.use_all(vec![&*u.expr], at),
            syn::Expr::Cast(c) => self.expr(&c.expr),
            syn::Expr::Index(i) => self.use_all(vec![&*i.expr, &*i.index], at),
            syn::Expr::Range(r) => {
                self.use_all(r.start.iter().chain(r.end.iter()).map(|e| &**e).collect(), at)
            }
            syn::Expr::RawAddr(r) => self.use_all(vec![&*r.expr], at),
            _ => Val::None,
        }
    }

    /// Evaluates sub-expressions whose values are only looked at.
    fn use_all(&mut self, exprs: Vec<&syn::Expr>, at: TextRange) -> Val {
        for e in exprs {
            let v = self.expr(e);
            self.discard(v, at);
        }
        Val::None
    }

    /// Evaluates sub-expressions whose values are stored (struct fields, tuples, arrays).
    fn store_all(&mut self, exprs: Vec<&syn::Expr>, at: TextRange) -> Val {
        for e in exprs {
            let v = self.expr(e);
            self.transfer(v, at);
        }
        Val::None
    }

    fn call(&mut self, call: &syn::ExprCall, at: TextRange) -> Val {
        let syn::Expr::Path(func) = &*call.func else {
            let f = self.expr(&call.func);
            self.discard(f, at);
            return self.call_args(call, at);
        };
        let path = &func.path;
        let imports = self.cx.imports;
        let last = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let owner = path.segments.iter().rev().nth(1).map(|s| s.ident.to_string());
        let first_arg = call.args.first();
        if imports.names_one_of(path, PROCESS_EXIT)
            || (path.segments.len() == 1 && self.cx.diverging.contains(&last))
        {
            self.use_all(call.args.iter().collect(), at);
            self.end_path(Terminator::Diverge);
            return Val::None;
        }
        if imports.names_one_of(path, DROP) && call.args.len() == 1 {
            let v = first_arg.map_or(Val::None, |a| self.expr(a));
            if let Some(var) = v.var() {
                if !matches!(v, Val::Borrow(_)) {
                    self.push(Event::Assign { to: var, from: None }, at);
                }
            }
            return Val::None;
        }
        let wrapper = matches!(last.as_str(), "Some" | "Ok") && path.segments.len() == 1
            || owner.as_deref() == Some("Box") && matches!(last.as_str(), "new" | "pin");
        if wrapper && call.args.len() == 1 {
            return first_arg.map_or(Val::None, |a| self.expr(a));
        }
        if self.policy == Policy::Forgotten {
            if let Some(v) = self.forgetting_call(path, owner.as_deref(), &last, call, at) {
                return v;
            }
        }
        self.call_args(call, at)
    }

    /// Arguments to a call leaklint knows nothing about: by value or `&mut`, they are handed
    /// over (the callee may wait, store or close them).
    fn call_args(&mut self, call: &syn::ExprCall, at: TextRange) -> Val {
        for arg in &call.args {
            let v = self.expr(arg);
            self.transfer(v, at);
        }
        Val::None
    }

    /// LL2003's calls: `mem::forget`, `Box::leak`, `ManuallyDrop::new`, `Box::into_raw`.
    fn forgetting_call(
        &mut self,
        path: &syn::Path,
        owner: Option<&str>,
        last: &str,
        call: &syn::ExprCall,
        at: TextRange,
    ) -> Option<Val> {
        let arg = call.args.first().filter(|_| call.args.len() == 1)?;
        let forget = self.cx.imports.names_one_of(path, FORGET);
        let boxed = |this: &Self| match arg {
            syn::Expr::Call(inner) => match &*inner.func {
                syn::Expr::Path(p)
                    if p.path.segments.len() >= 2
                        && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "Box")
                        && p.path.segments.last().is_some_and(|s| s.ident == "new") =>
                {
                    inner.args.first().map(|x| this.ty_of(x))
                }
                _ => None,
            },
            _ => None,
        };
        let (callee, ty) = match (owner, last) {
            _ if forget => ("mem::forget", self.ty_of(arg)),
            (Some("Box"), "leak") => ("Box::leak", boxed(self)?),
            (Some("ManuallyDrop"), "new") => ("ManuallyDrop::new", self.ty_of(arg)),
            (Some("Box"), "into_raw") => ("Box::into_raw", boxed(self)?),
            _ => return None,
        };
        let idiom = matches!(arg, syn::Expr::Path(p)
            if p.path.get_ident().and_then(|id| self.lookup(&id.to_string())).is_some_and(|v| self.handed_out[v.0 as usize]));
        let v = self.expr(arg);
        if idiom {
            self.transfer(v, at);
            return Some(Val::None);
        }
        // Forgetting (or wrapping in `ManuallyDrop`) a value of the impl's own type is the
        // into-raw idiom of the type's author: its fields were handed to a new owner first.
        let Ty::Path(ty) = ty.clone().filter_not(self.cx.self_ty.as_deref()) else {
            self.transfer(v, at);
            return Some(Val::None);
        };
        self.moved(v, at);
        match callee {
            "ManuallyDrop::new" | "Box::into_raw" => {
                let kind = if callee == "Box::into_raw" {
                    SiteKind::BoxIntoRaw(ty)
                } else {
                    SiteKind::ManuallyDrop(ty)
                };
                Some(self.acquire(kind, self.cx.spans.of(call)))
            }
            _ => {
                let range = self.cx.spans.of(call);
                self.forgets.push(ForgetCall { callee, ty, range, allows: self.allows.clone() });
                Some(Val::None)
            }
        }
    }

    pub(super) fn acquire(&mut self, kind: SiteKind, at: TextRange) -> Val {
        let res = self.b.new_res();
        self.sites.push(Site { kind, range: at, binding: None, allows: self.allows.clone() });
        let temp = self.temp();
        self.temp_site.push((temp, res));
        self.push(Event::Acquire { res, into: Some(temp) }, at);
        Val::Temp(temp)
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, at: TextRange) -> Val {
        let method = m.method.to_string();
        let receiver = self.expr(&m.receiver);
        let receiver_ty = self.ty_of(&m.receiver);
        if let (Some(var), Ty::Command { .. }, "kill_on_drop") =
            (self.root_var(&m.receiver), &receiver_ty, method.as_str())
        {
            let kill_on_drop = super::cx::is_true(m.args.first());
            if let Some(Ty::Command { kill_on_drop: set }) = self.var_types.get_mut(var.0 as usize) {
                *set |= kill_on_drop;
            }
        }
        for arg in &m.args {
            let v = self.expr(arg);
            self.transfer(v, at);
        }
        self.chain_ty = Some((m as *const _, self.method_ty(&receiver_ty, m)));
        let spawns = self.policy == Policy::Zombie
            && method == "spawn"
            && m.args.is_empty()
            && matches!(receiver_ty, Ty::Command { kill_on_drop: false });
        if spawns {
            self.discard(receiver, at);
            return self.acquire(SiteKind::Spawn, self.cx.spans.of(m));
        }
        // In a `Drop` impl, discarding a raw handle is how a type declines to close a descriptor
        // it only borrowed (stdio): deliberate, not a leak.
        let into_raw = INTO_RAW_METHODS.contains(&method.as_str()) && m.args.is_empty() && !self.cx.in_drop;
        if self.policy == Policy::Forgotten && into_raw {
            self.moved(receiver, at);
            return self.acquire(SiteKind::IntoRaw(method), self.cx.spans.of(m));
        }
        if receiver.var().is_none() {
            return Val::None;
        }
        if PASS_THROUGH_METHODS.contains(&method.as_str()) {
            return receiver;
        }
        match self.policy {
            Policy::Zombie if REAPING_METHODS.contains(&method.as_str()) => self.release(receiver, at),
            Policy::Zombie if !NON_REAPING_METHODS.contains(&method.as_str()) => {
                // A method leaklint does not know (`wait_timeout`, a trait's `shutdown`): it may
                // reap, so the child counts as handed over.
                self.transfer(receiver, at)
            }
            Policy::Zombie => self.discard(receiver, at),
            // A raw pointer's `cast()`, a `ManuallyDrop`'s deref: the result may still be (or
            // reach) the tracked value, so it is followed rather than dropped.
            Policy::Forgotten => return receiver,
        }
        Val::None
    }

    /// The variable a chain of method calls starts from (`cmd` in `cmd.arg(x).kill_on_drop(true)`).
    fn root_var(&self, expr: &syn::Expr) -> Option<crate::engine::VarId> {
        let mut expr = expr;
        loop {
            expr = match expr {
                syn::Expr::MethodCall(m) => &m.receiver,
                syn::Expr::Reference(r) => &r.expr,
                syn::Expr::Paren(p) => &p.expr,
                syn::Expr::Path(p) => return p.path.get_ident().and_then(|id| self.lookup(&id.to_string())),
                _ => return None,
            };
        }
    }

    /// Names a closure, async block or unparsed macro uses are captured: handed over.
    fn capture_names(&mut self, names: Vec<String>, at: TextRange) {
        for name in names {
            if let Some(var) = self.use_name(&name) {
                self.push(Event::Transfer { var }, at);
            }
        }
    }

    pub(super) fn mac(&mut self, mac: &syn::Macro) -> Val {
        let at = self.cx.spans.span(mac.bang_token.span);
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let args = mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated).ok();
        let Some(args) = args else {
            // Not expressions (`select!`, `matches!`, a DSL): whatever it names is handed over.
            let mut names = Vec::new();
            idents_in_tokens(mac.tokens.clone(), &mut names);
            self.capture_names(names, at);
            if DIVERGING_MACROS.contains(&name.as_str()) {
                self.end_path(Terminator::Diverge);
            }
            return Val::None;
        };
        if DIVERGING_MACROS.contains(&name.as_str()) {
            self.use_all(args.iter().collect(), at);
            self.end_path(Terminator::Diverge);
        } else if ERROR_RETURN_MACROS.contains(&name.as_str()) {
            self.use_all(args.iter().collect(), at);
            if name == "bail" {
                self.end_path(Terminator::Throw);
            } else {
                self.error_exit();
            }
        } else if BORROWING_MACROS.contains(&name.as_str()) {
            self.use_all(args.iter().collect(), at);
        } else {
            self.store_all(args.iter().collect(), at);
        }
        Val::None
    }
}

/// Every identifier in a token stream, walked with an explicit stack.
fn idents_in_tokens(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    let mut stack = vec![tokens];
    while let Some(stream) = stack.pop() {
        for tree in stream {
            match tree {
                TokenTree::Ident(id) => out.push(id.to_string()),
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
}
