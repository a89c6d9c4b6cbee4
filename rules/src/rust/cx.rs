//! What lowering needs to know about the file around a body, and local type knowledge.

use std::collections::HashSet;

use super::imports::Imports;
use super::lower::Lowering;
use super::resources::{
    CHILD, COMMAND, COMMAND_BUILDER_METHODS, CONSTRUCTORS, LOCK_GUARD, PASS_THROUGH_METHODS,
};
use super::spans::SpanMap;

pub struct FileCx<'t> {
    pub imports: &'t Imports,
    pub spans: &'t SpanMap<'t>,
    /// Functions of this file declared `-> !`.
    pub diverging: &'t HashSet<String>,
    /// The `Self` type of the enclosing `impl`, as a canonical path.
    pub self_ty: Option<String>,
    /// Inside an `impl Drop`.
    pub in_drop: bool,
}

/// What lowering knows about a variable's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Unknown,
    /// A process builder (`std`/`tokio` `Command`); `kill_on_drop(true)` was set on it.
    Command {
        kill_on_drop: bool,
    },
    /// A named type, as a canonical path (`std::fs::File`, `crate::jobs::Runner`, `Runner`).
    Path(String),
}

impl Ty {
    /// `Unknown` when this is the named type `except`.
    pub fn filter_not(self, except: Option<&str>) -> Ty {
        match (&self, except) {
            (Ty::Path(p), Some(e)) if p == e => Ty::Unknown,
            _ => self,
        }
    }
}

impl FileCx<'_> {
    /// The type written in a signature or `let` annotation, through references and
    /// `ManuallyDrop` is not looked into: a `&mut Command` parameter is a builder.
    pub fn ty_of_type(&self, ty: &syn::Type) -> Ty {
        match ty {
            syn::Type::Reference(r) => match self.ty_of_type(&r.elem) {
                command @ Ty::Command { .. } => command,
                _ => Ty::Unknown,
            },
            syn::Type::Paren(p) => self.ty_of_type(&p.elem),
            syn::Type::Group(g) => self.ty_of_type(&g.elem),
            syn::Type::Path(p) if p.qself.is_none() => self.ty_of_path(&p.path),
            _ => Ty::Unknown,
        }
    }

    pub(super) fn ty_of_path(&self, path: &syn::Path) -> Ty {
        if self.imports.names_one_of(path, COMMAND) {
            return Ty::Command { kill_on_drop: false };
        }
        if path.is_ident("Self") {
            return self.self_ty.clone().map_or(Ty::Unknown, Ty::Path);
        }
        Ty::Path(self.imports.expand(path))
    }

    /// The canonical path of the type a `Type::fn` call belongs to (`File::open` -> `std::fs::File`).
    fn owner_of_assoc_fn(&self, path: &syn::Path) -> Option<(Ty, String)> {
        let count = path.segments.len();
        if count < 2 {
            return None;
        }
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let (func, owner) = segments.split_last()?;
        let ty = if self.imports.segments_name_one_of(owner, COMMAND) {
            Ty::Command { kill_on_drop: false }
        } else if owner.len() == 1 && owner[0] == "Self" {
            self.self_ty.clone().map_or(Ty::Unknown, Ty::Path)
        } else {
            Ty::Path(self.imports.expand_segments(owner))
        };
        Some((ty, func.clone()))
    }
}

impl Lowering<'_, '_> {
    /// The type `receiver.method(..)` returns, for the methods that matter.
    pub(super) fn method_ty(&self, receiver: &Ty, m: &syn::ExprMethodCall) -> Ty {
        let method = m.method.to_string();
        match (receiver, method.as_str()) {
            (Ty::Command { kill_on_drop }, "spawn") if m.args.is_empty() => {
                if *kill_on_drop {
                    Ty::Unknown
                } else {
                    Ty::Path(CHILD[0].to_string())
                }
            }
            (Ty::Command { kill_on_drop }, "kill_on_drop") => {
                Ty::Command { kill_on_drop: *kill_on_drop || is_true(m.args.first()) }
            }
            (Ty::Command { .. }, _) if COMMAND_BUILDER_METHODS.contains(&method.as_str()) => receiver.clone(),
            (_, "lock") if m.args.is_empty() => Ty::Path(LOCK_GUARD.to_string()),
            (_, "try_clone") => receiver.clone(),
            (_, m) if PASS_THROUGH_METHODS.contains(&m) => receiver.clone(),
            _ => Ty::Unknown,
        }
    }

    /// The type of an expression, from what is written: constructors (`File::open(p)?`),
    /// `spawn()` on a builder, `lock()`, variables with a known type. No events are emitted.
    pub(super) fn ty_of(&self, expr: &syn::Expr) -> Ty {
        match expr {
            syn::Expr::Path(p) => match p.path.get_ident() {
                Some(id) => {
                    self.lookup(&id.to_string()).map_or(Ty::Unknown, |v| self.var_types[v.0 as usize].clone())
                }
                None => Ty::Unknown,
            },
            syn::Expr::Call(call) => {
                let syn::Expr::Path(f) = &*call.func else { return Ty::Unknown };
                match self.cx.owner_of_assoc_fn(&f.path) {
                    Some((ty @ Ty::Command { .. }, func)) if func == "new" => ty,
                    Some((ty @ Ty::Path(_), func)) if CONSTRUCTORS.contains(&func.as_str()) => ty,
                    _ => Ty::Unknown,
                }
            }
            syn::Expr::MethodCall(m) => match &self.chain_ty {
                // The call was just lowered: its type is known without walking the chain again
                // (a builder chain of n calls would otherwise cost n² steps).
                Some((at, ty)) if std::ptr::eq(*at, m) => ty.clone(),
                _ => self.method_ty(&self.ty_of(&m.receiver), m),
            },
            syn::Expr::Struct(s) if s.qself.is_none() => self.cx.ty_of_path(&s.path),
            syn::Expr::Try(t) => self.ty_of(&t.expr),
            syn::Expr::Await(a) => self.ty_of(&a.base),
            syn::Expr::Paren(p) => self.ty_of(&p.expr),
            syn::Expr::Group(g) => self.ty_of(&g.expr),
            syn::Expr::Reference(r) if r.mutability.is_some() => match self.ty_of(&r.expr) {
                command @ Ty::Command { .. } => command,
                _ => Ty::Unknown,
            },
            _ => Ty::Unknown,
        }
    }
}

pub(super) fn is_true(arg: Option<&syn::Expr>) -> bool {
    matches!(arg, Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. })) if b.value)
}
