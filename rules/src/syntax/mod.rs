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
