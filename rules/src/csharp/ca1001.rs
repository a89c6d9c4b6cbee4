//! CA1001: a class that owns disposable fields does not implement `IDisposable`.

use crate::syntax::flat::Node;

use super::disposables::Knowledge;
use super::fields::OwnedField;
use super::index::type_name;
use super::syntax::{self, field, kind_of};
use crate::catalogue::{Precision, Severity};
use crate::source::Family;
use crate::{declare_rule, Diagnostic};

declare_rule! {
    /// ## What it finds
    /// A class that creates disposable objects into its instance fields (in a field initializer,
    /// a constructor or any method) but does not implement `IDisposable`, directly or through a
    /// base class. A `Dispose()` method without the interface does not count: `using` and
    /// dependency-injection containers only call `IDisposable.Dispose`.
    ///
    /// ## Why it matters
    /// Whoever creates the class has no way to release what it holds: its connections, streams
    /// and timers live until the finalizer runs, if ever.
    ///
    /// ## Example
    /// ```csharp
    /// public class ThumbnailService
    /// {
    ///     private readonly HttpClient _http = new HttpClient();
    ///     private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```csharp
    /// public sealed class ThumbnailService : IDisposable
    /// {
    ///     private readonly HttpClient _http = new HttpClient();
    ///     private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
    ///
    ///     public void Dispose()
    ///     {
    ///         _gate.Dispose();
    ///         _http.Dispose();
    ///     }
    /// }
    /// ```
    pub static CA1001 = {
        name: "types-that-own-disposable-fields-should-be-disposable",
        family: Family::CSharp,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A class owns disposable fields but does not implement IDisposable",
        aliases: &["IDISP006"],
    }
}

pub(crate) fn check(decl: Node, source: &str, know: &Knowledge, owned: &[OwnedField]) -> Vec<Diagnostic> {
    let is_class = kind_of(&decl) == "class_declaration"
        || (kind_of(&decl) == "record_declaration" && !syntax::has_token(decl, "struct"));
    let name = type_name(decl, source);
    if !is_class || syntax::has_modifier(decl, source, &["static"]) || know.is_disposable(name) {
        return Vec::new();
    }
    let fields: Vec<&OwnedField> = owned
        .iter()
        .filter(|f| !f.is_static && !f.from_parameter && know.is_disposable(&f.type_name))
        .collect();
    let (Some(name_node), false) = (field(decl, "name"), fields.is_empty()) else { return Vec::new() };
    let listed =
        fields.iter().map(|f| format!("`{}` ({})", f.name, f.type_name)).collect::<Vec<_>>().join(", ");
    let names = fields.iter().map(|f| format!("`{}`", f.name)).collect::<Vec<_>>().join(", ");
    let noun = if fields.len() == 1 { "field" } else { "fields" };
    let mut d = Diagnostic::new(
        CA1001.code,
        syntax::range(name_node),
        format!("`{name}` owns disposable {noun} {listed} but does not implement IDisposable"),
    )
    .with_help(format!("implement `IDisposable` on `{name}` and dispose {names} in `Dispose()`"));
    for f in fields {
        d = d.with_related(f.owned_at, format!("`{}` is given a new {} here", f.name, f.type_name));
    }
    vec![d]
}
