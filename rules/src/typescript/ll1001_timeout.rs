//! LL1001: a `setTimeout` in an effect, a component or an object with a teardown that is never
//! cleared.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `setTimeout` (also `window.`/`globalThis.`/`global.setTimeout`) started in an effect's
    /// setup, in `componentDidMount`/`componentDidUpdate`, or in a method of a class with a
    /// teardown method (`destroy`, `dispose`, ...), whose id is discarded, or kept but never
    /// given to `clearTimeout` in the effect's cleanup, `componentWillUnmount` or the teardown.
    /// A timeout set into the same place from the callback of the timeout stored there (a chain
    /// of steps, `this.t = setTimeout(() => { this.t = setTimeout(next, 30); }, 16)`) replaces
    /// one that has fired: the chain's first step stands for it, and one clear of the place stops
    /// whichever step is pending. So has a timeout that resolves an awaited promise once the
    /// await is over (`await new Promise((resolve) => { this.t = setTimeout(resolve, ms); })`);
    /// while it is pending, the teardown must clear it.
    ///
    /// ## Why it matters
    /// The callback still runs after the component unmounted or the object was destroyed: it
    /// sets state on a dead component, touches removed DOM, or keeps the closure (and what it
    /// captured) alive until it fires.
    ///
    /// ## Example
    /// ```tsx
    /// function Toast({ onClose }: { onClose: () => void }) {
    ///   useEffect(() => {
    ///     setTimeout(onClose, 5000);
    ///   }, [onClose]);
    ///   return <div role="status">Saved</div>;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Toast({ onClose }: { onClose: () => void }) {
    ///   useEffect(() => {
    ///     const id = setTimeout(onClose, 5000);
    ///     return () => clearTimeout(id);
    ///   }, [onClose]);
    ///   return <div role="status">Saved</div>;
    /// }
    /// ```
    pub static LL1001 = {
        name: "timeout-not-cleared",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "setTimeout in an effect, component or disposable object is never cleared",
        aliases: &["@eslint-react/web-api/no-leaked-timeout", "react-web-api/no-leaked-timeout"],
    }
}

pub const TEXT: Text = Text {
    verb: "clear",
    done: "cleared",
    consequence: "its callback still runs after the owner is gone",
    default_name: "timeoutId",
};
