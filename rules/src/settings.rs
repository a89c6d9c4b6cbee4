//! What the user's configuration tells the rules: which rules run, and the resource kinds,
//! disposable types and exclusions it adds to the built-in catalogue.

use std::collections::BTreeSet;

/// Settings handed to [`crate::check`]; the CLI builds them from flags and `leaklint.toml`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Codes of the rules to run; `None` runs every rule.
    pub enabled: Option<BTreeSet<&'static str>>,
    /// Resource kinds the user adds, in the same format as the built-in ones.
    pub resource_kinds: Vec<ResourceKindSpec>,
    pub csharp: CSharpSettings,
}

impl Settings {
    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.as_ref().is_none_or(|set| set.contains(code))
    }
}

/// A resource kind as data: how it is acquired and released, and the rule that reports it.
///
/// Patterns are written as the code reads: `new WebSocket` (a constructor), `io.connect` or
/// `setInterval` (a call, by its callee path), `.close` (a method on the resource itself),
/// `clearInterval` (a function given the resource as its first argument).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceKindSpec {
    /// A short name used in messages: "socket.io connection".
    pub name: String,
    /// The family whose sources it applies to.
    pub language: crate::Family,
    /// The rule code its leaks are reported under (e.g. `LL1007`, `CA2000`).
    pub rule: String,
    pub acquire: Vec<String>,
    pub release: Vec<String>,
}

/// C# options that mirror Roslyn's CA2000/CA2213 options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CSharpSettings {
    /// Types to treat as disposable although the project does not declare them so.
    pub extra_disposable_types: Vec<String>,
    /// Types (and the types that derive from them) never reported.
    pub excluded_types: Vec<String>,
    /// Method or type names whose creations are never reported (`Namespace.Type.Method` or a
    /// simple name).
    pub excluded_symbols: Vec<String>,
    /// Whether passing a disposable to a method outside the project hands ownership over
    /// (Roslyn's `dispose_ownership_transfer_at_method_call`; default: no).
    pub transfer_to_unknown_methods: bool,
}
