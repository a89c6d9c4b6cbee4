//! Languages, text ranges and line/column arithmetic shared by every front-end and by the CLI.

use std::path::Path;

/// A source language leaklint understands, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    CSharp,
    TypeScript,
    Tsx,
    JavaScript,
    Rust,
}

/// The rule families: one per language group, as rules are declared and configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    #[serde(rename = "csharp")]
    CSharp,
    #[serde(rename = "typescript")]
    TypeScript,
    Rust,
    /// Rules about leaklint's own comments, whatever the language (`LL0001`).
    #[serde(skip_deserializing)]
    Meta,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::CSharp => "csharp",
            Family::TypeScript => "typescript",
            Family::Rust => "rust",
            Family::Meta => "meta",
        }
    }
}

impl Language {
    /// The language of a path by its extension, or `None` for files leaklint does not analyse.
    pub fn from_path(path: &Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "cs" => Language::CSharp,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "rs" => Language::Rust,
            _ => return None,
        })
    }

    /// Is the path a TypeScript declaration file (`types.d.ts`, `.d.mts`, `.d.cts`)? It holds
    /// types and signatures only (the compiler rejects any body there), so nothing in it can
    /// acquire or leak anything.
    pub fn is_declaration_file(path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        [".d.ts", ".d.mts", ".d.cts"].iter().any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
    }

    pub fn family(self) -> Family {
        match self {
            Language::CSharp => Family::CSharp,
            Language::TypeScript | Language::Tsx | Language::JavaScript => Family::TypeScript,
            Language::Rust => Family::Rust,
        }
    }

    /// The SARIF / editor language identifier.
    pub fn name(self) -> &'static str {
        match self {
            Language::CSharp => "csharp",
            Language::TypeScript => "typescript",
            Language::Tsx => "typescriptreact",
            Language::JavaScript => "javascript",
            Language::Rust => "rust",
        }
    }
}

/// A half-open byte range into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end: end.max(start) }
    }
}

/// A position as editors and SARIF count it: 1-based line, 1-based column in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, for turning byte offsets into positions and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts (the text's end for lines past it).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of 0-based `line`, without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(start) = self.line_start(line) else { return "" };
        let end = self.line_start(line + 1).unwrap_or(text.len());
        let start = start.min(text.len());
        text.get(start..end.min(text.len())).unwrap_or("").trim_end_matches(['\n', '\r'])
    }

    /// The editor position (UTF-16 columns) of a byte offset; offsets inside a character
    /// count as that character's start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map_or(0, |s| s.encode_utf16().count());
        Position { line: line + 1, column: column + 1 }
    }

    /// The byte offset of a 1-based line and 0-based column counted in characters, as
    /// proc-macro2 reports spans. Clamped to the text.
    pub fn offset_of_char_column(&self, text: &str, line: usize, char_column: usize) -> usize {
        let Some(start) = line.checked_sub(1).and_then(|l| self.line_start(l)) else {
            return text.len();
        };
        let rest = text.get(start..).unwrap_or("");
        let within = rest.char_indices().nth(char_column).map_or(rest.len(), |(i, _)| i);
        start + within
    }
}

/// The deepest nesting of brackets in `text`: a cheap check, made before parsing, that keeps
/// recursive tree walks within their stack on pathological input.
pub fn max_bracket_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\nx😀y = 1\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        let y = text.find('y').unwrap();
        assert_eq!(index.position(text, y), Position { line: 2, column: 4 });
        assert_eq!(index.line_text(text, 1), "x😀y = 1");
        assert_eq!(index.offset_of_char_column(text, 2, 2), y);
    }

    #[test]
    fn languages_by_extension() {
        assert_eq!(Language::from_path(Path::new("a/b.mts")), Some(Language::TypeScript));
        assert_eq!(Language::from_path(Path::new("x.jsx")), Some(Language::JavaScript));
        assert_eq!(Language::from_path(Path::new("x.md")), None);
    }

    #[test]
    fn declaration_files_are_told_from_sources() {
        for declaration in ["types.d.ts", "src/index.d.mts", "dist/cjs/index.d.cts"] {
            assert!(Language::is_declaration_file(Path::new(declaration)), "{declaration}");
        }
        for source in ["index.ts", "d.ts", ".d.ts", "load.ts", "build.d.tsx", "odd.ts", "x.d.js"] {
            assert!(!Language::is_declaration_file(Path::new(source)), "{source}");
        }
    }

    #[test]
    fn bracket_depth() {
        assert_eq!(max_bracket_depth("f(a[1], { b: (2) })"), 3);
        assert_eq!(max_bracket_depth(")))"), 0);
    }
}
