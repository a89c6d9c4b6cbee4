//! The flat copy against tree-sitter's public API, node by node: on every TypeScript, TSX and
//! JavaScript fixture, on the C# ones (another grammar's aliases and hidden rules), on sources
//! with syntax errors, and on the tree named by `LEAKLINT_FLAT_DIR` when it is set.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::syntax::treesitter::{self, Grammar};

/// Every visible node in document order, as tree-sitter's cursor visits them, with the field
/// the cursor says it fills (0 for none).
fn preorder(tree: &tree_sitter::Tree) -> Vec<(tree_sitter::Node<'_>, u16)> {
    let mut nodes = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        nodes.push((cursor.node(), cursor.field_id().map_or(0, |f| f.get())));
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
    let parse = || treesitter::parse(grammar, source, Duration::from_secs(30)).expect("parses");
    let tree = parse();
    // The copy of a tree that a clone shares (the walk frees nothing), and of one it owns
    // (freed as it is copied), first with too little room for it.
    let flat = FlatTree::new(tree.clone(), grammar);
    let owned = FlatTree::copy_into(Vec::with_capacity(1), parse(), grammar, "", &[]);
    assert!(owned.entries == flat.entries, "{name}: the copy of an owned tree differs");
    let nodes = preorder(&tree);
    assert_eq!(flat.root().descendants().count(), nodes.len(), "{name}: node count");
    let index: std::collections::HashMap<usize, usize> =
        nodes.iter().enumerate().map(|(i, (n, _))| (n.id(), i)).collect();
    let field_count = tree.language().field_count() as u16;
    for (i, (node, field)) in nodes.iter().enumerate() {
        let copy = Node { tree: &flat, index: i as u32 };
        let at = || format!("{name}: node {i} ({} at {})", node.kind(), node.start_byte());
        assert_eq!(copy.kind_id(), node.kind_id(), "{} kind", at());
        assert_eq!(copy.is_named(), node.is_named(), "{} named", at());
        assert_eq!(copy.byte_range(), node.byte_range(), "{} range", at());
        assert_eq!(copy.descendants().count(), node.descendant_count(), "{} subtree", at());
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
        assert_eq!(copy.field_id(), *field, "{} field", at());
        assert_eq!(flat.root().descendant(i).map(|d| d.id()), Some(i), "{} descendant", at());
        let sibling = node.prev_named_sibling().map(|s| index[&s.id()]);
        assert_eq!(copy.prev_named_sibling().map(|s| s.id()), sibling, "{} previous named sibling", at());
        if node.start_byte() < node.end_byte() {
            let holds = |n: &Node| n.start_byte() <= node.start_byte() && node.start_byte() < n.end_byte();
            let found = flat.root().node_at(node.start_byte());
            assert!(holds(&found) && !found.children().any(|c| holds(&c)), "{} node_at", at());
            assert!(std::iter::successors(Some(found), Node::parent).any(|a| a == copy), "{} node_at", at());
        }
        for field in 1..=field_count {
            // Where `child_by_field_id` answers with a child, the copy agrees. It can also
            // answer with a grandchild (error recovery that leaves a visible node where the
            // production expects a hidden one) or with nothing where the cursor names a
            // field (the outer member of `typeof A.b.c` in a type); the copy follows the
            // cursor, checked above.
            let expected = node.child_by_field_id(field).filter(|c| c.parent() == Some(*node));
            if let Some(expected) = expected {
                let found = copy.child_by_field_id(field).map(|c| c.id());
                assert_eq!(found, Some(index[&expected.id()]), "{} field {field}", at());
            }
            // Every child in the field, as the cursor names them.
            let mut cursor = node.walk();
            let listed: Vec<usize> = node
                .children_by_field_id(
                    std::num::NonZeroU16::new(field).expect("fields count from 1"),
                    &mut cursor,
                )
                .map(|c| index[&c.id()])
                .collect();
            let copied: Vec<usize> = copy.children_by_field_id(field).map(|c| c.id()).collect();
            assert_eq!(copied, listed, "{} children in field {field}", at());
        }
        assert_eq!(copy.children_by_field_id(0).count(), 0, "{} no field", at());
    }
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
        "interface R { cold: typeof A.prototype.c; }",
    ];
    for (i, source) in sources.iter().enumerate() {
        compare(Grammar::Tsx, source, &format!("broken {i}"));
        compare(Grammar::TypeScript, source, &format!("broken {i}"));
    }
    let csharp = [
        "class A { void M() { using (var s = new FileStream(p, FileMode.Open) { s.Read(); } }",
        "class B { Stream s = new MemoryStream(; void Dispose() { s. } }",
        "namespace N { class C : IDisposable { public void Dispose() { } ",
    ];
    for (i, source) in csharp.iter().enumerate() {
        compare(Grammar::CSharp, source, &format!("broken C# {i}"));
    }
}

#[test]
fn deep_nesting_is_copied_without_recursion() {
    let source = format!("const x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let tree = treesitter::parse(Grammar::TypeScript, &source, Duration::from_secs(30)).unwrap();
    let count = tree.root_node().descendant_count();
    let flat = FlatTree::new(tree, Grammar::TypeScript);
    assert_eq!(flat.root().descendants().count(), count);
    let one = source.find('1').unwrap();
    let deepest = flat.root().descendants().find(|n| n.is_named() && n.byte_range() == (one..one + 1));
    let depth = std::iter::successors(deepest, Node::parent).count();
    assert!(depth > 100_000, "depth {depth}");
}

/// The full copy with the nodes `keep` leaves out taken out: those of kinds kept as nothing,
/// with their subtrees, and what is inside those kept as a leaf (when their text has no `/`).
fn full_copy_pruned<'t>(full: &'t FlatTree, source: &str, keep: &[Keep]) -> Vec<Node<'t>> {
    let mut kept = Vec::new();
    let mut skip_to = 0;
    for node in full.root().descendants() {
        if node.id() < skip_to {
            continue;
        }
        let past_subtree = node.descendants().last().map_or(0, |n| n.id() + 1);
        match keep[usize::from(node.kind_id())] {
            Keep::Nothing => skip_to = past_subtree,
            Keep::Node if !node.text(source).contains('/') => {
                kept.push(node);
                skip_to = past_subtree;
            }
            Keep::Node | Keep::All => kept.push(node),
        }
    }
    kept
}

#[test]
fn a_pruned_copy_leaves_out_what_it_is_told_to() {
    let grammar = Grammar::TypeScript;
    let language = tree_sitter::Language::from(tree_sitter_typescript::LANGUAGE_TYPESCRIPT);
    let kind_name = |node: Node| language.node_kind_for_id(node.kind_id());
    let keep: Vec<Keep> = (0..language.node_kind_count() as u16)
        .map(|kind| match (language.node_kind_for_id(kind), language.node_kind_is_named(kind)) {
            (Some("type_annotation" | "interface_declaration" | "string"), true) => Keep::Node,
            // Tokens, and a named kind with children.
            (Some("(" | ")" | ";" | "=" | "{"), false) | (Some("arguments"), true) => Keep::Nothing,
            _ => Keep::All,
        })
        .collect();
    let source = "interface Plain { a: number; b: Map<string, number> }\n\
                  interface Commented { // eslint-disable-next-line no-x\n  c: string }\n\
                  const url: string = 'https://example.com/a', name = 'plain';\n\
                  function f(x: Array<{ y: number }>): void { g(x, 'k'); }";
    let tree = treesitter::parse(grammar, source, Duration::from_secs(5)).expect("parses");
    let full = FlatTree::new(tree.clone(), grammar);
    let pruned = FlatTree::pruned(tree, grammar, source, &keep);
    let expected = full_copy_pruned(&full, source, &keep);
    let position: std::collections::HashMap<usize, usize> =
        expected.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    assert!(expected.len() < full.root().descendants().count(), "nothing was left out");
    assert_eq!(pruned.root().descendants().count(), expected.len());
    for (copy, node) in pruned.root().descendants().zip(&expected) {
        let at = format!("{} at {}", node.kind_id(), node.start_byte());
        assert_eq!(
            (copy.kind_id(), copy.byte_range(), copy.field_id()),
            (node.kind_id(), node.byte_range(), node.field_id()),
            "{at}"
        );
        assert_eq!(copy.is_named(), node.is_named(), "{at}");
        assert_eq!(copy.parent().map(|p| p.id()), node.parent().map(|p| position[&p.id()]), "{at} parent");
        let subtree =
            expected.iter().filter(|n| std::iter::successors(Some(**n), Node::parent).any(|a| a == *node));
        assert_eq!(copy.descendants().count(), subtree.count(), "{at} subtree");
    }
    // The comment inside the interface that holds a `/` is still there to be found.
    let comment = source.find("// eslint").expect("comment");
    assert_eq!(kind_name(pruned.root().node_at(comment)), Some("comment"));
    // A string without a `/` is a leaf; the URL keeps its fragment.
    let leaf = source.find("'plain'").expect("string");
    assert_eq!(pruned.root().node_at(leaf + 1).byte_range(), leaf..leaf + 7);
    let url = source.find("https").expect("url");
    assert_eq!(kind_name(pruned.root().node_at(url)), Some("string_fragment"));
    // The call's arguments are gone, its callee stays; the function's body keeps its range.
    let call = pruned.root().descendants().find(|n| kind_name(*n) == Some("call_expression")).expect("call");
    let children: Vec<_> = call.children().map(|c| (kind_name(c), c.text(source))).collect();
    assert_eq!(children, [(Some("identifier"), "g")]);
    let body = source.find("{ g(").expect("body");
    assert_eq!(pruned.root().node_at(body).byte_range(), body..source.len());
}

#[test]
fn spare_arrays_are_kept_within_their_budget() {
    let grammar = Grammar::TypeScript;
    let source = "const a = f(1, 2);";
    let tree = treesitter::parse(grammar, source, Duration::from_secs(5)).expect("parses");
    let kept = || SPARES.with_borrow(|s| (s.arrays.len(), s.entries));
    let before = kept();
    let copies: Vec<FlatTree> = (0..3).map(|_| FlatTree::new(tree.clone(), grammar)).collect();
    drop(copies);
    let (arrays, entries) = kept();
    assert!(arrays >= before.0.max(3), "dropped copies' arrays are kept: {arrays}");
    assert!(entries <= SPARE_ENTRIES);
    assert_eq!(entries, SPARES.with_borrow(|s| s.arrays.iter().map(Vec::capacity).sum::<usize>()));
    // A copy dropped soon takes a kept array rather than a new one; one that may be held
    // gets its own, of its size.
    let held = FlatTree::new(tree.clone(), grammar);
    assert_eq!(kept().0, arrays);
    assert_eq!(held.entries.capacity(), tree.root_node().descendant_count());
    let copy = FlatTree::pruned(tree, grammar, source, &[]);
    assert_eq!(kept().0, arrays - 1);
    drop(copy);
}
