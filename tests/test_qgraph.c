/* The query graph: node numbering, CSR adjacency both ways, multi-typed
 * pairs, placeholders as nodes, scope filtering. */
#include <stdio.h>
#include <string.h>

#include "graph/graph_int.h"
#include "http/http.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/qgraph.h"
#include "test_support.h"

static uint32_t node(const pt_qgraph *q, const char *name)
{
  return pt_test_node(q, name);
}

static void qgraph_build__reference_graph_has_all_nodes_and_degrees(void **state)
{
  pt_graph *g = pt_test_graph("A>B A>C B>D C>D D>E E>F F>D G>H H>G");
  pt_qgraph *q = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(q->n_nodes, 8);
  assert_int_equal(q->n_edges, 9);
  assert_int_equal(pt_qgraph_outdeg(q, node(q, "A")), 2);
  assert_int_equal(pt_qgraph_indeg(q, node(q, "D")), 3);
  uint32_t a = node(q, "A");
  assert_int_equal(q->fwd[q->fwd_off[a]], node(q, "B"));
  assert_int_equal(q->fwd[q->fwd_off[a] + 1], node(q, "C"));
  assert_true(q->entity[a] >= 0);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

static void qgraph_build__placeholders_are_nodes_without_entities(void **state)
{
  pt_graph *g = pt_test_graph("A>?printf A-uses>B A>B");
  pt_qgraph *q = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(q->n_nodes, 3);
  int64_t p = pt_qgraph_find(q, "c:fn:printf:unresolved-reference:0-0");
  assert_true(p >= 0);
  assert_int_equal(q->entity[p], -1);
  /* A->B twice, once per edge type */
  assert_int_equal(pt_qgraph_outdeg(q, node(q, "A")), 3);
  assert_int_equal(pt_qgraph_indeg(q, node(q, "B")), 2);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

static void qgraph_build__scope_keeps_edges_from_entities_in_scope(void **state)
{
  pt_graph *g = pt_test_graph("A>B");
  pt_qgraph *q = NULL;
  pt_scope in = {"src", ""}, out = {"lib", ""};
  assert_int_equal(pt_qgraph_build(g, &in, &q), 0);
  assert_int_equal(q->n_edges, 1);
  pt_qgraph_free(q);
  assert_int_equal(pt_qgraph_build(g, &out, &q), 0);
  assert_int_equal(q->n_edges, 0);
  assert_int_equal(q->n_nodes, 2);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

/* Every forward slot names the graph edge it stands for: its from and to
 * keys are its node's and its target's, its type the slot's. */
static void forward_slots_name_their_edges(const pt_qgraph *q)
{
  const pt_edge *e = pt_graph_edges(q->g);
  for (uint32_t v = 0; v < q->n_nodes; v++)
    for (uint32_t k = q->fwd_off[v]; k < q->fwd_off[v + 1]; k++) {
      const pt_edge *d = &e[pt_qgraph_fwd_edge(q, k)];
      assert_string_equal(d->from_key, q->key[v]);
      assert_string_equal(d->to_key, q->key[q->fwd[k]]);
      assert_int_equal(d->type, q->fwd_type[k]);
    }
}

static void add_fn(pt_graph *g, const char *name, const char *path)
{
  char key[64];
  snprintf(key, sizeof key, "c:fn:%s:%s:T1", name, path);
  pt_entity e;
  memset(&e, 0, sizeof e);
  e.key = key;
  e.name = e.qualname = e.signature = e.code = name;
  e.file_path = path;
  e.lang = PT_LANG_C;
  e.kind = PT_KIND_FUNCTION;
  e.line_start = e.line_end = 1;
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
}

static void add_call(pt_graph *g, const char *from, const char *from_path,
                     const char *to, const char *to_path)
{
  char fk[64], tk[64];
  snprintf(fk, sizeof fk, "c:fn:%s:%s:T1", from, from_path);
  snprintf(tk, sizeof tk, "c:fn:%s:%s:T1", to, to_path);
  pt_edge e = {fk, tk, from_path, PT_EDGE_CALLS, 1, 1, PT_RES_UNIQUE_NAME, NULL};
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
}

/* Unscoped, forward slot k is graph edge k and no array says so; scoped,
 * the kept edges' slots name them through fwd_edge. */
static void qgraph_build__forward_slots_name_their_graph_edges(void **state)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  add_fn(g, "a", "src/a.c");
  add_fn(g, "m", "src/m.c");
  add_fn(g, "b", "lib/b.c");
  add_call(g, "a", "src/a.c", "b", "lib/b.c");
  add_call(g, "b", "lib/b.c", "a", "src/a.c");
  add_call(g, "b", "lib/b.c", "m", "src/m.c");
  add_call(g, "m", "src/m.c", "a", "src/a.c");
  add_call(g, "m", "src/m.c", "b", "lib/b.c");
  assert_int_equal(pt_graph_finish(g), 0);
  pt_qgraph *q = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_null(q->fwd_edge);
  assert_int_equal(q->n_edges, 5);
  forward_slots_name_their_edges(q);
  pt_qgraph_free(q);
  pt_scope in = {"src", ""}, out = {"lib", ""};
  assert_int_equal(pt_qgraph_build(g, &in, &q), 0);
  assert_non_null(q->fwd_edge);
  assert_int_equal(q->n_edges, 3);
  forward_slots_name_their_edges(q);
  pt_qgraph_free(q);
  assert_int_equal(pt_qgraph_build(g, &out, &q), 0);
  assert_int_equal(q->n_edges, 2);
  forward_slots_name_their_edges(q);
  pt_qgraph_free(q);
  pt_graph_free(g);
}

/* ---- a patched graph's query graph, updated from its base's ---- */

#define N_FILES 7
#define N_NAMES 6

static uint32_t next_rand(uint32_t *seed)
{
  *seed = *seed * 1103515245u + 12345u;
  return (*seed >> 16) & 0x7fff;
}

static void entity_key(char *out, size_t size, int file, int name)
{
  snprintf(out, size, "c:fn:n%d:__f%d:T1", name, file);
}

/* One file's records: some of its names as entities, edges from them to
 * entities of any file (some of which may not exist: placeholders), to
 * unresolved names and to the file itself. All strings in *store. */
typedef struct file_recs {
  char keys[N_NAMES][40], targets[3 * N_NAMES][64], path[16];
  pt_entity ents[N_NAMES];
  pt_edge edges[3 * N_NAMES];
  size_t n_ents, n_edges;
  pt_file_record file;
} file_recs;

static void make_file(file_recs *r, int f, uint32_t *seed)
{
  memset(r, 0, sizeof *r);
  snprintf(r->path, sizeof r->path, "f%d.c", f);
  for (int n = 0; n < N_NAMES; n++) {
    if (next_rand(seed) % 3 == 0)
      continue;
    char *k = r->keys[r->n_ents];
    entity_key(k, sizeof r->keys[0], f, n);
    static const char *const names[] = {"n0", "n1", "n2"};
    const char *nm = names[n % 3];
    r->ents[r->n_ents++] = (pt_entity){k, nm, nm, r->path, "", "", NULL, "h",
                                       PT_LANG_C, PT_KIND_FUNCTION,
                                       (uint32_t)n + 1, (uint32_t)n + 1, 0, 1};
  }
  for (size_t i = 0; i < r->n_ents; i++)
    for (int j = 0; j < 3; j++) {
      char *t = r->targets[r->n_edges];
      uint32_t x = next_rand(seed);
      if (x % 5 == 0)
        snprintf(t, sizeof r->targets[0], "c:fn:u%u:unresolved-reference:0-0",
                 x % 4);
      else
        entity_key(t, sizeof r->targets[0], (int)(x % N_FILES), (int)(x / 7 % N_NAMES));
      r->edges[r->n_edges++] = (pt_edge){r->ents[i].key, t, r->path,
                                         x % 2 ? PT_EDGE_CALLS : PT_EDGE_USES,
                                         (uint32_t)j + 1, x % 5 != 0,
                                         x % 5 != 0 ? PT_RES_UNIQUE_NAME
                                                    : PT_RES_EXTERNAL, NULL};
    }
  r->file = (pt_file_record){.path = r->path, .content_hash = "h",
                             .lang = PT_LANG_C, .size = 1,
                             .n_entities = (uint32_t)r->n_ents};
}

static void assert_same_qgraph(const pt_qgraph *a, const pt_qgraph *b)
{
  forward_slots_name_their_edges(a);
  assert_int_equal(a->n_nodes, b->n_nodes);
  assert_int_equal(a->n_edges, b->n_edges);
  for (size_t v = 0; v < a->n_nodes; v++) {
    assert_string_equal(a->key[v], b->key[v]);
    assert_int_equal(a->entity[v], b->entity[v]);
    assert_int_equal(a->fwd_off[v + 1], b->fwd_off[v + 1]);
    assert_int_equal(a->rev_off[v + 1], b->rev_off[v + 1]);
  }
  for (size_t k = 0; k < a->n_edges; k++) {
    assert_int_equal(a->fwd[k], b->fwd[k]);
    assert_int_equal(a->fwd_type[k], b->fwd_type[k]);
    assert_int_equal(pt_qgraph_fwd_edge(a, (uint32_t)k),
                     pt_qgraph_fwd_edge(b, (uint32_t)k));
    assert_int_equal(a->rev[k], b->rev[k]);
    assert_int_equal(a->rev_type[k], b->rev_type[k]);
    assert_int_equal(a->rev_edge[k], b->rev_edge[k]);
  }
}

/* Random patches (files changed, gone and new, one to three at once),
 * each query graph updated from the one before: always the query graph a
 * whole build gives, and the lineage's counts are pt_graph_count_changes'. */
static void qgraph_update__equals_a_whole_build_after_random_patches(void **state)
{
  static file_recs recs[3];
  uint32_t seed = 14;
  pt_graph *g = NULL;
  pt_qgraph *q = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  for (int round = 0; round < 300; round++) {
    pt_graph_file_patch fp[3];
    int n = 1 + (int)(next_rand(&seed) % 3), used[N_FILES] = {0};
    for (int k = 0; k < n; k++) {
      int f = (int)(next_rand(&seed) % N_FILES);
      while (used[f])
        f = (f + 1) % N_FILES;
      used[f] = 1;
      make_file(&recs[k], f, &seed);
      int gone = next_rand(&seed) % 4 == 0;
      fp[k] = (pt_graph_file_patch){recs[k].path, recs[k].ents,
                                    gone ? 0 : recs[k].n_ents, NULL, 0,
                                    gone ? NULL : &recs[k].file, recs[k].edges,
                                    gone ? 0 : recs[k].n_edges};
    }
    pt_graph *next = NULL;
    pt_qgraph *updated = NULL, *whole = NULL;
    assert_int_equal(pt_graph_patch(g, fp, (size_t)n, &next), 0);
    assert_int_equal(pt_qgraph_update(q, next, &updated), 0);
    assert_int_equal(pt_qgraph_build(next, NULL, &whole), 0);
    assert_same_qgraph(updated, whole);
    pt_graph_lineage ln;
    pt_graph_changes ch;
    assert_true(pt_graph_lineage_of(next, &ln));
    pt_graph_count_changes(g, next, &ch);
    assert_int_equal(ln.changes.files_removed, ch.files_removed);
    assert_int_equal(ln.changes.entities_added, ch.entities_added);
    assert_int_equal(ln.changes.entities_removed, ch.entities_removed);
    pt_qgraph_free(whole);
    pt_qgraph_free(q);
    pt_graph_free(g);
    pt_graph_drop_lineage(next);
    g = next;
    q = updated;
  }
  pt_qgraph_free(q);
  pt_graph_free(g);
}

/* A graph of many files, patched one file at a time: the kept edges come
 * in long runs (whole words of the update's bits, runs that a new edge or
 * a gone one breaks), and each update is the whole build's. */
#define N_MANY 100

/* Patches *g with fp, updates *q with it and checks the update equals a
 * whole build of the patched graph; *g and *q become the patched ones. */
static void patch_and_compare(pt_graph **g, pt_qgraph **q,
                              const pt_graph_file_patch *fp)
{
  pt_graph *next = NULL;
  pt_qgraph *updated = NULL, *whole = NULL;
  assert_int_equal(pt_graph_patch(*g, fp, 1, &next), 0);
  assert_int_equal(pt_qgraph_update(*q, next, &updated), 0);
  assert_int_equal(pt_qgraph_build(next, NULL, &whole), 0);
  assert_same_qgraph(updated, whole);
  pt_qgraph_free(whole);
  pt_qgraph_free(*q);
  pt_graph_free(*g);
  pt_graph_drop_lineage(next);
  *g = next;
  *q = updated;
}

/* Each unresolved edge of r to a name of its own: a node only that edge
 * names, which goes if the update takes the edge for gone. */
static void unique_placeholders(file_recs *r, int f)
{
  for (size_t k = 0; k < r->n_edges; k++)
    if (!r->edges[k].resolved)
      snprintf(r->targets[k], sizeof r->targets[0],
               "c:fn:u%d_%zu:unresolved-reference:0-0", f, k);
}

static void qgraph_update__equals_a_whole_build_over_long_runs(void **state)
{
  (void)state;
  static file_recs recs[N_MANY];
  uint32_t seed = 38;
  pt_graph *g = NULL, *empty = NULL;
  pt_qgraph *q = NULL;
  pt_graph_file_patch fp[N_MANY];
  for (int f = 0; f < N_MANY; f++) {
    make_file(&recs[f], f, &seed);
    unique_placeholders(&recs[f], f);
    fp[f] = (pt_graph_file_patch){recs[f].path, recs[f].ents, recs[f].n_ents,
                                  NULL, 0, &recs[f].file, recs[f].edges,
                                  recs[f].n_edges};
  }
  assert_int_equal(pt_graph_new(&empty), 0);
  assert_int_equal(pt_graph_finish(empty), 0);
  assert_int_equal(pt_graph_patch(empty, fp, N_MANY, &g), 0);
  pt_graph_drop_lineage(g);
  pt_graph_free(empty);
  assert_true(pt_graph_n_edges(g) > 4 * 64);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  for (int round = 0; round < 60; round++) {
    static file_recs r;
    int f = (int)(next_rand(&seed) % N_MANY);
    make_file(&r, f, &seed);
    unique_placeholders(&r, f);
    int gone = next_rand(&seed) % 4 == 0;
    pt_graph_file_patch one = {r.path, r.ents, gone ? 0 : r.n_ents, NULL, 0,
                               gone ? NULL : &r.file, r.edges,
                               gone ? 0 : r.n_edges};
    patch_and_compare(&g, &q, &one);
  }
  pt_qgraph_free(q);
  pt_graph_free(g);
}

/* Out of memory at any allocation of an update (the lineage's runs and
 * new edges included), the update fails with PT_ENOMEM and leaks nothing
 * (the sanitizer build checks); once it has the memory, it is the whole
 * build's. */
static void qgraph_update__out_of_memory_anywhere_fails_cleanly(void **state)
{
  static file_recs recs[N_FILES];
  uint32_t seed = 7;
  pt_graph *g = NULL, *next = NULL;
  pt_qgraph *q = NULL, *whole = NULL;
  pt_graph_file_patch fp[N_FILES];
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  for (int f = 0; f < N_FILES; f++) {
    make_file(&recs[f], f, &seed);
    unique_placeholders(&recs[f], f);
    fp[f] = (pt_graph_file_patch){recs[f].path, recs[f].ents, recs[f].n_ents, NULL,
                                  0, &recs[f].file, recs[f].edges, recs[f].n_edges};
  }
  assert_int_equal(pt_graph_patch(g, fp, N_FILES, &next), 0);
  pt_graph_free(g);
  pt_graph_drop_lineage(next);
  g = next;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  for (int k = 0; k < 3; k++) { /* three files change, one goes */
    make_file(&recs[k], k, &seed);
    fp[k] = (pt_graph_file_patch){recs[k].path, recs[k].ents,
                                  k == 2 ? 0 : recs[k].n_ents, NULL, 0,
                                  k == 2 ? NULL : &recs[k].file, recs[k].edges,
                                  k == 2 ? 0 : recs[k].n_edges};
  }
  assert_int_equal(pt_graph_patch(g, fp, 3, &next), 0);
  int rc = PT_ENOMEM;
  pt_qgraph *updated = NULL;
  unsigned long n = 1;
  for (; rc == PT_ENOMEM; n++) {
    pt_alloc_fail_after(n);
    rc = pt_qgraph_update(q, next, &updated);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    if (rc)
      assert_null(updated);
  }
  assert_true(n > 10); /* it failed at each of its allocations first */
  assert_int_equal(pt_qgraph_build(next, NULL, &whole), 0);
  assert_same_qgraph(updated, whole);
  pt_qgraph_free(whole);
  pt_qgraph_free(updated);
  pt_qgraph_free(q);
  pt_graph_free(g);
  pt_graph_free(next);
}

/* A file patched with its own records at other lines (a body edited:
 * the same keys in the same places), alternating with random patches:
 * the query graph is still the whole build's, by its copy of the old one
 * or by the full update. */
static void qgraph_update__equals_a_whole_build_when_the_shape_stays(
    void **state)
{
  static file_recs recs[N_FILES];
  uint32_t seed = 41;
  pt_graph *g = NULL;
  pt_qgraph *q = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  for (int round = 0; round < 2 * N_FILES + 60; round++) {
    int f = round < N_FILES ? round : (int)(next_rand(&seed) % N_FILES);
    file_recs *r = &recs[f];
    if (round < N_FILES || round % 3 == 0) {
      make_file(r, f, &seed);
    } else { /* the same records, some lines further down */
      for (size_t i = 0; i < r->n_ents; i++) {
        r->ents[i].line_start += 2;
        r->ents[i].line_end += 2;
      }
      for (size_t i = 0; i < r->n_edges; i++)
        r->edges[i].line += 2;
    }
    pt_graph_file_patch fp = {r->path, r->ents, r->n_ents, NULL, 0, &r->file,
                              r->edges, r->n_edges};
    patch_and_compare(&g, &q, &fp);
  }
  pt_qgraph_free(q);
  pt_graph_free(g);
}

/* A node no entity has (a file's key, from which its file-scope
 * references go) leaves with the last edge from it, and one to which
 * only kept edges lead stays. */
static void qgraph_update__drops_a_node_only_a_gone_edge_named(void **state)
{
  pt_entity ents[2] = {
      {"c:fn:a:a_c:1-1", "a", "a", "a.c", "", "", NULL, "h", PT_LANG_C,
       PT_KIND_FUNCTION, 1, 1, 0, 1},
      {"c:fn:b:b_c:1-1", "b", "b", "b.c", "", "", NULL, "h", PT_LANG_C,
       PT_KIND_FUNCTION, 1, 1, 0, 1}};
  pt_edge edges[3] = {
      {"c:file:a_c:1-1", "c:fn:b:b_c:1-1", "a.c", PT_EDGE_USES, 2, 1,
       PT_RES_UNIQUE_NAME, NULL},
      {"c:fn:a:a_c:1-1", "c:fn:z:unresolved-reference:0-0", "a.c",
       PT_EDGE_CALLS, 1, 0, PT_RES_EXTERNAL, NULL},
      {"c:fn:b:b_c:1-1", "c:fn:z:unresolved-reference:0-0", "b.c",
       PT_EDGE_CALLS, 1, 0, PT_RES_EXTERNAL, NULL}};
  pt_file_record fa = {.path = "a.c", .content_hash = "h", .lang = PT_LANG_C,
                       .size = 1, .n_entities = 1};
  pt_file_record fb = {.path = "b.c", .content_hash = "h", .lang = PT_LANG_C,
                       .size = 1, .n_entities = 1};
  pt_graph *g = NULL, *next = NULL;
  pt_qgraph *q = NULL, *updated = NULL, *whole = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (int i = 0; i < 2; i++)
    assert_int_equal(pt_graph_add_entity(g, &ents[i]), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(pt_graph_add_edge(g, &edges[i]), 0);
  assert_int_equal(pt_graph_add_file(g, &fa), 0);
  assert_int_equal(pt_graph_add_file(g, &fb), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_true(pt_qgraph_find(q, "c:file:a_c:1-1") >= 0);
  /* a.c keeps its function and its call, not its file-scope reference */
  pt_graph_file_patch fp = {"a.c", ents, 1, NULL, 0, &fa, &edges[1], 1};
  assert_int_equal(pt_graph_patch(g, &fp, 1, &next), 0);
  assert_int_equal(pt_qgraph_update(q, next, &updated), 0);
  assert_int_equal(pt_qgraph_build(next, NULL, &whole), 0);
  assert_same_qgraph(updated, whole);
  assert_true(pt_qgraph_find(updated, "c:file:a_c:1-1") < 0);
  assert_true(pt_qgraph_find(updated, "c:fn:z:unresolved-reference:0-0") >= 0);
  pt_qgraph_free(whole);
  pt_qgraph_free(updated);
  pt_qgraph_free(q);
  pt_graph_free(next);
  pt_graph_free(g);
}

/* A graph that did not come from a patch, or a query graph of another
 * graph, is refused: the caller builds the whole query graph. */
static void qgraph_update__refuses_a_graph_without_lineage(void **state)
{
  pt_graph *g = pt_test_graph("A>B"), *h = pt_test_graph("A>C");
  pt_qgraph *q = NULL, *out = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(pt_qgraph_update(q, h, &out), PT_EINVAL);
  assert_null(out);
  pt_error_clear();
  pt_qgraph_free(q);
  pt_graph_free(h);
  pt_graph_free(g);
}

/* The resolved edges of g, counted here. */
static size_t count_resolved_edges(const pt_graph *g)
{
  size_t n = 0;
  for (size_t i = 0; i < pt_graph_n_edges(g); i++)
    n += pt_graph_edges(g)[i].resolved != 0;
  return n;
}

/* A finished graph keeps its count of resolved edges; an edge added to it
 * afterwards counts (the kept count does not go stale). */
static void graph_n_resolved_edges__follows_finish_and_adds(void **state)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  pt_edge e = {"c:fn:a:f_c:1-1", "c:fn:b:f_c:2-2", "f.c", PT_EDGE_CALLS, 1, 1,
               PT_RES_UNIQUE_NAME, NULL};
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  e.to_key = "c:fn:x:unresolved-reference:0-0";
  e.resolved = 0;
  e.resolution = PT_RES_EXTERNAL;
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_graph_n_resolved_edges(g), 1);
  e.to_key = "c:fn:c:f_c:3-3";
  e.resolved = 1;
  e.resolution = PT_RES_UNIQUE_NAME;
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  assert_int_equal(pt_graph_n_resolved_edges(g), 2);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_graph_n_resolved_edges(g), 2);
  pt_graph_free(g);
}

/* A patch of a graph that keeps no count of its resolved edges (an edge
 * added after its finish, sorting last) counts the patched graph's; one
 * that keeps it takes it from there: each equals a count by hand. */
static void graph_patch__counts_resolved_edges_with_or_without_the_kept_count(
    void **state)
{
  pt_graph *g = NULL, *next = NULL, *after = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  pt_edge e = {"c:fn:a:f_c:1-1", "c:fn:b:g_c:2-2", "f.c", PT_EDGE_CALLS, 1, 1,
               PT_RES_UNIQUE_NAME, NULL};
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  e.from_key = "c:fn:b:g_c:2-2";
  e.to_key = "c:fn:x:unresolved-reference:0-0";
  e.file_path = "g.c";
  e.resolved = 0;
  e.resolution = PT_RES_EXTERNAL;
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  e.from_key = "c:fn:z:h_c:9-9"; /* sorts last: g stays in order */
  e.to_key = "c:fn:a:f_c:1-1";
  e.file_path = "h.c";
  e.resolved = 1;
  e.resolution = PT_RES_UNIQUE_NAME;
  assert_int_equal(pt_graph_add_edge(g, &e), 0);
  pt_edge fe = {"c:fn:a:f_c:1-1", "c:fn:z:h_c:9-9", "f.c", PT_EDGE_CALLS, 2, 1,
                PT_RES_UNIQUE_NAME, NULL};
  pt_file_record fr = {0};
  fr.path = "f.c";
  fr.content_hash = "0";
  fr.lang = PT_LANG_C;
  pt_graph_file_patch fp = {"f.c", NULL, 0, NULL, 0, &fr, &fe, 1};
  assert_int_equal(pt_graph_patch(g, &fp, 1, &next), 0);
  assert_int_equal(pt_graph_n_edges(next), 3);
  assert_int_equal(pt_graph_n_resolved_edges(next), count_resolved_edges(next));
  assert_int_equal(pt_graph_n_resolved_edges(next), 2);
  fp.n_edges = 0; /* f.c's edge goes: the count kept, less it */
  assert_int_equal(pt_graph_patch(next, &fp, 1, &after), 0);
  assert_int_equal(pt_graph_n_resolved_edges(after), count_resolved_edges(after));
  assert_int_equal(pt_graph_n_resolved_edges(after), 1);
  pt_graph_free(after);
  pt_graph_free(next);
  pt_graph_free(g);
}

/* Whether x is among v[0..n) (ascending). */
static int bsearch_size(const size_t *v, size_t n, size_t x)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && v[lo] == x;
}

/* A graph large enough that a patch merges its edges in two parts: files
 * of four functions, each calling ten names of any file (or none). */
#define SPLIT_FILES 2000
#define SPLIT_CALLS 10

static void split_key(char *out, size_t size, int name, int file)
{
  snprintf(out, size, "c:fn:e%d:d/f%04d_c:T1", name, file);
}

/* File f's records into the given arrays, its strings in text (the
 * graph copies them); seed picks its calls. */
typedef struct split_file {
  char path[32], text[4 + 4 * SPLIT_CALLS][48];
  pt_entity ents[4];
  pt_edge edges[4 * SPLIT_CALLS];
  pt_file_record rec;
} split_file;

static void split_make(split_file *r, int f, uint32_t seed)
{
  memset(r, 0, sizeof *r);
  snprintf(r->path, sizeof r->path, "d/f%04d.c", f);
  for (int i = 0; i < 4; i++) {
    split_key(r->text[i], sizeof r->text[i], i, f);
    r->ents[i] = (pt_entity){r->text[i], "e", "e", r->path, "", "", NULL, "h",
                             PT_LANG_C, PT_KIND_FUNCTION, (uint32_t)i + 1,
                             (uint32_t)i + 1, 0, 1};
    for (int c = 0; c < SPLIT_CALLS; c++) {
      int k = i * SPLIT_CALLS + c;
      char *t = r->text[4 + k];
      uint32_t x = next_rand(&seed) * 32768u;
      x += next_rand(&seed);
      if (x % 7 == 0)
        snprintf(t, sizeof r->text[0], "c:fn:u%u:unresolved-reference:0-0", x % 50);
      else
        split_key(t, sizeof r->text[0], (int)(x % 4), (int)(x / 4 % SPLIT_FILES));
      r->edges[k] = (pt_edge){r->text[i], t, r->path, PT_EDGE_CALLS,
                              (uint32_t)c + 1, x % 7 != 0,
                              x % 7 ? PT_RES_UNIQUE_NAME : PT_RES_EXTERNAL, NULL};
    }
  }
  r->rec = (pt_file_record){.path = r->path, .content_hash = "h",
                            .lang = PT_LANG_C, .size = 1, .n_entities = 4};
}

/* a and b: the same records, lineage and count of resolved edges. */
static void assert_same_patch(const pt_graph *a, const pt_graph *b)
{
  pt_graph_lineage la, lb;
  assert_true(pt_graph_equal(a, b));
  assert_true(pt_graph_lineage_of(a, &la));
  assert_true(pt_graph_lineage_of(b, &lb));
  assert_memory_equal(la.entity_src, lb.entity_src,
                      pt_graph_n_entities(a) * sizeof *la.entity_src);
  assert_memory_equal(la.edge_src, lb.edge_src,
                      pt_graph_n_edges(a) * sizeof *la.edge_src);
  assert_int_equal(pt_graph_n_resolved_edges(a), pt_graph_n_resolved_edges(b));
  assert_int_equal(pt_graph_n_resolved_edges(a), count_resolved_edges(a));
}

/* One file changed, one gone, one new, and a fourth's edges partly
 * dropped and added (a file only resolved again): with prev's edges of the
 * patched files listed, the edges merge in two parts, into the graph the
 * merge in one piece makes, and its query graph's update (the reverse
 * lists in two parts) is its whole build; a list with one of them
 * missing, one too many, or more than there are, merges in one piece
 * again, to the same graph. */
static void graph_patch__edges_in_two_parts_equal_one_piece(void **state)
{
  (void)state;
  static split_file files[SPLIT_FILES], now[3];
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (int f = 0; f < SPLIT_FILES; f++) {
    split_make(&files[f], f, (uint32_t)f * 7919u + 1);
    for (int i = 0; i < 4; i++)
      assert_int_equal(pt_graph_add_entity(g, &files[f].ents[i]), 0);
    for (int k = 0; k < 4 * SPLIT_CALLS; k++)
      assert_int_equal(pt_graph_add_edge(g, &files[f].edges[k]), 0);
    assert_int_equal(pt_graph_add_file(g, &files[f].rec), 0);
  }
  assert_int_equal(pt_graph_finish(g), 0);
  assert_true(pt_graph_n_edges(g) > 65536);
  split_make(&now[0], 17, 99);          /* changed */
  split_make(&now[1], 1500, 5);         /* gone */
  split_make(&now[2], SPLIT_FILES, 3);  /* new (joins last) */
  pt_graph_file_patch fp[3];
  for (int k = 0; k < 3; k++)
    fp[k] = (pt_graph_file_patch){now[k].path, now[k].ents, k == 1 ? 0 : 4, NULL, 0,
                                  k == 1 ? NULL : &now[k].rec, now[k].edges,
                                  k == 1 ? 0 : 4 * SPLIT_CALLS};
  /* prev's edges: the patched files' (17, 1500), and every other of 900's
   * (only resolved again) dropped, with two new calls of it added */
  const pt_edge *e = pt_graph_edges(g);
  size_t n = pt_graph_n_edges(g), n_was = 0, n_drop = 0, first_other = n;
  size_t *was = test_malloc(n * sizeof *was), *drop = test_malloc(n * sizeof *drop);
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(e[i].file_path, "d/f0017.c") || !strcmp(e[i].file_path, "d/f1500.c"))
      was[n_was++] = i;
    else if (!strcmp(e[i].file_path, "d/f0900.c"))
      drop[n_drop++] = i;
    else if (first_other == n)
      first_other = i;
  }
  size_t w = 0;
  for (size_t i = 0; i < n_drop; i += 2)
    drop[w++] = drop[i];
  n_drop = w;
  pt_edge add[2] = {files[900].edges[0], files[900].edges[1]};
  add[0].to_key = "c:fn:u998:unresolved-reference:0-0"; /* no other edge's */
  add[1].to_key = "c:fn:u999:unresolved-reference:0-0";
  add[0].resolved = add[1].resolved = 0;
  add[0].resolution = add[1].resolution = PT_RES_EXTERNAL;
  assert_true(n_was > 0 && n_drop > 0 && first_other < n);
  pt_graph_edge_patch one = {drop, n_drop, add, 2, NULL, 0};
  pt_graph *whole = NULL, *two = NULL;
  assert_int_equal(pt_graph_patch_edges(g, fp, 3, &one, &whole), 0);
  assert_int_equal(whole->edge_parts, 1);
  pt_graph_edge_patch listed = one;
  listed.patched = was;
  listed.n_patched = n_was;
  assert_int_equal(pt_graph_patch_edges(g, fp, 3, &listed, &two), 0);
  assert_int_equal(two->edge_parts, 2);
  assert_same_patch(two, whole);
  /* and the query graph's update of so large a graph (its reverse lists
   * in two parts) is its whole build */
  pt_qgraph *q = NULL, *updated = NULL, *built = NULL;
  assert_int_equal(pt_qgraph_build(g, NULL, &q), 0);
  assert_int_equal(pt_qgraph_update(q, two, &updated), 0);
  assert_int_equal(pt_qgraph_build(two, NULL, &built), 0);
  assert_same_qgraph(updated, built);
  pt_qgraph_free(q);
  pt_qgraph_free(updated);
  pt_qgraph_free(built);
  pt_graph_free(two);
  /* wrong lists: the first missing; another edge (first_other) in too;
   * every edge of the graph */
  for (int wrong = 0; wrong < 3; wrong++) {
    size_t *bad = test_malloc((n + 1) * sizeof *bad), n_bad = 0;
    for (size_t i = 0; i < n; i++)
      if ((wrong == 0 && i != was[0] && bsearch_size(was, n_was, i)) ||
          (wrong == 1 && (i == first_other || bsearch_size(was, n_was, i))) ||
          wrong == 2)
        bad[n_bad++] = i;
    pt_graph_edge_patch wl = one;
    wl.patched = bad;
    wl.n_patched = n_bad;
    assert_int_equal(pt_graph_patch_edges(g, fp, 3, &wl, &two), 0);
    assert_int_equal(two->edge_parts, 1);
    assert_same_patch(two, whole);
    pt_graph_free(two);
    test_free(bad);
  }
  pt_graph_free(whole);
  pt_graph_free(g);
  test_free(was);
  test_free(drop);
}

/* The graph of every file's current records, made whole. */
static pt_graph *whole_graph(const file_recs *cur, const int *has)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (int f = 0; f < N_FILES; f++) {
    if (!has[f])
      continue;
    for (size_t i = 0; i < cur[f].n_ents; i++)
      assert_int_equal(pt_graph_add_entity(g, &cur[f].ents[i]), 0);
    for (size_t i = 0; i < cur[f].n_edges; i++)
      assert_int_equal(pt_graph_add_edge(g, &cur[f].edges[i]), 0);
    assert_int_equal(pt_graph_add_file(g, &cur[f].file), 0);
  }
  assert_int_equal(pt_graph_finish(g), 0);
  return g;
}

static const char *no_arg(void *conn, const char *name)
{
  return NULL;
}

/* What a lookup of text answers on st: the node, or the error's body. */
static void lookup(const pt_serve_state *st, const char *text, char *out,
                   size_t size)
{
  pt_req r;
  memset(&r, 0, sizeof r);
  r.st = st;
  r.path = "/test";
  r.arg = no_arg;
  r.status = 200;
  pt_arena_init(&r.arena);
  pt_json_init(&r.json, &r.body);
  int64_t v = pt__req_node(&r, text);
  snprintf(out, size, "%lld %u %.*s", (long long)v, r.status,
           (int)(r.body.len < 200 ? r.body.len : 200), r.body.ptr ? r.body.ptr : "");
  pt_buf_fini(&r.body);
  pt_arena_fini(&r.arena);
}

/* Random patches, each graph freed while its successor lives (its arrays
 * kept for the next patch) or kept a round longer: every patched graph is
 * the graph made whole from the same records, and the name index a
 * patched graph's server state takes from the state before answers every
 * lookup as one made whole. */
static void graph_patch__equals_whole_graphs_and_name_lookups(void **state)
{
  static file_recs cur[N_FILES], recs[3];
  int has[N_FILES] = {0};
  uint32_t seed = 41;
  pt_graph *g = NULL, *older = NULL;
  pt_serve_state st, *prev = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt__serve_state_init(&st, g, "mem"), 0);
  prev = &st;
  for (int round = 0; round < 200; round++) {
    pt_graph_file_patch fp[3];
    int n = 1 + (int)(next_rand(&seed) % 3), used[N_FILES] = {0}, which[3];
    for (int k = 0; k < n; k++) {
      int f = (int)(next_rand(&seed) % N_FILES);
      while (used[f])
        f = (f + 1) % N_FILES;
      used[f] = 1;
      which[k] = f;
      make_file(&recs[k], f, &seed);
      int gone = next_rand(&seed) % 4 == 0;
      fp[k] = (pt_graph_file_patch){recs[k].path, recs[k].ents,
                                    gone ? 0 : recs[k].n_ents, NULL, 0,
                                    gone ? NULL : &recs[k].file, recs[k].edges,
                                    gone ? 0 : recs[k].n_edges};
      has[f] = !gone;
    }
    pt_graph *next = NULL;
    assert_int_equal(pt_graph_patch(g, fp, (size_t)n, &next), 0);
    pt_graph_lineage ln; /* the patch's counts are those of a comparison */
    pt_graph_changes counted;
    assert_true(pt_graph_lineage_of(next, &ln));
    pt_graph_count_changes(g, next, &counted);
    assert_int_equal(ln.changes.files_removed, counted.files_removed);
    assert_int_equal(ln.changes.entities_added, counted.entities_added);
    assert_int_equal(ln.changes.entities_removed, counted.entities_removed);
    char a[400], b[400];
    lookup(prev, "n1", a, sizeof a); /* the name index of prev is made */
    pt_serve_state patched, whole;
    assert_int_equal(pt__serve_state_init_from(&patched, next, "mem", prev), 0);
    pt_graph_drop_lineage(next);
    assert_int_equal(pt__serve_state_init(&whole, next, "mem"), 0);
    assert_true(patched.memo->has_names);
    for (int t = 0; t < 5; t++) {
      static const char *const texts[] = {"n0", "n1", "n2", "n3", "c"};
      lookup(&patched, texts[t], a, sizeof a);
      lookup(&whole, texts[t], b, sizeof b);
      assert_string_equal(a, b);
    }
    for (size_t i = 0; i < pt_graph_n_entities(next); i++)
      assert_int_equal(patched.memo->by_name[i], whole.memo->by_name[i]);
    assert_int_equal(patched.n_resolved, whole.n_resolved);
    assert_int_equal(pt_graph_n_resolved_edges(next), count_resolved_edges(next));
    pt__serve_state_fini(&whole);
    for (int k = 0; k < n; k++) /* the records patched in are copied */
      cur[which[k]] = recs[k];
    for (int f = 0; f < N_FILES; f++) { /* the copies point at their own */
      for (size_t i = 0; i < cur[f].n_ents; i++) {
        cur[f].ents[i].key = cur[f].keys[i];
        cur[f].ents[i].file_path = cur[f].path;
      }
      for (size_t i = 0; i < cur[f].n_edges; i++) {
        cur[f].edges[i].to_key = cur[f].targets[i];
        cur[f].edges[i].file_path = cur[f].path;
        for (size_t j = 0; j < cur[f].n_ents; j++)
          if (!strcmp(cur[f].edges[i].from_key, cur[f].keys[j]))
            cur[f].edges[i].from_key = cur[f].keys[j];
      }
      cur[f].file.path = cur[f].path;
    }
    pt_graph *w = whole_graph(cur, has);
    assert_true(pt_graph_equal(next, w));
    pt_graph_free(w);
    pt__serve_state_fini(prev);
    /* the graph before goes now or a round later: its arrays are lent to
     * a later patch, or it is alive while the next patch is made */
    pt_graph_free(older);
    older = NULL;
    if (next_rand(&seed) % 2)
      pt_graph_free(g);
    else
      older = g;
    g = next;
    st = patched;
    prev = &st;
  }
  pt__serve_state_fini(prev);
  pt_graph_free(older);
  pt_graph_free(g);
}

/* The name index made ahead (the live index's thread, while nothing
 * waits) is the one the first lookup by name makes. */
static void serve_state_index_names__is_the_lookups_index(void **state)
{
  static file_recs cur[N_FILES];
  int has[N_FILES];
  uint32_t seed = 5;
  for (int f = 0; f < N_FILES; f++) {
    make_file(&cur[f], f, &seed);
    has[f] = 1;
  }
  pt_graph *g = whole_graph(cur, has);
  pt_serve_state ahead, looked;
  char a[400], b[400];
  assert_int_equal(pt__serve_state_init(&ahead, g, "mem"), 0);
  assert_int_equal(pt__serve_state_init(&looked, g, "mem"), 0);
  assert_false(ahead.memo->has_names);
  assert_int_equal(pt__serve_state_index_names(&ahead), 0);
  assert_true(ahead.memo->has_names);
  lookup(&looked, "n1", b, sizeof b);
  assert_true(looked.memo->has_names);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++)
    assert_int_equal(ahead.memo->by_name[i], looked.memo->by_name[i]);
  lookup(&ahead, "n1", a, sizeof a);
  assert_string_equal(a, b);
  pt__serve_state_fini(&ahead);
  pt__serve_state_fini(&looked);
  pt_graph_free(g);
}

/* Arrays made ahead are what the next patch fills (the pool keeps them
 * until then), and the patched graph is the one a patch without them
 * makes. */
static void graph_prepare_patch__the_next_patch_takes_the_arrays_made(void **state)
{
  static file_recs cur[N_FILES], rec;
  int has[N_FILES];
  uint32_t seed = 7;
  for (int f = 0; f < N_FILES; f++) {
    make_file(&cur[f], f, &seed);
    has[f] = 1;
  }
  pt_graph *g = whole_graph(cur, has), *h = whole_graph(cur, has);
  pt_graph *next = NULL, *next_h = NULL;
  size_t made = 0;
  assert_int_equal(pt_graph_prepare_patch(g, &made), 0);
  assert_true(made > 0);
  assert_int_equal(pt_graph_prepare_patch(g, &made), 0);
  assert_int_equal(made, 0); /* kept: nothing more to make */
  make_file(&rec, 3, &seed);
  pt_graph_file_patch fp = {rec.path, rec.ents, rec.n_ents, NULL, 0,
                            &rec.file, rec.edges, rec.n_edges};
  assert_int_equal(pt_graph_patch(g, &fp, 1, &next), 0);
  assert_int_equal(pt_graph_patch(h, &fp, 1, &next_h), 0);
  assert_true(pt_graph_equal(next, next_h));
  assert_int_equal(pt_graph_prepare_patch(next, &made), 0);
  assert_true(made > 0); /* the patch took them */
  pt_graph_free(g); /* its arrays join the pool's spares: next's patch */
  pt_graph *again = NULL;
  assert_int_equal(pt_graph_patch(next, &fp, 1, &again), 0);
  assert_true(pt_graph_equal(again, next_h));
  pt_graph_free(again);
  pt_graph_free(next);
  pt_graph_free(next_h);
  pt_graph_free(h);
}

/* Arrays made on a thread (pt_graph_prepare_patch_start) are the ones the
 * next patch takes: it waits for the thread where it takes them, and its
 * graph is the one a patch without them makes; a graph freed while the
 * thread runs waits for it too (ASan and valgrind see the rest). */
static void graph_prepare_patch_start__the_patch_waits_for_the_thread(void **state)
{
  (void)state;
  static file_recs cur[N_FILES], rec;
  int has[N_FILES];
  uint32_t seed = 11;
  for (int f = 0; f < N_FILES; f++) {
    make_file(&cur[f], f, &seed);
    has[f] = 1;
  }
  pt_graph *g = whole_graph(cur, has), *h = whole_graph(cur, has);
  pt_graph *next = NULL, *next_h = NULL;
  assert_int_equal(pt_graph_spare_bytes(g), 0);
  assert_int_equal(pt_graph_prepare_patch_start(g), 0);
  make_file(&rec, 5, &seed);
  pt_graph_file_patch fp = {rec.path, rec.ents, rec.n_ents, NULL, 0,
                            &rec.file, rec.edges, rec.n_edges};
  assert_int_equal(pt_graph_patch(g, &fp, 1, &next), 0);
  assert_int_equal(pt_graph_patch(h, &fp, 1, &next_h), 0);
  assert_true(pt_graph_equal(next, next_h));
  /* the patch took every array the thread made: nothing is left over */
  assert_int_equal(pt_graph_spare_bytes(g), 0);
  assert_int_equal(pt_graph_prepare_patch_start(next), 0);
  assert_true(pt_graph_spare_bytes(next) > 0); /* joined, then counted */
  assert_int_equal(pt_graph_prepare_patch_start(h), 0);
  pt_graph_free(h); /* its pool's last graph: waits for the thread */
  pt_graph_free(next);
  pt_graph_free(next_h);
  pt_graph_free(g);
}

static void path_l1_l2__follows_the_first_two_folders(void **state)
{
  char l1[16], l2[16];
  pt_path_l1_l2("main.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, ".");
  assert_string_equal(l2, "");
  pt_path_l1_l2("src/main.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, "src");
  assert_string_equal(l2, "");
  pt_path_l1_l2("crates/core/src/lib.rs", l1, sizeof l1, l2, sizeof l2);
  assert_string_equal(l1, "crates");
  assert_string_equal(l2, "core");
}

/* A server state lists each of its files' languages once, by name in
 * order, whatever the files' order and count ("unknown" for a value no
 * language has). */
static void serve_state_languages__each_once_in_order(void **state)
{
  (void)state;
  static const pt_lang langs[] = {PT_LANG_PYTHON, PT_LANG_C, PT_LANG_PYTHON,
                                  PT_LANG_GO, PT_LANG_C, PT_LANG__COUNT,
                                  (pt_lang)(PT_LANG__COUNT + 3), PT_LANG_GO};
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
    char path[32];
    snprintf(path, sizeof path, "f%zu.x", i);
    pt_file_record f;
    memset(&f, 0, sizeof f);
    f.path = path;
    f.content_hash = "h";
    f.lang = langs[i];
    assert_int_equal(pt_graph_add_file(g, &f), 0);
  }
  assert_int_equal(pt_graph_finish(g), 0);
  pt_serve_state st;
  assert_int_equal(pt__serve_state_init(&st, g, "mem"), 0);
  assert_int_equal(st.n_languages, 4);
  assert_string_equal(st.languages[0], "c");
  assert_string_equal(st.languages[1], "go");
  assert_string_equal(st.languages[2], "python");
  assert_string_equal(st.languages[3], "unknown");
  pt__serve_state_fini(&st);
  pt_graph_free(g);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(qgraph_build__reference_graph_has_all_nodes_and_degrees),
    cmocka_unit_test(qgraph_build__placeholders_are_nodes_without_entities),
    cmocka_unit_test(qgraph_build__scope_keeps_edges_from_entities_in_scope),
    cmocka_unit_test(qgraph_build__forward_slots_name_their_graph_edges),
    cmocka_unit_test(qgraph_update__equals_a_whole_build_after_random_patches),
    cmocka_unit_test(qgraph_update__equals_a_whole_build_over_long_runs),
    cmocka_unit_test(qgraph_update__out_of_memory_anywhere_fails_cleanly),
    cmocka_unit_test(qgraph_update__equals_a_whole_build_when_the_shape_stays),
    cmocka_unit_test(qgraph_update__drops_a_node_only_a_gone_edge_named),
    cmocka_unit_test(qgraph_update__refuses_a_graph_without_lineage),
    cmocka_unit_test(graph_patch__equals_whole_graphs_and_name_lookups),
    cmocka_unit_test(graph_n_resolved_edges__follows_finish_and_adds),
    cmocka_unit_test(graph_patch__counts_resolved_edges_with_or_without_the_kept_count),
    cmocka_unit_test(graph_patch__edges_in_two_parts_equal_one_piece),
    cmocka_unit_test(graph_prepare_patch__the_next_patch_takes_the_arrays_made),
    cmocka_unit_test(graph_prepare_patch_start__the_patch_waits_for_the_thread),
    cmocka_unit_test(serve_state_index_names__is_the_lookups_index),
    cmocka_unit_test(path_l1_l2__follows_the_first_two_folders),
    cmocka_unit_test(serve_state_languages__each_once_in_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
