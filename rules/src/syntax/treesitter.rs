//! tree-sitter: one parser per grammar per thread, a parse deadline, and where a tree's first
//! syntax error is.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Node, Parser, Tree};

use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    CSharp,
    TypeScript,
    Tsx,
    Rust,
}

impl Grammar {
    const ALL: usize = 4;

    fn slot(self) -> usize {
        self as usize
    }

    fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::Rust => tree_sitter_rust::LANGUAGE.into(),
        }
    }
}

thread_local! {
    static PARSERS: RefCell<[Option<Parser>; Grammar::ALL]> = const { RefCell::new([None, None, None, None]) };
}

/// Parses `text` with this thread's parser for `grammar`, giving up after `timeout`.
pub fn parse(grammar: Grammar, text: &str, timeout: Duration) -> Result<Tree, ParseError> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[grammar.slot()];
        let parser = match slot {
            Some(parser) => parser,
            None => {
                let mut parser = Parser::new();
                parser.set_language(&grammar.language()).map_err(|e| ParseError::Failed(e.to_string()))?;
                slot.insert(parser)
            }
        };
        // A timeout too long to add to the clock is none.
        let deadline = Instant::now().checked_add(timeout);
        let mut timed_out = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                timed_out = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
            None,
            Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
        );
        match tree {
            Some(tree) => Ok(tree),
            None => {
                // A cancelled parse leaves state behind that the next parse must not inherit.
                parser.reset();
                Err(if timed_out {
                    ParseError::Timeout(timeout)
                } else {
                    ParseError::Failed("the parser returned no tree".into())
                })
            }
        }
    })
}

/// The byte offset of the first syntax error in a tree, in document order; `None` for a tree
/// without errors. The innermost node that holds it: an `ERROR` node around a small stretch
/// of tokens, or a token the parser had to assume (`MISSING`). Recovery can wrap a whole file
/// in an `ERROR` too, so an error node's own errors come first. Only the subtrees that hold an
/// error are entered.
pub fn first_error(root: Node) -> Option<usize> {
    if !root.has_error() {
        return None;
    }
    let mut node = root;
    loop {
        let mut cursor = node.walk();
        let next = node.children(&mut cursor).find(|child| child.has_error());
        match next {
            Some(child) => node = child,
            None => return Some(node.start_byte()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_parses_without_recursion() {
        let source = format!("const x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let tree = parse(Grammar::TypeScript, &source, Duration::from_secs(30)).unwrap();
        assert!(tree.root_node().descendant_count() > 100_000);
    }
}
