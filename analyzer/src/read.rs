//! Reading a file's bytes into text, with every way that can fail turned into a [`FileProblem`].

use std::path::Path;

use leaklint_rules::{Family, Language};

use crate::report::ProblemLevel;

/// The outcome of reading one file.
pub enum Loaded {
    Text { text: String, warning: Option<String> },
    Skipped(ProblemLevel, String),
}

/// Why a FIFO, socket or device is left out.
pub const NOT_A_REGULAR_FILE: &str = "not a regular file (a FIFO, socket or device); not analysed";

/// Reads `path`, skipping files over `max_size` bytes, binary files and minified bundles.
pub fn load(path: &Path, max_size: u64) -> Loaded {
    const IS_A_DIRECTORY: &str = "is a directory, not a file";
    // Opened first and asked about through the open file: the path is looked up once.
    let file = match open_for_reading(path) {
        Ok(file) => file,
        // Windows refuses to open a folder: say what it is.
        Err(_) if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) => {
            return Loaded::Skipped(ProblemLevel::Error, IS_A_DIRECTORY.into())
        }
        Err(e) => return Loaded::Skipped(ProblemLevel::Error, format!("cannot read: {e}")),
    };
    let size = match file.metadata() {
        Ok(meta) if meta.is_dir() => return Loaded::Skipped(ProblemLevel::Error, IS_A_DIRECTORY.into()),
        // A FIFO would wait for a writer; devices and sockets are no source either.
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
    match read_sized(file, size, max_size) {
        Ok(bytes) => decode(path, bytes, max_size),
        Err(e) => Loaded::Skipped(ProblemLevel::Error, format!("cannot read: {e}")),
    }
}

/// Opens a file for reading; on Unix without blocking, since opening a FIFO for reading
/// waits for a writer, and what was found a file may have been replaced by one.
fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// The file's bytes, `size` of them as its metadata says: the file as it was then, in one
/// read where a read takes it all (asking for more would cost a second read, to see the
/// end). A file that says it is empty may not be (some file systems do not know the size):
/// it is read to its end, up to one byte over `max_size` for [`decode`] to refuse.
fn read_sized(file: std::fs::File, size: u64, max_size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = if size == 0 { max_size.saturating_add(1) } else { size };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit).read_to_end(&mut bytes)?;
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
    Loaded::Text { text, warning }
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

    #[test]
    fn files_are_read_whole_and_folders_are_errors() {
        let dir = std::env::temp_dir().join(format!("leaklint-read-whole-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in
            [("empty.ts", String::new()), ("one.ts", "x".into()), ("big.ts", "let a = 1;\n".repeat(20_000))]
        {
            let path = dir.join(name);
            std::fs::write(&path, &text).unwrap();
            match load(&path, 1 << 20) {
                Loaded::Text { text: read, warning: None } => assert_eq!(*read, *text, "{name}"),
                Loaded::Text { warning, .. } => panic!("{name}: {warning:?}"),
                Loaded::Skipped(_, message) => panic!("{name}: {message}"),
            }
        }
        let (level, message) = skipped(load(&dir.join("big.ts"), 1000));
        assert_eq!(level, ProblemLevel::Skipped);
        assert!(message.starts_with("220000 bytes is over the size cap of 1000 bytes"), "{message}");
        assert_eq!(skipped(load(&dir, 1024)), (ProblemLevel::Error, "is a directory, not a file".into()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_skipped_without_waiting_for_a_writer() {
        let dir = std::env::temp_dir().join(format!("leaklint-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.ts");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(made, "mkfifo failed");
        // A blocking open of the FIFO for reading would hang this test: no writer ever comes.
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
