//! LL1003: an event listener that is never removed.

use crate::syntax::flat::Node;

use super::keys::FileCx;

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::syntax::flat::range;
use crate::{Diagnostic, Family};

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// An `addEventListener` in an effect's setup (or a callback inside it), in
    /// `componentDidMount`/`componentDidUpdate`, or in a method of a class with a teardown
    /// method, with no matching `removeEventListener` in a cleanup (any effect's cleanup in the
    /// file), `componentWillUnmount` or the teardown. A remove matches when the target (casts
    /// ignored, `const` aliases followed), the handler (the same binding, through aliases), the
    /// event type (string constants resolved, loop variables over the same array) and the
    /// capture flag (boolean, `{ capture }`, or a `const` options object; default `false`) all
    /// agree; the same listener added again (twice, or in a loop over event types) is one
    /// listener to remove. `once: true` does not excuse a missing remove; a `signal` option
    /// does. A handler created inline (`() => ...`, `fn.bind(this)`) can never be removed and is
    /// reported at the function, on the add and on a remove that passes another inline function.
    /// An add whose first argument cannot be an event type (`this`, an object, a function, a
    /// number) is some library's own method (`platform.addEventListener(chart, type, fn)`), not
    /// a registration; a listener an object adds to itself (`this.addEventListener(..)`, or
    /// `super.` in an override: a custom element to its own events) goes when the object does.
    ///
    /// ## Why it matters
    /// The target (usually `window` or `document`) keeps the handler, and everything it
    /// captured, alive; every remount adds another copy, and each one runs on every event.
    /// A remove that does not match (another function, another capture flag) silently does
    /// nothing.
    ///
    /// ## Example
    /// ```tsx
    /// function ResizablePanel() {
    ///   const [width, setWidth] = useState(window.innerWidth);
    ///   useEffect(() => {
    ///     const onResize = () => setWidth(window.innerWidth);
    ///     window.addEventListener("resize", onResize, { capture: true });
    ///     return () => window.removeEventListener("resize", onResize);
    ///   }, []);
    ///   return <aside style={{ width: width / 3 }} />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function ResizablePanel() {
    ///   const [width, setWidth] = useState(window.innerWidth);
    ///   useEffect(() => {
    ///     const onResize = () => setWidth(window.innerWidth);
    ///     window.addEventListener("resize", onResize, { capture: true });
    ///     return () => window.removeEventListener("resize", onResize, { capture: true });
    ///   }, []);
    ///   return <aside style={{ width: width / 3 }} />;
    /// }
    /// ```
    pub static LL1003 = {
        name: "listener-not-removed",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "addEventListener without a matching removeEventListener in the cleanup",
        aliases: &["@eslint-react/web-api/no-leaked-event-listener", "react-web-api/no-leaked-event-listener"],
    }
}

pub const TEXT: Text = Text {
    verb: "remove",
    done: "removed",
    consequence:
        "the target keeps the handler (and what it captured) alive and calls it after the owner is gone",
    default_name: "handler",
};

const INLINE_HELP: &str = "declare the handler once (`const onEvent = (e) => { ... }`) and pass that same function to \
     addEventListener and removeEventListener, or pass `{ signal: controller.signal }` and call `controller.abort()` \
     in the cleanup";

/// An add whose handler is created inline.
pub fn inline_add(function: Node) -> Diagnostic {
    Diagnostic::new(
        LL1003.code,
        range(function),
        "this listener's handler is created inline, so no removeEventListener can ever match it",
    )
    .with_help(INLINE_HELP)
}

/// Every remove in the file given a new inline function, wherever it is: it matches nothing.
pub fn inline_removes(cx: &FileCx) -> Vec<Diagnostic> {
    cx.scopes
        .census
        .calls
        .iter()
        .filter(|call| cx.candidates.may_release(call.byte_range()) && cx.release_keys_of(**call).is_empty())
        .filter(|call| cx.is_registration_remove(cx.call(**call).method))
        .filter_map(|call| cx.registration_keys(*call).err())
        .map(inline_remove)
        .collect()
}

/// A remove given a new inline function: it matches nothing.
fn inline_remove(function: Node) -> Diagnostic {
    Diagnostic::new(
        LL1003.code,
        range(function),
        "removeEventListener is given a new inline function, which was never added: it removes nothing",
    )
    .with_help(INLINE_HELP)
}

/// Why a remove in the file does not match this add: the removes with the same handler
/// that differ in target, type or capture flag.
pub fn mismatch(key: &str, cx: &FileCx) -> Option<String> {
    let [_, target, event, handler, capture] = key.splitn(5, '|').collect::<Vec<_>>()[..] else {
        return None;
    };
    let removes = cx.released.iter().filter(|k| k.starts_with("L|")).filter_map(|k| {
        let parts: Vec<&str> = k.splitn(5, '|').collect();
        (parts.len() == 5 && parts[1] != "*" && parts[3] == handler).then_some(parts)
    });
    let mut differences: Vec<&str> = Vec::new();
    for parts in removes {
        if parts[1] != target {
            differences.push("target");
        }
        if parts[2] != event {
            differences.push("event type");
        }
        if parts[4] != capture {
            differences.push("capture flag");
        }
    }
    differences.sort_unstable();
    differences.dedup();
    (!differences.is_empty()).then(|| {
        format!(
            "a removeEventListener with this handler exists, but its {} differs",
            differences.join(" and ")
        )
    })
}
