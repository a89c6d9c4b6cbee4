//! LL1007: a WebSocket, EventSource, BroadcastChannel or Worker that is never closed.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `new WebSocket`, `new EventSource`, `new BroadcastChannel` (released by `.close()`),
    /// `new Worker` (`.terminate()`) or `new SharedWorker` (`.port.close()`) created in an
    /// effect, a class component's mount or a method of a class with a teardown method, and not
    /// released in the cleanup, `componentWillUnmount` or the teardown. Resource kinds added in
    /// `leaklint.toml` with `rule = "LL1007"` (a socket.io `io.connect` / `.disconnect` pair,
    /// say) are checked the same way.
    ///
    /// ## Why it matters
    /// The connection or thread stays open after its component is gone: messages keep arriving
    /// into handlers of a dead component, servers keep a socket per stale tab, and each remount
    /// opens another one.
    ///
    /// ## Example
    /// ```tsx
    /// function useTicker(symbol: string, onPrice: (p: number) => void) {
    ///   useEffect(() => {
    ///     const ws = new WebSocket(`wss://quotes.example.com/${symbol}`);
    ///     ws.onmessage = (e) => onPrice(JSON.parse(e.data).price);
    ///   }, [symbol, onPrice]);
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function useTicker(symbol: string, onPrice: (p: number) => void) {
    ///   useEffect(() => {
    ///     const ws = new WebSocket(`wss://quotes.example.com/${symbol}`);
    ///     ws.onmessage = (e) => onPrice(JSON.parse(e.data).price);
    ///     return () => ws.close();
    ///   }, [symbol, onPrice]);
    /// }
    /// ```
    pub static LL1007 = {
        name: "connection-not-closed",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "WebSocket, EventSource, BroadcastChannel or Worker is never closed",
        aliases: &[],
    }
}

pub const TEXT: Text = Text {
    verb: "close",
    done: "closed",
    consequence: "it stays open and keeps delivering messages after the owner is gone",
    default_name: "connection",
};
