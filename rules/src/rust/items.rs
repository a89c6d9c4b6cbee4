//! The walk over a file's items: every function body is lowered (once per policy), every
//! type declaration and `Drop` impl is noted.

use std::collections::HashSet;

use super::cx::FileCx;
use super::imports::Imports;
use super::lower::{Lowered, Lowering, Policy};
use super::resources::{CHILD, OWNS_RESOURCE};
use super::spans::SpanMap;
use super::suppress::{allows_in, Allow};
use crate::TextRange;

/// A struct or enum with a field that owns a `Child`: LL2002 if the project has no `Drop` for it.
#[derive(Debug, Clone)]
pub struct ChildOwner {
    pub type_name: String,
    pub range: TextRange,
    /// The field (`child`, `0`, `Running.0`) and its written type.
    pub field: String,
    pub field_ty: String,
    pub allows: Vec<Allow>,
}

/// Everything the walk found in one file.
#[derive(Default)]
pub struct Found {
    pub zombie: Vec<Lowered>,
    pub forgotten: Vec<Lowered>,
    pub child_owners: Vec<ChildOwner>,
    pub drop_impls: Vec<String>,
    /// Types whose fields own a resource (their drop glue releases it).
    pub resource_owners: Vec<String>,
}

pub struct Walker<'f> {
    pub diverging: &'f HashSet<String>,
    pub found: Found,
}

impl<'f> Walker<'f> {
    fn cx<'c>(&self, imports: &'c Imports, spans: &'c SpanMap<'c>, self_ty: Option<String>) -> FileCx<'c>
    where
        'f: 'c,
    {
        FileCx { imports, spans, diverging: self.diverging, self_ty, in_drop: false }
    }

    /// Walks the items of one module, whose imports are `imports`.
    pub fn items(&mut self, spans: &SpanMap, imports: &Imports, items: &[syn::Item], allows: &[Allow]) {
        for item in items {
            self.item(spans, imports, item, allows);
        }
    }

    fn item(&mut self, spans: &SpanMap, imports: &Imports, item: &syn::Item, outer: &[Allow]) {
        let mut allows = outer.to_vec();
        match item {
            syn::Item::Fn(f) => {
                allows.extend(allows_in(&f.attrs));
                let cx = self.cx(imports, spans, None);
                lower_fn(&cx, &allows, &f.sig.inputs, &f.block, &mut self.found);
            }
            syn::Item::Impl(imp) => {
                allows.extend(allows_in(&imp.attrs));
                let self_ty = type_name(&imp.self_ty);
                let is_drop = imp
                    .trait_
                    .as_ref()
                    .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Drop"));
                if let (true, Some(name)) = (is_drop, &self_ty) {
                    self.found.drop_impls.push(name.clone());
                }
                let self_path = match &*imp.self_ty {
                    syn::Type::Path(p) => Some(imports.expand(&p.path)),
                    _ => None,
                };
                for impl_item in &imp.items {
                    if let syn::ImplItem::Fn(f) = impl_item {
                        let mut fn_allows = allows.clone();
                        fn_allows.extend(allows_in(&f.attrs));
                        let cx = FileCx { in_drop: is_drop, ..self.cx(imports, spans, self_path.clone()) };
                        lower_fn(&cx, &fn_allows, &f.sig.inputs, &f.block, &mut self.found);
                    }
                }
            }
            syn::Item::Trait(t) => {
                allows.extend(allows_in(&t.attrs));
                for trait_item in &t.items {
                    if let syn::TraitItem::Fn(syn::TraitItemFn { attrs, sig, default: Some(block), .. }) =
                        trait_item
                    {
                        let mut fn_allows = allows.clone();
                        fn_allows.extend(allows_in(attrs));
                        let cx = self.cx(imports, spans, None);
                        lower_fn(&cx, &fn_allows, &sig.inputs, block, &mut self.found);
                    }
                }
            }
            syn::Item::Mod(m) => {
                allows.extend(allows_in(&m.attrs));
                if let Some((_, items)) = &m.content {
                    let inner = Imports::of_module(items);
                    self.items(spans, &inner, items, &allows);
                }
            }
            syn::Item::Struct(s) => {
                allows.extend(allows_in(&s.attrs));
                let fields: Vec<(String, &syn::Field)> =
                    s.fields.iter().enumerate().map(|(i, f)| (field_name(f, i), f)).collect();
                self.type_decl(spans, imports, &s.ident, fields, allows);
            }
            syn::Item::Enum(e) => {
                allows.extend(allows_in(&e.attrs));
                let fields: Vec<(String, &syn::Field)> = e
                    .variants
                    .iter()
                    .flat_map(|v| {
                        v.fields
                            .iter()
                            .enumerate()
                            .map(move |(i, f)| (format!("{}::{}", v.ident, field_name(f, i)), f))
                    })
                    .collect();
                self.type_decl(spans, imports, &e.ident, fields, allows);
            }
            _ => {}
        }
    }

    fn type_decl(
        &mut self,
        spans: &SpanMap,
        imports: &Imports,
        ident: &syn::Ident,
        fields: Vec<(String, &syn::Field)>,
        allows: Vec<Allow>,
    ) {
        let name = ident.to_string();
        if fields.iter().any(|(_, f)| mentions(imports, &f.ty, OWNS_RESOURCE)) {
            self.found.resource_owners.push(name.clone());
        }
        if let Some((field, f)) = fields.iter().find(|(_, f)| mentions(imports, &f.ty, CHILD)) {
            let field_ty = type_text(&f.ty);
            self.found.child_owners.push(ChildOwner {
                type_name: name,
                range: spans.of(ident),
                field: field.clone(),
                field_ty,
                allows,
            });
        }
    }
}

/// Whether an owned (not borrowed) type mentions one of `types`, directly or as a generic
/// argument (`Option<Child>`, `Vec<Child>`, `HashMap<u32, Child>`, `Arc<Mutex<Child>>`).
fn mentions(imports: &Imports, ty: &syn::Type, types: &[&str]) -> bool {
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => {
                if imports.names_one_of(&p.path, types) {
                    return true;
                }
                let last = p.path.segments.last();
                if let Some(segment) =
                    last.filter(|s| PLAIN_CONTAINERS.contains(&s.ident.to_string().as_str()))
                {
                    if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                        stack.extend(args.args.iter().filter_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(t),
                            _ => None,
                        }));
                    }
                }
            }
            syn::Type::Array(a) => stack.push(&a.elem),
            syn::Type::Slice(s) => stack.push(&s.elem),
            syn::Type::Tuple(t) => stack.extend(t.elems.iter()),
            syn::Type::Paren(p) => stack.push(&p.elem),
            syn::Type::Group(g) => stack.push(&g.elem),
            _ => {}
        }
    }
    false
}

/// A type as written, without the token printer's spaces (`Option<std::process::Child>`).
fn type_text(ty: &syn::Type) -> String {
    let printed = quote::ToTokens::to_token_stream(ty).to_string();
    let mut out = String::with_capacity(printed.len());
    for part in printed.split(' ') {
        let glue = matches!(part, "::" | "<" | ">" | "," | ">>")
            || out.ends_with("::")
            || out.ends_with('<')
            || out.ends_with('&');
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(part);
    }
    out.replace(',', ", ")
}

/// Prelude types: a bare `Vec` is never the project's own type.
const PRELUDE_TYPES: &[&str] = &["Vec", "String", "Box", "Option", "Result"];

/// Generic types that own their arguments plainly, without managing them: a `Child` in one of
/// these is still dropped unreaped. (An unknown wrapper may manage its contents, as tokio's
/// `Reaper<Child>` does.)
const PLAIN_CONTAINERS: &[&str] = &[
    "Option",
    "Vec",
    "VecDeque",
    "HashMap",
    "BTreeMap",
    "IndexMap",
    "Box",
    "Arc",
    "Rc",
    "Mutex",
    "RwLock",
    "RefCell",
    "Cell",
    "SmallVec",
    "LinkedList",
    "BinaryHeap",
];

fn lower_fn(
    cx: &FileCx,
    allows: &[Allow],
    inputs: &syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
    block: &syn::Block,
    found: &mut Found,
) {
    Lowering::new(cx, Policy::Zombie, allows.to_vec(), &mut found.zombie).function(inputs, block);
    Lowering::new(cx, Policy::Forgotten, allows.to_vec(), &mut found.forgotten).function(inputs, block);
}

fn field_name(field: &syn::Field, index: usize) -> String {
    field.ident.as_ref().map_or_else(|| index.to_string(), |i| i.to_string())
}

/// The name a type is declared under (`Runner` for `impl<T> Drop for jobs::Runner<T>`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Functions declared `-> !` anywhere in these items (their calls end the path).
pub fn diverging_fns(items: &[syn::Item], out: &mut HashSet<String>) {
    let is_never = |sig: &syn::Signature| matches!(&sig.output, syn::ReturnType::Type(_, ty) if matches!(**ty, syn::Type::Never(_)));
    for item in items {
        match item {
            syn::Item::Fn(f) if is_never(&f.sig) => {
                out.insert(f.sig.ident.to_string());
            }
            syn::Item::Impl(imp) => {
                for i in &imp.items {
                    if let syn::ImplItem::Fn(f) = i {
                        if is_never(&f.sig) {
                            out.insert(f.sig.ident.to_string());
                        }
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    diverging_fns(items, out);
                }
            }
            _ => {}
        }
    }
}

/// The owner kind of a type path for LL2003: a std/tokio resource, or a project type the index
/// decides about (by its last segment), or neither.
pub enum Owner {
    Resource,
    Project(String),
}

pub fn owner_of(ty: &str) -> Option<Owner> {
    if OWNS_RESOURCE.contains(&ty) {
        return Some(Owner::Resource);
    }
    if PRELUDE_TYPES.contains(&ty) {
        return None;
    }
    let project = ["crate::", "self::", "super::"].iter().any(|p| ty.starts_with(p)) || !ty.contains("::");
    project.then(|| Owner::Project(ty.rsplit("::").next().unwrap_or(ty).to_string()))
}
