//! The two passes every file goes through: parse (with its index facts), then check.

use std::time::Duration;

use crate::syntax::ParseError;
use crate::{csharp, rust, typescript, Diagnostic, Family, Language, Settings};

/// How files are parsed.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Parsing a single file stops after this long (the file is then reported, not analysed).
    pub timeout: Duration,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions { timeout: Duration::from_secs(10) }
    }
}

/// A file's contribution to the project index. Small, serializable facts, never trees.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    pub csharp: csharp::Facts,
    pub rust: rust::Facts,
}

/// What the whole project knows: built once from every file's facts, read by every check.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    pub csharp: csharp::Index,
    pub rust: rust::Index,
}

impl ProjectIndex {
    /// Builds the index. Give the facts in a fixed order (by path) for deterministic results.
    pub fn build<'f>(facts: impl Iterator<Item = &'f FileFacts> + Clone) -> ProjectIndex {
        ProjectIndex {
            csharp: csharp::Index::build(facts.clone().map(|f| &f.csharp)),
            rust: rust::Index::build(facts.map(|f| &f.rust)),
        }
    }
}

enum Model {
    CSharp(csharp::Model),
    TypeScript(typescript::Model),
    Rust(rust::Model),
}

/// A parsed file, held between the index pass and the check pass.
pub struct ParsedFile {
    pub language: Language,
    pub facts: FileFacts,
    model: Model,
}

impl ParsedFile {
    /// Whether it holds a syntax tree (C#: a flat copy and an outline, about 13 bytes for each
    /// byte of text; TypeScript), rather than only what its front-end's walk found (Rust).
    pub fn holds_tree(&self) -> bool {
        !matches!(self.model, Model::Rust(_))
    }

    /// The byte offset of the first syntax error, when the parser recovered from some: the file
    /// was analysed as far as its tree allows.
    pub fn first_syntax_error(&self) -> Option<usize> {
        match &self.model {
            Model::CSharp(m) => csharp::first_syntax_error(m),
            Model::TypeScript(m) => typescript::first_syntax_error(m),
            Model::Rust(m) => rust::first_syntax_error(m),
        }
    }
}

/// Pass 1: parses `text` and gathers its index facts.
pub fn parse(language: Language, text: &str, options: &ParseOptions) -> Result<ParsedFile, ParseError> {
    let mut facts = FileFacts::default();
    let model = match language {
        Language::CSharp => {
            let (model, cs) = csharp::parse(text, options.timeout)?;
            facts.csharp = cs;
            Model::CSharp(model)
        }
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            Model::TypeScript(typescript::parse(language, text, options.timeout)?)
        }
        Language::Rust => {
            let (model, rs) = rust::parse(text, options.timeout)?;
            facts.rust = rs;
            Model::Rust(model)
        }
    };
    Ok(ParsedFile { language, facts, model })
}

/// Pass 2: runs every enabled rule on a parsed file. Diagnostics come sorted by position and code.
pub fn check(file: &ParsedFile, text: &str, index: &ProjectIndex, settings: &Settings) -> Vec<Diagnostic> {
    let diagnostics = match &file.model {
        Model::CSharp(m) => csharp::check(m, text, &index.csharp, settings),
        Model::TypeScript(m) => typescript::check(m, text, settings),
        Model::Rust(m) => rust::check(m, text, &index.rust, settings),
    };
    enabled_in_order(diagnostics, settings)
}

/// A file of a family whose rules need no other file's facts (TypeScript/JavaScript), reduced in
/// pass 1 to what its check reads, its tree gone: see [`prepare_alone`].
pub struct Prepared {
    facts: FileFacts,
    typescript: typescript::Prepared,
}

/// What a file's text alone tells its check, found before the parse: for TypeScript/JavaScript,
/// where it names what could start a finding (the pre-filter); nothing for the other languages.
/// The pipeline finds it as it reads the file, so that the pre-filter's tables and the parser's
/// do not take turns in the processor's caches.
pub struct Prefiltered(Option<typescript::Candidates>);

pub fn prefilter(language: Language, text: &str, settings: &Settings) -> Prefiltered {
    Prefiltered(
        (language.family() == Family::TypeScript).then(|| typescript::find_candidates(text, settings)),
    )
}

/// Readies a file to be checked at once, in pass 1, when its family's rules need no other file's
/// facts (TypeScript/JavaScript): the check's own copy of what it reads is made while the tree
/// is still in the processor's cache, and the tree is dropped then instead of being kept for
/// pass 2. The file itself back when it must wait for the project index.
pub fn prepare_alone(
    file: ParsedFile,
    text: &str,
    prefiltered: Prefiltered,
    settings: &Settings,
) -> Result<Prepared, Box<ParsedFile>> {
    match file.model {
        Model::TypeScript(m) => {
            let candidates = prefiltered.0.unwrap_or_else(|| typescript::find_candidates(text, settings));
            Ok(Prepared { facts: file.facts, typescript: typescript::prepare(m, text, candidates) })
        }
        model @ (Model::CSharp(_) | Model::Rust(_)) => Err(Box::new(ParsedFile { model, ..file })),
    }
}

/// Checks a prepared file: its facts and diagnostics.
pub fn check_prepared(prepared: Prepared, text: &str, settings: &Settings) -> (FileFacts, Vec<Diagnostic>) {
    let diagnostics = typescript::check_prepared(prepared.typescript, text, settings);
    (prepared.facts, enabled_in_order(diagnostics, settings))
}

/// The diagnostics of enabled rules, sorted by position and code, without repeats.
fn enabled_in_order(mut diagnostics: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    diagnostics.retain(|d| settings.is_enabled(d.code));
    diagnostics.sort_by(|a, b| (a.range, a.code, &a.message).cmp(&(b.range, b.code, &b.message)));
    diagnostics.dedup();
    diagnostics
}
