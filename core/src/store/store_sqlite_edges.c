/* The edges of the SQLite backend from schema 4 on (store_sqlite_edges.h):
 * rows of integers in `edge_rows`, naming their keys and paths by id in
 * `strings`, which holds each distinct one once. A load looks each string
 * up once instead of once per edge, and reads numbers instead of text; the
 * view `edges` shows the rows as schema 3's table did (docs/storage.md). */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/arena.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "store_sqlite_edges.h"
#include "store_sqlite_feed.h"


/* ---- a whole save -------------------------------------------------------- */

/* edge_rows' columns, in the order of the feed's and of an insert's */
#define COLUMNS "from_id, to_id, type, file_id, line, resolved," \
                " resolution, candidates, at"

/* From schema 8 on, edge_rows is a table WITHOUT ROWID keyed by (from_id,
 * to_id, type), and a save writes its rows in that order, each appended
 * to the key's tree, where rows in the graph's order and a unique index
 * sorted after them cost two trees (docs/performance.md, "SQLite's edges
 * in key order"). Column `at` is the row's place in the graph's order,
 * so that a load puts the rows back there without a sort.
 *
 * The edges of one from key are together in the graph's order (a group);
 * the groups go in the order of their from keys' ids, and the rows of a
 * group in the order of their to keys' ids and types. A chunk holds
 * whole groups, about CHUNK rows. A thread gives the ids of a chunk's
 * strings, orders its groups' rows and makes their candidates texts (the
 * string map is a fifth of the edges' time) while the caller writes the
 * chunk before it into SQLite; with one processor, or no thread, the
 * caller does both in turn. */
#define CHUNK 4096

typedef struct from_group {
  int64_t id;          /* the from key's */
  size_t first, n;     /* its edges, first to first + n - 1 */
} from_group;

typedef struct fed_row {
  int64_t to, file;    /* ids; 0 for NULL */
  size_t edge;         /* its place in the graph's order */
  int type;
} fed_row;

typedef struct edge_chunk {
  size_t n;                 /* rows */
  fed_row *rows;            /* owned: in key order */
  int64_t *from;            /* owned: each row's from id */
  size_t *cand_end;         /* owned: where each one's candidates end in
                               cand */
  size_t rows_cap, from_cap, cand_cap;
  pt_buf cand;              /* their candidates texts, one after another */
  const char **fresh;       /* owned array: the strings given ids here, */
  size_t n_fresh, fresh_cap; /* ids first_fresh, first_fresh + 1, ... */
  int64_t first_fresh;
  int is_full;              /* given, not yet written */
} edge_chunk;

typedef struct edge_pipe {
  pt__sqlite_ids *t;
  const pt_edge *e;
  size_t n;
  from_group *groups;  /* owned: in the order of their ids */
  size_t n_groups;
  size_t next;         /* the first group no chunk holds yet */
  /* the last edge's path and its id: mostly its entity's file */
  const char *file;
  int64_t file_id;
  edge_chunk chunk[2];
  /* the strings given ids, first_later, first_later + 1, ..., written
   * after the rows (owned array; the strings are the graph's) */
  const char **later;
  size_t n_later, later_cap;
  int64_t first_later;
  int feed_k;      /* the chunk the feed reads */
  size_t feed_i;   /* its row */
  pt_mutex *mu; /* owned, with cv: guards is_full, stop, rc and err;
                   NULL when there is no giver thread */
  pt_cond *cv;
  int stop;     /* the writer is done or failed: give no more */
  int rc;       /* the giver's failure, and its error */
  pt_error err;
} edge_pipe;

static int give(edge_pipe *p, edge_chunk *c, const char *s, int64_t *out)
{
  int made = 0;
  int rc = pt__sqlite_id_only(p->t, s, out, &made);
  if (rc == 0 && made &&
      pt_array_grow((void **)&c->fresh, &c->fresh_cap, c->n_fresh + 1,
                    sizeof *c->fresh))
    rc = PT_ERR(PT_ENOMEM, "out of memory saving edges");
  if (rc == 0 && made)
    c->fresh[c->n_fresh++] = s;
  return rc;
}

static int give_after(edge_pipe *p, edge_chunk *c, const char **last,
                      int64_t *last_id, const char *s, int64_t *out)
{
  if (s && s == *last) {
    *out = *last_id;
    return 0;
  }
  int rc = give(p, c, s, out);
  if (rc == 0) {
    *last = s;
    *last_id = *out;
  }
  return rc;
}

/* The strings chunk c gave ids wait for the rows' end. */
static int keep_fresh(edge_pipe *p, edge_chunk *c)
{
  if (c->n_fresh && !p->n_later)
    p->first_later = c->first_fresh;
  if (c->n_fresh &&
      pt_array_grow((void **)&p->later, &p->later_cap,
                    p->n_later + c->n_fresh, sizeof *p->later))
    return PT_ERR(PT_ENOMEM, "out of memory saving edges");
  if (c->n_fresh)
    memcpy(p->later + p->n_later, c->fresh, c->n_fresh * sizeof *p->later);
  p->n_later += c->n_fresh;
  c->n_fresh = 0;
  return 0;
}

static int cmp_group(const void *pa, const void *pb)
{
  const from_group *a = pa, *b = pb;
  return (a->id > b->id) - (a->id < b->id);
}

/* The groups of edges by from key, with their keys' ids (given here,
 * first), in the order of those ids: the graph's order for the keys of
 * entities, whose ids are their rows' in key order, and mostly for the
 * others, given ids here in key order unless another column named them
 * before; a sort for the rest. */
static int group(edge_pipe *p)
{
  edge_chunk *c = &p->chunk[0];
  size_t cap = 0;
  int rc = 0, is_sorted = 1;
  c->n_fresh = 0;
  c->first_fresh = (int64_t)p->t->map.n + 1;
  for (size_t i = 0; rc == 0 && i < p->n; i++) {
    if (i && p->e[i].from_key == p->e[i - 1].from_key) {
      p->groups[p->n_groups - 1].n++;
      continue;
    }
    if (pt_array_grow((void **)&p->groups, &cap, p->n_groups + 1,
                      sizeof *p->groups))
      rc = PT_ERR(PT_ENOMEM, "out of memory saving edges");
    from_group *gr = rc ? NULL : &p->groups[p->n_groups];
    if (gr)
      rc = give(p, c, p->e[i].from_key, &gr->id);
    if (rc == 0) {
      gr->first = i;
      gr->n = 1;
      is_sorted &= !p->n_groups || gr[-1].id < gr->id;
      p->n_groups++;
    }
  }
  if (rc == 0 && !is_sorted)
    qsort(p->groups, p->n_groups, sizeof *p->groups, cmp_group);
  return rc ? rc : keep_fresh(p, c);
}

static int row_before(const fed_row *a, const fed_row *b)
{
  return a->to != b->to ? a->to < b->to : a->type < b->type;
}

static int cmp_row(const void *pa, const void *pb)
{
  const fed_row *a = pa, *b = pb;
  return row_before(a, b) ? -1 : row_before(b, a);
}

/* One group's rows in key order: by to id, then type (no two alike in a
 * finished graph). Most groups are a few rows, which are inserted. */
static void order_rows(fed_row *v, size_t n)
{
  if (n > 16) {
    qsort(v, n, sizeof *v, cmp_row);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    fed_row x = v[i];
    size_t j = i;
    for (; j > 0 && row_before(&x, &v[j - 1]); j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
}

/* The next chunk: whole groups, ids given, rows ordered, candidates
 * texts made. */
static int fill(edge_pipe *p, edge_chunk *c)
{
  c->n = 0;
  c->n_fresh = 0;
  c->first_fresh = (int64_t)p->t->map.n + 1;
  pt_buf_clear(&c->cand);
  int rc = 0;
  while (rc == 0 && p->next < p->n_groups &&
         (!c->n || c->n + p->groups[p->next].n <= CHUNK)) {
    const from_group *gr = &p->groups[p->next++];
    size_t need = c->n + gr->n;
    if (pt_array_grow((void **)&c->rows, &c->rows_cap, need,
                      sizeof *c->rows) ||
        pt_array_grow((void **)&c->from, &c->from_cap, need,
                      sizeof *c->from) ||
        pt_array_grow((void **)&c->cand_end, &c->cand_cap, need,
                      sizeof *c->cand_end))
      rc = PT_ERR(PT_ENOMEM, "out of memory saving edges");
    fed_row *v = rc ? NULL : c->rows + c->n;
    for (size_t i = 0; rc == 0 && i < gr->n; i++) {
      const pt_edge *e = &p->e[gr->first + i];
      v[i].edge = gr->first + i;
      v[i].type = (int)e->type;
      rc = give(p, c, e->to_key, &v[i].to);
      if (rc == 0)
        rc = give_after(p, c, &p->file, &p->file_id, e->file_path,
                        &v[i].file);
    }
    if (rc == 0)
      order_rows(v, gr->n);
    for (size_t i = 0; rc == 0 && i < gr->n; i++) {
      const pt_candidates *cd = p->e[v[i].edge].candidates;
      int64_t key = 0;
      c->from[c->n + i] = gr->id;
      if (cd)
        rc = pt_buf_printf(&c->cand, "%u", cd->n);
      for (uint32_t k = 0; rc == 0 && cd && k < cd->n_keys; k++) {
        rc = give(p, c, cd->keys[k], &key);
        if (rc == 0)
          rc = pt_buf_printf(&c->cand, " %lld", (long long)key);
      }
      c->cand_end[c->n + i] = c->cand.len;
    }
    if (rc == 0)
      c->n = need;
  }
  return rc;
}

/* The rows go into SQLite in one statement, INSERT INTO edge_rows SELECT
 * from a virtual table ("the feed") whose rows are the chunks' edges as
 * they are given: the statement's cursors stay open and each row costs
 * its insert alone, where a statement of 32 rows bound by hand cost its
 * binding and its start (its cursors opened, its first insert looked up
 * from the root) again for every 32. The strings given ids on the way
 * are written after the rows, in the order of their ids. */

static void giver(void *payload)
{
  edge_pipe *p = payload;
  for (int k = 0; p->next < p->n_groups; k ^= 1) {
    edge_chunk *c = &p->chunk[k];
    pt_mutex_lock(p->mu);
    while (c->is_full && !p->stop)
      pt_cond_wait(p->cv, p->mu);
    int stop = p->stop;
    pt_mutex_unlock(p->mu);
    if (stop)
      break;
    int rc = fill(p, c);
    pt_mutex_lock(p->mu);
    if (rc) {
      p->rc = rc;
      p->err = *pt_error_last();
    }
    c->is_full = 1; /* a failure wakes the writer too */
    pt_cond_broadcast(p->cv);
    pt_mutex_unlock(p->mu);
    if (rc)
      break;
  }
}

/* Keeps the first failure and its error for the writer (rc, nonzero). */
static int keep_failure(edge_pipe *p, int rc)
{
  if (p->mu)
    pt_mutex_lock(p->mu);
  if (!p->rc) {
    p->rc = rc;
    p->err = *pt_error_last();
  }
  if (p->mu)
    pt_mutex_unlock(p->mu);
  return rc;
}

/* Chunk c with its edges given: the giver's, waited for, or (no giver)
 * filled here. The giver's failure comes back as its own error. */
static int take_chunk(edge_pipe *p, edge_chunk *c)
{
  int rc = 0;
  if (!p->mu) {
    rc = fill(p, c);
  } else {
    pt_mutex_lock(p->mu);
    while (!c->is_full)
      pt_cond_wait(p->cv, p->mu);
    if (p->rc) {
      rc = p->rc;
      pt__error_set(p->err.code, p->err.file, p->err.line, "%s",
                    p->err.message);
    }
    pt_mutex_unlock(p->mu);
  }
  return rc ? keep_failure(p, rc) : 0;
}

/* Chunk c is written: its new strings wait for the rows' end, and the
 * giver may fill it again. */
static int give_back(edge_pipe *p, edge_chunk *c)
{
  int rc = keep_fresh(p, c);
  if (p->mu) {
    pt_mutex_lock(p->mu);
    c->is_full = 0;
    pt_cond_broadcast(p->cv);
    pt_mutex_unlock(p->mu);
  }
  return rc ? keep_failure(p, rc) : 0;
}

/* The rows are read once, in order (the giver gives each chunk once):
 * the first chunk taken before the first row (store_sqlite_feed.h). */
static int feed_begin(void *src)
{
  edge_pipe *p = src;
  p->feed_k = 0;
  p->feed_i = 0;
  return take_chunk(p, &p->chunk[0]);
}

/* Past a chunk's last row, the chunk given back and the next taken. */
static int feed_next(void *src, size_t row)
{
  edge_pipe *p = src;
  edge_chunk *ch = &p->chunk[p->feed_k];
  if (++p->feed_i < ch->n)
    return 0;
  int rc = give_back(p, ch);
  p->feed_k ^= 1;
  p->feed_i = 0;
  if (rc == 0 && row < p->n)
    rc = take_chunk(p, &p->chunk[p->feed_k]);
  return rc;
}

/* Edge i of the chunk as the row's columns: from, to and file by their
 * strings' ids (file NULL for none), the candidates NULL for none. */
static void feed_column(void *src, size_t row, sqlite3_context *ctx, int col)
{
  (void)row;
  const edge_pipe *p = src;
  size_t i = p->feed_i;
  const edge_chunk *ch = &p->chunk[p->feed_k];
  const fed_row *r = &ch->rows[i];
  const pt_edge *d = &p->e[r->edge];
  size_t from = i ? ch->cand_end[i - 1] : 0;
  size_t len = ch->cand_end[i] - from;
  switch (col) {
  case 0: sqlite3_result_int64(ctx, ch->from[i]); break;
  case 1: sqlite3_result_int64(ctx, r->to); break;
  case 2: sqlite3_result_int(ctx, r->type); break;
  case 3:
    if (r->file)
      sqlite3_result_int64(ctx, r->file);
    else
      sqlite3_result_null(ctx);
    break;
  case 4: sqlite3_result_int64(ctx, d->line); break;
  case 5: sqlite3_result_int(ctx, d->resolved ? 1 : 0); break;
  case 6: sqlite3_result_int(ctx, (int)d->resolution); break;
  case 7:
    if (len)
      sqlite3_result_text(ctx, ch->cand.ptr + from, (int)len,
                          SQLITE_TRANSIENT);
    else
      sqlite3_result_null(ctx);
    break;
  default: sqlite3_result_int64(ctx, (int64_t)r->edge); break;
  }
}

/* The rows through the feed, then the strings given ids on the way. */
static int write_fed(edge_pipe *p)
{
  pt__sqlite_ids *t = p->t;
  pt__sqlite_feed f = {"pt_edge_feed", COLUMNS, "the edges", p->n, p,
                       feed_begin, feed_next, feed_column};
  int rc = pt__sqlite_feed_into(t->db, t->path, "edge_rows", &f);
  if (rc && p->mu)
    pt_mutex_lock(p->mu);
  int kept = rc ? p->rc : 0;
  if (rc && p->mu)
    pt_mutex_unlock(p->mu);
  if (kept) /* the pipe's own failure, not SQLite's copy of it */
    rc = pt__error_set(p->err.code, p->err.file, p->err.line, "%s",
                       p->err.message);
  for (size_t k = 0; rc == 0 && k < p->n_later; k++)
    rc = pt__sqlite_put_string(t, p->first_later + (int64_t)k, p->later[k]);
  return rc;
}

static int write_rows(pt__sqlite_ids *t, const pt_edge *e, size_t n)
{
  edge_pipe *p = pt_calloc(1, sizeof *p);
  pt_thread *th = NULL;
  int rc = p ? 0 : PT_ERR(PT_ENOMEM, "out of memory saving edges");
  if (rc)
    return rc;
  p->t = t;
  p->e = e;
  p->n = n;
  rc = group(p);
  if (rc == 0 && pt_cpu_count() > 1 && n > CHUNK &&
      pt_mutex_new(&p->mu) == 0 &&
      pt_cond_new(&p->cv) == 0 && pt_thread_start(giver, p, &th) == 0) {
    rc = write_fed(p);
    pt_mutex_lock(p->mu);
    p->stop = 1;
    pt_cond_broadcast(p->cv);
    pt_mutex_unlock(p->mu);
    pt_thread_join(th);
  } else if (rc == 0) {
    pt_error_clear(); /* no thread: the feed fills each chunk in turn */
    pt_cond_free(p->cv);
    p->cv = NULL;
    pt_mutex_free(p->mu);
    p->mu = NULL;
    rc = write_fed(p);
  }
  for (int k = 0; k < 2; k++) {
    pt_buf_fini(&p->chunk[k].cand);
    pt_free(p->chunk[k].fresh);
    pt_free(p->chunk[k].rows);
    pt_free(p->chunk[k].from);
    pt_free(p->chunk[k].cand_end);
  }
  pt_free(p->groups);
  pt_free(p->later);
  pt_cond_free(p->cv);
  pt_mutex_free(p->mu);
  pt_free(p);
  return rc;
}

/* The names behind the numbers, for the view and for people. */
static int put_names(sqlite3 *db, const char *path)
{
  sqlite3_stmt *ty = NULL, *res = NULL;
  int rc = pt__sqlite_prepare(db, path, "INSERT INTO edge_types(id, name)"
                              " VALUES(?,?)", &ty);
  if (rc == 0)
    rc = pt__sqlite_prepare(db, path, "INSERT INTO resolutions(id, name,"
                            " confidence) VALUES(?,?,?)", &res);
  for (int i = 0; rc == 0 && i < PT_EDGE__COUNT; i++) {
    int src = sqlite3_bind_int(ty, 1, i);
    if (src == SQLITE_OK)
      src = sqlite3_bind_text(ty, 2, pt_edge_type_name((pt_edge_type)i), -1,
                              SQLITE_STATIC);
    rc = pt__sqlite_run(db, path, ty, src);
  }
  for (int i = 0; rc == 0 && i < PT_RES__COUNT; i++) {
    int src = sqlite3_bind_int(res, 1, i);
    if (src == SQLITE_OK)
      src = sqlite3_bind_text(res, 2, pt_resolution_name((pt_resolution)i),
                              -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
      src = sqlite3_bind_int(res, 3,
                             (int)pt_resolution_confidence((pt_resolution)i));
    rc = pt__sqlite_run(db, path, res, src);
  }
  sqlite3_finalize(ty);
  sqlite3_finalize(res);
  return rc;
}

int pt__sqlite_write_edges(pt__sqlite_ids *t, const pt_graph *g)
{
  int rc = put_names(t->db, t->path);
  if (rc == 0)
    rc = write_rows(t, pt_graph_edges(g), pt_graph_n_edges(g));
  return rc;
}

/* ---- one edge at a time (a re-run's changes) ------------------------------ */

/* A string an edge needs is added when it is not there yet; strings no
 * edge needs any more stay until the next whole save (the ids stay dense:
 * an ignored insert takes no id). */
#define ID_OF PT__SQLITE_ID_OF
static const char insert_sql[] =
    "INSERT INTO edge_rows(" COLUMNS ") VALUES(" ID_OF(1) "," ID_OF(2) ",?3,"
    ID_OF(4) ",?5,?6,?7,?8,NULL)";
static const char id_sql[] = "SELECT id FROM strings WHERE text = ?";
static const char delete_sql[] =
    "DELETE FROM edge_rows WHERE from_id = " ID_OF(1) " AND to_id = "
    ID_OF(2) " AND type = ?3";

/* Column candidates: NULL, or their count and the ids of their keys,
 * separated by spaces ("3 17 42 99"). */
static int bind_candidates(sqlite3_stmt *st, int col, const char *text,
                           size_t len)
{
  return len ? sqlite3_bind_text(st, col, text, (int)len, SQLITE_STATIC)
             : sqlite3_bind_null(st, col);
}

/* Columns 3 and 5 to 8 of insert_sql (type, line, resolved, resolution,
 * candidates); 1, 2 and 4 name strings by their text. */
static int bind_edge_values(sqlite3_stmt *st, const pt_edge *e,
                            const char *cand, size_t cand_len)
{
  int src = sqlite3_bind_int(st, 3, (int)e->type);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 5, e->line);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 6, e->resolved ? 1 : 0);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 7, (int)e->resolution);
  if (src == SQLITE_OK) src = bind_candidates(st, 8, cand, cand_len);
  return src;
}

void pt__sqlite_edge_writer_fini(pt__sqlite_edge_writer *w)
{
  sqlite3_finalize(w->add);
  sqlite3_finalize(w->ins);
  sqlite3_finalize(w->del);
  sqlite3_finalize(w->id);
  memset(w, 0, sizeof *w);
}

/* The candidates column of e (as put_edge writes it), adding their keys
 * to strings when missing. */
static int candidates_text(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_candidates *c,
                           pt_buf *out)
{
  int rc = c && !w->id ? pt__sqlite_prepare(db, path, id_sql, &w->id) : 0;
  if (rc == 0 && c)
    rc = pt_buf_printf(out, "%u", c->n);
  for (uint32_t k = 0; rc == 0 && c && k < c->n_keys; k++) {
    rc = pt__sqlite_add_string(db, path, &w->add, c->keys[k]);
    int src = rc ? SQLITE_OK : sqlite3_bind_text(w->id, 1, c->keys[k], -1,
                                                 SQLITE_STATIC);
    if (rc == 0 && src == SQLITE_OK)
      src = sqlite3_step(w->id);
    if (rc == 0 && src == SQLITE_ROW)
      rc = pt_buf_printf(out, " %lld",
                         (long long)sqlite3_column_int64(w->id, 0));
    else if (rc == 0)
      rc = pt__sqlite_error(db, src, path, id_sql);
    sqlite3_reset(w->id);
  }
  return rc;
}

int pt__sqlite_edge_insert(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e)
{
  pt_buf cand = PT_BUF_INIT;
  int rc = w->ins ? 0 : pt__sqlite_prepare(db, path, insert_sql, &w->ins);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->from_key);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->to_key);
  if (rc == 0) rc = pt__sqlite_add_string(db, path, &w->add, e->file_path);
  if (rc == 0) rc = candidates_text(db, path, w, e->candidates, &cand);
  if (rc) {
    pt_buf_fini(&cand);
    return rc;
  }
  sqlite3_stmt *st = w->ins;
  int src = sqlite3_bind_text(st, 1, e->from_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, e->to_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = e->file_path
              ? sqlite3_bind_text(st, 4, e->file_path, -1, SQLITE_STATIC)
              : sqlite3_bind_null(st, 4);
  if (src == SQLITE_OK) src = bind_edge_values(st, e, cand.ptr, cand.len);
  rc = pt__sqlite_run(db, path, st, src);
  pt_buf_fini(&cand);
  return rc;
}

int pt__sqlite_edge_delete(sqlite3 *db, const char *path,
                           pt__sqlite_edge_writer *w, const pt_edge *e)
{
  int rc = w->del ? 0 : pt__sqlite_prepare(db, path, delete_sql, &w->del);
  if (rc)
    return rc;
  sqlite3_stmt *st = w->del;
  int src = sqlite3_bind_text(st, 1, e->from_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 2, e->to_key, -1, SQLITE_STATIC);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 3, (int)e->type);
  return pt__sqlite_run(db, path, st, src);
}

/* ---- load ---------------------------------------------------------------- */

#define EDGES "edge_rows"

/* What reads the rows (pt__sqlite_each_row). */
typedef struct edge_reader {
  const pt__sqlite_strings *s;
  pt_graph *g;
} edge_reader;

/* Raw rows. A load's thread starts on the edge rows before the main
 * connection has read the strings they name (pt__sqlite_edges_apart_start):
 * until they are in, a row keeps each id where its string goes, as a
 * pointer's bits that are never followed, and is cooked (each id made its
 * string) once they are. s NULL: read raw. */
static const char *raw_of(uint64_t id)
{
  return (const char *)(uintptr_t)id;
}

/* Value col of a row, an id naming a string, raw: pt__sqlite_row_string
 * as far as it can check without the strings. */
static int row_raw(const pt__sqlite_row *row, int col, int is_required,
                   const char **out)
{
  sqlite3_value *v = row->v[col];
  int type = sqlite3_value_type(v);
  int64_t id = type == SQLITE_INTEGER ? sqlite3_value_int64(v) : 0;
  *out = NULL;
  if (!is_required && type == SQLITE_NULL)
    return 0;
  if (type != SQLITE_INTEGER)
    return pt__sqlite_row_bad(row, col, "not an integer");
  if (id < 1 || (uint64_t)id > UINTPTR_MAX)
    return pt__sqlite_row_bad(row, col, "out of range");
  *out = raw_of((uint64_t)id);
  return 0;
}

/* Value 7, candidates, as put_edge wrote it: NULL, or "n id id ..." (the
 * ids of 1 to PT_CANDIDATES_MAX keys, n at least as many), into c (room
 * for PT_CANDIDATES_MAX keys; n_keys 0 for NULL); s NULL: the keys raw. */
static int parse_candidates(const pt__sqlite_row *row,
                            const pt__sqlite_strings *s, pt_candidates *c)
{
  uint64_t v[PT_CANDIDATES_MAX + 1];
  uint32_t n = 0;
  const char *p = NULL;
  size_t len = 0;
  int rc = pt__sqlite_row_text(row, 7, &p, &len);
  c->n_keys = 0;
  if (rc || !p)
    return rc;
  const char *end = p + len;
  while (p < end) {
    uint64_t x = 0;
    int digits = 0;
    for (; p < end && *p >= '0' && *p <= '9' && x < UINT32_MAX;
         p++, digits++)
      x = x * 10 + (uint64_t)(*p - '0');
    if (!digits || n > PT_CANDIDATES_MAX || (p < end && *p++ != ' '))
      return pt__sqlite_row_bad(row, 7, "not a candidate list");
    v[n++] = x;
  }
  if (n < 2 || v[0] < n - 1 || v[0] > UINT32_MAX)
    return pt__sqlite_row_bad(row, 7, "not a candidate list");
  for (uint32_t k = 1; k < n; k++) {
    if (v[k] < 1 || (s ? v[k] > s->n : v[k] > UINTPTR_MAX))
      return pt__sqlite_row_bad(row, 7, "candidate id out of range");
    c->keys[k - 1] = s ? s->v[v[k] - 1] : raw_of(v[k]);
  }
  c->n = (uint32_t)v[0];
  c->n_keys = n - 1;
  return 0;
}

#define CANDIDATES_SIZE(n_keys)                                             \
  (offsetof(pt_candidates, keys) + (n_keys) * sizeof(const char *))

/* The candidate list of a row, interned in g. */
static int get_candidates(const pt__sqlite_row *row, const edge_reader *r,
                          const pt_candidates **out)
{
  _Alignas(pt_candidates) unsigned char raw[CANDIDATES_SIZE(
      PT_CANDIDATES_MAX)];
  pt_candidates *c = (pt_candidates *)raw;
  int rc = parse_candidates(row, r->s, c);
  *out = NULL;
  if (rc || !c->n_keys)
    return rc;
  return pt_graph_intern_candidates_interned(r->g, c->n, c->keys, c->n_keys,
                                             out);
}

/* The candidate list of a row, copied into a (interned later; s NULL:
 * raw). */
static int copy_candidates(const pt__sqlite_row *row,
                           const pt__sqlite_strings *s, pt_arena *a,
                           const pt_candidates **out)
{
  _Alignas(pt_candidates) unsigned char raw[CANDIDATES_SIZE(
      PT_CANDIDATES_MAX)];
  pt_candidates *c = (pt_candidates *)raw;
  int rc = parse_candidates(row, s, c);
  *out = NULL;
  if (rc || !c->n_keys)
    return rc;
  pt_candidates *copy = pt_arena_alloc(a, CANDIDATES_SIZE(c->n_keys));
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory reading candidate lists");
  *out = memcpy(copy, c, CANDIDATES_SIZE(c->n_keys));
  return 0;
}

/* A row's fields but its candidates: from_id, to_id, type, file_id,
 * line, resolved and resolution, checked, into *e (zeroed first; s NULL:
 * raw). */
static int row_edge(const pt__sqlite_row *row, const pt__sqlite_strings *s,
                    pt_edge *e)
{
  int64_t type = 0, line = 0, resolved = 0, how = 0;
  int rc;
  memset(e, 0, sizeof *e);
  if (s) {
    rc = pt__sqlite_row_string(row, s, 0, 1, &e->from_key);
    if (rc == 0) rc = pt__sqlite_row_string(row, s, 1, 1, &e->to_key);
    if (rc == 0)
      rc = pt__sqlite_row_int(row, 2, 0, PT_EDGE__COUNT - 1, &type);
    if (rc == 0) rc = pt__sqlite_row_string(row, s, 3, 0, &e->file_path);
  } else {
    rc = row_raw(row, 0, 1, &e->from_key);
    if (rc == 0) rc = row_raw(row, 1, 1, &e->to_key);
    if (rc == 0)
      rc = pt__sqlite_row_int(row, 2, 0, PT_EDGE__COUNT - 1, &type);
    if (rc == 0) rc = row_raw(row, 3, 0, &e->file_path);
  }
  if (rc == 0) rc = pt__sqlite_row_int(row, 4, 0, UINT32_MAX, &line);
  if (rc == 0) rc = pt__sqlite_row_int(row, 5, 0, 1, &resolved);
  if (rc == 0)
    rc = pt__sqlite_row_int(row, 6, 0, PT_RES__COUNT - 1, &how);
  e->type = (pt_edge_type)type;
  e->line = (uint32_t)line;
  e->resolved = (int)resolved;
  e->resolution = (pt_resolution)how;
  return rc;
}

/* One row: row_edge's fields and (from schema 5 on) candidates. */
static int read_row(const pt__sqlite_row *row, void *payload)
{
  const edge_reader *r = payload;
  pt_edge e;
  int rc = row_edge(row, r->s, &e);
  if (rc == 0 && row->n > 7)
    rc = get_candidates(row, r, &e.candidates);
  return rc ? rc : pt_graph_add_edge_interned(r->g, &e, 1);
}

/* The columns a load reads, the first n: 7 in schema 4, 8 from 5 on (the
 * candidates), 9 from 8 on (the place). */
static const char *const read_cols[] = {"from_id", "to_id", "type",
                                        "file_id", "line", "resolved",
                                        "resolution", "candidates", "at"};

static int n_read_cols(int version)
{
  return version >= 8 ? 9 : version >= 5 ? 8 : 7;
}

/* Rows in the order the file keeps them: before schema 8 the graph's (the
 * row ids), from 8 on the key's (the table's own). */
static const char *read_order(int version)
{
  return version >= 8 ? "from_id, to_id, type" : "rowid";
}

/* The rows read into an array of their own (v, n of cap): before schema
 * 8 in stored order; from 8 on each written where its place in the
 * graph's order (at) says, as it is read: v holds slots for the table's
 * rows (n_slots, counted first; the bits of taken say which are
 * written), and a row of no place, or whose slot is past them or taken,
 * waits in rest, with its place in rest_at (NO_PLACE for none). A slot
 * is not read before it is written: a page of fresh memory read first
 * and written after is faulted twice, the second time with every
 * processor's TLB flushed (0.1 s of a re-run's CPU on the several tree,
 * `perf`), where a page written first is faulted once. The key's order and the graph's
 * differ mostly in the edges of a from key, and where the keys that are
 * no entity's go, so the writes go forward in two streams, where
 * putting rows read in key order in place afterwards, by swaps, jumped
 * across the array. A load interns the candidate lists on the graph's
 * thread (g) or copies them (cands) to be interned there later.
 *
 * A load's thread reads before the strings are in (gate): its rows are
 * raw until gate says they are, then each is read whole; the raw ones
 * (the first read: before schema 8 the first n_raw of v, from 8 on the
 * slots listed in raw and the first n_rest_raw of rest) are cooked after
 * the read. A raw row that fails a check, or whose ids name no string,
 * has the whole read done again once the strings are in, which fails on
 * the same row with the same error as a read with the strings would. */
typedef struct strings_gate strings_gate;

typedef struct edge_array {
  const pt__sqlite_strings *s; /* read only once has_s */
  pt_graph *g;        /* NULL: copy candidates into cands */
  pt_arena *cands;
  pt_edge *v;         /* owned */
  size_t n, cap;
  int has_at;         /* schema 8: the rows have places */
  size_t n_slots;     /* v's slots (schema 8) */
  uint64_t *taken;    /* owned: a bit for each slot, 1 once written */
  pt_edge *rest;      /* owned, n_rest of rest_cap */
  uint32_t *rest_at;  /* owned, rest_at_cap of room */
  size_t n_rest, rest_cap, rest_at_cap;
  strings_gate *gate; /* NULL: s is in */
  int has_s;          /* s is in: rows are read whole */
  uint32_t *raw;      /* owned: n_raw of raw_cap (schema 8: slots) */
  size_t n_raw, raw_cap, n_rest_raw;
  int is_redo;        /* a raw row failed: read again with s */
  size_t n_cooked;    /* raw rows made whole (for tests) */
} edge_array;

/* Between a load's main connection, which reads the strings, and its
 * edges' thread, which starts before them. */
struct strings_gate {
  pt_mutex *mu;       /* owned, with cv: guards state and is_rows_read */
  pt_cond *cv;
  int state;          /* 0 not yet, 1 in, -1 never (the load failed) */
  atomic_int is_in;   /* state 1, for a row's look without the lock */
  int is_rows_read;   /* the thread read its rows (or reads none) */
};

/* Whether s is in, waiting for the main connection's word. */
static int gate_wait(strings_gate *gt)
{
  pt_mutex_lock(gt->mu);
  gt->is_rows_read = 1;
  pt_cond_broadcast(gt->cv);
  while (!gt->state)
    pt_cond_wait(gt->cv, gt->mu);
  int is_in = gt->state > 0;
  pt_mutex_unlock(gt->mu);
  return is_in;
}

#define NO_PLACE UINT32_MAX

static int array_row(const pt__sqlite_row *row, void *payload)
{
  edge_array *a = payload;
  pt_edge e;
  if (!a->has_s)
    a->has_s = atomic_load_explicit(&a->gate->is_in, memory_order_acquire);
  const pt__sqlite_strings *s = a->has_s ? a->s : NULL;
  int rc = row_edge(row, s, &e);
  if (rc == 0 && row->n > 7)
    rc = a->g ? get_candidates(row, &(edge_reader){s, a->g}, &e.candidates)
              : copy_candidates(row, s, a->cands, &e.candidates);
  if (rc && !s) {
    a->is_redo = 1;
    return rc;
  }
  if (rc || !a->has_at) {
    if (rc == 0 && pt_array_grow((void **)&a->v, &a->cap, a->n + 1,
                                 sizeof *a->v) != 0)
      rc = PT_ERR(PT_ENOMEM, "out of memory reading edges");
    if (rc == 0)
      a->v[a->n++] = e;
    a->n_raw += rc == 0 && !s;
    return rc;
  }
  /* a place is only a help: a row without one (a re-run's) goes after
   * the others, in key order, where the graph's finish moves it */
  sqlite3_value *x = row->v[8];
  int64_t at64 = sqlite3_value_type(x) == SQLITE_INTEGER
                     ? sqlite3_value_int64(x) : -1;
  uint32_t at = at64 >= 0 && at64 < NO_PLACE ? (uint32_t)at64 : NO_PLACE;
  if (at < a->n_slots && !(a->taken[at / 64] >> at % 64 & 1)) {
    a->taken[at / 64] |= (uint64_t)1 << at % 64;
    if (!s && a->n_raw == a->raw_cap &&
        pt_array_grow((void **)&a->raw, &a->raw_cap, a->n_raw + 1,
                      sizeof *a->raw) != 0)
      return PT_ERR(PT_ENOMEM, "out of memory reading edges");
    if (!s)
      a->raw[a->n_raw++] = at;
    a->v[at] = e;
    a->n++;
    return 0;
  }
  if (pt_array_grow((void **)&a->rest, &a->rest_cap, a->n_rest + 1,
                    sizeof *a->rest) != 0 ||
      pt_array_grow((void **)&a->rest_at, &a->rest_at_cap, a->n_rest + 1,
                    sizeof *a->rest_at) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory reading edges");
  a->rest[a->n_rest] = e;
  a->rest_at[a->n_rest++] = at;
  a->n_rest_raw += !s;
  return 0;
}

/* Id *p made its string; 0 when it names none. */
static int cook_id(const pt__sqlite_strings *s, const char **p)
{
  uintptr_t id = (uintptr_t)*p;
  if (id < 1 || id > s->n)
    return 0;
  *p = s->v[id - 1];
  return 1;
}

/* A raw row made whole (its candidates are a's own copy); 0 when an id
 * names no string. */
static int cook_edge(const pt__sqlite_strings *s, pt_edge *e)
{
  int is_ok = cook_id(s, &e->from_key) && cook_id(s, &e->to_key) &&
              (!e->file_path || cook_id(s, &e->file_path));
  pt_candidates *c = (pt_candidates *)e->candidates;
  for (uint32_t k = 0; is_ok && c && k < c->n_keys; k++)
    is_ok = cook_id(s, &c->keys[k]);
  return is_ok;
}

/* Every raw row of a made whole; 0 when an id names no string. */
static int cook(edge_array *a)
{
  int is_ok = 1;
  for (size_t i = 0; is_ok && i < a->n_raw; i++)
    is_ok = cook_edge(a->s, &a->v[a->has_at ? a->raw[i] : i]);
  for (size_t i = 0; is_ok && i < a->n_rest_raw; i++)
    is_ok = cook_edge(a->s, &a->rest[i]);
  return is_ok;
}

/* Sorts rows i of rest by their places, equal ones (none: NO_PLACE) in
 * the order read. */
typedef struct rest_ref {
  uint32_t at;
  uint32_t i;
} rest_ref;

static int cmp_rest(const void *pa, const void *pb)
{
  const rest_ref *a = pa, *b = pb;
  if (a->at != b->at)
    return a->at < b->at ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

/* The slots closed up (empty ones: rows deleted by a re-run, or whose
 * slot was past the count), then the rows that waited, by place: those
 * past the slots (after every slotted one, whose places are less), then
 * those of no place in key order, which the graph's finish moves among
 * the others (a few; more are sorted with the rest). A slot two rows
 * named leaves one of them out of order, which the finish sorts. */
static int place_rest(edge_array *a)
{
  size_t w = a->n_slots;
  if (a->n < a->n_slots) {
    w = 0;
    for (size_t i = 0; i < a->n_slots; i++)
      if (a->taken[i / 64] >> i % 64 & 1)
        a->v[w++] = a->v[i];
  }
  a->n = w;
  if (!a->n_rest)
    return 0;
  rest_ref *r = a->n_rest < UINT32_MAX ? pt_malloc(a->n_rest * sizeof *r)
                                       : NULL;
  if (!r || pt_array_grow((void **)&a->v, &a->cap, a->n + a->n_rest,
                          sizeof *a->v) != 0) {
    pt_free(r);
    return PT_ERR(PT_ENOMEM, "out of memory reading edges");
  }
  for (size_t i = 0; i < a->n_rest; i++)
    r[i] = (rest_ref){a->rest_at[i], (uint32_t)i};
  qsort(r, a->n_rest, sizeof *r, cmp_rest);
  for (size_t i = 0; i < a->n_rest; i++)
    a->v[a->n++] = a->rest[r[i].i];
  pt_free(r);
  return 0;
}

static void edge_array_fini(edge_array *a)
{
  pt_free(a->v);
  pt_free(a->taken);
  pt_free(a->rest);
  pt_free(a->rest_at);
  pt_free(a->raw);
  memset(a, 0, sizeof *a);
}

/* Room for the edges at once, so that the array is not copied as it
 * doubles (twice its size at the end, while a re-run's work beside the
 * load, pt_store_load_without_code_then, holds memory of its own): before
 * schema 8 the last row id, which is their count after a save and
 * somewhat more after updates (pages not written are not memory), from 8
 * on their count; at most one row for every 16 bytes of the file. Only a
 * help: a failure reads on without it (0). */
static size_t count_edges(sqlite3 *db, int version)
{
  sqlite3_stmt *st = NULL;
  int64_t n = 0, size = 0;
  /* count(*) alone in its select: SQLite counts each page's cells */
  if (sqlite3_prepare_v2(db, version >= 8
                         ? "SELECT (SELECT count(*) FROM " EDGES "), (SELECT"
                           " page_count FROM pragma_page_count()) * (SELECT"
                           " page_size FROM pragma_page_size())"
                         : "SELECT coalesce(max(rowid), 0), (SELECT"
                           " page_count FROM pragma_page_count()) * (SELECT"
                           " page_size FROM pragma_page_size()) FROM " EDGES,
                         -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
    size = sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  if (n > size / 16)
    n = size / 16;
  return n > 0 ? (size_t)n : 0;
}

/* The rows into a, with room for their count, raw ones cooked once the
 * strings are in, and (schema 8) put in place; 1 in *is_redo, a emptied,
 * when a raw row failed (the strings are in then). */
static int read_once(sqlite3 *db, const char *path, int version,
                     edge_array *a, int *is_redo)
{
  size_t n = count_edges(db, version);
  a->has_at = version >= 8;
  a->has_s = !a->gate;
  a->v = n ? pt_malloc(n * sizeof *a->v) : NULL;
  a->cap = a->v ? n : 0;
  /* the bits written before they are read (zeroed by memset, not calloc) */
  size_t words = a->has_at ? (a->cap + 63) / 64 : 0;
  a->taken = words ? pt_malloc(words * sizeof *a->taken) : NULL;
  if (a->taken)
    memset(a->taken, 0, words * sizeof *a->taken);
  a->n_slots = a->taken ? a->cap : 0;
  int rc = pt__sqlite_each_row(db, path, EDGES, read_cols,
                               n_read_cols(version), read_order(version),
                               array_row, a);
  /* a failure after raw rows is the read's first only if they are whole */
  if (a->n_raw || a->n_rest_raw || a->is_redo) {
    if (!gate_wait(a->gate))
      rc = PT_ERR(PT_ERROR, "%s: the load stopped before its strings",
                  path);
    else if (a->is_redo || !cook(a))
      *is_redo = 1;
    else
      a->n_cooked = a->n_raw + a->n_rest_raw;
  }
  if (rc == 0 && !*is_redo && a->has_at)
    rc = place_rest(a);
  pt_free(a->taken);
  pt_free(a->rest);
  pt_free(a->rest_at);
  pt_free(a->raw);
  a->taken = NULL;
  a->rest = NULL;
  a->rest_at = NULL;
  a->raw = NULL;
  a->n_rest = a->rest_cap = a->rest_at_cap = 0;
  a->n_raw = a->raw_cap = a->n_rest_raw = 0;
  if (*is_redo) {
    pt_free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
    a->is_redo = 0;
  }
  return rc;
}

static int read_array(sqlite3 *db, const char *path, int version,
                      edge_array *a)
{
  int is_redo = 0;
  int rc = read_once(db, path, version, a, &is_redo);
  if (is_redo) { /* with the strings, which are in now */
    pt_error_clear();
    a->gate = NULL;
    rc = read_once(db, path, version, a, &is_redo);
  }
  return rc;
}

int pt__sqlite_read_edges(sqlite3 *db, const char *path, int version,
                          const pt__sqlite_strings *s, pt_graph *g)
{
  if (version >= 8) {
    edge_array a;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.g = g;
    int rc = read_array(db, path, version, &a);
    if (rc == 0) {
      rc = pt_graph_take_edges(g, a.v, a.n, a.cap);
      a.v = NULL;
    }
    edge_array_fini(&a);
    return rc;
  }
  edge_reader r = {s, g};
  size_t n = count_edges(db, version);
  if (n > 0 && pt_graph_reserve_edges(g, n) != 0)
    pt_error_clear();
  return pt__sqlite_each_row(db, path, EDGES, read_cols, n_read_cols(version),
                             read_order(version), read_row, &r);
}

/* ---- a load's edges on a connection and a thread of their own ------------ */

struct pt__sqlite_edges_apart {
  char *path;                  /* owned copy */
  pt_fs_stat seen;             /* the file before the main connection read */
  int version;
  const pt__sqlite_strings *s; /* the main connection's, read once gate
                                  says they are in */
  strings_gate gate;
  pt_thread *t;
  edge_array rows;             /* the edges read, in place */
  pt_arena cands;              /* their candidate lists, until interned */
  int is_same;   /* the thread read the snapshot the main connection reads */
  int rc;        /* its failure once is_same, with its error */
  pt_error err;
};

/* The thread: its own read-only connection, whose read transaction is the
 * main connection's snapshot when the file at the path is still the one
 * the main connection opened, unchanged (its size and mtime as before the
 * main connection's first read, which no commit can follow while that
 * connection reads) and not in WAL mode (whose readers each have a
 * snapshot of their own). Otherwise it reads nothing and the join reads
 * the edges on the main connection. The rows are read as
 * pt__sqlite_read_edges reads them, into an array, raw until the strings
 * are in; a candidate list is copied as it is (interned at the join, on
 * the graph's thread). */
static void apart_run(void *payload)
{
  pt__sqlite_edges_apart *a = payload;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  pt_fs_stat now;
  int version = 0, is_wal = 1;
  int rc = sqlite3_open_v2(a->path, &db, SQLITE_OPEN_READONLY |
                           SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK ? 0
                                                                   : PT_EIO;
  if (rc == 0)
    rc = pt__sqlite_exec(db, a->path, "PRAGMA mmap_size=1073741824; BEGIN");
  if (rc == 0)
    rc = pt__sqlite_check_schema(db, a->path, &version);
  if (rc == 0 && sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
                                    NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *m = sqlite3_column_text(st, 0);
    is_wal = !m || strcmp((const char *)m, "delete") != 0;
  }
  sqlite3_finalize(st);
  if (rc == 0 && pt_fs_stat_path(a->path, &now) == 0)
    a->is_same = !is_wal && version == a->version &&
                 now.size == a->seen.size && now.mtime_ns == a->seen.mtime_ns;
  if (a->is_same) {
    a->rc = read_array(db, a->path, a->version, &a->rows);
    if (a->rc)
      a->err = *pt_error_last();
  }
  pt_error_clear();
  if (db) {
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
  }
  pt_mutex_lock(a->gate.mu);
  a->gate.is_rows_read = 1;
  pt_cond_broadcast(a->gate.cv);
  pt_mutex_unlock(a->gate.mu);
}

static void apart_free(pt__sqlite_edges_apart *a)
{
  edge_array_fini(&a->rows);
  pt_arena_fini(&a->cands);
  pt_cond_free(a->gate.cv);
  pt_mutex_free(a->gate.mu);
  pt_free(a->path);
  pt_free(a);
}

int pt__sqlite_edges_apart_start(const char *path, const pt_fs_stat *seen,
                                 int version, const pt__sqlite_strings *s,
                                 pt__sqlite_edges_apart **out)
{
  pt__sqlite_edges_apart *a = pt_calloc(1, sizeof *a);
  *out = NULL;
  if (!a || !(a->path = pt_strdup(path))) {
    pt_free(a);
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  a->seen = *seen;
  a->version = version;
  a->s = s;
  atomic_init(&a->gate.is_in, 0);
  pt_arena_init(&a->cands);
  a->rows.s = s;
  a->rows.cands = &a->cands;
  a->rows.gate = &a->gate;
  int rc = pt_mutex_new(&a->gate.mu);
  if (rc == 0)
    rc = pt_cond_new(&a->gate.cv);
  if (rc == 0)
    rc = pt_thread_start(apart_run, a, &a->t);
  if (rc) {
    apart_free(a);
    return rc;
  }
  *out = a;
  return 0;
}

static int is_held;

void pt__sqlite_edges_apart_hold_strings(int on)
{
  is_held = on;
}

void pt__sqlite_edges_apart_give_strings(pt__sqlite_edges_apart *a,
                                         int is_in)
{
  pt_mutex_lock(a->gate.mu);
  while (is_held && is_in && !a->gate.state && !a->gate.is_rows_read)
    pt_cond_wait(a->gate.cv, a->gate.mu);
  if (!a->gate.state) {
    a->gate.state = is_in ? 1 : -1;
    atomic_store_explicit(&a->gate.is_in, a->gate.state > 0,
                          memory_order_release);
  }
  pt_cond_broadcast(a->gate.cv);
  pt_mutex_unlock(a->gate.mu);
}

void pt__sqlite_edges_apart_drop(pt__sqlite_edges_apart *a)
{
  if (!a)
    return;
  pt__sqlite_edges_apart_give_strings(a, 0); /* if not given: none come */
  pt_thread_join(a->t);
  apart_free(a);
}

static int last_apart = -1;
static size_t last_raw;

int pt__sqlite_last_edges_apart(void)
{
  return last_apart;
}

size_t pt__sqlite_last_edges_raw(void)
{
  return last_raw;
}

int pt__sqlite_edges_apart_join(pt__sqlite_edges_apart *a, sqlite3 *db,
                                const char *path, pt_graph *g)
{
  pt__sqlite_edges_apart_give_strings(a, 1); /* the caller read them */
  pt_thread_join(a->t);
  int rc = 0;
  last_apart = a->is_same;
  last_raw = a->rows.n_cooked;
  if (!a->is_same) {
    rc = pt__sqlite_read_edges(db, path, a->version, a->s, g);
  } else if (a->rc) {
    rc = a->rc;
    pt__error_set(a->err.code, a->err.file, a->err.line, "%s", a->err.message);
  } else {
    edge_array *r = &a->rows;
    for (size_t i = 0; rc == 0 && i < r->n; i++)
      if (r->v[i].candidates) {
        const pt_candidates *c = r->v[i].candidates;
        rc = pt_graph_intern_candidates_interned(g, c->n, c->keys, c->n_keys,
                                                 &r->v[i].candidates);
      }
    if (rc == 0) {
      rc = pt_graph_take_edges(g, r->v, r->n, r->cap);
      r->v = NULL;
    }
  }
  apart_free(a);
  return rc;
}
