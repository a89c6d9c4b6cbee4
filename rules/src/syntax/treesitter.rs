//! tree-sitter: one parser per grammar per thread, a parse deadline, and node helpers.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Node, Parser, Tree};

use super::ParseError;
use crate::source::TextRange;

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

/// The byte range of a node.
pub fn range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// The source text of a node (empty if the node's range is not in `text`).
pub fn text<'t>(node: Node, source: &'t str) -> &'t str {
    source.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

/// Up to this many children, [`each_named_child`] and [`children`] find each by its index.
pub const FEW_CHILDREN: usize = 16;

/// Calls `visit` with each named child of a node, in order. Finding the i-th child steps over
/// the i before it, but each step costs a fraction of a cursor's move to the next sibling (and
/// a cursor allocates): for the few children of most nodes that is cheaper; a long list (a
/// block, an initializer) takes the cursor, so that no node costs the square of its children.
#[inline]
pub fn each_named_child<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let count = node.named_child_count();
    if count <= FEW_CHILDREN {
        (0..count as u32).filter_map(|i| node.named_child(i)).for_each(visit);
    } else {
        let mut cursor = node.walk();
        node.named_children(&mut cursor).for_each(&mut visit);
    }
}

/// The named children of a node, collected (see [`each_named_child`]).
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut children = Vec::with_capacity(node.named_child_count());
    each_named_child(node, |child| children.push(child));
    children
}

/// All the children of a node, named and anonymous, collected as [`named_children`] are.
pub fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let count = node.child_count();
    if count as usize <= FEW_CHILDREN {
        return (0..count).filter_map(|i| node.child(i)).collect();
    }
    let mut cursor = node.walk();
    let children = node.children(&mut cursor).collect();
    children
}

/// All nodes below `root` (and `root` itself) in document order, walked with a cursor so that
/// depth costs no stack.
pub fn descendants(root: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    pruned_descendants(root, |_| false)
}

/// Like [`descendants`], but the nodes below `root` that `prune` accepts are visited without
/// entering them (a nested function's body, say, which is analysed on its own).
pub fn pruned_descendants<'t>(
    root: Node<'t>,
    prune: impl Fn(&Node<'t>) -> bool,
) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = root.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let node = cursor.node();
        let enter = node == root || !prune(&node);
        if enter && cursor.goto_first_child() {
            return Some(node);
        }
        loop {
            if cursor.node() == root {
                done = true;
                return Some(node);
            }
            if cursor.goto_next_sibling() {
                return Some(node);
            }
            if !cursor.goto_parent() {
                done = true;
                return Some(node);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_visit_every_node_once_in_order() {
        let source = "class A { void M() { var x = 1; } }";
        let tree = parse(Grammar::CSharp, source, Duration::from_secs(5)).unwrap();
        let kinds: Vec<_> = descendants(tree.root_node()).map(|n| n.kind()).collect();
        let count = kinds.len();
        let mut stack = vec![tree.root_node()];
        let mut expected = 0;
        while let Some(node) = stack.pop() {
            expected += 1;
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert_eq!(count, expected);
        assert_eq!(kinds[0], "compilation_unit");
        assert!(kinds.contains(&"variable_declarator"));
    }

    #[test]
    fn deep_nesting_parses_without_recursion() {
        let source = format!("const x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let tree = parse(Grammar::TypeScript, &source, Duration::from_secs(30)).unwrap();
        assert!(descendants(tree.root_node()).count() > 100_000);
    }
}
