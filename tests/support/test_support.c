/* Helpers shared by the cmocka suites (test_support.h). */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/qgraph.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "test_support.h"

char *pt_test_tmpdir(const char *tag)
{
  static unsigned counter;
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s-%lu-%u", PT_TEST_TMP, tag,
                                 pt_process_id(), counter++), 0);
  assert_int_equal(pt_fs_remove_tree(b.ptr), 0);
  assert_int_equal(pt_fs_mkdir_p(b.ptr), 0);
  return pt_buf_detach(&b);
}

void pt_test_write(const char *dir, const char *rel, const char *text)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", dir, rel), 0);
  char *slash = strrchr(b.ptr, '/');
  *slash = '\0';
  assert_int_equal(pt_fs_mkdir_p(b.ptr), 0);
  *slash = '/';
  assert_int_equal(pt_fs_write_file(b.ptr, text, strlen(text)), 0);
  pt_buf_fini(&b);
}

char *pt_test_read(const char *path)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_fs_read_file(path, &b), 0);
  return pt_buf_detach(&b);
}

static const char *node_key(pt_graph *g, const char *name, size_t len)
{
  pt_buf b = PT_BUF_INIT;
  if (name[0] == '?')
    pt_buf_printf(&b, "c:fn:%.*s:unresolved-reference:0-0", (int)len - 1, name + 1);
  else
    pt_buf_printf(&b, "c:fn:%.*s:__src_x:T1", (int)len, name);
  const char *k = pt_graph_intern(g, b.ptr);
  pt_buf_fini(&b);
  return k;
}

static void add_node(pt_graph *g, const char *name, size_t len)
{
  if (name[0] == '?')
    return;
  const char *key = node_key(g, name, len);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++)
    if (pt_graph_entities(g)[i].key == key)
      return;
  char nm[64];
  snprintf(nm, sizeof nm, "%.*s", (int)len, name);
  pt_entity e;
  memset(&e, 0, sizeof e);
  e.key = key;
  e.name = nm;
  e.qualname = nm;
  e.file_path = "src/x.c";
  e.signature = nm;
  e.code = nm;
  e.lang = PT_LANG_C;
  e.kind = PT_KIND_FUNCTION;
  e.line_start = e.line_end = 1;
  assert_int_equal(pt_graph_add_entity(g, &e), 0);
}

pt_graph *pt_test_graph(const char *edges)
{
  pt_graph *g = NULL;
  assert_int_equal(pt_graph_new(&g), 0);
  for (const char *p = edges; *p;) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    const char *gt = strchr(p, '>');
    const char *end = strchr(p, ' ');
    if (!end)
      end = p + strlen(p);
    assert_non_null(gt);
    const char *dash = memchr(p, '-', (size_t)(gt - p));
    const char *from_end = dash ? dash : gt;
    pt_edge_type type = PT_EDGE_CALLS;
    if (dash && !strncmp(dash, "-uses>", 6)) type = PT_EDGE_USES;
    if (dash && !strncmp(dash, "-ext>", 5)) type = PT_EDGE_EXTENDS;
    if (dash && !strncmp(dash, "-impl>", 6)) type = PT_EDGE_IMPLEMENTS;
    add_node(g, p, (size_t)(from_end - p));
    add_node(g, gt + 1, (size_t)(end - gt - 1));
    pt_edge e = {node_key(g, p, (size_t)(from_end - p)),
                 node_key(g, gt + 1, (size_t)(end - gt - 1)), "src/x.c", type, 1,
                 gt[1] != '?', gt[1] != '?' ? PT_RES_UNIQUE_NAME : PT_RES_EXTERNAL, NULL};
    assert_int_equal(pt_graph_add_edge(g, &e), 0);
    p = end;
  }
  assert_int_equal(pt_graph_finish(g), 0);
  return g;
}

uint32_t pt_test_node(const pt_qgraph *q, const char *name)
{
  char key[64];
  snprintf(key, sizeof key, "c:fn:%s:__src_x:T1", name);
  int64_t v = pt_qgraph_find(q, key);
  assert_true(v >= 0);
  return (uint32_t)v;
}

void pt_test_index(const char *root, pt_graph **g, pt_qgraph **q)
{
  pt_ingest_opts o = {.root = root, .n_threads = 1};
  pt_ingest_stats st;
  assert_int_equal(pt_ingest(&o, g, &st), 0);
  pt_ingest_stats_fini(&st);
  if (q)
    assert_int_equal(pt_qgraph_build(*g, NULL, q), 0);
}

pt_file_result *pt_test_extract(pt_grammar grammar, const char *path,
                                const char *src, size_t len)
{
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_file_result *r = NULL;
  assert_int_equal(pt_queries_new(&q), 0);
  assert_int_equal(pt_extractor_new(q, &x), 0);
  assert_int_equal(pt_extract_file(x, grammar, path, src, len, &r), 0);
  pt_extractor_free(x);
  pt_queries_free(q);
  return r;
}
