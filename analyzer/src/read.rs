//! Reading a file's bytes into text, with every way that can fail turned into a [`FileProblem`].

use std::path::Path;
use std::sync::Arc;

use leaklint_rules::{Family, Language};

use crate::report::ProblemLevel;

/// The outcome of reading one file.
pub enum Loaded {
    Text { text: Arc<str>, warning: Option<String> },
    Skipped(ProblemLevel, String),
}

/// Why a FIFO, socket or device is left out.
pub const NOT_A_REGULAR_FILE: &str = "not a regular file (a FIFO, socket or device); not analysed";

/// Reads `path`, skipping files over `max_size` bytes, binary files and minified bundles.
pub fn load(path: &Path, max_size: u64) -> Loaded {
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Loaded::Skipped(ProblemLevel::Error, "is a directory, not a file".into())
        }
        // Reading a FIFO blocks until a writer comes; devices and sockets are no source either.
        Ok(meta) if !meta.is_file() => {
            return Loaded::Skipped(ProblemLevel::Skipped, NOT_A_REGULAR_FILE.into())
        }
        Ok(meta) => meta.len(),
        Err(e) => return Loaded::Skipped(ProblemLevel::Error, format!("cannot read: {e}")),
    };
    if size > max_size {
        return Loaded::Skipped(
            ProblemLevel::Skipped,
            format!("{size} bytes is over the size cap of {max_size} bytes (--max-file-size); not analysed"),
        );
    }
    match read_at_most(path, size, max_size) {
        Ok(bytes) => decode(path, bytes, max_size),
        Err(e) => Loaded::Skipped(ProblemLevel::Error, format!("cannot read: {e}")),
    }
}

/// The file's bytes, `size` of them expected: a file that grew past `max_size` since its size
/// was read stops one byte over, for `decode` to refuse. (`std::fs::read` would ask the file
/// system for the size a second time.)
fn read_at_most(path: &Path, size: u64, max_size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).map_or(0, |s| s.saturating_add(1)));
    file.take(max_size.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Turns the bytes of the file at `path` (read from disk, or from git's index) into text,
/// skipping them when over `max_size`, binary or minified.
pub fn decode(path: &Path, bytes: Vec<u8>, max_size: u64) -> Loaded {
    if bytes.len() as u64 > max_size {
        return Loaded::Skipped(
            ProblemLevel::Skipped,
            format!(
                "{} bytes is over the size cap of {max_size} bytes (--max-file-size); not analysed",
                bytes.len()
            ),
        );
    }
    if bytes.contains(&0) {
        return Loaded::Skipped(
            ProblemLevel::Skipped,
            "binary file (contains NUL bytes); not analysed".into(),
        );
    }
    let (text, warning) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (
                text,
                Some(format!("not valid UTF-8 (first bad byte at offset {at}); invalid bytes were replaced")),
            )
        }
    };
    if looks_minified(path, &text) {
        return Loaded::Skipped(ProblemLevel::Skipped, "minified bundle; not analysed".into());
    }
    Loaded::Text { text: text.into(), warning }
}

/// Minified bundles are generated, not written: findings there help no one and cost the most.
/// Only JavaScript and TypeScript are shipped minified; a long-lined C# or Rust file is analysed.
fn looks_minified(path: &Path, text: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".min.") || name.ends_with(".bundle.js") {
        return true;
    }
    if Language::from_path(path).is_none_or(|l| l.family() != Family::TypeScript) {
        return false;
    }
    // Counting lines reads the whole text: only for a text long enough to matter.
    text.len() > 4096 && text.len() / line_count(text).max(1) > 500
}

/// What `text.lines().count()` gives, with a vectorised search for the line feeds.
fn line_count(text: &str) -> usize {
    let feeds = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    feeds + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(loaded: Loaded) -> (ProblemLevel, String) {
        match loaded {
            Loaded::Skipped(level, message) => (level, message),
            Loaded::Text { text, .. } => panic!("read as text: {text:?}"),
        }
    }

    /// What a file deleted between discovery and reading looks like.
    #[test]
    fn a_vanished_file_is_an_error_of_its_own() {
        let dir = std::env::temp_dir().join(format!("leaklint-read-{}", std::process::id()));
        let (level, message) = skipped(load(&dir.join("deleted.ts"), 1024));
        assert_eq!(level, ProblemLevel::Error);
        assert!(message.starts_with("cannot read: "), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_skipped_without_being_opened() {
        let dir = std::env::temp_dir().join(format!("leaklint-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.ts");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(made, "mkfifo failed");
        // Opening the FIFO for reading would block this test forever: no writer ever comes.
        let (level, message) = skipped(load(&fifo, 1024));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!((level, message.as_str()), (ProblemLevel::Skipped, NOT_A_REGULAR_FILE));
    }

    #[test]
    fn minified_by_name_or_shape() {
        assert!(looks_minified(Path::new("vendor.min.js"), "x"));
        let long_line = "a".repeat(10_000);
        assert!(looks_minified(Path::new("app.js"), &long_line));
        let normal = "let x = 1;\n".repeat(1000);
        assert!(!looks_minified(Path::new("app.js"), &normal));
        assert!(!looks_minified(Path::new("Generated.cs"), &long_line));
        // One long line with its line feed is one line, as `str::lines` counts.
        assert!(looks_minified(Path::new("bundle.js"), &format!("{}\n", "a".repeat(5000))));
    }

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "a\n\nb"] {
            assert_eq!(line_count(text), text.lines().count(), "{text:?}");
        }
    }
}
