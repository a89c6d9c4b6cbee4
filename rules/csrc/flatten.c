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
// holds a '/' (a comment inside it may be a suppression that the caller looks up).
//
// The walk visits every subtree once, hidden ones included, so it is written to stay in
// registers: the frame being listed is a local and each child's header is decoded once. A
// frame is pushed only when the walk enters a child that is not the last: most subtrees
// with children are hidden wrappers of one (an expression in a statement), and the walk
// moves into those in place. Each node's `end` is found in a closing pass from the parents.

#include <stdlib.h>
#include <string.h>
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
                              uint32_t owner, bool hidden, uint16_t field) {
  Frame frame = {
    .children = (const Subtree *)data - data->child_count,
    .aliases = ts_language_alias_sequence(language, data->production_id),
    .child_count = data->child_count,
    .position = position,
    .owner = owner,
    .field = field,
    .hidden = hidden,
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

// Kinds (by public symbol) whose subtrees are left out, and the text the tree was parsed from.
typedef struct {
  const bool *kinds;
  uint32_t kind_count;
  const char *text;
  uint32_t text_length;
} LeaklintOpaque;

static inline bool left_out(const LeaklintOpaque *opaque, TSSymbol kind, uint32_t start, uint32_t size) {
  if (kind >= opaque->kind_count || !opaque->kinds[kind]) return false;
  if (start >= opaque->text_length) return true;
  uint32_t room = opaque->text_length - start;
  return !memchr(opaque->text + start, '/', size < room ? size : room);
}

// Writes the visible nodes of `tree` into `out` (at most `capacity` of them) and returns how
// many there are, which the caller compares with `capacity`. Returns NONE if memory runs out.
uint32_t leaklint_flatten(const TSTree *tree, const LeaklintOpaque *opaque, LeaklintEntry *out,
                          uint32_t capacity) {
  const TSLanguage *language = tree->language;
  const Header root = header_of(tree->root);
  if (capacity > 0) {
    out[0] = (LeaklintEntry){
      .start_byte = root.padding,
      .end_byte = root.padding + root.size,
      .parent = NONE,
      .end = 1,
      .kind = public_symbol(language, root.symbol),
      .field = root.named ? FIELD_NAMED : 0,
    };
  }
  uint32_t count = 1;
  if (root.child_count == 0) return count;

  Frame on_c_stack[STACK_ON_C_STACK];
  Frame *stack = on_c_stack;
  uint32_t depth = 0, room = STACK_ON_C_STACK;
  Frame frame = frame_for(language, tree->root.ptr, root.padding, 0, false, 0);

  for (;;) {
    if (frame.child == frame.child_count) {
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
    if (visible) {
      const bool named = alias ? language->symbol_metadata[alias].named : child.named;
      const TSSymbol kind = public_symbol(language, alias ? alias : child.symbol);
      owner = count++;
      if (owner < capacity) {
        out[owner] = (LeaklintEntry){
          .start_byte = child_start,
          .end_byte = child_start + child.size,
          .parent = frame.owner,
          .end = owner + 1,
          .kind = kind,
          .field = named ? field | FIELD_NAMED : field,
        };
      }
      if (child.child_count > 0 && left_out(opaque, kind, child_start, child.size)) continue;
    }
    if (child.child_count == 0) continue;
    if (frame.child < frame.child_count) {
      if (depth == room) {
        room *= 2;
        Frame *grown = stack == on_c_stack ? malloc(room * sizeof(Frame)) : realloc(stack, room * sizeof(Frame));
        if (!grown) {
          if (stack != on_c_stack) free(stack);
          return NONE;
        }
        if (stack == on_c_stack) memcpy(grown, on_c_stack, sizeof(on_c_stack));
        stack = grown;
      }
      stack[depth++] = frame;
    }
    frame = frame_for(language, subtree.ptr, child_start, owner, !visible, field);
  }
  if (stack != on_c_stack) free(stack);
  // A node's subtree ends where its last child's does: children come after their parents, so
  // going backwards every node's end is final before it is passed to its parent.
  for (uint32_t index = count < capacity ? count : capacity; index-- > 1;) {
    LeaklintEntry *parent = &out[out[index].parent];
    if (parent->end < out[index].end) parent->end = out[index].end;
  }
  return count;
}
