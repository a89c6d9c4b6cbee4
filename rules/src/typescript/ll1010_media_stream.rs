//! LL1010: a camera/microphone/screen stream whose tracks are never stopped.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A stream from `navigator.mediaDevices.getUserMedia` or `getDisplayMedia` (awaited, or
    /// received in `.then((stream) => ...)`) in an effect, a class component's mount or a method
    /// of a class with a teardown method, whose tracks are not stopped
    /// (`stream.getTracks().forEach((t) => t.stop())`) in the cleanup, `componentWillUnmount`
    /// or the teardown.
    ///
    /// ## Why it matters
    /// The camera light stays on and the microphone keeps recording after the component is gone;
    /// the device stays busy for other tabs and apps until the page is closed.
    ///
    /// ## Example
    /// ```tsx
    /// function Camera() {
    ///   const video = useRef<HTMLVideoElement>(null);
    ///   useEffect(() => {
    ///     navigator.mediaDevices.getUserMedia({ video: true }).then((stream) => {
    ///       video.current!.srcObject = stream;
    ///     });
    ///   }, []);
    ///   return <video ref={video} autoPlay />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Camera() {
    ///   const video = useRef<HTMLVideoElement>(null);
    ///   useEffect(() => {
    ///     let stream: MediaStream | undefined;
    ///     navigator.mediaDevices.getUserMedia({ video: true }).then((s) => {
    ///       stream = s;
    ///       video.current!.srcObject = s;
    ///     });
    ///     return () => stream?.getTracks().forEach((track) => track.stop());
    ///   }, []);
    ///   return <video ref={video} autoPlay />;
    /// }
    /// ```
    pub static LL1010 = {
        name: "media-stream-not-stopped",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "getUserMedia/getDisplayMedia stream whose tracks are never stopped",
        aliases: &[],
    }
}

pub const TEXT: Text = Text {
    verb: "stop",
    done: "stopped",
    consequence: "the camera or microphone stays on after the owner is gone",
    default_name: "stream",
};

/// Constructors and methods that use a stream without taking it over: stopping what they
/// return does not stop the stream's tracks, so passing a stream to them is no hand-over.
pub const BORROWERS: &[&str] = &["MediaRecorder", "ImageCapture", "createMediaStreamSource", "captureStream"];
