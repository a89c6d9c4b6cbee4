//! CA2000: a disposable created in a method is not disposed (nor handed to an owner) on every
//! normal path out of it.

use std::collections::HashMap;

use crate::syntax::flat::Node;

use super::disposables::Knowledge;
use super::lower::{lower_function, lower_top_level, Lowered, SiteUse, TypeScope};
use super::survey::Surveyed;
use super::syntax::kind_of;
use crate::catalogue::{Precision, Severity};
use crate::engine::{self, Leak};
use crate::source::{Family, LineIndex};
use crate::{declare_rule, Diagnostic, TextRange};

declare_rule! {
    /// ## What it finds
    /// A disposable object (a `FileStream`, `HttpClient`, `Process`, `SqlCommand`, a project type
    /// implementing `IDisposable`, ...) created in a method that is neither disposed nor handed to
    /// an owner (returned, stored in a field or collection, given to an owning wrapper) on every
    /// normal path out of the method.
    ///
    /// ## Why it matters
    /// Until the garbage collector finalizes it, the object keeps its file handle, socket,
    /// process handle or database connection. Under load that exhausts handles and pools, and a
    /// file stays locked for other processes.
    ///
    /// ## Example
    /// ```csharp
    /// public string ReadHeader(string path)
    /// {
    ///     var stream = new FileStream(path, FileMode.Open);
    ///     var reader = new StreamReader(stream);
    ///     return reader.ReadLine();
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```csharp
    /// public string ReadHeader(string path)
    /// {
    ///     using var stream = new FileStream(path, FileMode.Open);
    ///     using var reader = new StreamReader(stream);
    ///     return reader.ReadLine();
    /// }
    /// ```
    pub static CA2000 = {
        name: "dispose-objects-before-losing-scope",
        family: Family::CSharp,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A disposable object created in a method is not disposed on every path",
        aliases: &["IDISP001"],
    }
}

/// `top_level`: the functions outside any type declaration (in top-level statements);
/// `types`: the file's type declarations (classes, structs, records, interfaces) in order, each
/// with its functions. Only the functions whose bodies may create a disposable are given.
pub(crate) fn check<'t>(
    root: Node<'t>,
    source: &'t str,
    know: &Knowledge,
    top_level: Vec<Surveyed<'t>>,
    types: Vec<(Node<'t>, Vec<Surveyed<'t>>)>,
) -> Vec<Diagnostic> {
    let global = TypeScope { name: "", member_types: HashMap::new() };
    let mut lines: Option<LineIndex> = None;
    let mut out = Vec::new();
    let mut report = |function: Node, lowered: Lowered| {
        let leaks = engine::analyze(&lowered.body);
        if leaks.is_empty() {
            return;
        }
        let lines = lines.get_or_insert_with(|| LineIndex::new(source));
        out.extend(leaks.iter().map(|leak| diagnostic(leak, &lowered, function, lines)));
    };
    if let Some(lowered) = lower_top_level(root, source, know, &global) {
        report(root, lowered);
    }
    for surveyed in top_level {
        let function = surveyed.function;
        report(function, lower_function(surveyed, source, know, &global));
    }
    for (decl, functions) in types.into_iter().filter(|(_, functions)| !functions.is_empty()) {
        let owner = TypeScope {
            name: super::index::type_name(decl, source),
            member_types: super::fields::member_types(decl, source),
        };
        for surveyed in functions {
            let function = surveyed.function;
            report(function, lower_function(surveyed, source, know, &owner));
        }
    }
    // A `finally` block is lowered once per exit it guards: report each creation site once.
    out.sort_by_key(|d| d.range);
    out.dedup_by_key(|d| d.range);
    out
}

fn function_kind(function: Node) -> &'static str {
    match kind_of(&function) {
        "lambda_expression" | "anonymous_method_expression" => "lambda",
        "local_function_statement" => "local function",
        "constructor_declaration" => "constructor",
        "accessor_declaration" | "property_declaration" | "indexer_declaration" => "accessor",
        "compilation_unit" => "program",
        _ => "method",
    }
}

fn diagnostic(leak: &Leak, lowered: &Lowered, function: Node, lines: &LineIndex) -> Diagnostic {
    let site = &lowered.sites[leak.res.0 as usize];
    let ty = &site.type_name;
    let line = |r: TextRange| lines.line_of(r.start) + 1;
    let kind = function_kind(function);
    let (message, help) = match &site.usage {
        SiteUse::Local(name) => {
            let message = if leak.lost_at.contains(&site.range) {
                format!("`{name}` ({ty}) is not disposed before the next loop iteration creates another one")
            } else if let Some(exit) = leak.exits.first() {
                let path = match exit.at {
                    Some(at) => format!("returns at line {}", line(at)),
                    None => format!("ends at line {}", line(lowered.body.end)),
                };
                if leak.on_every_path {
                    format!("`{name}` ({ty}) is never disposed: the {kind} {path} with it still open")
                } else {
                    format!("`{name}` ({ty}) may not be disposed: it is still open on a path where the {kind} {path}")
                }
            } else {
                let at = leak.lost_at.first().map_or(0, |r| line(*r));
                format!("`{name}` ({ty}) is overwritten at line {at} before it is disposed")
            };
            let help = format!(
                "declare it with `using var {name} = ...;` (`await using` for async disposal), or call `{name}.Dispose()` in a `finally` block"
            );
            (message, help)
        }
        SiteUse::Discarded => (
            format!("the {ty} created here is never stored or disposed"),
            format!("keep it in a local declared with `using var` so that the {ty} is disposed"),
        ),
        SiteUse::Receiver(method) => (
            format!("the {ty} created here is only used to call `{method}` and is never disposed"),
            format!("keep the {ty} in a `using var` local and call `{method}` on that local"),
        ),
        SiteUse::PassedTo(callee) => (
            format!("the {ty} created here is passed to `{callee}`, which does not take ownership, and is never disposed"),
            format!("create the {ty} in a `using var` local and pass the local to `{callee}`"),
        ),
    };
    let mut d = Diagnostic::new(CA2000.code, site.range, message).with_help(help);
    for exit in &leak.exits {
        let (at, what) = match exit.at {
            Some(at) => (at, format!("leaves the {kind} here without disposing it")),
            None => (lowered.body.end, format!("end of the {kind}: not disposed on this path")),
        };
        d = d.with_related(at, what);
    }
    for lost in leak.lost_at.iter().filter(|r| **r != site.range) {
        d = d.with_related(*lost, "the last reference is overwritten here");
    }
    d
}
