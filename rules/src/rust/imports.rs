//! The names a file brings into scope with `use`, so that a bare `Child` or `File` resolves to
//! the std/tokio type it names — or to the project's own type of the same name.
//!
//! One map per module: its own `use` items (those in its function bodies included) and the types
//! it declares, which shadow nothing but keep a local `struct Child` from reading as a process.
//! An inline `mod` starts afresh, as in Rust.

use std::collections::HashMap;

use syn::visit::Visit;

#[derive(Debug, Default)]
pub struct Imports {
    /// Local name -> the path it stands for (`Child` -> `std::process::Child`).
    names: HashMap<String, String>,
    /// Modules glob-imported with `use path::*`.
    globs: Vec<String>,
}

impl Imports {
    /// The imports of the module whose items these are (nested modules excluded).
    pub fn of_module<'a>(items: impl IntoIterator<Item = &'a syn::Item>) -> Imports {
        let mut collector = Collector::default();
        let mut declared = Vec::new();
        for item in items {
            match item {
                syn::Item::Mod(_) => {}
                syn::Item::Struct(s) => declared.push(s.ident.to_string()),
                syn::Item::Enum(e) => declared.push(e.ident.to_string()),
                syn::Item::Union(u) => declared.push(u.ident.to_string()),
                syn::Item::Type(t) => declared.push(t.ident.to_string()),
                _ => collector.visit_item(item),
            }
        }
        for name in declared {
            let local = format!("self::{name}");
            collector.imports.names.entry(name).or_insert(local);
        }
        collector.imports
    }

    /// The canonical path a written path stands for: its first segment expanded through the
    /// imports, `core`/`alloc` read as `std`, a leading `::` dropped.
    pub fn expand(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.expand_segments(&segments)
    }

    pub fn expand_segments(&self, segments: &[String]) -> String {
        let Some((first, rest)) = segments.split_first() else { return String::new() };
        let head = self.names.get(first).cloned().unwrap_or_else(|| first.clone());
        let mut full = head;
        for segment in rest {
            full.push_str("::");
            full.push_str(segment);
        }
        canonical(full)
    }

    /// Whether `path` names one of `candidates` (canonical paths), directly, through an import
    /// or through a glob import of the candidate's module.
    pub fn names_one_of(&self, path: &syn::Path, candidates: &[&str]) -> bool {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.segments_name_one_of(&segments, candidates)
    }

    pub fn segments_name_one_of(&self, segments: &[String], candidates: &[&str]) -> bool {
        let full = self.expand_segments(segments);
        if candidates.contains(&full.as_str()) {
            return true;
        }
        match segments {
            [single] if !self.names.contains_key(single) => self.globs.iter().any(|glob| {
                candidates.iter().any(|c| c.strip_prefix(glob.as_str()) == Some(&format!("::{single}")))
            }),
            _ => false,
        }
    }
}

fn canonical(path: String) -> String {
    for (from, to) in [("core::", "std::"), ("alloc::", "std::")] {
        if let Some(rest) = path.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    // `std::os::fd` re-exports are spelt several ways; the unix module is the common one.
    path.replace("std::os::unix::io::", "std::os::fd::")
}

#[derive(Default)]
struct Collector {
    imports: Imports,
    prefix: Vec<String>,
}

impl Collector {
    fn add_tree(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                self.prefix.push(p.ident.to_string());
                self.add_tree(&p.tree);
                self.prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = self.prefix.last().cloned() {
                        self.insert(last, self.prefix.join("::"));
                    }
                } else {
                    self.insert(name.clone(), self.joined(&name));
                }
            }
            syn::UseTree::Rename(r) => {
                let target = r.ident.to_string();
                let full = if target == "self" { self.prefix.join("::") } else { self.joined(&target) };
                self.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => {
                let module = canonical(self.prefix.join("::"));
                self.imports.globs.push(module);
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.add_tree(tree);
                }
            }
        }
    }

    fn joined(&self, name: &str) -> String {
        let mut parts = self.prefix.clone();
        parts.push(name.to_string());
        parts.join("::")
    }

    fn insert(&mut self, name: String, full: String) {
        self.imports.names.insert(name, canonical(full));
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.prefix.clear();
        self.add_tree(&item.tree);
    }

    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {
        // A module nested in a function body has imports of its own.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(src: &str) -> Imports {
        let file = syn::parse_file(src).unwrap();
        Imports::of_module(&file.items)
    }

    fn path(src: &str) -> syn::Path {
        syn::parse_str(src).unwrap()
    }

    #[test]
    fn names_resolve_through_use_items() {
        let i =
            imports("use std::process::{self, Child as Proc, Command}; use tokio::net::*; use core::mem;");
        assert_eq!(i.expand(&path("Proc")), "std::process::Child");
        assert_eq!(i.expand(&path("process::Child")), "std::process::Child");
        assert_eq!(i.expand(&path("mem::forget")), "std::mem::forget");
        assert!(i.names_one_of(&path("Command"), &["std::process::Command"]));
        assert!(i.names_one_of(&path("TcpStream"), &["tokio::net::TcpStream"]));
        assert!(!i.names_one_of(&path("Child"), &["std::process::Child"]), "not imported under that name");
    }

    #[test]
    fn modules_have_their_own_imports_and_local_types_shadow_globs() {
        let i = imports("use std::process::*; mod inner { use std::process::Child; } struct Child;");
        assert!(!i.names_one_of(&path("Child"), &["std::process::Child"]));
        assert!(i.names_one_of(&path("Command"), &["std::process::Command"]));
    }
}
