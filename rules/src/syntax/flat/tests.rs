//! The flat copy against tree-sitter's public API, node by node: on every TypeScript, TSX and
//! JavaScript fixture, on the C# ones (another grammar's aliases and hidden rules), on sources
//! with syntax errors, and on the tree named by `LEAKLINT_FLAT_DIR` when it is set.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::syntax::treesitter::{self, Grammar};

/// Every visible node in document order, as tree-sitter's cursor visits them.
fn preorder(tree: &tree_sitter::Tree) -> Vec<tree_sitter::Node<'_>> {
    let mut nodes = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        nodes.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    nodes
}

/// Compares the copy of `source`'s tree with the tree itself; returns how many nodes it has.
fn compare(grammar: Grammar, source: &str, name: &str) -> usize {
    let tree = treesitter::parse(grammar, source, Duration::from_secs(30)).expect("parses");
    let flat = FlatTree::new(&tree, grammar);
    let nodes = preorder(&tree);
    assert_eq!(flat.len(), nodes.len(), "{name}: node count");
    let index: std::collections::HashMap<usize, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let field_count = tree.language().field_count() as u16;
    for (i, node) in nodes.iter().enumerate() {
        let copy = Node { tree: &flat, index: i as u32 };
        let at = || format!("{name}: node {i} ({} at {})", node.kind(), node.start_byte());
        assert_eq!(copy.kind_id(), node.kind_id(), "{} kind", at());
        assert_eq!(copy.is_named(), node.is_named(), "{} named", at());
        assert_eq!(copy.is_extra(), node.is_extra(), "{} extra", at());
        assert_eq!(copy.is_error(), node.is_error(), "{} error", at());
        assert_eq!(copy.is_missing(), node.is_missing(), "{} missing", at());
        assert_eq!(copy.byte_range(), node.byte_range(), "{} range", at());
        let parent = node.parent().map(|p| index[&p.id()]);
        assert_eq!(copy.parent().map(|p| p.id()), parent, "{} parent", at());
        let mut cursor = node.walk();
        let children: Vec<usize> = node.children(&mut cursor).map(|c| index[&c.id()]).collect();
        assert_eq!(copy.children().map(|c| c.id()).collect::<Vec<_>>(), children, "{} children", at());
        let named: Vec<usize> = node.named_children(&mut cursor).map(|c| index[&c.id()]).collect();
        assert_eq!(
            copy.named_children().map(|c| c.id()).collect::<Vec<_>>(),
            named,
            "{} named children",
            at()
        );
        for field in 1..=field_count {
            // Error recovery can leave a visible node where its parent's production expects
            // a hidden one; tree-sitter then answers with a grandchild. The copy's fields are
            // children.
            let expected = node.child_by_field_id(field).filter(|c| c.parent() == Some(*node));
            let expected = expected.map(|c| index[&c.id()]);
            assert_eq!(copy.child_by_field_id(field).map(|c| c.id()), expected, "{} field {field}", at());
        }
        let (start, end) = (node.start_byte(), node.end_byte());
        for (from, to) in [(start, start), (start, end), (end, end)] {
            let expected = tree.root_node().descendant_for_byte_range(from, to).map(|d| index[&d.id()]);
            let found = flat.root().descendant_for_byte_range(from, to).map(|d| d.id());
            assert_eq!(found, expected, "{} descendant for {from}..{to}", at());
        }
    }
    assert_eq!(flat.root().descendants().count(), nodes.len());
    nodes.len()
}

fn compare_tree(root: &Path) -> usize {
    let mut nodes = 0;
    for entry in walkdir(root) {
        let grammar = match entry.extension().and_then(|e| e.to_str()) {
            Some("ts" | "mts" | "cts") => Grammar::TypeScript,
            Some("tsx" | "js" | "jsx" | "mjs" | "cjs") => Grammar::Tsx,
            Some("cs") => Grammar::CSharp,
            _ => continue,
        };
        let Ok(source) = std::fs::read_to_string(&entry) else { continue };
        nodes += compare(grammar, &source, &entry.display().to_string());
    }
    nodes
}

fn walkdir(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn flat_matches_tree_sitter() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let nodes = compare_tree(&fixtures.join("typescript")) + compare_tree(&fixtures.join("csharp"));
    assert!(nodes > 40_000, "only {nodes} nodes compared");
    if let Some(dir) = std::env::var_os("LEAKLINT_FLAT_DIR") {
        compare_tree(Path::new(&dir));
    }
}

#[test]
fn flat_matches_tree_sitter_on_broken_sources() {
    let sources = [
        "const x = ;\nfunction f( { return 1 }\nclass { m() { this.a = } }",
        "<div>{items.map((i) => <span key={i}>{i}</span>)}</div",
        "export type * from './a'; let v: in out T;",
        "",
        "// only a comment",
    ];
    for (i, source) in sources.iter().enumerate() {
        compare(Grammar::Tsx, source, &format!("broken {i}"));
        compare(Grammar::TypeScript, source, &format!("broken {i}"));
    }
}

#[test]
fn deep_nesting_is_copied_without_recursion() {
    let source = format!("const x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let tree = treesitter::parse(Grammar::TypeScript, &source, Duration::from_secs(30)).unwrap();
    let flat = FlatTree::new(&tree, Grammar::TypeScript);
    assert_eq!(flat.len(), tree.root_node().descendant_count());
    let one = source.find('1').unwrap();
    let deepest = flat.root().descendants().find(|n| n.is_named() && n.byte_range() == (one..one + 1));
    let depth = std::iter::successors(deepest, Node::parent).count();
    assert!(depth > 100_000, "depth {depth}");
}

#[test]
fn pruned_descendants_skip_what_is_pruned() {
    let source = "function f() { const a = () => { inner(); }; outer(); }";
    let tree = treesitter::parse(Grammar::TypeScript, source, Duration::from_secs(5)).unwrap();
    let flat = FlatTree::new(&tree, Grammar::TypeScript);
    let arrow = tree.language().id_for_node_kind("arrow_function", true);
    let identifier = tree.language().id_for_node_kind("identifier", true);
    let names: Vec<&str> = flat
        .root()
        .pruned_descendants(move |n| n.kind_id() == arrow)
        .filter(|n| n.kind_id() == identifier)
        .map(|n| &source[n.byte_range()])
        .collect();
    assert_eq!(names, ["f", "a", "outer"]);
}
