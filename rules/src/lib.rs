//! leaklint's analysis core: language front-ends, the resource-lifetime engine, the rule
//! catalogue and the project index.
//!
//! This crate never touches the file system, the terminal or an output format: it takes text in
//! and gives [`Diagnostic`]s out. The `leaklint` crate drives it:
//!
//! 1. [`parse`] every file (in parallel, a parser per thread) into a [`ParsedFile`], which carries
//!    the file's contribution to the project index ([`FileFacts`]);
//! 2. [`ProjectIndex::build`] from all the facts;
//! 3. [`check`] every parsed file against the index.

pub mod catalogue;
pub mod diagnostic;
pub mod engine;
pub mod source;

pub use diagnostic::{Diagnostic, Related, Suppression};
pub use source::{Family, Language, LineIndex, Position, TextRange};
