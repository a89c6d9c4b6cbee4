//! CA2213: a disposable field the type owns is not disposed by the type's `Dispose`.

use std::collections::HashSet;

use crate::syntax::flat::Node;

use super::disposables::Knowledge;
use super::fields::OwnedField;
use super::index::type_name;
use crate::catalogue::{Precision, Severity};
use crate::source::Family;
use crate::{declare_rule, Diagnostic};

declare_rule! {
    /// ## What it finds
    /// A disposable type (one with a `Dispose` method, or implementing `IDisposable`) that
    /// creates a disposable object into one of its instance fields but does not dispose that
    /// field in `Dispose()`, `Dispose(bool)`, `DisposeAsync`, `Close()` or a helper they call.
    /// A type that inherits `Dispose` from its base without overriding it is flagged at every
    /// field it adds and owns.
    ///
    /// ## Why it matters
    /// Disposing the owner is how callers release everything it holds. A field left out keeps
    /// its handle, connection or timer alive after the owner is gone; a timer keeps firing.
    ///
    /// ## Example
    /// ```csharp
    /// public sealed class AuditLog : IDisposable
    /// {
    ///     private readonly StreamWriter _writer = File.AppendText("audit.log");
    ///     private readonly Timer _flush;
    ///
    ///     public AuditLog() => _flush = new Timer(_ => _writer.Flush(), null, 1000, 1000);
    ///
    ///     public void Dispose() => _writer.Dispose();
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```csharp
    /// public void Dispose()
    /// {
    ///     _flush.Dispose();
    ///     _writer.Dispose();
    /// }
    /// ```
    pub static CA2213 = {
        name: "disposable-fields-should-be-disposed",
        family: Family::CSharp,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A disposable field the type creates is not disposed in its Dispose method",
        aliases: &["IDISP002"],
    }
}

/// Methods that make a type disposable in CA2213's eyes (with or without the interface).
const DISPOSE_METHODS: &[&str] = &["Dispose", "DisposeAsync", "DisposeAsyncCore"];

/// Methods whose body is where a type releases what it owns.
const DISPOSE_ROOTS: &[&str] = &["Dispose", "DisposeAsync", "DisposeAsyncCore", "Close"];

pub(crate) fn check(decl: Node, source: &str, know: &Knowledge, owned: &[OwnedField]) -> Vec<Diagnostic> {
    let name = type_name(decl, source);
    let info = know.index.type_info(name);
    let declares_dispose = info.is_some_and(|i| DISPOSE_METHODS.iter().any(|r| i.disposals.contains_key(*r)));
    if !declares_dispose && !know.is_disposable(name) {
        return Vec::new();
    }
    let roots = dispose_roots(name, know);
    let declares_dispose = declares_dispose || !roots.is_empty();
    let disposed = disposed_members(name, &roots, know);
    owned
        .iter()
        .filter(|f| !f.is_static && !f.handed_over && know.is_reportable(&f.type_name))
        .filter(|f| !disposed.contains(f.name.as_str()))
        .map(|f| {
            let message = if declares_dispose {
                format!("`{}` ({}) is created by `{name}` but never disposed in its `Dispose` method", f.name, f.type_name)
            } else {
                format!(
                    "`{}` ({}) is created by `{name}`, which inherits `Dispose` without overriding it: the field is never disposed",
                    f.name, f.type_name
                )
            };
            let help = if declares_dispose {
                format!("call `{}?.Dispose();` in `Dispose()` (in `Dispose(bool disposing)`, when `disposing` is true)", f.name)
            } else {
                format!("override `Dispose(bool disposing)` in `{name}` and call `{}?.Dispose();` when `disposing` is true", f.name)
            };
            Diagnostic::new(CA2213.code, f.range, message)
                .with_help(help)
                .with_related(f.owned_at, format!("`{}` is given a new {} here", f.name, f.type_name))
        })
        .collect()
}

/// The type's methods where disposal happens: `Dispose`, `DisposeAsync`, `Close`, ..., any
/// method named after disposing (`DisposeCore`, `OnDisposing`, `DisposeManagedResources`), and
/// the hooks its project base classes call from their own dispose methods (overridden here).
fn dispose_roots<'k>(type_name: &str, know: &'k Knowledge) -> Vec<&'k str> {
    let Some(info) = know.index.type_info(type_name) else { return Vec::new() };
    let mut roots: Vec<&str> = info
        .disposals
        .keys()
        .map(String::as_str)
        .filter(|m| DISPOSE_ROOTS.contains(m) || m.contains("Dispos"))
        .collect();
    let mut bases: Vec<&str> = info.bases.iter().map(String::as_str).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    while let Some(base) = bases.pop() {
        if !seen.insert(base) || seen.len() > 32 {
            continue;
        }
        let Some(base_info) = know.index.type_info(base) else { continue };
        for (method, d) in &base_info.disposals {
            if DISPOSE_ROOTS.contains(&method.as_str()) || method.contains("Dispos") {
                roots.extend(d.calls.iter().map(String::as_str).filter(|c| info.disposals.contains_key(*c)));
            }
        }
        bases.extend(base_info.bases.iter().map(String::as_str));
    }
    roots
}

/// The members the type's dispose methods release, following the helpers they call (in any
/// partial declaration of the type) and the disposing helpers they pass members to.
fn disposed_members<'k>(type_name: &str, roots: &[&'k str], know: &'k Knowledge) -> HashSet<&'k str> {
    let mut disposed = HashSet::new();
    let Some(info) = know.index.type_info(type_name) else { return disposed };
    let mut visited: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = roots.to_vec();
    while let Some(method) = queue.pop() {
        if !visited.insert(method) {
            continue;
        }
        let Some(d) = info.disposals.get(method) else { continue };
        disposed.extend(d.disposes.iter().map(String::as_str));
        for (callee, position, member) in &d.passes {
            let disposing_helper = know
                .index
                .methods_named(callee)
                .iter()
                .any(|m| m.params.get(*position).is_some_and(|p| p.owned));
            if disposing_helper {
                disposed.insert(member.as_str());
            }
        }
        for (callee, member) in &d.receives {
            if know.index.is_owning_extension(callee) {
                disposed.insert(member.as_str());
            }
        }
        queue.extend(d.calls.iter().map(String::as_str).filter(|c| info.disposals.contains_key(*c)));
    }
    disposed
}
