//! LL1009: a `fetch` in an effect that cannot be aborted when the effect is cleaned up.

use crate::syntax::flat::Node;

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::syntax::flat::range;
use crate::{Diagnostic, Family};

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `fetch(...)` directly in an effect's setup that passes no `signal`, or whose signal
    /// comes from an `AbortController` that the effect's cleanup never aborts. A signal that is
    /// the effect callback's own parameter (custom effect hooks that pass one) is fine.
    ///
    /// ## Why it matters
    /// When the dependencies change or the component unmounts, the request keeps going: its
    /// response lands in the state of a newer render (a race that shows stale data) or of an
    /// unmounted component, and the bandwidth is wasted.
    ///
    /// ## Example
    /// ```tsx
    /// function Search({ query }: { query: string }) {
    ///   const [hits, setHits] = useState<Hit[]>([]);
    ///   useEffect(() => {
    ///     fetch(`/api/search?q=${encodeURIComponent(query)}`)
    ///       .then((r) => r.json())
    ///       .then(setHits);
    ///   }, [query]);
    ///   return <Results hits={hits} />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Search({ query }: { query: string }) {
    ///   const [hits, setHits] = useState<Hit[]>([]);
    ///   useEffect(() => {
    ///     const controller = new AbortController();
    ///     fetch(`/api/search?q=${encodeURIComponent(query)}`, { signal: controller.signal })
    ///       .then((r) => r.json())
    ///       .then(setHits)
    ///       .catch(() => {});
    ///     return () => controller.abort();
    ///   }, [query]);
    ///   return <Results hits={hits} />;
    /// }
    /// ```
    pub static LL1009 = {
        name: "fetch-not-aborted",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::Medium,
        summary: "fetch in an effect without an AbortController aborted in the cleanup",
        aliases: &["@eslint-react/web-api/no-leaked-fetch", "react-web-api/no-leaked-fetch"],
    }
}

pub const TEXT: Text = Text {
    verb: "abort",
    done: "aborted",
    consequence: "the request outlives the effect and its response lands in a stale or unmounted component",
    default_name: "controller",
};

/// A fetch with no signal at all.
pub fn unsignalled(call: Node) -> Diagnostic {
    Diagnostic::new(
        LL1009.code,
        range(call),
        "this fetch in an effect has no abort signal: it cannot be cancelled when the effect is cleaned up",
    )
    .with_help(
        "create `const controller = new AbortController()`, pass `{ signal: controller.signal }` to fetch and \
         `return () => controller.abort()` from the effect",
    )
}
