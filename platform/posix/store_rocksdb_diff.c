/* Which records of two finished graphs a RocksDB update must encode and
 * compare (store_rocksdb_int.h, pt__rocksdb_changed): both are walked side
 * by side in canonical order, and a pair of records whose bytes are the
 * same (the same string pointers and numbers, as a patched graph keeps
 * what it did not change of the graph it came from) is the same record
 * under the same key, so it is left out. A pairing that misses a record
 * only costs time: every record not left out is compared by its key and
 * encoded value. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "store_rocksdb_int.h"

static int cmp_str(const char *a, const char *b)
{
  return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
  return (a > b) - (a < b);
}

/* The order of record i of a against record j of b (the canonical order's
 * leading fields), and whether they are the same bytes. */
typedef struct runs runs;
typedef struct pairing {
  int (*cmp)(const runs *r, const pt_graph *a, size_t i, const pt_graph *b,
             size_t j);
  int (*same)(const runs *r, const pt_graph *a, size_t i, const pt_graph *b,
              size_t j);
} pairing;

static int entity_cmp(const runs *r, const pt_graph *a, size_t i,
                      const pt_graph *b, size_t j)
{
  (void)r;
  return cmp_str(pt_graph_entities(a)[i].key, pt_graph_entities(b)[j].key);
}

static int entity_same(const runs *r, const pt_graph *a, size_t i,
                       const pt_graph *b, size_t j)
{
  (void)r;
  return !memcmp(&pt_graph_entities(a)[i], &pt_graph_entities(b)[j],
                 sizeof(pt_entity));
}

/* Edges go by runs of one from key (format 8's records): i and j are
 * runs, of the runs ids found in each graph. */
struct runs {
  const pt__rocksdb_groups *a, *b; /* borrowed */
};

static int edge_cmp(const runs *r, const pt_graph *a, size_t i,
                    const pt_graph *b, size_t j)
{
  return cmp_str(pt_graph_edges(a)[r->a->start[i]].from_key,
                 pt_graph_edges(b)[r->b->start[j]].from_key);
}

static int edge_same(const runs *r, const pt_graph *a, size_t i,
                     const pt_graph *b, size_t j)
{
  size_t n = r->a->start[i + 1] - r->a->start[i];
  return n == r->b->start[j + 1] - r->b->start[j] &&
         !memcmp(&pt_graph_edges(a)[r->a->start[i]],
                 &pt_graph_edges(b)[r->b->start[j]], n * sizeof(pt_edge));
}

static int file_cmp(const runs *r, const pt_graph *a, size_t i,
                    const pt_graph *b, size_t j)
{
  (void)r;
  return cmp_str(pt_graph_files(a)[i].path, pt_graph_files(b)[j].path);
}

static int file_same(const runs *r, const pt_graph *a, size_t i,
                     const pt_graph *b, size_t j)
{
  (void)r;
  return !memcmp(&pt_graph_files(a)[i], &pt_graph_files(b)[j],
                 sizeof(pt_file_record));
}

static int test_cmp(const runs *r, const pt_graph *a, size_t i,
                    const pt_graph *b, size_t j)
{
  (void)r;
  const pt_test_entity *x = &pt_graph_tests(a)[i], *y = &pt_graph_tests(b)[j];
  int c = cmp_str(x->file_path, y->file_path);
  if (!c) c = cmp_u32(x->line_start, y->line_start);
  return c ? c : cmp_str(x->key, y->key);
}

/* A test's key holds its place in the graph: the same place too. */
static int test_same(const runs *r, const pt_graph *a, size_t i,
                     const pt_graph *b, size_t j)
{
  (void)r;
  return i == j && !memcmp(&pt_graph_tests(a)[i], &pt_graph_tests(b)[j],
                           sizeof(pt_test_entity));
}

static int ignored_cmp(const runs *r, const pt_graph *a, size_t i,
                       const pt_graph *b, size_t j)
{
  (void)r;
  return cmp_str(pt_graph_ignored(a)[i].path, pt_graph_ignored(b)[j].path);
}

static int ignored_same(const runs *r, const pt_graph *a, size_t i,
                        const pt_graph *b, size_t j)
{
  (void)r;
  return !memcmp(&pt_graph_ignored(a)[i], &pt_graph_ignored(b)[j],
                 sizeof(pt_ignored_file));
}

static int meta_cmp(const runs *r, const pt_graph *a, size_t i,
                    const pt_graph *b, size_t j)
{
  (void)r;
  const char *an, *av, *bn, *bv;
  pt_graph_meta_at(a, i, &an, &av);
  pt_graph_meta_at(b, j, &bn, &bv);
  return cmp_str(an, bn);
}

static int meta_same(const runs *r, const pt_graph *a, size_t i,
                     const pt_graph *b, size_t j)
{
  (void)r;
  const char *an, *av, *bn, *bv;
  pt_graph_meta_at(a, i, &an, &av);
  pt_graph_meta_at(b, j, &bn, &bv);
  return an == bn && av == bv;
}

static const pairing *pairing_of(char prefix)
{
  /* an entity's code record ('c') goes with its entity */
  static const pairing p[] = {
      {entity_cmp, entity_same}, {entity_cmp, entity_same},
      {edge_cmp, edge_same},     {file_cmp, file_same},
      {test_cmp, test_same},     {ignored_cmp, ignored_same},
      {meta_cmp, meta_same},
  };
  static const char prefixes[] = "ecdftim";
  const char *at = prefix ? strchr(prefixes, prefix) : NULL;
  return at ? &p[at - prefixes] : NULL;
}

int pt__rocksdb_changed(char prefix, const pt_graph *old, size_t n_old,
                        const pt_graph *now, size_t n_now,
                        const pt__rocksdb_ids *ids, pt__rocksdb_records *out)
{
  const pairing *p = pairing_of(prefix);
  runs r = {pt__rocksdb_groups_of(ids, old), pt__rocksdb_groups_of(ids, now)};
  out->old = out->now = NULL;
  out->n_old = out->n_now = 0;
  if (prefix == 'd' && (!r.a || !r.b || r.a->n != n_old || r.b->n != n_now))
    return PT_ERR(PT_EINVAL, "rocksdb: edges compared without their runs");
  out->old = pt_malloc((n_old + 1) * sizeof *out->old);
  out->now = pt_malloc((n_now + 1) * sizeof *out->now);
  out->n_old = out->n_now = 0;
  if (!p || !out->old || !out->now) {
    pt__rocksdb_records_fini(out);
    return p ? PT_ERR(PT_ENOMEM, "out of memory")
             : PT_ERR(PT_EINVAL, "no record type '%c'", prefix);
  }
  size_t i = 0, j = 0;
  while (i < n_old || j < n_now) {
    int c = i == n_old ? 1 : j == n_now ? -1 : p->cmp(&r, old, i, now, j);
    if (c == 0 && p->same(&r, old, i, now, j)) {
      i++, j++;
      continue;
    }
    if (c <= 0)
      out->old[out->n_old++] = i++;
    if (c >= 0)
      out->now[out->n_now++] = j++;
  }
  return 0;
}

void pt__rocksdb_records_fini(pt__rocksdb_records *r)
{
  pt_free(r->old);
  pt_free(r->now);
  r->old = r->now = NULL;
  r->n_old = r->n_now = 0;
}
