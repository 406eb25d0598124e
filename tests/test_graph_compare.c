/* Comparing two finished graphs (graph_compare.c): equality field by
 * field, the entity keys and files that came and went, and one file's
 * changes, on small graphs from pt_test_graph; and interning a load's
 * strings at once, and looking one up without interning (graph.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/graph.h"
#include "test_support.h"

/* Copies interned at once become the pool's strings: one already
 * interned, or an equal one earlier in the batch, is kept instead; each is
 * then what pt_graph_intern gives for its text. 40,000 strings make a map
 * of more slots than the order's 65,536 buckets. */
static void graph_intern_copies__keeps_one_string_per_text(void **state)
{
  enum { N = 40000 };
  pt_graph *g = NULL;
  const char **s = pt_malloc(N * sizeof *s);
  size_t *len = pt_malloc(N * sizeof *len);
  char text[32];
  assert_int_equal(pt_graph_new(&g), 0);
  assert_non_null(s);
  assert_non_null(len);
  const char *old = pt_graph_intern(g, "k7");
  for (size_t i = 0; i < N; i++) { /* "k0".."k19999" twice */
    snprintf(text, sizeof text, "k%zu", i % (N / 2));
    len[i] = strlen(text);
    s[i] = pt_graph_copy_text(g, text, len[i]);
    assert_non_null(s[i]);
  }
  const char *first_k8 = s[8];
  assert_int_equal(pt_graph_intern_copies(g, s, len, N), 0);
  assert_ptr_equal(s[7], old);
  assert_ptr_equal(s[N / 2 + 7], old);
  assert_ptr_equal(s[8], first_k8);
  for (size_t i = 0; i < N; i++) {
    snprintf(text, sizeof text, "k%zu", i % (N / 2));
    assert_string_equal(s[i], text);
    assert_ptr_equal(s[i], s[i % (N / 2)]);
    assert_ptr_equal(pt_graph_intern(g, text), s[i]);
  }
  pt_free(len);
  pt_free(s);
  pt_graph_free(g);
}

/* A lookup without interning gives the pool's string of a text, from
 * a graph sharing the pool too, and NULL for a text the pool does not
 * hold, which it does not add. */
static void graph_interned__finds_the_pools_string_and_adds_none(void **state)
{
  pt_graph *g = NULL, *sharing = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  const char *k = pt_graph_intern(g, "python:fn:open");
  assert_non_null(k);
  assert_int_equal(pt_graph_new_sharing(g, &sharing), 0);
  char text[] = "python:fn:open"; /* another address, the same text */
  assert_ptr_equal(pt_graph_interned(g, text), k);
  assert_ptr_equal(pt_graph_interned(sharing, text), k);
  assert_null(pt_graph_interned(g, "python:fn:close"));
  assert_null(pt_graph_interned(sharing, "python:fn:close"));
  assert_null(pt_graph_interned(g, NULL));
  const char *c = pt_graph_intern(sharing, "python:fn:close");
  assert_non_null(c);
  assert_ptr_equal(pt_graph_interned(g, "python:fn:close"), c);
  pt_graph_free(sharing);
  pt_graph_free(g);
}

/* The canonical order of many records, sorted on several threads by the
 * ranks of their strings, is the order a stable sort by text gives:
 * entities by key, path and line (equal ones in the order added, and a
 * key that is an equal text at another address compares equal), edges
 * by from, to, type, path and line, then the first of each triple. */
typedef struct fin_rec {
  const char *a, *b, *c;     /* entity: key, path; edge: from, to, path */
  uint32_t type, line, tag;  /* tag: entity line_end, edge nothing */
  size_t idx;
} fin_rec;

static int cmp_fin(const void *pa, const void *pb)
{
  const fin_rec *a = pa, *b = pb;
  int c = strcmp(a->a, b->a);
  if (!c) c = strcmp(a->b, b->b);
  if (!c && a->c) c = strcmp(a->c, b->c);
  if (!c) c = (a->type > b->type) - (a->type < b->type);
  if (!c) c = (a->line > b->line) - (a->line < b->line);
  if (!c) c = (a->idx > b->idx) - (a->idx < b->idx);
  return c;
}

static void graph_finish__orders_many_records_as_a_stable_sort_by_text(
    void **state)
{
  enum { N_ENT = 70000, N_EDGE = 120000, K = 3001, P = 7 };
  char (*keys)[24] = pt_malloc((size_t)K * sizeof *keys);
  char (*twins)[24] = pt_malloc((size_t)K * sizeof *twins);
  char paths[P][16];
  fin_rec *ents = pt_calloc(N_ENT, sizeof *ents);
  fin_rec *edges = pt_calloc(N_EDGE, sizeof *edges);
  pt_graph *g = NULL;
  uint32_t seed = 777;
  assert_non_null(keys);
  assert_non_null(twins);
  assert_non_null(ents);
  assert_non_null(edges);
  assert_int_equal(pt_graph_new(&g), 0);
  for (int i = 0; i < K; i++) {
    snprintf(keys[i], sizeof keys[i], "py:fn:k%d:__x:T1", (i * 1009) % K);
    memcpy(twins[i], keys[i], sizeof keys[i]);
  }
  for (int i = 0; i < P; i++)
    snprintf(paths[i], sizeof paths[i], "d/p%d.py", (i * 3) % P);
  for (size_t i = 0; i < N_ENT; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    pt_entity e;
    memset(&e, 0, sizeof e);
    e.key = keys[r % K];
    e.name = "k";
    e.qualname = "k";
    e.file_path = paths[r / K % P];
    e.lang = PT_LANG_PYTHON;
    e.kind = PT_KIND_FUNCTION;
    e.line_start = r / K / P % 3 + 1; /* many equal (key, path, line) */
    e.line_end = (uint32_t)i;         /* tells the equal ones apart */
    if (i % 10 == 3) { /* the same text at another address */
      e.name = pt_graph_intern(g, e.name);
      e.qualname = e.name;
      e.file_path = pt_graph_intern(g, e.file_path);
      e.key = twins[r % K];
      assert_int_equal(pt_graph_add_entity_interned(g, &e), 0);
    } else {
      assert_int_equal(pt_graph_add_entity(g, &e), 0);
    }
    fin_rec f = {e.key, e.file_path, NULL, 0, e.line_start, e.line_end, i};
    ents[i] = f;
  }
  for (size_t i = 0; i < N_EDGE; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    pt_edge e = {keys[r % K], keys[(r / 7) % K], paths[r / K % P],
                 (pt_edge_type)(r / K / P % PT_EDGE__COUNT),
                 r / K % 40 + 1, 1, PT_RES_NONE, NULL};
    assert_int_equal(pt_graph_add_edge(g, &e), 0);
    fin_rec f = {e.from_key, e.to_key, e.file_path, e.type, e.line, 0, i};
    edges[i] = f;
  }
  qsort(ents, N_ENT, sizeof *ents, cmp_fin);
  qsort(edges, N_EDGE, sizeof *edges, cmp_fin);
  assert_int_equal(pt_graph_finish(g), 0);
  const pt_entity *ge = pt_graph_entities(g);
  assert_int_equal(pt_graph_n_entities(g), N_ENT);
  for (size_t i = 0; i < N_ENT; i++) {
    assert_string_equal(ge[i].key, ents[i].a);
    assert_string_equal(ge[i].file_path, ents[i].b);
    assert_int_equal(ge[i].line_start, ents[i].line);
    assert_int_equal(ge[i].line_end, ents[i].tag);
  }
  const pt_edge *gd = pt_graph_edges(g);
  size_t w = 0;
  for (size_t i = 0; i < N_EDGE; i++) {
    if (i > 0 && strcmp(edges[i - 1].a, edges[i].a) == 0 &&
        strcmp(edges[i - 1].b, edges[i].b) == 0 &&
        edges[i - 1].type == edges[i].type)
      continue;
    assert_true(w < pt_graph_n_edges(g));
    assert_string_equal(gd[w].from_key, edges[i].a);
    assert_string_equal(gd[w].to_key, edges[i].b);
    assert_int_equal(gd[w].type, edges[i].type);
    assert_string_equal(gd[w].file_path, edges[i].c);
    assert_int_equal(gd[w].line, edges[i].line);
    w++;
  }
  assert_int_equal(pt_graph_n_edges(g), w);
  pt_graph_free(g);
  pt_free(edges);
  pt_free(ents);
  pt_free(twins);
  pt_free(keys);
}

/* Edges in order but for the last few (a store's rows put back in place,
 * then a re-run's of no place) finish as a stable sort leaves them: a
 * sorted run of 2,000 edges, then n_tail in no order, among them ones
 * before the first, after the last and equal to one of the run but for
 * their resolution (the run's, added first, is kept); a tail of 40 is
 * moved into the run, one of 300 sorted with the rest, the same way. */
static void finish_sorted_then(int n_tail)
{
  enum { N = 2000 };
  static char keys[N + 2][24];
  pt_graph *g = NULL;
  size_t n = (size_t)N + (size_t)n_tail;
  fin_rec *want = pt_calloc(n, sizeof *want);
  pt_resolution *how = pt_calloc(n, sizeof *how);
  uint32_t seed = 4242;
  assert_non_null(want);
  assert_non_null(how);
  assert_int_equal(pt_graph_new(&g), 0);
  for (int i = 0; i < N + 2; i++)
    snprintf(keys[i], sizeof keys[i], "rs:fn:k%05d", i);
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    /* the run: keys 1 to N in order, two edges each to the next key */
    size_t from = i < N ? i / 2 + 1 : r % (N + 2);
    size_t to = i < N ? i / 2 + 2 + i % 2 : r / 7 % (N + 2);
    pt_edge e = {keys[from], keys[to], "a.rs", PT_EDGE_CALLS, 3, 1,
                 i < N ? PT_RES_LOCAL : PT_RES_IMPORT, NULL};
    if (i == N) /* equal to edge 10 of the run but for its resolution */
      e.from_key = keys[6], e.to_key = keys[7];
    if (i == N + 1) /* before the run, and after it */
      e.from_key = keys[0];
    if (i == N + 2)
      e.from_key = keys[N + 1];
    assert_int_equal(pt_graph_add_edge(g, &e), 0);
    fin_rec f = {e.from_key, e.to_key, e.file_path, e.type, e.line, 0, i};
    want[i] = f;
    how[i] = e.resolution;
  }
  qsort(want, n, sizeof *want, cmp_fin);
  assert_int_equal(pt_graph_finish(g), 0);
  const pt_edge *v = pt_graph_edges(g);
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && strcmp(want[i - 1].a, want[i].a) == 0 &&
        strcmp(want[i - 1].b, want[i].b) == 0)
      continue;
    assert_true(w < pt_graph_n_edges(g));
    assert_string_equal(v[w].from_key, want[i].a);
    assert_string_equal(v[w].to_key, want[i].b);
    assert_int_equal(v[w].resolution, how[want[i].idx]);
    w++;
  }
  assert_int_equal(pt_graph_n_edges(g), w);
  pt_graph_free(g);
  pt_free(how);
  pt_free(want);
}

static void graph_finish__orders_a_few_edges_after_sorted_ones_stably(
    void **state)
{
  finish_sorted_then(40);
  finish_sorted_then(300);
}

static void graph_equal__holds_for_the_same_records_built_twice(void **state)
{
  pt_graph *a = pt_test_graph("A>B B>C"), *b = pt_test_graph("A>B B>C");
  assert_true(pt_graph_equal(a, b));
  pt_graph_free(a);
  pt_graph_free(b);
}

/* Same counts and keys; only the edge's type differs. */
static void graph_equal__fails_when_one_field_of_an_edge_differs(void **state)
{
  pt_graph *a = pt_test_graph("A>B"), *b = pt_test_graph("A-uses>B");
  assert_false(pt_graph_equal(a, b));
  pt_graph_free(a);
  pt_graph_free(b);
}

static void graph_count_changes__counts_keys_that_came_and_went(void **state)
{
  pt_graph *old = pt_test_graph("A>B"), *now = pt_test_graph("A>C");
  pt_graph_changes ch;
  pt_graph_count_changes(old, now, &ch);
  assert_int_equal(ch.entities_added, 1);
  assert_int_equal(ch.entities_removed, 1);
  assert_int_equal(ch.files_removed, 0);
  pt_graph_free(old);
  pt_graph_free(now);
}

static void graph_count_changes__without_old_counts_everything_added(void **state)
{
  pt_graph *now = pt_test_graph("A>B B>C");
  pt_graph_changes ch;
  pt_graph_count_changes(NULL, now, &ch);
  assert_int_equal(ch.entities_added, 3);
  assert_int_equal(ch.entities_removed, 0);
  pt_graph_free(now);
}

static void graph_count_file_changes__counts_the_entities_and_edges_of_the_file(
  void **state)
{
  pt_graph *old = pt_test_graph("A>B"), *now = pt_test_graph("A>B A>C");
  pt_graph_file_changes c;
  assert_int_equal(pt_graph_count_file_changes(old, now, "src/x.c", &c), 0);
  assert_int_equal(c.entities_before, 2);
  assert_int_equal(c.entities_after, 3);
  assert_int_equal(c.entities_added, 1);
  assert_int_equal(c.entities_removed, 0);
  assert_int_equal(c.entities_modified, 0);
  assert_int_equal(c.edges_added, 1);
  assert_int_equal(c.edges_removed, 0);
  assert_int_equal(pt_graph_count_file_changes(old, now, "src/y.c", &c), 0);
  assert_int_equal(c.entities_after, 0);
  assert_int_equal(c.edges_added, 0);
  pt_graph_free(old);
  pt_graph_free(now);
}

/* Edges count under their referring entity's language and their rule; a
 * key that names no language counts nowhere. */
static void graph_count_resolutions__counts_by_language_and_rule(void **state)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  const pt_edge edges[] = {
    {"python:fn:f:__a:T1", "python:fn:g:__a:T2", "a.py", PT_EDGE_CALLS, 1, 1,
     PT_RES_RECEIVER_TYPE, NULL},
    {"python:fn:f:__a:T1", "python:fn:h:__a:T3", "a.py", PT_EDGE_CALLS, 2, 1,
     PT_RES_RECEIVER_TYPE, NULL},
    {"python:fn:f:__a:T1", "python:fn:x:unresolved-reference:0-0", "a.py",
     PT_EDGE_CALLS, 3, 0, PT_RES_UNKNOWN_RECEIVER, NULL},
    {"c:fn:m:__b:T4", "c:fn:x:unresolved-reference:0-0", "b.c", PT_EDGE_CALLS,
     1, 0, PT_RES_AMBIGUOUS, NULL},
    {"cobol:fn:m:__z:T5", "c:fn:y:unresolved-reference:0-0", "z.cob",
     PT_EDGE_CALLS, 1, 0, PT_RES_EXTERNAL, NULL},
  };
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
    assert_int_equal(pt_graph_add_edge(g, &edges[i]), 0);
  assert_int_equal(pt_graph_finish(g), 0);
  size_t n[PT_LANG__COUNT][PT_RES__COUNT];
  pt_graph_count_resolutions(g, n);
  assert_int_equal(n[PT_LANG_PYTHON][PT_RES_RECEIVER_TYPE], 2);
  assert_int_equal(n[PT_LANG_PYTHON][PT_RES_UNKNOWN_RECEIVER], 1);
  assert_int_equal(n[PT_LANG_C][PT_RES_AMBIGUOUS], 1);
  size_t total = 0;
  for (int l = 0; l < PT_LANG__COUNT; l++)
    for (int r = 0; r < PT_RES__COUNT; r++)
      total += n[l][r];
  assert_int_equal(total, 4);
  pt_graph_free(g);
}

/* The few keys and paths of the duplicate-heavy edge tests, out of order. */
enum { FEW_K = 23, FEW_P = 5 };
static void few_names(char keys[FEW_K][16], char paths[FEW_P][16])
{
  for (int i = 0; i < FEW_K; i++)
    snprintf(keys[i], 16, "c:fn:f%d:__x:T1", (i * 7) % FEW_K);
  for (int i = 0; i < FEW_P; i++)
    snprintf(paths[i], 16, "p%d.c", (i * 3) % FEW_P);
}

/* Finishing sorts edges by ranks of their strings, in place: 20,000 edges
 * over few keys, paths and lines (many duplicates, many runs already in
 * order) come out in (from, to, type) order, one per triple, each the
 * first added of the triple's smallest (path, line). */
static void graph_finish__keeps_the_first_smallest_edge_of_each_triple(
    void **state)
{
  enum { N = 20000, K = FEW_K, P = FEW_P };
  char keys[K][16], paths[P][16];
  pt_graph *g = NULL;
  pt_edge *want = pt_calloc((size_t)K * K * PT_EDGE__COUNT, sizeof *want);
  uint32_t seed = 12345;
  assert_non_null(want);
  assert_int_equal(pt_graph_new(&g), 0);
  few_names(keys, paths);
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    int f = (int)(r % K), t = (int)(r / K % K);
    pt_edge e = {keys[f], keys[t], paths[r / K / K % P],
                 (pt_edge_type)(r / K / K / P % PT_EDGE__COUNT),
                 r / K / K / P / PT_EDGE__COUNT % 50 + 1, 1, PT_RES_NONE, NULL};
    if (i % 100 < 30) /* runs in the order they will end in */
      e.from_key = keys[0], e.to_key = keys[i % K];
    assert_int_equal(pt_graph_add_edge(g, &e), 0);
    size_t w = (size_t)(e.from_key == keys[0] ? 0 : f) * K * PT_EDGE__COUNT;
    for (int k = 0; k < K; k++)
      if (keys[k] == e.to_key)
        w += (size_t)k * PT_EDGE__COUNT + e.type;
    int c = want[w].from_key ? strcmp(e.file_path, want[w].file_path) : -1;
    if (c < 0 || (c == 0 && e.line < want[w].line))
      want[w] = e;
  }
  assert_int_equal(pt_graph_finish(g), 0);
  const pt_edge *v = pt_graph_edges(g);
  size_t n_want = 0;
  for (size_t i = 0; i < (size_t)K * K * PT_EDGE__COUNT; i++)
    n_want += want[i].from_key != NULL;
  assert_int_equal(pt_graph_n_edges(g), n_want);
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    if (i > 0) {
      int c = strcmp(v[i - 1].from_key, v[i].from_key);
      if (!c) c = strcmp(v[i - 1].to_key, v[i].to_key);
      if (!c) c = (int)v[i - 1].type - (int)v[i].type;
      assert_true(c < 0);
    }
    size_t f = 0, t = 0;
    for (size_t k = 0; k < K; k++) {
      f = strcmp(keys[k], v[i].from_key) == 0 ? k : f;
      t = strcmp(keys[k], v[i].to_key) == 0 ? k : t;
    }
    const pt_edge *w = &want[(f * K + t) * PT_EDGE__COUNT + v[i].type];
    assert_string_equal(v[i].file_path, w->file_path);
    assert_int_equal(v[i].line, w->line);
  }
  pt_free(want);
  pt_graph_free(g);
}

/* Dropping repeated edges as resolution adds them (a run of whole files
 * at a time: every edge of a from_key in one run) leaves what the finish
 * makes: 20,000 edges over few keys, paths and lines, many equal but for
 * the rule that resolved them, added by from_key and dropped after each
 * key's run (and once over all), finish as the same graph as without. */
static void graph_drop_repeated_edges__finishes_as_the_graph_without(
    void **state)
{
  enum { N = 20000, K = FEW_K, P = FEW_P };
  char keys[K][16], paths[P][16];
  pt_graph *g[3] = {NULL, NULL, NULL};
  pt_edge *e = pt_calloc(N, sizeof *e);
  uint32_t seed = 4242;
  assert_non_null(e);
  few_names(keys, paths);
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t r = seed >> 8;
    pt_edge x = {keys[i * K / N], keys[r % K], paths[r / K % P],
                 (pt_edge_type)(r / K / P % PT_EDGE__COUNT),
                 r / K / P / PT_EDGE__COUNT % 7 + 1, 1,
                 r / K / P / PT_EDGE__COUNT / 7 % 2 ? PT_RES_QUALIFIED
                                                   : PT_RES_UNIQUE_NAME,
                 NULL};
    e[i] = x;
  }
  for (int k = 0; k < 3; k++)
    assert_int_equal(pt_graph_new(&g[k]), 0);
  size_t base = 0;
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < 3; k++)
      assert_int_equal(pt_graph_add_edge(g[k], &e[i]), 0);
    if (i + 1 == N || e[i + 1].from_key != e[i].from_key) { /* a key's run */
      assert_int_equal(pt_graph_drop_repeated_edges(g[1], base), 0);
      base = pt_graph_n_edges(g[1]);
    }
  }
  assert_int_equal(pt_graph_drop_repeated_edges(g[2], 0), 0);
  size_t n_dropped = pt_graph_n_edges(g[2]);
  assert_int_equal(pt_graph_n_edges(g[1]), n_dropped);
  assert_true(n_dropped < N / 2);
  for (int k = 0; k < 3; k++)
    assert_int_equal(pt_graph_finish(g[k]), 0);
  assert_int_equal(pt_graph_n_edges(g[0]), n_dropped);
  assert_true(pt_graph_equal(g[0], g[1]));
  assert_true(pt_graph_equal(g[0], g[2]));
  for (int k = 0; k < 3; k++)
    pt_graph_free(g[k]);
  pt_free(e);
}

/* One reference written twice on a line (C++'s `geo::Box<int> b;` names
 * Box with and without its qualifier, each with its own rule) gives one
 * edge: the first written, by pt_graph_finish and by pt_graph_patch alike,
 * whichever order that is (qsort need not be stable: msvcrt's is not, and
 * a patched live graph then differed from a fresh index under wine). */
static void graph_patch__keeps_the_first_written_of_a_duplicate_edge(void **state)
{
  static const pt_edge rules[2] = {
    {"cpp:fn:main:__m:T1", "cpp:class:Box:__s:T2", "m.cpp", PT_EDGE_USES, 10,
     1, PT_RES_UNIQUE_NAME, NULL},
    {"cpp:fn:main:__m:T1", "cpp:class:Box:__s:T2", "m.cpp", PT_EDGE_USES, 10,
     1, PT_RES_QUALIFIED, NULL}};
  const pt_entity main_fn = {"cpp:fn:main:__m:T1", "main", "main", "m.cpp",
                             "int main()", "int main() {}", NULL, "", PT_LANG_CPP,
                             PT_KIND_FUNCTION, 1, 20, 0, 1};
  const pt_file_record file = {.path = "m.cpp", .content_hash = "h",
                               .lang = PT_LANG_CPP, .size = 14, .n_entities = 1};
  for (int first = 0; first < 2; first++) {
    /* many copies of the pair among other edges, so a sort that is not
     * stable has the chance to reorder them */
    pt_edge e[64];
    for (int k = 0; k < 64; k += 2) {
      e[k] = rules[first];
      e[k + 1] = rules[!first];
      e[k].line = e[k + 1].line = (uint32_t)(k / 2 + 1);
    }
    pt_graph *fresh = NULL, *prev = NULL, *patched = NULL;
    assert_int_equal(pt_graph_new(&fresh), 0);
    assert_int_equal(pt_graph_add_entity(fresh, &main_fn), 0);
    assert_int_equal(pt_graph_add_file(fresh, &file), 0);
    for (int k = 0; k < 64; k++)
      assert_int_equal(pt_graph_add_edge(fresh, &e[k]), 0);
    assert_int_equal(pt_graph_finish(fresh), 0);
    assert_int_equal(pt_graph_n_edges(fresh), 1);
    assert_int_equal(pt_graph_edges(fresh)[0].resolution, rules[first].resolution);

    assert_int_equal(pt_graph_new(&prev), 0);
    assert_int_equal(pt_graph_add_entity(prev, &main_fn), 0);
    assert_int_equal(pt_graph_add_file(prev, &file), 0);
    assert_int_equal(pt_graph_finish(prev), 0);
    const pt_graph_file_patch fp = {"m.cpp", &main_fn, 1, NULL, 0, &file, e, 64};
    assert_int_equal(pt_graph_patch(prev, &fp, 1, &patched), 0);
    assert_true(pt_graph_equal(fresh, patched));
    pt_graph_free(patched);
    pt_graph_free(prev);
    pt_graph_free(fresh);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(graph_intern_copies__keeps_one_string_per_text),
    cmocka_unit_test(graph_count_resolutions__counts_by_language_and_rule),
    cmocka_unit_test(graph_patch__keeps_the_first_written_of_a_duplicate_edge),
    cmocka_unit_test(graph_finish__keeps_the_first_smallest_edge_of_each_triple),
    cmocka_unit_test(graph_drop_repeated_edges__finishes_as_the_graph_without),
    cmocka_unit_test(graph_finish__orders_many_records_as_a_stable_sort_by_text),
    cmocka_unit_test(graph_finish__orders_a_few_edges_after_sorted_ones_stably),
    cmocka_unit_test(graph_equal__holds_for_the_same_records_built_twice),
    cmocka_unit_test(graph_equal__fails_when_one_field_of_an_edge_differs),
    cmocka_unit_test(graph_count_changes__counts_keys_that_came_and_went),
    cmocka_unit_test(graph_count_changes__without_old_counts_everything_added),
    cmocka_unit_test(graph_count_file_changes__counts_the_entities_and_edges_of_the_file),
    cmocka_unit_test(graph_interned__finds_the_pools_string_and_adds_none),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
