//! LL1002: a `setInterval` that is never cleared.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `setInterval` started in an effect's setup, in `componentDidMount`/`componentDidUpdate`
    /// or in a method of a class with a teardown method, whose id is discarded, or kept (in a
    /// variable, `ref.current` or a field) but never given to `clearInterval` in the effect's
    /// cleanup, `componentWillUnmount` or the teardown. At module scope, a `setInterval` whose
    /// id is discarded (and not `unref()`ed) is reported too: it can never be stopped.
    ///
    /// ## Why it matters
    /// An interval runs until it is cleared. Every mount of the component starts another one;
    /// they keep firing after unmount, keep their closures alive, and pile up.
    ///
    /// ## Example
    /// ```tsx
    /// function VideoClock({ video }: { video: HTMLVideoElement }) {
    ///   const [time, setTime] = useState(0);
    ///   useEffect(() => {
    ///     const id = setInterval(() => setTime(video.currentTime), 250);
    ///   }, [video]);
    ///   return <span>{time.toFixed(1)}</span>;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function VideoClock({ video }: { video: HTMLVideoElement }) {
    ///   const [time, setTime] = useState(0);
    ///   useEffect(() => {
    ///     const id = setInterval(() => setTime(video.currentTime), 250);
    ///     return () => clearInterval(id);
    ///   }, [video]);
    ///   return <span>{time.toFixed(1)}</span>;
    /// }
    /// ```
    pub static LL1002 = {
        name: "interval-not-cleared",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::VeryHigh,
        summary: "setInterval in an effect, component or disposable object is never cleared",
        aliases: &["@eslint-react/web-api/no-leaked-interval", "react-web-api/no-leaked-interval"],
    }
}

pub const TEXT: Text = Text {
    verb: "clear",
    done: "cleared",
    consequence: "it keeps firing after the owner is gone",
    default_name: "intervalId",
};
