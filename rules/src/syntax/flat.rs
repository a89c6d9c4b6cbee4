//! A flat copy of a tree-sitter tree: its visible nodes in document order, each with its kind,
//! byte range, parent, field and the extent of its subtree.
//!
//! tree-sitter's public API finds a node's i-th child by stepping over the ones before it,
//! looks a field up by scanning the children again, and finds a parent by walking down from
//! the root; its cursor does bookkeeping on every move. A front-end that asks many questions
//! of every node (the TypeScript one: bindings, census, lowering, reports) spends more there
//! than in its own logic. The copy also takes a fraction of the tree's memory (20 bytes per
//! visible node), which counts where trees are held between passes (C#). The copy is made in
//! one pass by `csrc/flatten.c`, which reads the tree's own structures; after it, a child, a
//! field, a parent or a subtree is an index away.
//! `flat_matches_tree_sitter` (in `flat/tests.rs`) checks, node by node, that the copy says
//! what the public API says.

use std::cell::RefCell;
use std::ffi::c_void;
use std::fmt;
use std::ops::Range;

use super::treesitter::Grammar;
use crate::source::TextRange;

/// One node, as `csrc/flatten.c` writes it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    start_byte: u32,
    end_byte: u32,
    parent: u32,
    /// The index just past the node's last descendant: its subtree is `index..end`.
    end: u32,
    kind: u16,
    /// The id of the field the node fills (0 for none), and [`NAMED`].
    field: u16,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 20, "Entry must match flatten.c");

/// The top bit of an entry's `field`: the node is named (field ids are far below it).
const NAMED: u16 = 0x8000;
const NONE: u32 = u32::MAX;

/// What a pruned copy ([`FlatTree::pruned`]) keeps of the nodes of a kind. Must match `Keep`
/// in `csrc/flatten.c`.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The node and everything below it.
    All,
    /// The node, as a leaf: what is inside it is left out (and never visited), unless its
    /// text holds a `/`, which may start a comment (a suppression that [`Node::node_at`] must
    /// find).
    Node,
    /// Nothing: the node is not in the copy, nor anything below it. Its siblings and parent
    /// keep their byte ranges, but the nodes after it move up in the array, a field it filled
    /// is empty, and [`Node::node_at`] over it finds its parent. Unlike [`Keep::Node`], it
    /// keeps no comment: meant for tokens, which hold none.
    Nothing,
}

/// Must match `LeaklintOpaque` in `csrc/flatten.c`.
#[repr(C)]
struct Opaque {
    keep: *const Keep,
    kind_count: u32,
    text: *const u8,
    text_length: u32,
}

extern "C" {
    fn leaklint_flatten(
        tree: *mut tree_sitter::ffi::TSTree,
        opaque: *const Opaque,
        out: *mut Entry,
        capacity: u32,
        grow: unsafe extern "C" fn(*mut c_void, u32, *mut u32) -> *mut Entry,
        context: *mut c_void,
    ) -> u32;
}

/// Gives the C side more room in the `Vec<Entry>` at `context`: the `written` entries are
/// kept, and the capacity at least doubles.
///
/// # Safety
/// `context` points at the vector the copy writes into, whose first `written` entries the C
/// side has written, and `capacity` is writable.
unsafe extern "C" fn grow(context: *mut c_void, written: u32, capacity: *mut u32) -> *mut Entry {
    // SAFETY: as the caller promises.
    let entries = unsafe { &mut *context.cast::<Vec<Entry>>() };
    // SAFETY: those entries are written.
    unsafe { entries.set_len(written as usize) };
    entries.reserve(entries.capacity().max(64));
    // SAFETY: as the caller promises.
    unsafe { *capacity = u32::try_from(entries.capacity()).unwrap_or(u32::MAX) };
    entries.as_mut_ptr()
}

/// The visible nodes of a parsed file, in document order (a node's subtree follows it).
pub struct FlatTree {
    entries: Vec<Entry>,
    grammar: Grammar,
}

thread_local! {
    /// The arrays of dropped copies, for the thread's next files. A fresh array would be new
    /// memory, which the allocator takes from the system and the kernel clears page by page
    /// (the copy's first writes were most of a check's page faults); a group of files holds
    /// many copies at once, so one spare array is not enough.
    static SPARES: RefCell<Spares> = const { RefCell::new(Spares { arrays: Vec::new(), entries: 0 }) };
}

/// Dropped copies' arrays, and how many entries they have room for in all.
struct Spares {
    arrays: Vec<Vec<Entry>>,
    entries: usize,
}

impl Spares {
    /// The array kept last, or a new one. (Searching the kept arrays for one with room cost
    /// more than the few it saved from growing.)
    fn take(&mut self) -> Vec<Entry> {
        let array = self.arrays.pop().unwrap_or_default();
        self.entries -= array.capacity();
        array
    }
}

/// At most this many entries (20 bytes each, 10 MiB) are kept for reuse per thread: more than
/// the copies of a group of about 512 KiB of source hold.
const SPARE_ENTRIES: usize = 1 << 19;

impl FlatTree {
    /// The copy of every visible node, in an array of its own size: such a copy may be held
    /// for long (a C# file's, until pass 2), where a dropped copy's array, which can be far
    /// larger, would be held with it. The tree is freed as it is copied (see
    /// `csrc/flatten.c`): deleting it after would be a second walk over all of it. What it
    /// shares with a clone (`Tree::clone`), which another thread may be copying too, is
    /// walked under the tree's own reference and left to the clone once walked.
    pub fn new(tree: tree_sitter::Tree, grammar: Grammar) -> FlatTree {
        let room = tree.root_node().descendant_count().max(1);
        FlatTree::copy_into(Vec::with_capacity(room), tree, grammar, "", &[])
    }

    /// The copy of what `keep` (indexed by kind id; kinds past its end are kept whole) says
    /// to keep of each node, for a copy dropped soon (a TypeScript file's, once checked): its
    /// array is the one a dropped copy left on this thread, if that has room. The walk never
    /// visits the subtrees left out: a front-end that never reads inside types or literals,
    /// nor punctuation, saves their copy.
    pub fn pruned(tree: tree_sitter::Tree, grammar: Grammar, text: &str, keep: &[Keep]) -> FlatTree {
        // The root's count of visible descendants is what a full copy usually needs, and a
        // pruned one less; `grow` gives more if the count falls short.
        let room = tree.root_node().descendant_count().max(1);
        let mut entries = SPARES.with_borrow_mut(Spares::take);
        if entries.capacity() < room {
            // Growing the kept array would copy its stale entries: a new one copies nothing.
            entries = Vec::with_capacity(room);
        }
        FlatTree::copy_into(entries, tree, grammar, text, keep)
    }

    /// Copies the tree into `entries` (emptied first), which grows if it has too little room.
    fn copy_into(
        mut entries: Vec<Entry>,
        tree: tree_sitter::Tree,
        grammar: Grammar,
        text: &str,
        keep: &[Keep],
    ) -> FlatTree {
        entries.clear();
        let opaque = Opaque {
            keep: keep.as_ptr(),
            kind_count: u32::try_from(keep.len()).unwrap_or(u32::MAX),
            text: text.as_ptr(),
            text_length: u32::try_from(text.len()).unwrap_or(u32::MAX),
        };
        let capacity = u32::try_from(entries.capacity()).unwrap_or(u32::MAX);
        let out = entries.as_mut_ptr();
        let context = std::ptr::from_mut(&mut entries).cast::<c_void>();
        // SAFETY: the tree is handed over to the walk, which deletes it; `opaque` points at
        // slices alive for the call, with their lengths (lengths past u32::MAX are capped,
        // which only shortens what the C side reads; a `Keep` is the byte it reads); `out` is
        // the buffer of the vector at `context`, which nothing but `grow` touches during the
        // call; the C side writes within the capacity it is given, the vector's and then what
        // `grow` reports, and returns how many entries it wrote.
        let count = unsafe { leaklint_flatten(tree.into_raw(), &opaque, out, capacity, grow, context) };
        // SAFETY: the first `count` entries were written.
        unsafe { entries.set_len(count as usize) };
        FlatTree { entries, grammar }
    }

    pub fn root(&self) -> Node<'_> {
        Node { tree: self, index: 0 }
    }

    /// Reads the copy once, in order (see [`super::bring_into_cache`]).
    pub fn bring_into_cache(&self) {
        super::bring_into_cache(&self.entries, |entry| entry.start_byte);
    }
}

impl Drop for FlatTree {
    fn drop(&mut self) {
        let array = std::mem::take(&mut self.entries);
        SPARES.with_borrow_mut(|spares| {
            if spares.entries + array.capacity() <= SPARE_ENTRIES {
                spares.entries += array.capacity();
                spares.arrays.push(array);
            }
        });
    }
}

/// A node of a [`FlatTree`]: the tree and an index, cheap to copy and compare.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t FlatTree,
    index: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && std::ptr::eq(self.tree, other.tree)
    }
}

impl Eq for Node<'_> {}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({} {}..{})", self.kind_id(), self.start_byte(), self.end_byte())
    }
}

impl<'t> Node<'t> {
    fn entry(&self) -> &'t Entry {
        &self.tree.entries[self.index as usize]
    }

    fn at(&self, index: u32) -> Node<'t> {
        Node { tree: self.tree, index }
    }

    /// Unique within the tree: the node's position in document order.
    pub fn id(&self) -> usize {
        self.index as usize
    }

    pub fn grammar(&self) -> Grammar {
        self.tree.grammar
    }

    /// The kind's id in the grammar, after aliases (as `tree_sitter::Node::kind_id`).
    pub fn kind_id(&self) -> u16 {
        self.entry().kind
    }

    /// The id of the field this node fills in its parent (0 for none).
    pub fn field_id(&self) -> u16 {
        self.entry().field & !NAMED
    }

    pub fn is_named(&self) -> bool {
        self.entry().field & NAMED != 0
    }

    pub fn start_byte(&self) -> usize {
        self.entry().start_byte as usize
    }

    pub fn end_byte(&self) -> usize {
        self.entry().end_byte as usize
    }

    pub fn byte_range(&self) -> Range<usize> {
        self.start_byte()..self.end_byte()
    }

    /// The node's source text (empty if its range is not in `source`).
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.byte_range()).unwrap_or("")
    }

    pub fn parent(&self) -> Option<Node<'t>> {
        let parent = self.entry().parent;
        (parent != NONE).then(|| self.at(parent))
    }

    /// Every child, named or not, in order.
    pub fn children(&self) -> Children<'t> {
        let end = self.entry().end;
        Children { tree: self.tree, next: self.index + 1, end }
    }

    /// The named children, in order.
    pub fn named_children(&self) -> impl Iterator<Item = Node<'t>> + Clone + 't {
        self.children().filter(Node::is_named)
    }

    pub fn child(&self, i: usize) -> Option<Node<'t>> {
        self.children().nth(i)
    }

    pub fn named_child(&self, i: usize) -> Option<Node<'t>> {
        self.named_children().nth(i)
    }

    /// The first child in the field, the field of each child being the one tree-sitter's
    /// cursor names. `tree_sitter::Node::child_by_field_id` agrees wherever it answers with a
    /// child; it can also answer with a grandchild (error recovery that leaves a visible node
    /// where the production expects a hidden one), or with nothing where the cursor names a
    /// field (the outer member of `typeof A.b.c` in a type).
    pub fn child_by_field_id(&self, field: u16) -> Option<Node<'t>> {
        self.children().find(|child| child.field_id() == field)
    }

    /// Every child in field `field`, in order (a field may hold several: a `for`'s
    /// initializers); none for 0, the id of no field.
    pub fn children_by_field_id(&self, field: u16) -> impl Iterator<Item = Node<'t>> + 't {
        self.children().filter(move |child| field != 0 && child.field_id() == field)
    }

    /// The innermost node, this one or below it, whose range holds the byte at `offset`; this
    /// node when none below it does. Siblings' ranges do not overlap, so the path down is one.
    pub fn node_at(&self, offset: usize) -> Node<'t> {
        let holds = |node: &Node| node.start_byte() <= offset && offset < node.end_byte();
        let mut node = *self;
        while let Some(child) = node.children().find(holds) {
            node = child;
        }
        node
    }

    /// This node and every node below it, in document order.
    pub fn descendants(&self) -> impl ExactSizeIterator<Item = Node<'t>> + 't {
        let (tree, end) = (self.tree, self.entry().end);
        (self.index..end).map(move |index| Node { tree, index })
    }

    /// The index just past the node's last descendant: its subtree is `id()..subtree_end()`.
    pub fn subtree_end(&self) -> usize {
        self.entry().end as usize
    }

    /// The node `index` places after this one in document order, within its subtree (this
    /// node itself at 0), as tree-sitter's `TreeCursor::goto_descendant` counts.
    pub fn descendant(&self, index: usize) -> Option<Node<'t>> {
        let index = u32::try_from(index).ok()?.checked_add(self.index)?;
        (index < self.entry().end).then(|| self.at(index))
    }

    /// The named sibling before this node, if any.
    pub fn prev_named_sibling(&self) -> Option<Node<'t>> {
        self.parent()?.children().take_while(|sibling| sibling != self).filter(Node::is_named).last()
    }

    /// This node and the nodes below it, in document order, as a walk that can step over what
    /// is below the node it has just given.
    pub fn preorder(&self) -> Preorder<'t> {
        Preorder { tree: self.tree, next: self.index, end: self.entry().end }
    }
}

/// A walk over a subtree in document order (see [`Node::preorder`]), parents before their
/// children, that can leave out the subtree of the node it has just given.
pub struct Preorder<'t> {
    tree: &'t FlatTree,
    next: u32,
    end: u32,
}

impl<'t> Preorder<'t> {
    /// Continues the walk past everything below `node`, which must be the node it gave last.
    pub fn skip_below(&mut self, node: Node<'t>) {
        debug_assert_eq!(node.index + 1, self.next, "not the node the walk gave last");
        self.next = node.entry().end;
    }
}

impl<'t> Iterator for Preorder<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next >= self.end {
            return None;
        }
        let node = Node { tree: self.tree, index: self.next };
        self.next += 1;
        Some(node)
    }
}

/// Parses and copies a source, for tests.
#[cfg(test)]
pub fn parse(grammar: Grammar, source: &str) -> FlatTree {
    let tree = super::treesitter::parse(grammar, source, std::time::Duration::from_secs(5))
        .expect("a test source parses");
    FlatTree::new(tree, grammar)
}

/// The byte range of a node, as diagnostics carry it.
pub fn range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// The children of a node: each is followed by its own subtree, so the next one is past it.
#[derive(Clone)]
pub struct Children<'t> {
    tree: &'t FlatTree,
    next: u32,
    end: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next >= self.end {
            return None;
        }
        let node = Node { tree: self.tree, index: self.next };
        self.next = node.entry().end;
        Some(node)
    }
}

#[cfg(test)]
mod tests;
