/* The parent of a node (extract_int.h), the one ts_node_parent gives,
 * without its walk down from the root: that walk steps through every
 * child before the one holding the node at each level, so in a file of
 * thousands of top-level definitions each lookup took thousands of steps.
 * The query walk tells the parents of most captured nodes (f->known): the
 * visible node it was in when it matched, which for a node that is not
 * empty is the one ts_node_parent's walk by bytes ends on. Else the walk
 * starts from a node known to hold it: the node the current query match
 * started on, the innermost definition around it (once the definitions
 * are nested), or the root's child holding it, found by binary search
 * among the root's children. */
#include <string.h>

#include "extract_int.h"
#include "pt/alloc.h"
#include "pt/error.h"

int pt__node_parent_index(pt_xfile *f)
{
  TSTreeCursor c = ts_tree_cursor_new(f->root);
  int rc = 0;
  f->n_tops = 0;
  for (int more = ts_tree_cursor_goto_first_child(&c); more && rc == 0;
       more = ts_tree_cursor_goto_next_sibling(&c)) {
    rc = pt_array_grow((void **)&f->tops, &f->cap_tops, f->n_tops + 1,
                       sizeof *f->tops);
    if (rc == 0)
      f->tops[f->n_tops++] = ts_tree_cursor_current_node(&c);
  }
  ts_tree_cursor_delete(&c);
  return rc ? PT_ERR(PT_ENOMEM, "out of memory extracting %s", f->path) : 0;
}

/* Whether node d's bytes strictly hold [a, b): then d is a proper
 * ancestor of a node spanning [a, b), since non-empty nodes that overlap
 * are nested in a tree. */
static int holds(TSNode d, uint32_t a, uint32_t b)
{
  uint32_t da = ts_node_start_byte(d), db = ts_node_end_byte(d);
  return da <= a && db >= b && (da < a || db > b);
}

/* A proper ancestor of n spanning [a, b), from the node the current
 * match started on or the definitions around n, or a null node. */
static TSNode known_around(const pt_xfile *f, uint32_t a, uint32_t b)
{
  TSNode none = {0};
  if (!ts_node_is_null(f->match_root) && holds(f->match_root, a, b))
    return f->match_root;
  if (!f->is_nested)
    return none;
  for (int i = pt__innermost(f, a); i >= 0; i = f->cands[i].parent) {
    if (holds(f->cands[i].node, a, b))
      return f->cands[i].node;
  }
  return none;
}

/* The root's child holding n (its parent is the root when that child is n
 * itself: *is_top), or a null node when the index cannot tell. */
static TSNode top_around(const pt_xfile *f, TSNode n, uint32_t a, uint32_t b,
                         int *is_top)
{
  TSNode none = {0};
  *is_top = 0;
  size_t lo = 0, hi = f->n_tops;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (ts_node_start_byte(f->tops[mid]) <= a)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return none;
  TSNode t = f->tops[lo - 1];
  if (t.id == n.id) {
    *is_top = 1;
    return t;
  }
  /* the child ts_node_parent's walk would take: it holds n and has
   * children (an earlier one ends before n's end, since siblings do not
   * overlap) */
  if (ts_node_end_byte(t) < b || ts_node_child_count(t) == 0)
    return none;
  return t;
}

/* n's entry in f->known, one with its parent if any (a node captured
 * twice may have it kept for one capture only), or NULL. */
static const pt_cap_up *known(const pt_xfile *f, TSNode n)
{
  const pt_cap_up *k = NULL;
  for (uint16_t i = 0; i < f->n_known; i++)
    if (f->known[i].node.id == n.id) {
      k = &f->known_ups[i];
      if (!ts_node_is_null(k->parent))
        break;
    }
  return k;
}

uint32_t pt__node_end(const pt_xfile *f, TSNode n)
{
  const pt_cap_up *k = known(f, n);
  return k ? k->end : ts_node_end_byte(n);
}

TSNode pt__node_known_parent(const pt_xfile *f, TSNode n)
{
  const pt_cap_up *k = known(f, n);
  if (k)
    return k->parent;
  TSNode none = {0};
  return none;
}

TSNode pt__node_parent(const pt_xfile *f, TSNode n)
{
  const pt_cap_up *k = known(f, n);
  uint32_t a = ts_node_start_byte(n), b = k ? k->end : ts_node_end_byte(n);
  if (a >= b || n.id == f->root.id)
    return ts_node_parent(n); /* an empty node: its own rules */
  if (k && !ts_node_is_null(k->parent))
    return k->parent; /* the walk's: the one the walk below would find */
  TSNode from = known_around(f, a, b);
  if (ts_node_is_null(from)) {
    int is_top;
    from = top_around(f, n, a, b, &is_top);
    if (is_top)
      return f->root;
    if (ts_node_is_null(from))
      return ts_node_parent(n);
  }
  for (;;) { /* ts_node_parent's walk, from `from` */
    TSNode next = ts_node_child_with_descendant(from, n);
    if (ts_node_is_null(next) || next.id == n.id)
      return from;
    from = next;
  }
}
