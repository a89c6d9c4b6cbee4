//! leaklint's analysis core: language front-ends, the resource-lifetime engine, the rule
//! catalogue and the project index.
//!
//! This crate never touches the file system, the terminal or an output format: it takes text in
//! and gives [`Diagnostic`]s out. The `leaklint` crate drives it:
//!
//! 1. [`parse`] every file (in parallel; each thread keeps its own parsers) into a
//!    [`ParsedFile`], which carries the file's contribution to the project index ([`FileFacts`]);
//! 2. [`ProjectIndex::build`] from all the facts;
//! 3. [`check`] every parsed file against the index.

mod analysis;
pub mod catalogue;
pub mod csharp;
pub mod diagnostic;
pub mod engine;
pub mod meta;
pub mod rust;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod typescript;

pub use analysis::{
    check, check_prepared, parse, prefilter, prepare_alone, FileFacts, ParseOptions, ParsedFile, Prefiltered,
    Prepared, ProjectIndex,
};
pub use catalogue::{Precision, Rule, Severity, RULES};
pub use diagnostic::{Diagnostic, Related, Suppression};
pub use settings::{ResourceKindSpec, Settings};
pub use source::{Family, Language, LineIndex, Position, TextRange};
pub use syntax::ParseError;

/// Stack size for threads that parse and check: generous, because syn and the tree lowering
/// recurse with the nesting of the code (bounded by [`syntax::MAX_NESTING`]).
pub const WORKER_STACK_SIZE: usize = 64 * 1024 * 1024;
