/* The entities of the SQLite backend from schema 6 on
 * (store_sqlite_entities.h): rows of `entity_rows` whose key, name,
 * qualified name, path and parent are ids into `strings`, as edges' keys
 * are, and whose kind and language are numbers. A load interns each
 * distinct string once and reads integers; the derived columns of a path
 * are written once per path (`paths`), and the view `entities` shows the
 * rows as schema 5's table did (docs/storage.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph_load_code.h"
#include "pt/path.h"
#include "store_sqlite_entities.h"
#include "store_sqlite_feed.h"

#define ROWS "entity_rows"
#define ID_OF PT__SQLITE_ID_OF
#define NONE UINT32_MAX

/* A re-run's row: 1, 2, 3, 6 and 9 name strings by text; the others are
 * bound here. A re-run writes each entity's code itself (a whole save,
 * whose rows come from its feed below, gives a nested entity's code by
 * reference: code_in, code_at, code_len). */
static const char rerun_sql[] =
    "INSERT INTO entity_rows(key_id, name_id, qualname_id, kind, lang,"
    " file_id, line_start, line_end, parent_id, birth, content_hash,"
    " signature, code) VALUES(" ID_OF(1) "," ID_OF(2) "," ID_OF(3) ",?4,?5,"
    ID_OF(6) ",?7,?8," ID_OF(9) ",?10,?11,?12,?13)";
static const char paths_sql[] =
    "INSERT INTO paths(id, semantic_path, root_subfolder_l1,"
    " root_subfolder_l2) VALUES(?,?,?,?)";
static const char rerun_paths_sql[] =
    "INSERT OR IGNORE INTO paths(id, semantic_path, root_subfolder_l1,"
    " root_subfolder_l2) VALUES(" ID_OF(1) ",?2,?3,?4)";

static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
  return s ? sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC)
           : sqlite3_bind_null(st, col);
}

/* Columns 4, 5, 7, 8 and 10 to 13: what is not a string of `strings`. */
static int bind_values(sqlite3_stmt *st, const pt_entity *e)
{
  int src = sqlite3_bind_int(st, 4, (int)e->kind);
  if (src == SQLITE_OK) src = sqlite3_bind_int(st, 5, (int)e->lang);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 7, e->line_start);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 8, e->line_end);
  if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 10, e->birth);
  if (src == SQLITE_OK) src = bind_text(st, 11, e->content_hash);
  if (src == SQLITE_OK) src = bind_text(st, 12, e->signature);
  if (src == SQLITE_OK)
    src = e->code ? sqlite3_bind_text(st, 13, e->code, (int)pt_entity_code_len(e),
                                      SQLITE_STATIC)
                  : sqlite3_bind_null(st, 13);
  return src;
}

/* The derived columns of a path (docs/contract/ingestion.md 6.3, 7.1):
 * parameters 2 to 4 of either paths insert. */
static int bind_path(sqlite3 *db, const char *path, sqlite3_stmt *st,
                     pt_buf *scratch, const char *file)
{
  pt_span l1, l2;
  pt_buf_clear(scratch);
  int rc = pt__key_semantic_path(scratch, file);
  if (rc)
    return rc;
  pt_path_subfolders(file, &l1, &l2);
  int src = sqlite3_bind_text(st, 2, scratch->ptr, (int)scratch->len,
                              SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 3, l1.ptr, (int)l1.len, SQLITE_STATIC);
  if (src == SQLITE_OK)
    src = sqlite3_bind_text(st, 4, l2.ptr, (int)l2.len, SQLITE_STATIC);
  return pt__sqlite_run(db, path, st, src);
}

/* ---- a whole save -------------------------------------------------------- */

typedef struct names_table {
  const char *sql; /* static */
  int n;
  const char *(*name)(int i);
} names_table;

static const char *kind_name(int i) { return pt_kind_name((pt_kind)i); }
static const char *lang_name(int i) { return pt_lang_name((pt_lang)i); }

/* The names behind the numbers, for the view and for people. */
static int put_names(sqlite3 *db, const char *path)
{
  static const names_table tables[] = {
      {"INSERT INTO entity_types(id, name) VALUES(?,?)", PT_KIND__COUNT,
       kind_name},
      {"INSERT INTO languages(id, name) VALUES(?,?)", PT_LANG__COUNT,
       lang_name},
  };
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < sizeof tables / sizeof tables[0]; k++) {
    sqlite3_stmt *st = NULL;
    rc = pt__sqlite_prepare(db, path, tables[k].sql, &st);
    for (int i = 0; rc == 0 && i < tables[k].n; i++) {
      int src = sqlite3_bind_int(st, 1, i);
      if (src == SQLITE_OK)
        src = sqlite3_bind_text(st, 2, tables[k].name(i), -1, SQLITE_STATIC);
      rc = pt__sqlite_run(db, path, st, src);
    }
    sqlite3_finalize(st);
  }
  return rc;
}

/* The ids an entity's row names besides its key's: its name, qualified
 * name, file and parent (0 for none), given before the rows go in. */
typedef struct entity_ids {
  uint32_t name, qualname, file, parent;
} entity_ids;

typedef struct entity_save {
  pt__sqlite_ids *t;
  const pt__sqlite_records *r;
  sqlite3_stmt *path; /* owned */
  pt_ptrmap paths;    /* the paths written to `paths` */
  pt_buf scratch;
  uint32_t *in, *at; /* owned: pt_entity_code_holders' */
  entity_ids *ids;   /* owned: each entity's */
} entity_save;

static const pt_entity *record_entity(const void *r, size_t i)
{
  return pt__sqlite_entity(r, i);
}

static int put_path(entity_save *s, const char *file, int64_t id)
{
  size_t n = s->paths.n, v = 0;
  int rc = pt_ptrmap_put_new(&s->paths, file, 1, &v);
  if (rc || s->paths.n == n)
    return rc;
  int src = sqlite3_bind_int64(s->path, 1, id);
  return src == SQLITE_OK ? bind_path(s->t->db, s->t->path, s->path,
                                      &s->scratch, file)
                          : pt__sqlite_error(s->t->db, src, s->t->path,
                                             paths_sql);
}

/* The id of s (0 for NULL) as an entity_ids field. */
static int id_of(entity_save *s, const char *str, uint32_t *out)
{
  int64_t id = 0;
  int rc = pt__sqlite_id_of(s->t, str, &id, NULL);
  if (rc == 0 && id > (int64_t)UINT32_MAX)
    rc = PT_ERR(PT_EINVAL, "%s: too many strings", s->t->path);
  *out = (uint32_t)id;
  return rc;
}

/* The strings entity i names and its path's row: written now, before
 * its row, which the feed gives later with these ids. */
static int give_ids(entity_save *s, size_t i, const pt_entity *e)
{
  entity_ids *d = &s->ids[i];
  int rc = id_of(s, e->name, &d->name);
  if (rc == 0) rc = id_of(s, e->qualname, &d->qualname);
  if (rc == 0) rc = id_of(s, e->file_path, &d->file);
  if (rc == 0) rc = id_of(s, e->parent_key, &d->parent);
  if (rc == 0 && e->file_path)
    rc = put_path(s, e->file_path, d->file);
  return rc;
}

/* ---- the rows' feed (store_sqlite_feed.h): its row i is entity i ------- */

/* entity_rows' columns, in the order of the feed's and of the insert's */
#define COLUMNS "key_id, name_id, qualname_id, kind, lang, file_id," \
                " line_start, line_end, parent_id, birth, content_hash," \
                " signature, code, code_in, code_at, code_len"

static void result_id(sqlite3_context *ctx, uint32_t id)
{
  if (id)
    sqlite3_result_int64(ctx, id);
  else
    sqlite3_result_null(ctx);
}

/* Text that lives until the save's end: SQLite reads it in place. */
static void result_text(sqlite3_context *ctx, const char *s, int len)
{
  if (s)
    sqlite3_result_text(ctx, s, len, SQLITE_STATIC);
  else
    sqlite3_result_null(ctx);
}

/* Entity i as its row: its key's id i + 1, the strings by the ids given
 * before, and a nested entity's code as its holder's key id and range
 * (code NULL), else its own code and no range. */
static void feed_column(void *src, size_t i, sqlite3_context *ctx, int col)
{
  const entity_save *s = src;
  const pt_entity *e = pt__sqlite_entity(s->r, i);
  const entity_ids *d = &s->ids[i];
  uint32_t h = s->in[i];
  switch (col) {
  case 0: sqlite3_result_int64(ctx, (int64_t)i + 1); break;
  case 1: result_id(ctx, d->name); break;
  case 2: result_id(ctx, d->qualname); break;
  case 3: sqlite3_result_int(ctx, (int)e->kind); break;
  case 4: sqlite3_result_int(ctx, (int)e->lang); break;
  case 5: result_id(ctx, d->file); break;
  case 6: sqlite3_result_int64(ctx, e->line_start); break;
  case 7: sqlite3_result_int64(ctx, e->line_end); break;
  case 8: result_id(ctx, d->parent); break;
  case 9: sqlite3_result_int64(ctx, e->birth); break;
  case 10: result_text(ctx, e->content_hash, -1); break;
  case 11: result_text(ctx, e->signature, -1); break;
  case 12:
    result_text(ctx, h == NONE ? e->code : NULL,
                (int)pt_entity_code_len(e));
    break;
  case 13:
    if (h == NONE)
      sqlite3_result_null(ctx);
    else
      sqlite3_result_int64(ctx, (int64_t)h + 1);
    break;
  case 14:
    if (h == NONE)
      sqlite3_result_null(ctx);
    else
      sqlite3_result_int64(ctx, s->at[i]);
    break;
  default:
    if (h == NONE)
      sqlite3_result_null(ctx);
    else
      sqlite3_result_int64(ctx, (int64_t)pt_entity_code_len(e));
    break;
  }
}

/* Every entity's row in one statement, read from the feed: no binding
 * and no statement's start per row. */
static int write_fed(entity_save *s)
{
  pt__sqlite_feed f = {"pt_entity_feed", COLUMNS, "the entities",
                       s->r->n_entities, s, NULL, NULL, feed_column};
  return pt__sqlite_feed_into(s->t->db, s->t->path, ROWS, &f);
}

int pt__sqlite_write_entities(pt__sqlite_ids *t, const pt__sqlite_records *r)
{
  entity_save s = {t,    r,    NULL, PT_PTRMAP_INIT, PT_BUF_INIT,
                   NULL, NULL, NULL};
  size_t n = r->n_entities;
  int rc = n < NONE ? put_names(t->db, t->path)
                    : PT_ERR(PT_EINVAL, "%s: too many entities: %zu", t->path,
                             n);
  s.in = rc ? NULL : pt_malloc((n + 1) * sizeof *s.in);
  s.at = rc ? NULL : pt_malloc((n + 1) * sizeof *s.at);
  s.ids = rc ? NULL : pt_malloc((n + 1) * sizeof *s.ids);
  if (rc == 0 && (!s.in || !s.at || !s.ids))
    rc = PT_ERR(PT_ENOMEM, "out of memory placing entity code");
  if (rc == 0)
    rc = pt_entity_code_holders(record_entity, r, n, s.in, s.at);
  /* the keys first: key i gets id i + 1, the row id of its row */
  for (size_t i = 0; rc == 0 && i < n; i++) {
    int64_t id = 0;
    const char *key = pt__sqlite_entity(r, i)->key;
    rc = pt__sqlite_id_of(t, key, &id, NULL);
    if (rc == 0 && id != (int64_t)i + 1)
      rc = PT_ERR(PT_EINVAL, "%s: entity key %s given twice", t->path, key);
  }
  if (rc == 0)
    rc = pt__sqlite_prepare(t->db, t->path, paths_sql, &s.path);
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = give_ids(&s, i, pt__sqlite_entity(r, i));
  if (rc == 0)
    rc = write_fed(&s);
  sqlite3_finalize(s.path);
  pt_free(s.in);
  pt_free(s.at);
  pt_free(s.ids);
  pt_ptrmap_fini(&s.paths);
  pt_buf_fini(&s.scratch);
  return rc;
}

/* ---- one entity at a time (a re-run's changes) ---------------------------- */

void pt__sqlite_entity_writer_fini(pt__sqlite_entity_writer *w)
{
  sqlite3_finalize(w->add);
  sqlite3_finalize(w->ins);
  sqlite3_finalize(w->del);
  sqlite3_finalize(w->own);
  sqlite3_finalize(w->path);
  pt_buf_fini(&w->scratch);
  memset(w, 0, sizeof *w);
}

static int add_path(sqlite3 *db, const char *path,
                    pt__sqlite_entity_writer *w, const char *file)
{
  int rc = w->path ? 0 : pt__sqlite_prepare(db, path, rerun_paths_sql,
                                            &w->path);
  if (rc || !file)
    return rc;
  int src = sqlite3_bind_text(w->path, 1, file, -1, SQLITE_STATIC);
  return src == SQLITE_OK ? bind_path(db, path, w->path, &w->scratch, file)
                          : pt__sqlite_error(db, src, path, rerun_paths_sql);
}

int pt__sqlite_entity_insert(sqlite3 *db, const char *path,
                             pt__sqlite_entity_writer *w, const pt_entity *e)
{
  const char *strs[] = {e->key, e->name, e->qualname, e->file_path,
                        e->parent_key};
  int rc = w->ins ? 0 : pt__sqlite_prepare(db, path, rerun_sql, &w->ins);
  for (size_t i = 0; rc == 0 && i < sizeof strs / sizeof strs[0]; i++)
    rc = pt__sqlite_add_string(db, path, &w->add, strs[i]);
  if (rc == 0)
    rc = add_path(db, path, w, e->file_path);
  if (rc)
    return rc;
  sqlite3_stmt *st = w->ins;
  int src = bind_text(st, 1, e->key);
  if (src == SQLITE_OK) src = bind_text(st, 2, e->name);
  if (src == SQLITE_OK) src = bind_text(st, 3, e->qualname);
  if (src == SQLITE_OK) src = bind_text(st, 6, e->file_path);
  if (src == SQLITE_OK) src = bind_text(st, 9, e->parent_key);
  if (src == SQLITE_OK) src = bind_values(st, e);
  return pt__sqlite_run(db, path, st, src);
}

/* The rows whose code is a range of the row of key ?1 (of its file) get
 * their bytes as their own before that row goes. */
static const char own_code_sql[] =
    "UPDATE entity_rows SET code = CAST(substr(CAST((SELECT h.code FROM"
    " entity_rows h WHERE h.key_id = entity_rows.code_in) AS BLOB),"
    " code_at + 1, code_len) AS TEXT), code_in = NULL, code_at = NULL,"
    " code_len = NULL WHERE file_id IS (SELECT file_id FROM entity_rows"
    " WHERE key_id = " ID_OF(1) ") AND code_in = " ID_OF(1);

int pt__sqlite_entity_delete(sqlite3 *db, const char *path,
                             pt__sqlite_entity_writer *w, const char *key)
{
  int rc = w->del ? 0 : pt__sqlite_prepare(db, path, "DELETE FROM entity_rows"
                                           " WHERE key_id = " ID_OF(1),
                                           &w->del);
  if (rc == 0 && !w->own)
    rc = pt__sqlite_prepare(db, path, own_code_sql, &w->own);
  if (rc == 0)
    rc = pt__sqlite_run(db, path, w->own, bind_text(w->own, 1, key));
  return rc ? rc : pt__sqlite_run(db, path, w->del,
                                  bind_text(w->del, 1, key));
}

/* ---- load ---------------------------------------------------------------- */

/* Value col's text copied into g's pool (NULL stays NULL). */
static int copy_at(const pt__sqlite_row *row, int col, pt_graph *g,
                   const char **out)
{
  size_t len = 0;
  int rc = pt__sqlite_row_text(row, col, out, &len);
  if (rc == 0 && *out && !(*out = pt_graph_copy_text(g, *out, len)))
    rc = PT_ERR(PT_ENOMEM, "out of memory copying entity text");
  return rc;
}

/* Value col's code as e's, as pt_graph_load_code keeps it. */
static int code_at(const pt__sqlite_row *row, int col, pt_graph *g,
                   pt_entity *e)
{
  const char *text = NULL;
  size_t len = 0;
  int rc = pt__sqlite_row_text(row, col, &text, &len);
  return rc ? rc : pt_graph_load_code(g, e, text, len);
}

typedef struct entity_reader {
  const pt__sqlite_strings *s;
  pt_graph *g;
} entity_reader;

/* From schema 7 on, values 12 to 14 (code_in, code_at, code_len) name
 * the range of another entity's code that is e's when value 15, code,
 * is NULL. */
static int code_or_range(const pt__sqlite_row *row,
                         const pt__sqlite_strings *s, pt_graph *g,
                         pt_entity *e)
{
  const char *in = NULL;
  int64_t at = 0, len = 0;
  if (row->n < 16)
    return code_at(row, 12, g, e);
  int rc = pt__sqlite_row_string(row, s, 12, 0, &in);
  if (rc || !in)
    return rc ? rc : code_at(row, 15, g, e);
  if (sqlite3_value_type(row->v[15]) != SQLITE_NULL)
    return pt__sqlite_row_bad(row, 15, "code and a range of another's");
  rc = pt__sqlite_row_int(row, 13, 0, UINT32_MAX, &at);
  if (rc == 0) rc = pt__sqlite_row_int(row, 14, 1, UINT32_MAX, &len);
  return rc ? rc : pt_graph_load_code_in(g, e, in, (uint32_t)at,
                                         (uint32_t)len);
}

/* One row, its values in read_cols' order. */
static int read_row(const pt__sqlite_row *row, void *payload)
{
  const entity_reader *r = payload;
  const pt__sqlite_strings *s = r->s;
  pt_graph *g = r->g;
  pt_entity e;
  int64_t kind = 0, lang = 0, start = 0, end = 0;
  const char *hash = NULL;
  size_t hash_len = 0;
  memset(&e, 0, sizeof e);
  int rc = pt__sqlite_row_string(row, s, 0, 1, &e.key);
  if (rc == 0) rc = pt__sqlite_row_string(row, s, 1, 0, &e.name);
  if (rc == 0) rc = pt__sqlite_row_string(row, s, 2, 0, &e.qualname);
  if (rc == 0) rc = pt__sqlite_row_int(row, 3, 0, PT_KIND__COUNT - 1, &kind);
  if (rc == 0) rc = pt__sqlite_row_int(row, 4, 0, PT_LANG__COUNT - 1, &lang);
  if (rc == 0) rc = pt__sqlite_row_string(row, s, 5, 0, &e.file_path);
  if (rc == 0) rc = pt__sqlite_row_int(row, 6, 0, UINT32_MAX, &start);
  if (rc == 0) rc = pt__sqlite_row_int(row, 7, 0, UINT32_MAX, &end);
  if (rc == 0) rc = pt__sqlite_row_string(row, s, 8, 0, &e.parent_key);
  if (rc == 0) rc = pt__sqlite_row_int(row, 9, INT64_MIN, INT64_MAX, &e.birth);
  if (rc == 0) rc = pt__sqlite_row_text(row, 10, &hash, &hash_len);
  if (rc == 0 && (!hash || hash_len >= sizeof e.content_hash))
    rc = pt__sqlite_row_bad(row, 10, "missing or longer than 64 characters");
  if (rc == 0) rc = copy_at(row, 11, g, &e.signature);
  if (rc == 0) rc = code_or_range(row, s, g, &e);
  if (rc)
    return rc;
  memcpy(e.content_hash, hash, hash_len); /* memset: terminated */
  e.kind = (pt_kind)kind;
  e.lang = (pt_lang)lang;
  e.line_start = (uint32_t)start;
  e.line_end = (uint32_t)end;
  return pt_graph_add_entity_interned(g, &e);
}

int pt__sqlite_read_entities(sqlite3 *db, const char *path, int version,
                             const pt__sqlite_strings *s, int without_code,
                             pt_graph *g)
{
  /* without code, NULL in its place: its bytes, the rows' last, are not
   * even read (nor their overflow pages) */
  const char *code = without_code ? "NULL" : "code";
  const char *range = without_code ? "NULL" : NULL;
  const char *cols[] = {"key_id", "name_id", "qualname_id", "kind", "lang",
                        "file_id", "line_start", "line_end", "parent_id",
                        "birth", "content_hash", "signature",
                        version >= 7 ? (range ? range : "code_in") : code,
                        range ? range : "code_at", range ? range : "code_len",
                        code};
  entity_reader r = {s, g};
  return pt__sqlite_each_row(db, path, ROWS, cols, version >= 7 ? 16 : 13,
                             "rowid", read_row, &r);
}

/* ---- excluded tests ------------------------------------------------------- */

#define TESTS "excluded_tests"

/* The strings of the tests read so far, copies in the pool, interned at
 * once when the table has been read. */
typedef struct copies {
  const char **v; /* owned array */
  size_t *len;    /* owned */
  size_t n, cap, len_cap;
} copies;

/* A test whose strings are indexes into the copies (NONE: NULL): key,
 * name, file_path, reason. */
typedef struct test_row {
  pt_test_entity t;
  uint32_t s[4];
} test_row;

/* Value col's text copied into g's pool as copy *out, unless it is the
 * text of copy *last (a file's tests share its path, and most of them
 * their reason), which it then is again. */
static int copy_col(const pt__sqlite_row *row, int col, pt_graph *g,
                    copies *c, uint32_t *last, uint32_t *out)
{
  const char *p = NULL;
  size_t len = 0;
  int rc = pt__sqlite_row_text(row, col, &p, &len);
  *out = NONE;
  if (rc || !p)
    return rc;
  if (*last != NONE && c->len[*last] == len &&
      memcmp(c->v[*last], p, len) == 0) {
    *out = *last;
    return 0;
  }
  if (c->n >= NONE || pt_array_grow((void **)&c->v, &c->cap, c->n + 1,
                                    sizeof *c->v) ||
      pt_array_grow((void **)&c->len, &c->len_cap, c->n + 1, sizeof *c->len) ||
      !(c->v[c->n] = pt_graph_copy_text(g, p, len)))
    return PT_ERR(PT_ENOMEM, "out of memory reading %s", TESTS);
  c->len[c->n] = len;
  *out = *last = (uint32_t)c->n++;
  return 0;
}

static int name_at(const pt__sqlite_row *row, int col, int is_kind, int *out)
{
  const char *s = (const char *)sqlite3_value_text(row->v[col]);
  pt_kind kind = PT_KIND_FUNCTION;
  pt_lang lang = PT_LANG_RUST;
  int bad = !s || (is_kind ? pt_kind_from_name(s, &kind)
                           : pt_lang_from_name(s, &lang)) != 0;
  *out = is_kind ? (int)kind : (int)lang;
  if (!bad)
    return 0;
  if (!s && sqlite3_value_type(row->v[col]) != SQLITE_NULL)
    return PT_ERR(PT_ENOMEM, "%s: out of memory reading %s", row->path,
                  TESTS);
  return pt__sqlite_row_bad(row, col, is_kind ? "unknown entity type"
                                              : "unknown language");
}

/* What reads the tests: the rows and their strings so far. */
typedef struct tests_reader {
  pt_graph *g;
  copies c;
  test_row *rows; /* owned */
  size_t n, cap;
  uint32_t last[4];
} tests_reader;

/* One row: key, name, entity_type, language, file_path, line_start,
 * line_end, reason. */
static int read_test_row(const pt__sqlite_row *row, void *payload)
{
  tests_reader *tr = payload;
  int64_t start = 0, end = 0;
  int kind = 0, lang = 0;
  static const int cols[4] = {0, 1, 4, 7}; /* key, name, path, reason */
  if (pt_array_grow((void **)&tr->rows, &tr->cap, tr->n + 1,
                    sizeof *tr->rows))
    return PT_ERR(PT_ENOMEM, "out of memory reading %s", TESTS);
  test_row *r = &tr->rows[tr->n++];
  memset(r, 0, sizeof *r);
  int rc = 0;
  for (int k = 0; rc == 0 && k < 4; k++)
    rc = copy_col(row, cols[k], tr->g, &tr->c, &tr->last[k], &r->s[k]);
  if (rc == 0) rc = name_at(row, 2, 1, &kind);
  if (rc == 0) rc = name_at(row, 3, 0, &lang);
  if (rc == 0) rc = pt__sqlite_row_int(row, 5, 0, UINT32_MAX, &start);
  if (rc == 0) rc = pt__sqlite_row_int(row, 6, 0, UINT32_MAX, &end);
  r->t.kind = (pt_kind)kind;
  r->t.lang = (pt_lang)lang;
  r->t.line_start = (uint32_t)start;
  r->t.line_end = (uint32_t)end;
  return rc;
}

/* Adds the rows, their strings now interned. */
static int add_tests(pt_graph *g, const copies *c, test_row *rows, size_t n)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const char **f[4] = {&rows[i].t.key, &rows[i].t.name,
                         &rows[i].t.file_path, &rows[i].t.reason};
    for (int k = 0; k < 4; k++)
      *f[k] = rows[i].s[k] == NONE ? NULL : c->v[rows[i].s[k]];
    rc = pt_graph_add_test_interned(g, &rows[i].t);
  }
  return rc;
}

int pt__sqlite_read_tests(sqlite3 *db, const char *path, pt_graph *g)
{
  static const char *const cols[] = {"key", "name", "entity_type",
                                     "language", "file_path", "line_start",
                                     "line_end", "reason"};
  tests_reader tr = {g, {NULL, NULL, 0, 0, 0}, NULL, 0, 0,
                     {NONE, NONE, NONE, NONE}};
  int rc = pt__sqlite_each_row(db, path, TESTS, cols, 8, "rowid",
                               read_test_row, &tr);
  if (rc == 0)
    rc = pt_graph_intern_copies(g, tr.c.v, tr.c.len, tr.c.n);
  if (rc == 0)
    rc = add_tests(g, &tr.c, tr.rows, tr.n);
  pt_free(tr.rows);
  pt_free(tr.c.v);
  pt_free(tr.c.len);
  return rc;
}
