//! Parsing shared by the front-ends: tree-sitter with a parser per thread and a deadline,
//! and iterative walks that never recurse over nodes.

pub mod flat;
pub mod treesitter;

use std::time::Duration;

/// Why a file yields no syntax tree to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Brackets nest deeper than the front-end can walk safely.
    TooDeep { depth: usize, limit: usize },
    /// Parsing did not finish within the deadline.
    Timeout(Duration),
    /// The parser gave up (it reports no further cause).
    Failed(String),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::TooDeep { depth, limit } => {
                write!(f, "brackets nest {depth} levels deep (the limit is {limit}); file not analysed")
            }
            ParseError::Timeout(after) => {
                write!(f, "parsing took longer than {} ms; file not analysed", after.as_millis())
            }
            ParseError::Failed(why) => write!(f, "could not parse: {why}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Bracket nesting beyond which the recursive lowering of a syntax tree is not attempted.
/// Real code stays far below it; generated or hostile input does not.
pub const MAX_NESTING: usize = 1_000;

/// Rejects text nested deeper than [`MAX_NESTING`], before any recursive walk sees it.
pub fn check_nesting(text: &str) -> Result<(), ParseError> {
    let depth = crate::source::max_bracket_depth(text);
    if depth > MAX_NESTING {
        return Err(ParseError::TooDeep { depth, limit: MAX_NESTING });
    }
    Ok(())
}

/// Reads `items` once, in order, one element per 64-byte cache line. Data made while a file was
/// parsed (its flat copy, its text) has left the caches by the time its analysis comes, and the
/// analysis reads it out of order (subtree jumps, names), where the processor cannot fetch
/// ahead; in a pass in order, it can. (Sampling the TypeScript set: the binding walk's stalls on
/// the copy fell to a quarter; reading the text too saved about 0.007 of the parse's CPU.)
/// `word` reads a small part of an item: the loads are folded into one value rather than each
/// copied out, so that many of them are in flight at once.
pub fn bring_into_cache<T>(items: &[T], word: impl Fn(&T) -> u32) {
    let per_line = (64 / std::mem::size_of::<T>().max(1)).max(1);
    let folded = items.iter().step_by(per_line).fold(0, |folded, item| folded ^ word(item));
    std::hint::black_box(folded);
}
