//! The flat copy deletes the tree it copies (`csrc/flatten.c`): every subtree it holds alone
//! is freed, a subtree shared with a clone outlives the copy, and two threads copying a tree
//! and its clone at once neither free what the other still reads nor leave anything behind.
//!
//! tree-sitter's allocations are counted here through its allocator hook, which is global to
//! the process: this file is a test binary of its own, with a single test.

use std::ffi::c_void;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use leaklint_rules::syntax::flat::{FlatTree, Keep};
use leaklint_rules::syntax::treesitter::{parse, Grammar};

/// tree-sitter's blocks allocated and not yet freed.
static LIVE: AtomicIsize = AtomicIsize::new(0);

extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn calloc(count: usize, size: usize) -> *mut c_void;
    fn realloc(pointer: *mut c_void, size: usize) -> *mut c_void;
    fn free(pointer: *mut c_void);
}

unsafe extern "C" fn counted_malloc(size: usize) -> *mut c_void {
    LIVE.fetch_add(1, Ordering::Relaxed);
    // SAFETY: the C library's malloc, called as tree-sitter would call it.
    unsafe { malloc(size) }
}

unsafe extern "C" fn counted_calloc(count: usize, size: usize) -> *mut c_void {
    LIVE.fetch_add(1, Ordering::Relaxed);
    // SAFETY: as above.
    unsafe { calloc(count, size) }
}

unsafe extern "C" fn counted_realloc(pointer: *mut c_void, size: usize) -> *mut c_void {
    if pointer.is_null() {
        LIVE.fetch_add(1, Ordering::Relaxed);
    }
    // SAFETY: as above; tree-sitter never reallocates to size zero.
    unsafe { realloc(pointer, size) }
}

unsafe extern "C" fn counted_free(pointer: *mut c_void) {
    if !pointer.is_null() {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
    // SAFETY: as above.
    unsafe { free(pointer) }
}

const SOURCE: &str = "import { useEffect } from 'react';
export function Panel({ url }: { url: string }) {
  useEffect(() => {
    const id = setInterval(() => fetch(`${url}/ping`), 1_000);
    const socket = new WebSocket(url.replace(/^http/, 'ws'));
    return () => { clearInterval(id); socket.close(); };
  }, [url]);
  return <div className=\"panel\">{url}</div>;
}
";

fn parsed(source: &str) -> tree_sitter::Tree {
    parse(Grammar::Tsx, source, Duration::from_secs(10)).expect("the source parses")
}

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

#[test]
fn the_copy_frees_what_it_holds_alone_and_only_that() {
    // SAFETY: set before this process's first tree-sitter call; the hooks pass every call on
    // to the C library, which is what tree-sitter uses without them.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: counted_malloc,
            calloc: counted_calloc,
            realloc: counted_realloc,
            free: counted_free,
        }))
    };
    let language = tree_sitter::Language::from(tree_sitter_typescript::LANGUAGE_TSX);
    // Types and templates kept as leaves, punctuation and argument lists left out.
    let pruning: Vec<Keep> = (0..language.node_kind_count() as u16)
        .map(|kind| match language.node_kind_for_id(kind) {
            Some("type_annotation" | "template_string") => Keep::Node,
            Some("(" | ")" | ";" | "arguments") => Keep::Nothing,
            _ => Keep::All,
        })
        .collect();
    // The thread's parser is made by the first parse, and kept.
    drop(FlatTree::new(parsed(SOURCE), Grammar::Tsx));
    let baseline = live();

    // A tree the copy holds alone, in full and pruned (what it leaves out goes through
    // tree-sitter's own release): nothing of it is left.
    for _ in 0..3 {
        drop(FlatTree::new(parsed(SOURCE), Grammar::Tsx));
        drop(FlatTree::pruned(parsed(SOURCE), Grammar::Tsx, SOURCE, &pruning));
        assert_eq!(live(), baseline, "a copied tree left blocks behind");
    }

    // A tree shared with a clone: the copy frees nothing the clone still uses.
    let tree = parsed(SOURCE);
    let with_tree = live();
    let copy = FlatTree::new(tree.clone(), Grammar::Tsx);
    assert_eq!(live(), with_tree, "the copy freed what the clone shares");
    assert_eq!(copy.root().descendants().len(), tree.root_node().descendant_count());
    drop(tree);
    assert_eq!(live(), baseline, "the clone left blocks behind");

    // A tree and its clone copied by two threads at once: each walks the shared subtrees
    // under its own reference, so neither frees what the other reads, and together they free
    // all of it. (A long source, so that the walks overlap: when a walk dropped its reference
    // to a shared subtree on entering it, the other could free it under the walk, and this
    // crashed every run.)
    let start = Arc::new(Barrier::new(2));
    let long = SOURCE.repeat(40);
    for _ in 0..300 {
        let tree = parsed(&long);
        let clone = tree.clone();
        let other_start = Arc::clone(&start);
        let other = std::thread::spawn(move || {
            other_start.wait();
            FlatTree::new(clone, Grammar::Tsx).root().descendants().len()
        });
        start.wait();
        let here = FlatTree::new(tree, Grammar::Tsx).root().descendants().len();
        assert_eq!(other.join().expect("the other copy"), here);
    }
    assert_eq!(live(), baseline, "copies made at once left blocks behind");
}
