/* The visible nodes of a tree in document order, read from tree-sitter's
 * subtrees (its private headers, lib/src) instead of through a tree
 * cursor: a cursor re-reads its parent entry's production and child
 * position on every step and pushes a stack entry for each node, which
 * made the walk over every node of a file most of extraction's cost
 * above the parse (query_walk.c). The nodes, their positions, aliases
 * and depths are the cursor's: test_query_walk compares both on every
 * fixture. The tree-sitter version is pinned by package-lock.json. */
#include "language.h"
#include "subtree.h"
#include "tree.h"
#include "tree_hidden.h"

#include "pt/alloc.h"
#include "pt/error.h"
#include "query.h"

/* A node whose children are being walked. */
struct pt_tree_frame {
  Subtree parent;
  const TSSymbol *aliases;   /* its production's, or NULL */
  Length pos;                /* where its next child starts */
  uint32_t index, structural; /* its next child, among all and among the
                                 children that are not extras */
  uint32_t depth;            /* the depth of its visible children */
  int is_visible;            /* a visible node: leave() when it ends */
};

static int push(pt_tree_walk *tw, Subtree parent, const TSLanguage *lang,
                Length pos, uint32_t depth, int is_visible)
{
  if (pt_array_grow((void **)&tw->frames, &tw->cap_frames, tw->n_frames + 1,
                    sizeof *tw->frames))
    return PT_ERR(PT_ENOMEM, "out of memory walking a tree");
  tw->frames[tw->n_frames++] = (pt_tree_frame){
      parent, ts_language_alias_sequence(lang, parent.ptr->production_id),
      pos, 0, 0, depth, is_visible};
  return 0;
}

int pt__tree_walk(pt_tree_walk *tw, TSNode root)
{
  const TSTree *tree = root.tree;
  const TSLanguage *lang = tree->language;
  Subtree top = *(const Subtree *)root.id;
  int rc = tw->enter(tw->payload, root, ts_node_symbol(root), 0);
  tw->n_frames = 0;
  if (rc == 1 && ts_subtree_child_count(top) > 0) {
    Length pos = {root.context[0], {root.context[1], root.context[2]}};
    rc = push(tw, top, lang, pos, 1, 1);
  } else if (rc >= 0) {
    rc = tw->leave(tw->payload, 0);
  }
  while (rc >= 0 && tw->n_frames) {
    /* the top frame's children, read with its state in locals: written
     * back only when a child is pushed above it */
    pt_tree_frame *f = &tw->frames[tw->n_frames - 1];
    const Subtree *kids = ts_subtree_children(f->parent);
    const TSSymbol *aliases = f->aliases;
    uint32_t n_kids = f->parent.ptr->child_count;
    uint32_t index = f->index, structural = f->structural, depth = f->depth;
    Length next = f->pos;
    int is_pushed = 0;
    while (index < n_kids && !is_pushed) {
      const Subtree *kid = &kids[index];
      Length pos = next;
      TSSymbol alias = 0;
      if (!ts_subtree_extra(*kid)) {
        if (aliases)
          alias = aliases[structural];
        structural++;
      }
      next = length_add(next, ts_subtree_size(*kid));
      if (++index < n_kids)
        next = length_add(next, ts_subtree_padding(kids[index]));
      /* a hidden node of one child (a supertype's, most of them): that
       * child in its place, at its position, without a frame of its own */
      kid = pt__hidden_in_place(lang, kid, &alias, NULL, &tw->n_in_place);
      int is_visible = ts_subtree_visible(*kid) || alias;
      if (is_visible) {
        /* ts_node_new's node and ts_node_symbol's symbol, made in place */
        TSNode n = {{pos.bytes, pos.extent.row, pos.extent.column, alias},
                    kid, tree};
        TSSymbol sym = alias ? alias : ts_subtree_symbol(*kid);
        if (sym != ts_builtin_sym_error)
          sym = lang->public_symbol_map[sym];
        if (sym < tw->n_quiet && tw->quiet[sym] &&
            ts_subtree_visible_child_count(*kid) == 0) {
          tw->n_passed++;
          continue;
        }
        rc = tw->enter(tw->payload, n, sym, depth);
        if (rc < 0)
          return rc;
        if (rc != 1 || ts_subtree_child_count(*kid) == 0) {
          rc = tw->leave(tw->payload, depth);
          if (rc < 0)
            return rc;
          continue;
        }
      } else if (ts_subtree_visible_child_count(*kid) == 0) {
        continue;
      }
      f->index = index;   /* push may move the frames */
      f->structural = structural;
      f->pos = next;
      rc = push(tw, *kid, lang, pos, is_visible ? depth + 1 : depth,
                is_visible);
      if (rc < 0)
        return rc;
      is_pushed = 1;
    }
    if (is_pushed)
      continue;
    int is_visible = f->is_visible;
    tw->n_frames--;
    if (is_visible)
      rc = tw->leave(tw->payload, depth - 1);
  }
  return rc < 0 ? rc : 0;
}

void pt__tree_walk_trim(pt_tree_walk *tw, size_t max_bytes)
{
  if (tw->cap_frames > max_bytes / sizeof *tw->frames)
    pt__tree_walk_fini(tw);
}

void pt__tree_walk_fini(pt_tree_walk *tw)
{
  pt_free(tw->frames);
  tw->frames = NULL;
  tw->n_frames = tw->cap_frames = 0;
}
