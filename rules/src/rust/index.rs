//! The Rust part of the project index: which types have a `Drop` impl or own a resource.

use std::collections::HashSet;

/// One file's contribution: small facts, never trees.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    /// Type names (last path segment) with an `impl Drop for ...` in this file.
    pub drop_impls: Vec<String>,
    /// Struct/enum names declared here with a field that owns a std/tokio resource.
    pub resource_owners: Vec<String>,
}

/// Project-wide knowledge. Types are matched by name: two types of one name in different modules
/// count as one, which can only silence a finding, never add one.
#[derive(Debug, Default)]
pub struct Index {
    drop_types: HashSet<String>,
    resource_owners: HashSet<String>,
}

impl Index {
    pub fn build<'f>(facts: impl Iterator<Item = &'f Facts>) -> Index {
        let mut index = Index::default();
        for f in facts {
            index.drop_types.extend(f.drop_impls.iter().cloned());
            index.resource_owners.extend(f.resource_owners.iter().cloned());
        }
        index
    }

    pub fn has_drop(&self, type_name: &str) -> bool {
        self.drop_types.contains(type_name)
    }

    /// Whether dropping a value of this project type releases something.
    pub fn releases_on_drop(&self, type_name: &str) -> bool {
        self.has_drop(type_name) || self.resource_owners.contains(type_name)
    }
}
