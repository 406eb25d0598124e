/* The tables of the SQLite backend (store_sqlite_schema.h): schema, the
 * derived columns of docs/contract/ingestion.md 6.3, 7.1, 10 and 11, and
 * the row mapping in both directions. Derived columns are written for
 * people and other tools reading the file; load() reads only the record
 * columns. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pt/path.h"
#include "pt/error.h"
#include "store_sqlite_edges.h"
#include "store_sqlite_entities.h"
#include "store_sqlite_schema.h"
#include "store_sqlite_strings.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define APP_ID 1347700563 /* 0x50544753, "PTGS": marks our files */
#define SCHEMA_VERSION 8 /* 2: edges carry resolution, confidence;
                            3: files carry mtime_ns and reuse;
                            4: edges are rows of ids into strings;
                            5: edge_rows carry candidates;
                            6: entities are rows of ids into strings;
                            7: a nested entity's code is a range of
                               its enclosing entity's;
                            8: edge_rows is a table WITHOUT ROWID in key
                               order, each row's place in column at */
#define OLDEST_READ 2    /* schema 2 loads without mtime_ns and reuse */

int pt__sqlite_schema_version(void)
{
  return SCHEMA_VERSION;
}

static const char schema_sql[] =
    "PRAGMA application_id=" STR(APP_ID) ";"
    "PRAGMA user_version=" STR(SCHEMA_VERSION) ";"
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE strings(id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
    "CREATE TABLE entity_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE languages(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    /* the derived columns of an entity's path, by its id in strings */
    "CREATE TABLE paths(id INTEGER PRIMARY KEY, semantic_path TEXT NOT NULL,"
    " root_subfolder_l1 TEXT NOT NULL, root_subfolder_l2 TEXT NOT NULL);"
    /* key_id is the row id: rows in the order of their keys' ids, the
     * graph's order. An entity whose code lies inside another's of its
     * file (a method in its class) has code NULL and its code as code_len
     * bytes at code_at of the code of row code_in, whose code is its own;
     * the columns before code, so that a load without code reads no
     * overflow page */
    "CREATE TABLE entity_rows(key_id INTEGER PRIMARY KEY, name_id INTEGER,"
    " qualname_id INTEGER, kind INTEGER NOT NULL, lang INTEGER NOT NULL,"
    " file_id INTEGER, line_start INTEGER NOT NULL,"
    " line_end INTEGER NOT NULL, parent_id INTEGER, birth INTEGER NOT NULL,"
    " content_hash TEXT NOT NULL, signature TEXT, code_in INTEGER,"
    " code_at INTEGER, code_len INTEGER, code TEXT);"
    /* schema 5's entities table, for people and other tools */
    "CREATE VIEW entities(key, name, qualname, entity_type, language,"
    " file_path, line_start, line_end, signature, code, content_hash,"
    " parent_key, birth_timestamp, semantic_path, root_subfolder_l1,"
    " root_subfolder_l2, entity_class) AS"
    " SELECT k.text, n.text, q.text, y.name, l.name, p.text, r.line_start,"
    " r.line_end, r.signature, coalesce(r.code, CAST(substr(CAST(h.code AS"
    " BLOB), r.code_at + 1, r.code_len) AS TEXT)), r.content_hash, a.text,"
    " r.birth,"
    " d.semantic_path, d.root_subfolder_l1, d.root_subfolder_l2, 'CODE'"
    " FROM entity_rows r JOIN strings k ON k.id = r.key_id"
    " JOIN entity_types y ON y.id = r.kind JOIN languages l ON l.id = r.lang"
    " LEFT JOIN strings n ON n.id = r.name_id"
    " LEFT JOIN strings q ON q.id = r.qualname_id"
    " LEFT JOIN strings p ON p.id = r.file_id"
    " LEFT JOIN strings a ON a.id = r.parent_id"
    " LEFT JOIN paths d ON d.id = r.file_id"
    " LEFT JOIN entity_rows h ON h.key_id = r.code_in;"
    "CREATE TABLE edge_types(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE resolutions(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " confidence INTEGER NOT NULL);"
    /* rows in the order of their key (from_id, to_id, type); at is a
     * row's place in the graph's order as its save wrote it, NULL for a
     * row a re-run's changes wrote */
    "CREATE TABLE edge_rows(from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,"
    " type INTEGER NOT NULL, file_id INTEGER, line INTEGER NOT NULL,"
    " resolved INTEGER NOT NULL, resolution INTEGER NOT NULL,"
    " candidates TEXT, at INTEGER, PRIMARY KEY(from_id, to_id, type))"
    " WITHOUT ROWID;"
    /* schema 3's edges table, for people and other tools */
    "CREATE VIEW edges(from_key, to_key, edge_type, source_location,"
    " file_path, line, resolved, resolution, confidence, n_candidates) AS"
    " SELECT f.text, t.text, y.name, p.text || ':' || r.line, p.text, r.line,"
    " r.resolved, h.name, h.confidence, CAST(r.candidates AS INTEGER)"
    " FROM edge_rows r"
    " JOIN strings f ON f.id = r.from_id JOIN strings t ON t.id = r.to_id"
    " JOIN edge_types y ON y.id = r.type JOIN resolutions h"
    " ON h.id = r.resolution LEFT JOIN strings p ON p.id = r.file_id;"
    "CREATE TABLE files(path TEXT PRIMARY KEY, language TEXT NOT NULL,"
    " size INTEGER NOT NULL, content_hash TEXT, n_entities INTEGER NOT NULL,"
    " n_tests INTEGER NOT NULL, n_parse_errors INTEGER NOT NULL,"
    " source_words INTEGER NOT NULL, entity_words INTEGER NOT NULL,"
    " import_words INTEGER NOT NULL, comment_words INTEGER NOT NULL,"
    " raw_coverage_pct REAL NOT NULL, effective_coverage_pct REAL NOT NULL,"
    " mtime_ns INTEGER NOT NULL, reuse BLOB);"
    "CREATE TABLE excluded_tests(key TEXT, name TEXT,"
    " entity_type TEXT NOT NULL, language TEXT NOT NULL, file_path TEXT,"
    " line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, reason TEXT);"
    "CREATE TABLE ignored_files(path TEXT PRIMARY KEY,"
    " folder_path TEXT NOT NULL, filename TEXT NOT NULL,"
    " extension TEXT NOT NULL, reason TEXT);"
    "INSERT INTO meta(name, value) VALUES('schema_version', '"
    STR(SCHEMA_VERSION) "');";

/* edge_rows is its own key, (from_id, to_id, type), written in its
 * order: schema 7 had the rows in the graph's order and a unique index
 * over the key made after them by sorting them, which cost more than the
 * rows themselves (files saved before keep theirs, which reads and
 * updates the same). Its leading column is from_id, so lookups by from
 * key use it; a separate index would only cost space. There is no index
 * by to_id: no load or update reads one (files saved before schema 7
 * keep theirs). strings_text finds a key's id (the views' lookups, a
 * re-run's changes) and keeps each string once; an entity's key id is
 * its row id. The first part of a save, which may run while resolution
 * makes the edges, makes strings_text once the entities' strings are in
 * (nine tenths of them: the edges' few others are added to it one by
 * one) and the indexes of entity_rows; the rest writes edge_rows. */
static const char entity_index_sql[] =
    "CREATE UNIQUE INDEX strings_text ON strings(text);"
    "CREATE INDEX entity_rows_file_id ON entity_rows(file_id);"
    "CREATE INDEX entity_rows_name_id ON entity_rows(name_id);";
int pt__sqlite_error(sqlite3 *db, int src, const char *path, const char *what)
{
  int code;
  switch (src & 0xff) {
  case SQLITE_NOMEM: code = PT_ENOMEM; break;
  case SQLITE_NOTADB: case SQLITE_CONSTRAINT: code = PT_EINVAL; break;
  case SQLITE_BUSY: case SQLITE_LOCKED: code = PT_EBUSY; break;
  default: code = PT_EIO; break;
  }
  return PT_ERR(code, "%s: %s: %s", path, what,
                db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
}

int pt__sqlite_exec(sqlite3 *db, const char *path, const char *sql)
{
  int src = sqlite3_exec(db, sql, NULL, NULL, NULL);
  return src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path, "SQL failed");
}

int pt__sqlite_set_cache(sqlite3 *db, const char *path, size_t n,
                         size_t bytes_each, size_t lo_kib, size_t hi_kib)
{
  size_t kib = n / 1024 * bytes_each + n % 1024 * bytes_each / 1024;
  char sql[64];
  kib = kib < lo_kib ? lo_kib : kib > hi_kib ? hi_kib : kib;
  snprintf(sql, sizeof sql, "PRAGMA cache_size=-%zu", kib);
  return pt__sqlite_exec(db, path, sql);
}

void pt__sqlite_configure(void)
{
  /* one caller sets it, however many threads open their first store at
   * once (sqlite3_config is not thread safe) */
  static atomic_flag is_done = ATOMIC_FLAG_INIT;
  if (!atomic_flag_test_and_set(&is_done))
    (void)sqlite3_config(SQLITE_CONFIG_PMASZ, 10);
}

/* One row being bound: the first SQLite failure sticks, so the bind
 * functions read as a column list and are checked once. */
typedef struct row {
  sqlite3_stmt *st; /* owned by write_table */
  int col;
  int src;
} row;

static void col_textn(row *r, const char *s, size_t len)
{
  int i = ++r->col;
  if (r->src == SQLITE_OK)
    r->src = s ? sqlite3_bind_text(r->st, i, s, (int)len, SQLITE_STATIC)
               : sqlite3_bind_null(r->st, i);
}

static void col_text(row *r, const char *s)
{
  col_textn(r, s, s ? strlen(s) : 0);
}

/* Unsigned 64-bit counts are stored bit for bit in SQLite's signed INTEGER
 * and cast back on load; real values never reach 2^63. */
static void col_int(row *r, int64_t v)
{
  int i = ++r->col;
  if (r->src == SQLITE_OK)
    r->src = sqlite3_bind_int64(r->st, i, v);
}

static void col_blob(row *r, const void *v, size_t size)
{
  int i = ++r->col;
  if (r->src == SQLITE_OK)
    r->src = v ? sqlite3_bind_blob64(r->st, i, v, size, SQLITE_STATIC)
               : sqlite3_bind_null(r->st, i);
}

static void col_real(row *r, double v)
{
  int i = ++r->col;
  if (r->src == SQLITE_OK)
    r->src = sqlite3_bind_double(r->st, i, v);
}

/* docs/contract/ingestion.md 11: percentages of entity words; 100 when
 * the denominator is 0. */
static double pct(uint64_t part, uint64_t whole)
{
  return whole ? (double)part / (double)whole * 100.0 : 100.0;
}

static int bind_file(row *r, const pt_graph *g, const pt__sqlite_records *rs,
                     size_t i)
{
  const pt_file_record *f = pt__sqlite_file(rs, i);
  uint64_t effective = f->source_words;
  effective = effective > f->import_words ? effective - f->import_words : 0;
  effective = effective > f->comment_words ? effective - f->comment_words : 0;
  col_text(r, f->path);
  col_text(r, pt_lang_name(f->lang));
  col_int(r, (int64_t)f->size);
  col_text(r, f->content_hash);
  col_int(r, f->n_entities);
  col_int(r, f->n_tests);
  col_int(r, f->n_parse_errors);
  col_int(r, (int64_t)f->source_words);
  col_int(r, (int64_t)f->entity_words);
  col_int(r, (int64_t)f->import_words);
  col_int(r, (int64_t)f->comment_words);
  col_real(r, pct(f->entity_words, f->source_words));
  col_real(r, pct(f->entity_words, effective));
  col_int(r, f->mtime_ns);
  col_blob(r, f->reuse, f->reuse_size);
  return 0;
}

static int bind_test(row *r, const pt_graph *g, const pt__sqlite_records *rs,
                     size_t i)
{
  const pt_test_entity *t = pt__sqlite_test(rs, i);
  col_text(r, t->key);
  col_text(r, t->name);
  col_text(r, pt_kind_name(t->kind));
  col_text(r, pt_lang_name(t->lang));
  col_text(r, t->file_path);
  col_int(r, t->line_start);
  col_int(r, t->line_end);
  col_text(r, t->reason);
  return 0;
}

static int bind_ignored(row *r, const pt_graph *g,
                        const pt__sqlite_records *rs, size_t i)
{
  const pt_ignored_file *f = pt__sqlite_ignored(rs, i);
  pt_span folder;
  const char *name;
  pt_path_split(f->path, &folder, &name);
  col_text(r, f->path);
  col_textn(r, folder.ptr, folder.len);
  col_text(r, name);
  col_text(r, pt_path_extension(f->path));
  col_text(r, f->reason);
  return 0;
}

static int bind_meta(row *r, const pt_graph *g, const pt__sqlite_records *rs,
                     size_t i)
{
  const char *name, *value;
  pt_graph_meta_at(g, i, &name, &value);
  col_text(r, name);
  col_text(r, value);
  return 0;
}

typedef struct table_writer {
  const char *table; /* static */
  const char *sql;   /* static */
  /* the rows: of the records, or (meta) of the graph */
  size_t (*count)(const pt_graph *g, const pt__sqlite_records *rs);
  int (*bind)(row *r, const pt_graph *g, const pt__sqlite_records *rs,
              size_t i);
} table_writer;

static size_t n_files(const pt_graph *g, const pt__sqlite_records *rs)
{
  return rs->n_files;
}

static size_t n_tests(const pt_graph *g, const pt__sqlite_records *rs)
{
  return rs->n_tests;
}

static size_t n_ignored(const pt_graph *g, const pt__sqlite_records *rs)
{
  return rs->n_ignored;
}

static size_t n_meta(const pt_graph *g, const pt__sqlite_records *rs)
{
  return pt_graph_n_meta(g);
}

void pt__sqlite_records_of(const pt_graph *g, pt__sqlite_records *r)
{
  memset(r, 0, sizeof *r);
  r->entities = pt_graph_entities(g);
  r->n_entities = pt_graph_n_entities(g);
  r->files = pt_graph_files(g);
  r->n_files = pt_graph_n_files(g);
  r->tests = pt_graph_tests(g);
  r->n_tests = pt_graph_n_tests(g);
  r->ignored = pt_graph_ignored(g);
  r->n_ignored = pt_graph_n_ignored(g);
}

static const table_writer writers[] = {
    /* store_sqlite_entities.c, store_sqlite_edges.c */
    {"entities", NULL, NULL, NULL},
    {"edges", NULL, NULL, NULL},
    {"files", "INSERT INTO files(path, language, size, content_hash,"
     " n_entities, n_tests, n_parse_errors, source_words, entity_words,"
     " import_words, comment_words, raw_coverage_pct,"
     " effective_coverage_pct, mtime_ns, reuse)"
     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
     n_files, bind_file},
    {"excluded_tests", "INSERT INTO excluded_tests(key, name, entity_type,"
     " language, file_path, line_start, line_end, reason)"
     " VALUES(?,?,?,?,?,?,?,?)", n_tests, bind_test},
    {"ignored_files", "INSERT INTO ignored_files(path, folder_path,"
     " filename, extension, reason) VALUES(?,?,?,?,?)",
     n_ignored, bind_ignored},
    {"meta", "INSERT INTO meta(name, value) VALUES(?,?)", n_meta, bind_meta},
};

static int write_table(sqlite3 *db, const char *path, const table_writer *w,
                       const pt_graph *g, const pt__sqlite_records *rs)
{
  row r = {NULL, 0, SQLITE_OK};
  int src = sqlite3_prepare_v2(db, w->sql, -1, &r.st, NULL);
  int rc = src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path, w->table);
  size_t n = w->count(g, rs);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    r.col = 0;
    r.src = SQLITE_OK;
    rc = w->bind(&r, g, rs, i);
    if (rc == 0 && r.src == SQLITE_OK)
      r.src = sqlite3_step(r.st);
    if (rc == 0 && r.src != SQLITE_DONE)
      rc = pt__sqlite_error(db, r.src, path, w->table);
    sqlite3_reset(r.st);
  }
  sqlite3_finalize(r.st);
  return rc;
}

int pt__sqlite_insert_row(sqlite3 *db, const char *path, pt__sqlite_table t,
                          sqlite3_stmt **st, const pt_graph *g, size_t i)
{
  const table_writer *w = &writers[t];
  if (!w->sql)
    return PT_ERR(PT_EINVAL, "%s: %s rows are written by their own calls",
                  path, w->table);
  row r = {NULL, 0, SQLITE_OK};
  pt__sqlite_records rs;
  pt__sqlite_records_of(g, &rs);
  int src = *st ? SQLITE_OK : sqlite3_prepare_v2(db, w->sql, -1, st, NULL);
  int rc = src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path, w->table);
  r.st = *st;
  if (rc == 0)
    rc = w->bind(&r, g, &rs, i);
  if (rc == 0 && r.src == SQLITE_OK)
    r.src = sqlite3_step(r.st);
  if (rc == 0 && r.src != SQLITE_DONE)
    rc = pt__sqlite_error(db, r.src, path, w->table);
  if (r.st)
    sqlite3_reset(r.st);
  return rc;
}

/* Entities, then edges, give the ids of `strings`: the entity keys
 * first, so an entity's key id is its row id. The room for the strings:
 * on real trees about 1.9 distinct strings an entity (its key, most
 * names, qualified names and paths) and one for every 16 edges (the
 * placeholders of unresolved targets); the map grows if that is short.
 * The several tree: 596,000 for 317,000 entities and 1.4 million
 * edges. */
int pt__sqlite_write_records(sqlite3 *db, const char *path,
                             const pt__sqlite_records *r, size_t n_edges,
                             pt__sqlite_ids *t)
{
  int rc = pt__sqlite_exec(db, path, schema_sql);
  if (rc == 0)
    rc = pt__sqlite_ids_init(t, db, path, 2 * r->n_entities + n_edges / 16);
  if (rc == 0)
    rc = pt__sqlite_write_entities(t, r);
  if (rc == 0)
    rc = pt__sqlite_ids_flush(t);
  for (size_t i = 0; rc == 0 && i < sizeof writers / sizeof writers[0]; i++)
    if (writers[i].sql && writers[i].bind != bind_meta &&
        !(r->files_later && writers[i].bind == bind_file))
      rc = write_table(db, path, &writers[i], NULL, r);
  return rc;
}

int pt__sqlite_write_files(sqlite3 *db, const char *path, const pt_graph *g)
{
  pt__sqlite_records r;
  pt__sqlite_records_of(g, &r);
  return write_table(db, path, &writers[PT__SQL_FILES], g, &r);
}

int pt__sqlite_write_record_indexes(sqlite3 *db, const char *path)
{
  return pt__sqlite_exec(db, path, entity_index_sql);
}

int pt__sqlite_write_edges_and_meta(sqlite3 *db, const char *path,
                                    const pt_graph *g, pt__sqlite_ids *t)
{
  int rc = pt__sqlite_write_edges(t, g);
  if (rc == 0)
    rc = pt__sqlite_ids_flush(t);
  for (size_t i = 0; rc == 0 && i < sizeof writers / sizeof writers[0]; i++)
    if (writers[i].bind == bind_meta)
      rc = write_table(db, path, &writers[i], g, NULL);
  return rc;
}

int pt__sqlite_write_graph(sqlite3 *db, const char *path, const pt_graph *g)
{
  pt__sqlite_ids t;
  pt__sqlite_records r;
  pt__sqlite_records_of(g, &r);
  memset(&t, 0, sizeof t);
  int rc = pt__sqlite_write_records(db, path, &r, pt_graph_n_edges(g), &t);
  if (rc == 0)
    rc = pt__sqlite_write_record_indexes(db, path);
  if (rc == 0)
    rc = pt__sqlite_write_edges_and_meta(db, path, g, &t);
  pt__sqlite_ids_fini(&t);
  return rc;
}

int pt__sqlite_check_schema(sqlite3 *db, const char *path, int *version)
{
  sqlite3_stmt *st = NULL;
  int src = sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL);
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  int rc = 0;
  if (src != SQLITE_ROW)
    rc = pt__sqlite_error(db, src, path, "cannot read the header");
  else if (sqlite3_column_int(st, 0) != APP_ID)
    rc = PT_ERR(PT_EINVAL, "%s: not a parseltongue SQLite database "
                "(application_id %d)", path, sqlite3_column_int(st, 0));
  sqlite3_finalize(st);
  st = NULL;
  if (rc == 0)
    src = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE "
                             "name = 'schema_version'", -1, &st, NULL);
  if (rc == 0 && src == SQLITE_OK)
    src = sqlite3_step(st);
  if (rc == 0 && src != SQLITE_ROW)
    rc = PT_ERR(PT_EINVAL, "%s: parseltongue database without a schema "
                "version (%s)", path, sqlite3_errmsg(db));
  else if (rc == 0 && (sqlite3_column_int(st, 0) < OLDEST_READ ||
                       sqlite3_column_int(st, 0) > SCHEMA_VERSION)) {
    const char *v = (const char *)sqlite3_column_text(st, 0);
    rc = PT_ERR(PT_EINVAL, "%s: schema version %s; this build reads "
                STR(OLDEST_READ) " to " STR(SCHEMA_VERSION), path,
                v ? v : "(null)");
  } else if (rc == 0) {
    *version = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  return rc;
}

/* One result row being read: the first problem sticks as a PT_E* code
 * naming the file, table and column. */
typedef struct cursor {
  sqlite3_stmt *st;  /* owned by read_table */
  const char *path;  /* borrowed */
  const char *table; /* borrowed: static */
  int version;       /* the file's schema version */
  int col;
  int rc;
  const char *from, *file; /* the last edge's, interned in the graph */
} cursor;

static void bad_column(cursor *c, int i, const char *what)
{
  if (c->rc == 0)
    c->rc = PT_ERR(PT_EINVAL, "%s: %s.%s: %s", c->path, c->table,
                   sqlite3_column_name(c->st, i), what);
}

/* NULL for SQL NULL. SQLite returns NULL for a non-NULL value only when
 * it runs out of memory converting it. */
static const char *get_text(cursor *c)
{
  int i = c->col++;
  if (c->rc || sqlite3_column_type(c->st, i) == SQLITE_NULL)
    return NULL;
  const char *s = (const char *)sqlite3_column_text(c->st, i);
  if (!s)
    c->rc = PT_ERR(PT_ENOMEM, "%s: out of memory reading %s", c->path,
                   c->table);
  return s;
}

/* NULL for SQL NULL; a blob's bytes live until the next step. */
static void get_blob(cursor *c, const void **out, size_t *size)
{
  int i = c->col++;
  *out = NULL;
  *size = 0;
  if (c->rc)
    return;
  int type = sqlite3_column_type(c->st, i);
  if (type == SQLITE_NULL)
    return;
  if (type != SQLITE_BLOB) {
    bad_column(c, i, "not a blob");
    return;
  }
  *out = sqlite3_column_blob(c->st, i);
  *size = (size_t)sqlite3_column_bytes(c->st, i);
  if (!*out && *size)
    c->rc = PT_ERR(PT_ENOMEM, "%s: out of memory reading %s", c->path,
                   c->table);
  if (!*out) /* an empty blob: not a reuse record, none kept */
    *size = 0;
}

static int64_t get_int(cursor *c, int64_t min, int64_t max)
{
  int i = c->col++;
  if (c->rc)
    return 0;
  /* column_type first: it is undefined after a conversion */
  int is_int = sqlite3_column_type(c->st, i) == SQLITE_INTEGER;
  int64_t v = is_int ? sqlite3_column_int64(c->st, i) : 0;
  if (!is_int || v < min || v > max)
    bad_column(c, i, "not an integer in the expected range");
  return v;
}

static uint32_t get_u32(cursor *c)
{
  return (uint32_t)get_int(c, 0, UINT32_MAX);
}

static uint64_t get_u64(cursor *c)
{
  return (uint64_t)get_int(c, INT64_MIN, INT64_MAX);
}

static pt_lang get_lang(cursor *c)
{
  const char *s = get_text(c);
  pt_lang v = PT_LANG_RUST;
  if (c->rc == 0 && (!s || pt_lang_from_name(s, &v) != 0))
    bad_column(c, c->col - 1, "unknown language");
  return v;
}

static pt_kind get_kind(cursor *c)
{
  const char *s = get_text(c);
  pt_kind v = PT_KIND_FUNCTION;
  if (c->rc == 0 && (!s || pt_kind_from_name(s, &v) != 0))
    bad_column(c, c->col - 1, "unknown entity type");
  return v;
}

static int read_entity(cursor *c, pt_graph *g)
{
  pt_entity e;
  memset(&e, 0, sizeof e);
  e.key = get_text(c);
  e.name = get_text(c);
  e.qualname = get_text(c);
  e.kind = get_kind(c);
  e.lang = get_lang(c);
  e.file_path = get_text(c);
  e.line_start = get_u32(c);
  e.line_end = get_u32(c);
  e.signature = get_text(c);
  e.code = get_text(c);
  const char *hash = get_text(c);
  if (c->rc == 0 && (!hash || strlen(hash) >= sizeof e.content_hash))
    bad_column(c, c->col - 1, "missing or longer than 64 characters");
  else if (c->rc == 0)
    memcpy(e.content_hash, hash, strlen(hash) + 1);
  e.parent_key = get_text(c);
  e.birth = get_int(c, INT64_MIN, INT64_MAX);
  return c->rc ? c->rc : pt_graph_add_entity(g, &e);
}

/* Edges come grouped by referring entity, so most share the last one's
 * from_key and file_path: compared, not looked up again. */
static int read_edge(cursor *c, pt_graph *g)
{
  pt_edge e;
  memset(&e, 0, sizeof e);
  e.from_key = get_text(c);
  e.to_key = get_text(c);
  const char *type = get_text(c);
  if (c->rc == 0 && (!type || pt_edge_type_from_name(type, &e.type) != 0))
    bad_column(c, c->col - 1, "unknown edge type");
  e.file_path = get_text(c);
  e.line = get_u32(c);
  e.resolved = (int)get_int(c, 0, 1);
  const char *how = get_text(c);
  if (c->rc == 0 && (!how || pt_resolution_from_name(how, &e.resolution) != 0))
    bad_column(c, c->col - 1, "unknown resolution");
  if (c->rc == 0)
    c->rc = pt_graph_intern_after(g, &c->from, &e.from_key);
  if (c->rc == 0)
    c->rc = pt_graph_intern_after(g, &c->file, &e.file_path);
  return c->rc ? c->rc : pt_graph_add_edge_interned(g, &e, 0);
}

static int read_file(cursor *c, pt_graph *g)
{
  pt_file_record f;
  memset(&f, 0, sizeof f);
  f.path = get_text(c);
  f.lang = get_lang(c);
  f.size = get_u64(c);
  f.content_hash = get_text(c);
  f.n_entities = get_u32(c);
  f.n_tests = get_u32(c);
  f.n_parse_errors = get_u32(c);
  f.source_words = get_u64(c);
  f.entity_words = get_u64(c);
  f.import_words = get_u64(c);
  f.comment_words = get_u64(c);
  if (c->version >= 3) {
    f.mtime_ns = get_int(c, INT64_MIN, INT64_MAX);
    get_blob(c, &f.reuse, &f.reuse_size);
  }
  /* schemas 3 and 4 kept no candidates: as with schema 2, a server
   * parses and resolves every file again at start, and a re-run of index
   * indexes everything, as a fresh index would */
  if (c->version < 5) {
    f.mtime_ns = 0;
    f.reuse = NULL;
    f.reuse_size = 0;
  }
  return c->rc ? c->rc : pt_graph_add_file(g, &f);
}

static int read_ignored(cursor *c, pt_graph *g)
{
  pt_ignored_file f;
  memset(&f, 0, sizeof f);
  f.path = get_text(c);
  f.reason = get_text(c);
  return c->rc ? c->rc : pt_graph_add_ignored(g, &f);
}

static int read_meta(cursor *c, pt_graph *g)
{
  const char *name = get_text(c);
  const char *value = get_text(c);
  return c->rc ? c->rc : pt_graph_set_meta(g, name, value);
}

typedef struct table_reader {
  const char *table; /* static */
  const char *sql;   /* static */
  int (*read)(cursor *c, pt_graph *g);
} table_reader;

/* Rows are read in the order saves write them, the canonical one, with no
 * index to walk; load finishes the graph anyway, so a file written in
 * another order loads the same. */
static const table_reader readers[] = {
    {"entities", "SELECT key, name, qualname, entity_type, language,"
     " file_path, line_start, line_end, signature, code, content_hash,"
     " parent_key, birth_timestamp FROM entities ORDER BY rowid", read_entity},
    {"edges", "SELECT from_key, to_key, edge_type, file_path, line, resolved,"
     " resolution"
     " FROM edges ORDER BY rowid", read_edge},
    {"files", "SELECT path, language, size, content_hash, n_entities,"
     " n_tests, n_parse_errors, source_words, entity_words, import_words,"
     " comment_words, mtime_ns, reuse FROM files ORDER BY path", read_file},
    {"excluded_tests", NULL, NULL}, /* store_sqlite_entities.c */
    {"ignored_files", "SELECT path, reason FROM ignored_files ORDER BY path",
     read_ignored},
    {"meta", "SELECT name, value FROM meta WHERE name <> 'schema_version'"
     " ORDER BY name", read_meta},
};

/* What pt__sqlite_read_files reads: the file records, ignored files and
 * meta. */
static int is_files_table(const table_reader *t)
{
  return t->read == read_file || t->read == read_ignored ||
         t->read == read_meta;
}

/* Schema 2 has the files table without mtime_ns and reuse. */
static const char files_v2_sql[] =
    "SELECT path, language, size, content_hash, n_entities,"
    " n_tests, n_parse_errors, source_words, entity_words, import_words,"
    " comment_words FROM files ORDER BY path";

static int read_table(sqlite3 *db, const char *path, const table_reader *t,
                      int version, pt_graph *g)
{
  cursor c = {NULL, path, t->table, version, 0, 0, NULL, NULL};
  const char *sql = version < 3 && t->read == read_file ? files_v2_sql : t->sql;
  int src = sqlite3_prepare_v2(db, sql, -1, &c.st, NULL);
  int rc = src == SQLITE_OK ? 0 : pt__sqlite_error(db, src, path, t->table);
  while (rc == 0 && (src = sqlite3_step(c.st)) == SQLITE_ROW) {
    c.col = 0;
    rc = t->read(&c, g);
  }
  if (rc == 0 && src != SQLITE_DONE)
    rc = pt__sqlite_error(db, src, path, t->table);
  sqlite3_finalize(c.st);
  return rc;
}

/* Room in the graph's pool for the strings of the file at once, so its
 * map does not grow step by step: a guess from row ids of one string a
 * row of excluded_tests and strings, and before schema 6 of entities (on
 * real trees somewhat fewer than the distinct strings: names and
 * qualnames were not counted, the entity keys among the edges' strings
 * twice), at most one for every 16 bytes of the file. */
static int reserve_strings(sqlite3 *db, const char *path, int version,
                           pt_graph *g)
{
  sqlite3_stmt *st = NULL;
  int src = sqlite3_prepare_v2(db, version >= 6
                               ? "SELECT (SELECT coalesce(max(rowid), 0)"
                                 " FROM excluded_tests) + (SELECT coalesce("
                                 "max(id), 0) FROM strings), (SELECT"
                                 " page_count FROM pragma_page_count()) *"
                                 " (SELECT page_size FROM pragma_page_size())"
                               : "SELECT (SELECT coalesce(max(rowid), 0) FROM"
                                 " entities) + (SELECT coalesce(max(rowid),"
                                 " 0) FROM excluded_tests) + (SELECT"
                                 " coalesce(max(id), 0) FROM strings),"
                                 " (SELECT page_count FROM"
                                 " pragma_page_count()) * (SELECT page_size"
                                 " FROM pragma_page_size())",
                               -1, &st, NULL);
  if (src == SQLITE_OK)
    src = sqlite3_step(st);
  int rc = src == SQLITE_ROW ? 0 : pt__sqlite_error(db, src, path, "counts");
  if (rc == 0) {
    int64_t n = sqlite3_column_int64(st, 0), size = sqlite3_column_int64(st, 1);
    if (n > size / 16)
      n = size / 16;
    rc = n > 0 ? pt_graph_reserve_strings(g, (size_t)n) : 0;
  }
  sqlite3_finalize(st);
  return rc;
}

/* One table of readers into g. */
static int read_one(sqlite3 *db, const char *path, int version,
                    int without_code, const pt__sqlite_strings *s,
                    const table_reader *t, pt_graph *g)
{
  if (!t->read)
    return pt__sqlite_read_tests(db, path, g);
  if (version >= 6 && t->read == read_entity)
    return pt__sqlite_read_entities(db, path, version, s, without_code, g);
  if (version >= 4 && t->read == read_edge)
    return pt__sqlite_read_edges(db, path, version, s, g);
  return read_table(db, path, t, version, g);
}

/* From schema 4 on, `strings` is read first and each of its strings
 * interned once; the rows that name them by id (edges, and from schema 6
 * entities) take the graph's copy by id. */
int pt__sqlite_read_graph(sqlite3 *db, const char *path, int version,
                          int without_code, int files_given,
                          const pt_fs_stat *seen, pt_store_ready_fn ready,
                          void *payload, pt_graph *g)
{
  pt__sqlite_strings s = {NULL, 0, 0};
  pt__sqlite_edges_apart *apart = NULL;
  const table_reader *edges = NULL;
  /* the edges, most of the rows, on a thread beside the other tables,
   * begun before the strings they name are in; read here after all when
   * it cannot start */
  if (seen && version >= 4 &&
      pt__sqlite_edges_apart_start(path, seen, version, &s, &apart) != 0)
    pt_error_clear();
  int rc = version >= 4 ? reserve_strings(db, path, version, g) : 0;
  if (rc == 0 && version >= 4)
    rc = pt__sqlite_read_strings(db, path, g, &s);
  if (apart)
    pt__sqlite_edges_apart_give_strings(apart, rc == 0);
  for (size_t i = 0; rc == 0 && i < sizeof readers / sizeof readers[0]; i++) {
    if ((ready || apart) && version >= 4 && readers[i].read == read_edge)
      edges = &readers[i];
    else if (!files_given || !is_files_table(&readers[i]))
      rc = read_one(db, path, version, without_code, &s, &readers[i], g);
  }
  /* from schema 4 on the edges intern no string of their own (they name
   * the strings read above): what ready starts may look strings up while
   * they are read; before, ready comes after them */
  if (rc == 0 && ready)
    rc = pt_graph_finish(g);
  if (rc == 0 && ready)
    ready(g, payload);
  if (apart) {
    /* the first failure in the order the tables are read in, as one
     * thread would have met it: without ready the edges' before a later
     * table's; with ready the edges come last */
    pt_error later = *pt_error_last();
    if (rc == 0 || (edges && !ready)) { /* edges: a later table failed */
      int erc = pt__sqlite_edges_apart_join(apart, db, path, g);
      if (erc == 0 && rc)
        pt__error_set(later.code, later.file, later.line, "%s",
                      later.message);
      rc = erc ? erc : rc;
    } else {
      pt__sqlite_edges_apart_drop(apart);
    }
  } else if (rc == 0 && ready && edges) {
    rc = read_one(db, path, version, without_code, &s, edges, g);
  }
  pt__sqlite_strings_fini(&s);
  return rc;
}

int pt__sqlite_read_files(sqlite3 *db, const char *path, int version,
                          pt_graph *g)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < sizeof readers / sizeof readers[0]; i++)
    if (is_files_table(&readers[i]))
      rc = read_table(db, path, &readers[i], version, g);
  return rc;
}
