// Copies a tree-sitter tree into a flat preorder array of its visible nodes, in one pass.
//
// tree-sitter's public API finds the i-th child of a node by stepping over the ones before it,
// and its cursor keeps bookkeeping for every move; the TypeScript front-end visits every node
// several times, and those costs made the analysis as slow as a third of the parse. This walk
// reads the tree's own structures (tree-sitter's private headers, of the exact version the
// crate pins) and mirrors what the public API reports for each node: its kind after aliases,
// whether it is named, its byte range, its parent and the field it fills in its parent. The
// crate's differential test compares the two node by node.

#include <stdlib.h>
#include "subtree.h"
#include "tree.h"
#include "language.h"

#define NONE UINT32_MAX

enum { FLAG_NAMED = 1, FLAG_EXTRA = 2, FLAG_ERROR = 4, FLAG_MISSING = 8 };

// Must match `Entry` in flat.rs.
typedef struct {
  uint32_t start_byte;
  uint32_t end_byte;
  uint32_t parent;
  uint32_t end;  // the index just past the node's last descendant
  uint16_t kind;
  uint16_t field;
  uint8_t flags;
  uint8_t padding[3];
} LeaklintEntry;

// A subtree whose children are being visited. A hidden subtree's visible children belong to
// the nearest visible node above it (`owner`).
typedef struct {
  Subtree subtree;
  const TSSymbol *aliases;
  const TSFieldMapEntry *fields;
  const TSFieldMapEntry *fields_end;
  uint32_t child;
  uint32_t structural;
  uint32_t position;
  uint32_t owner;
  uint32_t owned;       // the visible node this frame lists the children of, or NONE
  uint32_t index_in_parent;  // the structural index of this subtree in the frame below
  uint16_t passes_on;   // a field this hidden subtree holds, for its first visible node
} Frame;

// Whether the frame's production has its child at `structural` pass `field` on from below.
static bool inherits(const Frame *frame, uint16_t field, uint32_t structural) {
  for (const TSFieldMapEntry *entry = frame->fields; entry < frame->fields_end; entry++) {
    if (entry->field_id == field && entry->child_index == structural && entry->inherited) return true;
  }
  return false;
}

// Whether a field of the frame `stack[at]`'s production is one its visible owner has: a
// hidden subtree's fields are its owner's only where each production above it says that
// they are inherited.
static bool reaches_owner(const Frame *stack, uint32_t at, uint16_t field) {
  while (stack[at].owned == NONE) {
    if (at == 0 || !inherits(&stack[at - 1], field, stack[at].index_in_parent)) return false;
    at--;
  }
  return true;
}

// The field the child at `structural` of the frame `stack[at]` fills in its owner, or 0.
static uint16_t field_of(const Frame *stack, uint32_t at, uint32_t structural) {
  const Frame *frame = &stack[at];
  for (const TSFieldMapEntry *entry = frame->fields; entry < frame->fields_end; entry++) {
    if (entry->child_index == structural && !entry->inherited && reaches_owner(stack, at, entry->field_id)) {
      return entry->field_id;
    }
  }
  return 0;
}

static Frame frame_for(const TSLanguage *language, Subtree subtree, uint32_t position, uint32_t owner, uint32_t owned) {
  Frame frame = {
    .subtree = subtree,
    .aliases = ts_language_alias_sequence(language, subtree.ptr->production_id),
    .position = position,
    .owner = owner,
    .owned = owned,
  };
  ts_language_field_map(language, subtree.ptr->production_id, &frame.fields, &frame.fields_end);
  return frame;
}

static uint8_t flags_of(Subtree subtree, bool named) {
  return (named ? FLAG_NAMED : 0) | (ts_subtree_extra(subtree) ? FLAG_EXTRA : 0) |
         (ts_subtree_is_error(subtree) ? FLAG_ERROR : 0) | (ts_subtree_missing(subtree) ? FLAG_MISSING : 0);
}

// Writes the visible nodes of `tree` into `out` (at most `capacity` of them) and returns how
// many there are, which the caller compares with `capacity`. Returns NONE if memory runs out.
uint32_t leaklint_flatten(const TSTree *tree, LeaklintEntry *out, uint32_t capacity) {
  const TSLanguage *language = tree->language;
  Subtree root = tree->root;
  uint32_t count = 0;
  uint32_t start = ts_subtree_padding(root).bytes;
  if (capacity > 0) {
    out[0] = (LeaklintEntry){
      .start_byte = start,
      .end_byte = start + ts_subtree_size(root).bytes,
      .parent = NONE,
      .end = 1,
      .kind = ts_language_public_symbol(language, ts_subtree_symbol(root)),
      .flags = flags_of(root, ts_subtree_named(root)),
    };
  }
  count = 1;
  if (ts_subtree_child_count(root) == 0) return count;

  uint32_t depth = 0, room = 64;
  Frame *stack = malloc(room * sizeof(Frame));
  if (!stack) return NONE;
  stack[depth++] = frame_for(language, root, start, 0, 0);
  uint16_t pending = 0;  // the field the next visible node gets from a hidden subtree above it

  while (depth > 0) {
    Frame *frame = &stack[depth - 1];
    if (frame->child == frame->subtree.ptr->child_count) {
      if (frame->owned != NONE && frame->owned < capacity) out[frame->owned].end = count;
      if (frame->passes_on && pending == frame->passes_on) pending = 0;
      depth--;
      continue;
    }
    const Subtree child = ts_subtree_children(frame->subtree)[frame->child];
    TSSymbol alias = 0;
    uint16_t field = 0;
    uint32_t structural = frame->structural;
    if (!ts_subtree_extra(child)) {
      if (frame->aliases) alias = frame->aliases[frame->structural];
      field = field_of(stack, depth - 1, frame->structural);
      frame->structural++;
    }
    if (frame->child > 0) frame->position += ts_subtree_padding(child).bytes;
    uint32_t child_start = frame->position;
    frame->position += ts_subtree_size(child).bytes;
    frame->child++;
    uint32_t owner = frame->owner;
    bool has_children = ts_subtree_child_count(child) > 0;

    if (alias || ts_subtree_visible(child)) {
      bool named = alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(child);
      if (!field) field = pending;
      pending = 0;
      uint32_t index = count++;
      if (index < capacity) {
        out[index] = (LeaklintEntry){
          .start_byte = child_start,
          .end_byte = child_start + ts_subtree_size(child).bytes,
          .parent = owner,
          .end = index + 1,
          .kind = alias ? alias : ts_language_public_symbol(language, ts_subtree_symbol(child)),
          .field = field,
          .flags = flags_of(child, named),
        };
      }
      if (!has_children) continue;
      owner = index;
    } else if (!has_children) {
      continue;
    }
    if (depth == room) {
      room *= 2;
      Frame *grown = realloc(stack, room * sizeof(Frame));
      if (!grown) {
        free(stack);
        return NONE;
      }
      stack = grown;
    }
    bool visible = owner != stack[depth - 1].owner;
    Frame next = frame_for(language, child, child_start, owner, visible ? owner : NONE);
    next.index_in_parent = structural;
    if (!visible && field && !pending) {
      pending = field;
      next.passes_on = field;
    }
    stack[depth++] = next;
  }
  free(stack);
  return count;
}
