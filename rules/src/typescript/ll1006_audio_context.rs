//! LL1006: an AudioContext that is never closed.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `new AudioContext()` (also `webkitAudioContext`, and `OfflineAudioContext`, which is
    /// finished by `startRendering()`) created in an effect, a class component's mount or a
    /// method of a class with a teardown method, and not closed with `.close()` in the cleanup,
    /// `componentWillUnmount` or the teardown.
    ///
    /// ## Why it matters
    /// Each AudioContext holds an audio thread and a hardware output stream. Browsers cap how
    /// many can be open (Chrome warns at 6); an unclosed context per mount soon makes audio fail
    /// for the whole page.
    ///
    /// ## Example
    /// ```tsx
    /// function Waveform({ data }: { data: ArrayBuffer }) {
    ///   useEffect(() => {
    ///     const ctx = new AudioContext();
    ///     ctx.decodeAudioData(data.slice(0)).then(drawPeaks);
    ///   }, [data]);
    ///   return <canvas />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Waveform({ data }: { data: ArrayBuffer }) {
    ///   useEffect(() => {
    ///     const ctx = new AudioContext();
    ///     ctx.decodeAudioData(data.slice(0)).then(drawPeaks);
    ///     return () => void ctx.close();
    ///   }, [data]);
    ///   return <canvas />;
    /// }
    /// ```
    pub static LL1006 = {
        name: "audio-context-not-closed",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "AudioContext in an effect, component or disposable object is never closed",
        aliases: &[],
    }
}

pub const TEXT: Text = Text {
    verb: "close",
    done: "closed",
    consequence: "it keeps an audio thread and output stream open, and browsers cap how many can exist",
    default_name: "ctx",
};
