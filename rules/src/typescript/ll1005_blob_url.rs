//! LL1005: a Blob URL that is never revoked.

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `URL.createObjectURL(blob)` (also `window.URL`, `webkitURL`) in any scope, whose URL is
    /// not given to `URL.revokeObjectURL` on every path: not in the same function, not in the
    /// effect's cleanup, and, when it is stored in state, a ref or a field, nowhere in the file.
    /// A URL revoked only after an `await` that can reject leaks on the error path. A URL that
    /// is returned is the caller's to revoke and is not reported.
    ///
    /// ## Why it matters
    /// The browser keeps the whole Blob (an image, a video, a file the user picked) in memory
    /// for as long as the URL exists, which is until the document unloads. Previews created on
    /// every change or every render add up to hundreds of megabytes.
    ///
    /// ## Example
    /// ```tsx
    /// function Preview({ file }: { file: File }) {
    ///   const [src, setSrc] = useState<string>();
    ///   useEffect(() => {
    ///     setSrc(URL.createObjectURL(file));
    ///   }, [file]);
    ///   return <img src={src} alt={file.name} />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Preview({ file }: { file: File }) {
    ///   const [src, setSrc] = useState<string>();
    ///   useEffect(() => {
    ///     const url = URL.createObjectURL(file);
    ///     setSrc(url);
    ///     return () => URL.revokeObjectURL(url);
    ///   }, [file]);
    ///   return <img src={src} alt={file.name} />;
    /// }
    /// ```
    pub static LL1005 = {
        name: "blob-url-not-revoked",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "URL.createObjectURL without a matching URL.revokeObjectURL",
        aliases: &[],
    }
}

pub const TEXT: Text = Text {
    verb: "revoke",
    done: "revoked",
    consequence: "the browser keeps the whole Blob in memory until the page unloads",
    default_name: "url",
};
