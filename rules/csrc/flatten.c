// Copies a tree-sitter tree into a flat preorder array of its visible nodes, in one pass.
//
// tree-sitter's public API finds the i-th child of a node by stepping over the ones before it,
// and its cursor keeps bookkeeping for every move; the TypeScript front-end visits every node
// several times, and those costs made the analysis as slow as a third of the parse. This walk
// reads the tree's own structures (tree-sitter's private headers, of the exact version the
// crate pins) and mirrors what the public API reports for each node: its kind after aliases,
// whether it is named, its byte range, its parent and the field it fills in its parent (as the
// cursor names it). The
// crate's differential test compares the two node by node.
//
// A caller can name kinds whose insides it never reads (types, string literals): a node of
// one of them is copied without its subtree, which the walk then never visits, unless its text
// holds a '/' (a comment inside it may be a suppression that the caller looks up). It can also
// name kinds it never reads at all (punctuation): their nodes are not copied, and the nodes
// around them keep their byte ranges.
//
// The walk visits every subtree once, hidden ones included, so it is written to stay in
// registers: the frame being listed is a local and each child's header is decoded once (a
// frame 8 bytes larger, holding its subtree too, was kept in memory by the compiler, and the
// copy took two and a half times as long: the subtree is found from the children instead). A
// frame is pushed only when the walk enters a child that is not the last: most subtrees
// with children are hidden wrappers of one (an expression in a statement), and the walk
// moves into those in place. Each node's `end` is found in a closing pass from the parents.
//
// The caller hands the tree over: the walk also deletes it, as `ts_tree_delete` would, while
// each subtree is in the cache for its copy. Deleting a tree is otherwise a second walk over
// all of it, which costs about a twentieth of the parse, most of it in cache misses and
// atomic decrements. A subtree that only the walk references is freed once its children are
// listed. One that is shared (with a clone of the tree, perhaps on another thread) is walked
// under the walk's reference, which is dropped only when the walk is done with all of it:
// until then no other owner can free it.

#include <string.h>
#include "alloc.h"
#include "atomic.h"
#include "subtree.h"
#include "tree.h"
#include "language.h"

#define NONE UINT32_MAX
#define STACK_ON_C_STACK 128

// The top bit of an entry's `field`: the node is named. Field ids are far below it.
enum { FIELD_NAMED = 0x8000 };

// Must match `Entry` in flat.rs: 20 bytes.
typedef struct {
  uint32_t start_byte;
  uint32_t end_byte;
  uint32_t parent;
  uint32_t end;  // the index just past the node's last descendant
  uint16_t kind;
  uint16_t field;  // the field it fills, and FIELD_NAMED
} LeaklintEntry;
_Static_assert(sizeof(LeaklintEntry) == 20, "LeaklintEntry must match Entry in flat.rs");

// A subtree whose children are being listed. A hidden subtree's visible children belong to
// the nearest visible node above it (`owner`).
typedef struct {
  const Subtree *children;
  const TSSymbol *aliases;
  const TSFieldMapEntry *fields;
  const TSFieldMapEntry *fields_end;
  uint32_t child_count;
  uint32_t child;
  uint32_t structural;
  uint32_t position;
  uint32_t owner;
  uint16_t field;            // the field this subtree fills (what a hidden one passes on)
  bool hidden;
  uint8_t hold;              // what the walk holds of it (a `Hold`)
} Frame;

// A child's header, read once whether it is stored inline or on the heap.
typedef struct {
  uint32_t padding;
  uint32_t size;
  uint32_t child_count;
  TSSymbol symbol;
  bool visible, named, extra;
} Header;

static inline Header header_of(Subtree subtree) {
  if (subtree.data.is_inline) {
    return (Header){
      .padding = subtree.data.padding_bytes,
      .size = subtree.data.size_bytes,
      .symbol = subtree.data.symbol,
      .visible = subtree.data.visible,
      .named = subtree.data.named,
      .extra = subtree.data.extra,
    };
  }
  const SubtreeHeapData *data = subtree.ptr;
  return (Header){
    .padding = data->padding.bytes,
    .size = data->size.bytes,
    .child_count = data->child_count,
    .symbol = data->symbol,
    .visible = data->visible,
    .named = data->named,
    .extra = data->extra,
  };
}

static inline TSSymbol public_symbol(const TSLanguage *language, TSSymbol symbol) {
  return symbol == ts_builtin_sym_error ? symbol : language->public_symbol_map[symbol];
}

static inline Frame frame_for(const TSLanguage *language, const SubtreeHeapData *data, uint32_t position,
                              uint32_t owner, bool hidden, uint16_t field, uint8_t hold) {
  Frame frame = {
    .children = (const Subtree *)data - data->child_count,
    .aliases = ts_language_alias_sequence(language, data->production_id),
    .child_count = data->child_count,
    .position = position,
    .owner = owner,
    .field = field,
    .hidden = hidden,
    .hold = hold,
  };
  ts_language_field_map(language, data->production_id, &frame.fields, &frame.fields_end);
  return frame;
}

// The field a child at `structural` fills, as tree-sitter's cursor names it: the one its
// parent's production gives it, or else, below a hidden subtree, the hidden subtree's own.
static inline uint16_t field_of(const Frame *frame, uint32_t structural) {
  for (const TSFieldMapEntry *entry = frame->fields; entry < frame->fields_end; entry++) {
    if (entry->child_index == structural && !entry->inherited) return entry->field_id;
  }
  return frame->hidden ? frame->field : 0;
}

// What the copy keeps of a node, by its kind: must match `Keep` in flat.rs.
enum Keep {
  KEEP_ALL,      // the node and its subtree
  KEEP_NODE,     // the node, as a leaf (but see `insides_left_out`)
  KEEP_NOTHING,  // neither
};

// What the copy keeps of each kind (by public symbol; kinds past `kind_count` are kept whole),
// and the text the tree was parsed from.
typedef struct {
  const uint8_t *keep;
  uint32_t kind_count;
  const char *text;
  uint32_t text_length;
} LeaklintOpaque;

static inline uint8_t keep_of(const LeaklintOpaque *opaque, TSSymbol kind) {
  return kind < opaque->kind_count ? opaque->keep[kind] : KEEP_ALL;
}

// Whether what is inside a node kept as a leaf is left out: not when a '/' in its text may
// start a comment.
static inline bool insides_left_out(const LeaklintOpaque *opaque, uint32_t start, uint32_t size) {
  if (start >= opaque->text_length) return true;
  uint32_t room = opaque->text_length - start;
  return !memchr(opaque->text + start, '/', size < room ? size : room);
}

// What the walk holds of a subtree, and so what it does once done with it.
enum Hold {
  // Nothing: the subtree lies inside a shared one, whose owners keep it alive.
  BORROWED,
  // The only reference: the walk frees the subtree.
  SOLE,
  // One of several references: the walk drops it (`ts_subtree_release`), which frees the
  // subtree if the other owners have dropped theirs by then.
  SHARED,
};

// What the walk holds of a child of a subtree it holds as `parent`: the parent's reference to
// it once the parent is the walk's alone, else nothing.
static inline uint8_t hold_of_child(uint8_t parent, Subtree child) {
  if (parent != SOLE || child.data.is_inline) return BORROWED;
#if defined(__GNUC__) || defined(__clang__)
  // A count of one is the walk's reference: no one else holds one, so no one can change it.
  // Acquire, to see every write of an owner that dropped its reference before.
  if (__atomic_load_n(&((SubtreeHeapData *)child.ptr)->ref_count, __ATOMIC_ACQUIRE) == 1) return SOLE;
#endif
  return SHARED;
}

// Frees a subtree without children, as `ts_subtree_release` does.
static inline void free_leaf(const SubtreeHeapData *data) {
  SubtreeHeapData *mutable_data = (SubtreeHeapData *)data;
  if (mutable_data->has_external_tokens) ts_external_scanner_state_delete(&mutable_data->external_scanner_state);
  ts_free(mutable_data);
}

// Lets go of a subtree whose children the walk does not list (a leaf, or one left out).
static inline void let_go_unlisted(SubtreePool *pool, uint8_t hold, Subtree subtree, uint32_t child_count) {
  if (hold == SOLE && child_count == 0) {
    free_leaf(subtree.ptr);
  } else if (hold != BORROWED) {
    ts_subtree_release(pool, subtree);
  }
}

// Lets go of a subtree whose children the walk has listed (and let go of, when it was the
// subtree's only owner).
static inline void let_go_listed(SubtreePool *pool, const Frame *frame) {
  if (frame->hold == SOLE) {
    // A subtree's heap data ends the block that holds its children.
    ts_free((void *)frame->children);
  } else if (frame->hold == SHARED) {
    const Subtree subtree = {.ptr = (const SubtreeHeapData *)(frame->children + frame->child_count)};
    ts_subtree_release(pool, subtree);
  }
}

// Gives the copy more room: called with the entries written so far, it returns where they
// now are and sets the new capacity.
typedef LeaklintEntry *(*LeaklintGrow)(void *context, uint32_t written, uint32_t *capacity);

// Writes the visible nodes of `tree` into `out`, asking `grow` for room when `capacity` runs
// out, and returns how many there are. The tree is deleted: `tree` dangles on return.
uint32_t leaklint_flatten(TSTree *tree, const LeaklintOpaque *opaque, LeaklintEntry *out, uint32_t capacity,
                          LeaklintGrow grow, void *context) {
  const TSLanguage *language = tree->language;
  const Subtree root_subtree = tree->root;
  const Header root = header_of(root_subtree);
  if (capacity == 0) out = grow(context, 0, &capacity);
  out[0] = (LeaklintEntry){
    .start_byte = root.padding,
    .end_byte = root.padding + root.size,
    .parent = NONE,
    .end = 1,
    .kind = public_symbol(language, root.symbol),
    .field = root.named ? FIELD_NAMED : 0,
  };
  uint32_t count = 1;
  // The tree's reference to its root is the walk's now.
  const uint8_t root_hold = hold_of_child(SOLE, root_subtree);
  // For the subtrees the walk lets go of through tree-sitter's own release.
  SubtreePool pool = ts_subtree_pool_new(0);

  if (root.child_count == 0) {
    let_go_unlisted(&pool, root_hold, root_subtree, 0);
  } else {
    Frame on_c_stack[STACK_ON_C_STACK];
    Frame *stack = on_c_stack;
    uint32_t depth = 0, room = STACK_ON_C_STACK;
    Frame frame = frame_for(language, root_subtree.ptr, root.padding, 0, false, 0, root_hold);

    for (;;) {
      if (frame.child == frame.child_count) {
        let_go_listed(&pool, &frame);
        if (depth == 0) break;
        frame = stack[--depth];
        continue;
      }
      const Subtree subtree = frame.children[frame.child];
      const Header child = header_of(subtree);
      TSSymbol alias = 0;
      uint16_t field = 0;
      if (!child.extra) {
        if (frame.aliases) alias = frame.aliases[frame.structural];
        field = field_of(&frame, frame.structural);
        frame.structural++;
      }
      if (frame.child > 0) frame.position += child.padding;
      const uint32_t child_start = frame.position;
      frame.position += child.size;
      frame.child++;
      uint32_t owner = frame.owner;
      const bool visible = alias || child.visible;
      const uint8_t hold = hold_of_child(frame.hold, subtree);
      if (visible) {
        const bool named = alias ? language->symbol_metadata[alias].named : child.named;
        const TSSymbol kind = public_symbol(language, alias ? alias : child.symbol);
        const uint8_t keep = keep_of(opaque, kind);
        if (keep == KEEP_NOTHING) {
          let_go_unlisted(&pool, hold, subtree, child.child_count);
          continue;
        }
        owner = count++;
        if (owner == capacity) out = grow(context, owner, &capacity);
        out[owner] = (LeaklintEntry){
          .start_byte = child_start,
          .end_byte = child_start + child.size,
          .parent = frame.owner,
          .end = owner + 1,
          .kind = kind,
          .field = named ? field | FIELD_NAMED : field,
        };
        if (keep == KEEP_NODE && child.child_count > 0 && insides_left_out(opaque, child_start, child.size)) {
          let_go_unlisted(&pool, hold, subtree, child.child_count);
          continue;
        }
      }
      if (child.child_count == 0) {
        let_go_unlisted(&pool, hold, subtree, 0);
        continue;
      }
      // A shared subtree is let go of only after all of it is walked: it stays on the stack.
      if (frame.child < frame.child_count || frame.hold == SHARED) {
        if (depth == room) {
          room *= 2;
          if (stack == on_c_stack) {
            stack = ts_malloc(room * sizeof(Frame));
            memcpy(stack, on_c_stack, sizeof(on_c_stack));
          } else {
            stack = ts_realloc(stack, room * sizeof(Frame));
          }
        }
        stack[depth++] = frame;
      } else {
        // The walk moves into the last child in place: this subtree is done.
        let_go_listed(&pool, &frame);
      }
      frame = frame_for(language, subtree.ptr, child_start, owner, !visible, field, hold);
    }
    if (stack != on_c_stack) ts_free(stack);
  }
  ts_subtree_pool_delete(&pool);
  // Its subtrees are gone: what is left to delete is the tree's own record.
  tree->root = (Subtree){.data = {.is_inline = true}};
  ts_tree_delete(tree);
  // A node's subtree ends where its last child's does: children come after their parents, so
  // going backwards every node's end is final before it is passed to its parent.
  for (uint32_t index = count; index-- > 1;) {
    LeaklintEntry *parent = &out[out[index].parent];
    if (parent->end < out[index].end) parent->end = out[index].end;
  }
  return count;
}
