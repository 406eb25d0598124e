/* The store behaviour of pt/store.h (tests/support/store_support.c), run
 * against the backends every platform builds (mem, sqlite file), then what
 * is particular to them: spec parsing, SQLite's temporary files, tables and
 * derived columns. RocksDB, POSIX only, has its own suite:
 * tests/platform/posix/test_store_rocksdb.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/log.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "store_support.h"
#include "store/store_sqlite_edges.h"
#include "store/store_sqlite_schema.h"

static const pt_test_backend mem_backend = {"mem", "mem"};
static const pt_test_backend sqlite_backend = {"sqlite",
                                               "sqlite:%s/analysis.db"};

/* ---- engine specs and wrappers ----------------------------------------- */

static void store_open__opens_each_engine_by_its_spec(void **state)
{
  char *dir = pt_test_tmpdir("spec");
  const char *forms[][2] = {{"mem", "mem"},
                            {"sqlite:%s/a.db", "sqlite"},
                            {"rocksdb:%s/r", "rocksdb"}};
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    pt_buf spec = PT_BUF_INIT;
    pt_store *st = NULL;
    assert_int_equal(pt_buf_printf(&spec, forms[i][0], dir), 0);
    int rc = pt_store_open(spec.ptr, &st);
    if (rc != PT_ENOTSUPPORTED) {
      assert_int_equal(rc, 0);
      assert_string_equal(pt_store_name(st), forms[i][1]);
    }
    pt_store_close(st);
    pt_buf_fini(&spec);
  }
  assert_int_equal(pt_fs_remove_tree(dir), 0);
  pt_free(dir);
}

static void store_open__rejects_unknown_engines_naming_the_accepted_forms(
    void **state)
{
  const char *bad[] = {"", "MEM", "mem:", "memory", "sqlite", "rocksdb",
                       "postgres:x", " sqlite:x", "cozo:analysis.db"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pt_store *st = NULL;
    assert_int_equal(pt_store_open(bad[i], &st), PT_EINVAL);
    assert_null(st);
    assert_non_null(strstr(pt_error_last()->message,
                           "mem, sqlite:PATH or rocksdb:PATH"));
  }
}

static void store_open__rejects_an_empty_path(void **state)
{
  const char *bad[] = {"sqlite:", "rocksdb:"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pt_store *st = NULL;
    assert_int_equal(pt_store_open(bad[i], &st), PT_EINVAL);
    assert_null(st);
    assert_non_null(strstr(pt_error_last()->message, "empty path"));
  }
}

static void store_wrappers__reject_null_arguments(void **state)
{
  pt_store *st = NULL;
  pt_graph *g = pt_test_new_graph();
  assert_int_equal(pt_store_open(NULL, &st), PT_EINVAL);
  assert_int_equal(pt_store_open("mem", NULL), PT_EINVAL);
  assert_int_equal(pt_store_open("mem", &st), 0);
  assert_int_equal(pt_store_save(NULL, g), PT_EINVAL);
  assert_int_equal(pt_store_save(st, NULL), PT_EINVAL);
  assert_int_equal(pt_store_load(NULL, g), PT_EINVAL);
  assert_int_equal(pt_store_load(st, NULL), PT_EINVAL);
  assert_string_equal(pt_store_name(NULL), "none");
  pt_store_close(NULL);
  pt_store_close(st);
  pt_graph_free(g);
}

/* ---- SQLite ------------------------------------------------------------- */

/* The last column of the first row of sql run on a database file. */
static char *query(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  const char *text =
      (const char *)sqlite3_column_text(st, sqlite3_column_count(st) - 1);
  char *copy = pt_strdup(text ? text : "NULL");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return copy;
}

static void assert_query(const char *path, const char *sql, const char *want)
{
  char *got = query(path, sql);
  assert_string_equal(got, want);
  pt_free(got);
}

typedef struct prefix_count {
  const char *prefix; /* borrowed */
  int n;
} prefix_count;

static int count_prefixed(const char *name, pt_fs_type type, void *payload)
{
  prefix_count *c = payload;
  c->n += pt_str_starts_with(name, c->prefix);
  return 0;
}

static int n_temp_files(const pt_test_fixture *f)
{
  prefix_count c = {"analysis.db.tmp-", 0};
  assert_int_equal(pt_fs_list_dir(f->dir, count_prefixed, &c), 0);
  return c.n;
}

static void sqlite_load__missing_file_returns_notfound_naming_it(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  assert_int_equal(pt_store_load(f->st, g), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, pt_test_spec_path(f)));
  pt_graph_free(g);
}

static void sqlite_save__writes_tables_indexes_and_derived_columns(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_query(db, "SELECT group_concat(file_path||'|'||semantic_path||'|'||"
               "root_subfolder_l1||'|'||root_subfolder_l2||'|'||entity_class,"
               "';') FROM (SELECT * FROM entities ORDER BY key)",
               "src/auth/login.rs|__src_auth_login|src|auth|CODE;"
               "src/auth/login.rs|__src_auth_login|src|auth|CODE;"
               "main.swift|__main|.||CODE");
  /* the edges view shows schema 3's columns; its rows in saved order (the
   * sample's edges have distinct lines) */
  assert_query(db, "SELECT group_concat(edge_type||'|'||source_location||'|'||"
               "resolved, ';') FROM (SELECT e.* FROM edges e JOIN edge_rows r"
               " ON e.line = r.line ORDER BY r.at)",
               "Uses|src/auth/login.rs:4294967295|0;"
               "Calls|src/auth/login.rs:2|1;"
               "Implements|main.swift:1|0;Extends|main.swift:0|0");
  assert_query(db, "SELECT group_concat(resolution||'|'||confidence, ';') "
               "FROM (SELECT e.* FROM edges e JOIN edge_rows r"
               " ON e.line = r.line ORDER BY r.at)",
               "unresolved_external|0;receiver_type|95;"
               "unresolved_unknown_receiver|0;unresolved_ambiguous|0");
  /* each key and path once, ids in order of first use */
  assert_query(db, "SELECT count(*) = count(DISTINCT text) AND max(id) = "
               "count(*) FROM strings", "1");
  assert_query(db, "SELECT group_concat(path||'|'||raw_coverage_pct||'|'||"
               "effective_coverage_pct, ';') FROM "
               "(SELECT * FROM files ORDER BY path)",
               "main.swift|0.0|100.0;src/auth/login.rs|50.0|100.0");
  assert_query(db, "SELECT group_concat(path||'|'||folder_path||'|'||filename"
               "||'|'||extension, ';') FROM "
               "(SELECT * FROM ignored_files ORDER BY path)",
               ".gitignore||.gitignore|;a/b/c.tar.gz|a/b|c.tar.gz|gz;"
               "blob.bin||blob.bin|bin;docs/|docs||");
  assert_query(db, "SELECT count(*) FROM excluded_tests", "2");
  assert_query(db, "SELECT value FROM meta WHERE name = 'schema_version'",
               "8");
  assert_query(db, "SELECT group_concat(path||'|'||mtime_ns||'|'||"
               "coalesce(length(reuse), '-'), ';') FROM "
               "(SELECT * FROM files ORDER BY path)",
               "main.swift|-1|-;src/auth/login.rs|1700000000123456789|5");
  assert_query(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM "
               "sqlite_master WHERE type = 'index' AND name NOT LIKE "
               "'sqlite_%' ORDER BY name)",
               "entity_rows_file_id,entity_rows_name_id,strings_text");
  /* edge_rows is its own key, a table WITHOUT ROWID; at is each row's
   * place in the graph's order */
  assert_query(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM"
               " pragma_table_info('edge_rows') WHERE pk > 0 ORDER BY pk)",
               "from_id,to_id,type");
  assert_query(db, "SELECT count(*) FROM sqlite_master WHERE name ="
               " 'edge_rows' AND sql LIKE '%WITHOUT ROWID'", "1");
  assert_query(db, "SELECT group_concat(at, ',') FROM (SELECT at FROM"
               " edge_rows ORDER BY at)", "0,1,2,3");
  pt_graph_free(g);
}

/* Entity rows name their key, name, qualname, path and parent by id in
 * strings, each text stored once; the keys are the first strings, in the
 * graph's order, and a key's id is its row's id; each path's derived
 * columns are written once; kinds and languages are numbers whose names
 * the entities view shows. */
static void sqlite_save__writes_entities_as_string_ids(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_query(db, "SELECT group_concat(text, ',') FROM (SELECT text FROM"
               " strings WHERE id <= 3 ORDER BY id)",
               "rust:impl:Auth:__src_auth_login:T1617210344,"
               "rust:method:new:__src_auth_login:T1771045918,"
               "swift:typedef::__main:T-1");
  assert_query(db, "SELECT group_concat(key_id = rowid, '') FROM entity_rows",
               "111");
  assert_query(db, "SELECT count(*) FROM strings WHERE text IN"
               " ('src/auth/login.rs', 'Auth', '')", "3");
  assert_query(db, "SELECT count(*) FROM paths", "2");
  assert_query(db, "SELECT r.parent_id = 1 AND r.qualname_id = (SELECT id"
               " FROM strings WHERE text = 'Auth.new') AND typeof(r.kind)"
               " = 'integer' FROM entity_rows r WHERE r.key_id = 2", "1");
  assert_query(db, "SELECT group_concat(entity_type||'|'||language||'|'||"
               "coalesce(parent_key, '-')||'|'||coalesce(signature, '-')||'|'"
               "||birth_timestamp, ';') FROM (SELECT * FROM entities"
               " ORDER BY key)",
               "impl|rust|-|impl Auth|1617210344;"
               "method|rust|rust:impl:Auth:__src_auth_login:T1617210344|"
               "fn new()|1771045918;typedef|swift|-|-|-1");
  pt_graph_free(g);
}

/* A nested entity's code is kept once (schema 7): its row names the
 * range of its outermost enclosing entity's code, whose row holds the
 * bytes; the entities view shows the same text; a load gives the same
 * bytes, as ranges of the holder's copy. Code of another file's entity is
 * its row's own, wherever it lay in memory. */
static void sqlite_save__keeps_nested_code_as_a_range_of_its_holder(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code),
           *back = pt_test_new_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_query(db, "SELECT group_concat(coalesce(code_in, '-') || ',' ||"
               " coalesce(code_at, '-') || ',' || coalesce(code_len, '-') ||"
               " ',' || (code IS NULL), ';') FROM (SELECT * FROM entity_rows"
               " ORDER BY key_id)",
               "3,20,17,1;-,-,-,0;-,-,-,0;3,9,32,1");
  assert_query(db, "SELECT group_concat(code, '|') FROM (SELECT code FROM"
               " entities ORDER BY key)",
               "    let c = || 1;|  fn|"
               "impl A {\n  fn m() {\n    let c = || 1;\n  }\n}|"
               "  fn m() {\n    let c = || 1;\n  }");
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  const pt_entity *e = pt_graph_entities(back); /* c, z, A, m */
  for (size_t i = 0; i < 4; i += 3)
    assert_true(e[i].code > e[2].code && e[i].code_len &&
                e[i].code + e[i].code_len <= e[2].code + strlen(e[2].code));
  pt_graph_free(g);
  pt_graph_free(back);
}

/* A range whose holder is gone or shorter is refused, not read past. */
static void sqlite_load__refuses_a_range_outside_its_holder(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code);
  const char *db = pt_test_spec_path(f);
  static const char *const damage[] = {
      "UPDATE entity_rows SET code_len = 1000 WHERE key_id = 4",
      "UPDATE entity_rows SET code_in = 2 WHERE key_id = 4",
      "UPDATE entity_rows SET code = NULL WHERE key_id = 3",
      "UPDATE entity_rows SET code_in = 99 WHERE key_id = 4",
      "UPDATE entity_rows SET code = 'x' WHERE key_id = 4",
  };
  for (size_t k = 0; k < sizeof damage / sizeof damage[0]; k++) {
    pt_graph *back = pt_test_new_graph();
    sqlite3 *h = NULL;
    assert_int_equal(pt_store_save(f->st, g), 0);
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, damage[k], NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_not_equal(pt_store_load(f->st, back), 0);
    pt_graph_free(back);
  }
  pt_graph_free(g);
}

/* A re-run's changes write each entity's code as its own; the rows whose
 * code was a range of a row that goes get their bytes first, so a
 * changed class keeps its unchanged method's code. */
static void sqlite_write_changes__gives_ranges_their_bytes_first(
    void **state)
{
  pt_test_fixture *f = *state;
  static const char edited[] =
      "impl A { // longer\n  fn m() {\n    let c = || 1;\n  }\n}";
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code),
           *now = pt_test_nested_graph(edited);
  pt_graph *back = pt_test_new_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_int_equal(pt_store_write_changes(f->st, back, now), 0);
  assert_query(db, "SELECT group_concat(coalesce(code_in, '-') || ',' ||"
               " (code IS NULL), ';') FROM (SELECT * FROM entity_rows"
               " ORDER BY key_id)", "-,0;-,0;-,0;-,0");
  pt_test_assert_loads(f->st, now);
  pt_graph_free(g);
  pt_graph_free(now);
  pt_graph_free(back);
}

/* A re-run's new entity rows name their strings as a save's do, adding
 * the strings and the derived columns of paths the file lacked. */
static void sqlite_write_changes__writes_entity_rows_by_string_ids(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *small = pt_test_small_graph(), *g = pt_test_sample_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_write_changes(f->st, small, g), 0);
  assert_query(db, "SELECT group_concat(file_path||'|'||semantic_path||'|'||"
               "root_subfolder_l1||'|'||root_subfolder_l2||'|'||qualname,"
               "';') FROM (SELECT * FROM entities ORDER BY key)",
               "src/auth/login.rs|__src_auth_login|src|auth|Auth;"
               "src/auth/login.rs|__src_auth_login|src|auth|Auth.new;"
               "main.swift|__main|.||");
  assert_query(db, "SELECT count(*) = count(DISTINCT text) AND max(id) = "
               "count(*) FROM strings", "1");
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
  pt_graph_free(small);
}

/* Column at puts each edge row back at its place in the graph's order;
 * it is only a help: rows of no place (a re-run's), of one place, of
 * places with gaps (rows deleted), out of range or in reverse load the
 * same graph, sorted by the load. */
static void sqlite_load__edge_rows_of_any_places_load_the_same(void **state)
{
  pt_test_fixture *f = *state;
  const char *places[] = {
      "UPDATE edge_rows SET at = NULL",
      "UPDATE edge_rows SET at = NULL WHERE at = 1",
      "UPDATE edge_rows SET at = 0",
      "UPDATE edge_rows SET at = 3 * at + 5",
      "UPDATE edge_rows SET at = 4294967294 WHERE at = 2",
      "UPDATE edge_rows SET at = 4294967296 WHERE at = 2",
      "UPDATE edge_rows SET at = -1 WHERE at = 0",
      "UPDATE edge_rows SET at = 'x' WHERE at = 0",
      "UPDATE edge_rows SET at = 3 - at",
      "UPDATE edge_rows SET at = (at + 1) % 4",
      "UPDATE edge_rows SET at = 0 WHERE at = 3",
      "UPDATE edge_rows SET at = 9 WHERE at = 3",
  };
  for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
    pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
    sqlite3 *db = NULL;
    assert_int_equal(pt_graph_n_edges(g), 4);
    assert_int_equal(pt_store_save(f->st, g), 0);
    assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, places[i], NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pt_store_load(f->st, back), 0);
    pt_test_assert_same_graph(g, back);
    pt_graph_free(back);
    back = pt_test_new_graph();
    assert_int_equal(pt_store_load_without_code(f->st, back), 0);
    assert_int_equal(pt_graph_n_edges(back), 4);
    for (size_t k = 0; k < 4; k++) {
      const pt_edge *a = &pt_graph_edges(g)[k], *b = &pt_graph_edges(back)[k];
      assert_string_equal(a->from_key, b->from_key);
      assert_string_equal(a->to_key, b->to_key);
      assert_int_equal(a->type, b->type);
      assert_int_equal(a->line, b->line);
    }
    pt_graph_free(g);
    pt_graph_free(back);
  }
}

/* A save's edge_rows refuse a second row of the same from, to and type,
 * as the primary key did. */
static void sqlite_save__edge_rows_key_is_unique(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "INSERT INTO edge_rows SELECT * FROM"
                                " edge_rows LIMIT 1", NULL, NULL, NULL),
                   SQLITE_CONSTRAINT);
  sqlite3_close(db);
  pt_graph_free(g);
}

/* Every step of the plan of sql searches by an index or key; none scans. */
static void assert_plan_searches(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  pt_buf q = PT_BUF_INIT;
  int n = 0;
  assert_int_equal(pt_buf_printf(&q, "EXPLAIN QUERY PLAN %s", sql), 0);
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL), SQLITE_OK);
  for (; sqlite3_step(st) == SQLITE_ROW; n++) {
    const char *step = (const char *)sqlite3_column_text(st, 3);
    assert_true(pt_str_starts_with(step, "SEARCH "));
  }
  assert_true(n > 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  pt_buf_fini(&q);
}

/* The edges view finds the rows of a from key through indexes: strings
 * by text, then edge_rows by its key (from_id first). A save makes no
 * index over edge_rows (no load or update reads one by to_id; its sort
 * was two fifths of the save after resolution): a lookup by to key scans
 * edge_rows. */
static void sqlite_save__indexes_edge_lookups_by_from_key(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_small_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_plan_searches(pt_test_spec_path(f),
                       "SELECT * FROM edges WHERE from_key = 'x'");
  assert_query(pt_test_spec_path(f), "SELECT count(*) FROM sqlite_master"
               " WHERE tbl_name = 'edge_rows' AND type = 'index'", "0");
  pt_graph_free(g);
}

/* The entities view finds an entity by key, name or path through
 * indexes: strings by text, then entity_rows by its row id (the key's
 * id) or by name_id or file_id. */
static void sqlite_save__indexes_entity_lookups_by_key_name_and_path(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_small_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_plan_searches(pt_test_spec_path(f),
                       "SELECT * FROM entities WHERE key = 'x'");
  assert_plan_searches(pt_test_spec_path(f),
                       "SELECT * FROM entities WHERE name = 'x'");
  assert_plan_searches(pt_test_spec_path(f),
                       "SELECT * FROM entities WHERE file_path = 'x'");
  pt_graph_free(g);
}

static void sqlite_file__is_readable_by_the_sqlite3_shell(void **state)
{
  pt_test_fixture *f = *state;
  pt_fs_stat st;
  if (!*PT_TEST_SQLITE3 || pt_fs_stat_path(PT_TEST_SQLITE3, &st) != 0) {
    pt_error_clear();
    skip();
  }
  pt_graph *g = pt_test_sample_graph();
  pt_buf cmd = PT_BUF_INIT, out = PT_BUF_INIT;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_buf_printf(&out, "%s/shell.txt", f->dir), 0);
  assert_int_equal(pt_buf_printf(&cmd, "%s '%s' 'SELECT count(*) FROM "
                                 "entities' > '%s' 2>&1", PT_TEST_SQLITE3,
                                 pt_test_spec_path(f), out.ptr), 0);
  assert_int_equal(system(cmd.ptr), 0);
  char *text = pt_test_read(out.ptr);
  assert_string_equal(text, "3\n");
  pt_free(text);
  pt_buf_fini(&out);
  pt_buf_fini(&cmd);
  pt_graph_free(g);
}

/* Every allocation of the save fails in turn, including those made after
 * the temporary file has rows: the target keeps the old graph and no
 * temporary file survives. */
static void sqlite_save__failure_keeps_target_and_leaves_no_temp_file(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *next = pt_test_sample_graph();
  int rc = PT_ENOMEM;
  assert_int_equal(pt_store_save(f->st, old), 0);
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_alloc_fail_after(n);
    rc = pt_store_save(f->st, next);
    pt_alloc_fail_after(0);
    assert_int_equal(n_temp_files(f), 0);
    if (rc == PT_ENOMEM)
      pt_test_assert_loads_one_of(f->st, old, next);
  }
  assert_int_equal(rc, 0);
  pt_test_assert_loads(f->st, next);
  pt_graph_free(next);
  pt_graph_free(old);
}

static void sqlite_save__removes_stale_temp_files_of_its_target(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_small_graph();
  const char *stale[] = {"analysis.db.tmp-1-0", "analysis.db.tmp-99-3-journal"};
  const char *kept[] = {"other.db.tmp-1-0", "analysis.db.bak"};
  for (size_t i = 0; i < 2; i++) {
    pt_test_write(f->dir, stale[i], "half-written");
    pt_test_write(f->dir, kept[i], "not ours");
  }
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(n_temp_files(f), 0);
  for (size_t i = 0; i < 2; i++) {
    pt_buf p = PT_BUF_INIT;
    pt_fs_stat st;
    assert_int_equal(pt_buf_printf(&p, "%s/%s", f->dir, kept[i]), 0);
    assert_int_equal(pt_fs_stat_path(p.ptr, &st), 0);
    pt_buf_fini(&p);
  }
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

static void sqlite_load__rejects_a_file_that_is_not_sqlite(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  pt_test_write(f->dir, "analysis.db", "just some text, no database here\n");
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, pt_test_spec_path(f)));
  pt_graph_free(g);
}

static void sqlite_load__rejects_a_sqlite_file_of_another_schema(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE entities(x);"
                                "CREATE TABLE meta(name, value)", NULL, NULL,
                                NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load(f->st, g), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "not a parseltongue"));
  pt_graph_free(g);
}

/* An index of schema 1 (edges without their resolution) is named as such,
 * not read as a damaged file. */
static void sqlite_load__names_an_index_of_an_older_schema(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '1' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 1",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message,
                         "schema version 1; this build reads 2 to 8"));
  pt_graph_free(g);
  pt_graph_free(back);
}

/* A damaged entity or edge row or table of strings is PT_EINVAL naming
 * the table and column, never a record pointing nowhere. */
/* For each damage[i]: a saved sample graph, the SQL damage[i][0] run on
 * its file, then a load that fails with PT_EINVAL naming damage[i][1];
 * the same when the edges' thread reads every row before the strings
 * are in (raw, each made whole or the rows read again after). */
static void refuses_each_damage(pt_test_fixture *f, const char *damage[][2],
                                size_t n)
{
  for (size_t k = 0; k < 2 * n; k++) {
    size_t i = k % n;
    pt__sqlite_edges_apart_hold_strings(k >= n);
    pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
    sqlite3 *db = NULL;
    assert_int_equal(pt_store_save(f->st, g), 0);
    assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, damage[i][0], NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message, damage[i][1]));
    pt_graph_free(g);
    pt_graph_free(back);
  }
  pt__sqlite_edges_apart_hold_strings(0);
}

static void sqlite_load__rejects_row_ids_naming_no_string(void **state)
{
  pt_test_fixture *f = *state;
  const char *damage[][2] = {
      {"UPDATE edge_rows SET to_id = 1000 WHERE at = 0", "edge_rows.to_id"},
      {"UPDATE edge_rows SET from_id = 0 WHERE at = 1", "edge_rows.from_id"},
      {"UPDATE edge_rows SET file_id = 'x' WHERE at = 0",
       "edge_rows.file_id"},
      {"UPDATE edge_rows SET type = 4 WHERE at = 0", "edge_rows.type"},
      {"UPDATE edge_rows SET resolution = -1 WHERE at = 0",
       "edge_rows.resolution"},
      {"UPDATE strings SET id = 99 WHERE id = 2", "strings.id"},
      {"UPDATE edge_rows SET candidates = '3 1 x' WHERE at = 0",
       "edge_rows.candidates"},
      {"UPDATE edge_rows SET candidates = '3 999' WHERE at = 0",
       "edge_rows.candidates"},
      {"UPDATE edge_rows SET candidates = '1 1 2' WHERE at = 0",
       "edge_rows.candidates"},
      {"UPDATE entity_rows SET name_id = 1000 WHERE rowid = 1",
       "entity_rows.name_id"},
      {"UPDATE entity_rows SET parent_id = 0 WHERE rowid = 2",
       "entity_rows.parent_id"},
      {"UPDATE entity_rows SET file_id = 'x' WHERE rowid = 3",
       "entity_rows.file_id"},
      {"UPDATE entity_rows SET kind = 99 WHERE rowid = 1", "entity_rows.kind"},
      {"UPDATE entity_rows SET lang = -1 WHERE rowid = 1", "entity_rows.lang"},
      {"UPDATE entity_rows SET content_hash = printf('%065d', 0)"
       " WHERE rowid = 1", "entity_rows.content_hash"},
      {"UPDATE excluded_tests SET language = 'klingon' WHERE rowid = 2",
       "excluded_tests.language"},
      {"UPDATE excluded_tests SET entity_type = 'gadget' WHERE rowid = 1",
       "excluded_tests.entity_type"},
      {"UPDATE excluded_tests SET line_end = -1 WHERE rowid = 1",
       "excluded_tests.line_end"},
  };
  refuses_each_damage(f, damage, sizeof damage / sizeof damage[0]);
}

/* A load's strings are the graph's interned ones, those of excluded
 * tests too (read row by row, interned at once): the one pointer for a
 * text that pt_graph_intern gives. */
static void sqlite_load__interns_every_string_once(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load(f->st, back), 0);
  const pt_test_entity *t = pt_graph_tests(back);
  assert_int_equal(pt_graph_n_tests(back), 2);
  for (size_t i = 0; i < 2; i++) {
    assert_ptr_equal(pt_graph_intern(back, t[i].key), t[i].key);
    assert_ptr_equal(pt_graph_intern(back, t[i].name), t[i].name);
    assert_ptr_equal(pt_graph_intern(back, t[i].file_path), t[i].file_path);
  }
  assert_ptr_equal(t[0].file_path, t[1].file_path);
  assert_ptr_equal(pt_graph_intern(back, t[0].reason), t[0].reason);
  assert_null(t[1].reason);
  const pt_entity *e = pt_graph_entities(back);
  assert_ptr_equal(pt_graph_intern(back, "src/auth/login.rs"), e[0].file_path);
  assert_ptr_equal(e[0].file_path, e[1].file_path);
  assert_ptr_equal(e[0].key, e[1].parent_key);
  pt_graph_free(g);
  pt_graph_free(back);
}

/* A load reads the edges, most of the rows, on a connection and a thread
 * of their own beside the other tables: the same graph as the one saved,
 * and the candidate lists the loaded graph's own (interned there). */
static void sqlite_load__reads_the_edges_beside_the_other_tables(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *saved[] = {pt_test_sample_graph(), pt_test_weird_graph()};
  size_t n_lists = 0;
  for (size_t i = 0; i < 2; i++) {
    pt_graph *back = pt_test_new_graph();
    assert_int_equal(pt_store_save(f->st, saved[i]), 0);
    assert_int_equal(pt_store_load(f->st, back), 0);
    assert_int_equal(pt__sqlite_last_edges_apart(), 1);
    pt_test_assert_same_graph(saved[i], back);
    const pt_edge *e = pt_graph_edges(back);
    for (size_t k = 0; k < pt_graph_n_edges(back); k++) {
      const pt_candidates *c = e[k].candidates, *again = NULL;
      if (!c)
        continue;
      n_lists++;
      assert_int_equal(pt_graph_intern_candidates(back, c->n, c->keys,
                                                  c->n_keys, &again), 0);
      assert_ptr_equal(again, c);
      for (uint32_t j = 0; j < c->n_keys; j++)
        assert_ptr_equal(pt_graph_intern(back, c->keys[j]), c->keys[j]);
    }
    pt_graph_free(back);
    pt_graph_free(saved[i]);
  }
  assert_true(n_lists > 0);
}

/* The edges' thread starts before the main connection has read the
 * strings: rows it reads before they are in keep their ids (raw) and are
 * made whole after. With the strings held back until it has read every
 * row, every row is raw, and the graph is the one saved: both sample
 * graphs, places of no row or out of order (rows waiting apart), a file
 * of schema 7 (rows in order), and a re-run's load (edges after ready). */
static void note_ready(const pt_graph *g, void *payload);
static void make_schema_7(sqlite3 *db);

static void sqlite_load__reads_edge_rows_before_their_strings(void **state)
{
  pt_test_fixture *f = *state;
  const char *edits[] = {"", "UPDATE edge_rows SET at = NULL WHERE at = 1",
                         "UPDATE edge_rows SET at = 3 - at", "7"};
  pt__sqlite_edges_apart_hold_strings(1);
  for (size_t i = 0; i < 2 * sizeof edits / sizeof edits[0]; i++) {
    const char *sql = edits[i / 2];
    int is_7 = !strcmp(sql, "7");
    pt_graph *g = i % 2 ? pt_test_weird_graph() : pt_test_sample_graph();
    pt_graph *back = pt_test_new_graph();
    sqlite3 *db = NULL;
    assert_int_equal(pt_store_save(f->st, g), 0);
    assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
    if (is_7)
      make_schema_7(db);
    else
      assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pt_store_load(f->st, back), 0);
    assert_int_equal(pt__sqlite_last_edges_apart(), 1);
    assert_int_equal(pt__sqlite_last_edges_raw(), pt_graph_n_edges(g));
    pt_test_assert_same_graph(g, back);
    const pt_edge *e = pt_graph_edges(back);
    for (size_t k = 0; k < pt_graph_n_edges(back); k++) {
      const pt_candidates *c = e[k].candidates, *again = NULL;
      if (!c)
        continue;
      assert_int_equal(pt_graph_intern_candidates(back, c->n, c->keys,
                                                  c->n_keys, &again), 0);
      assert_ptr_equal(again, c);
      for (uint32_t j = 0; j < c->n_keys; j++)
        assert_ptr_equal(pt_graph_intern(back, c->keys[j]), c->keys[j]);
    }
    pt_graph_free(back);
    size_t seen[2] = {0, 0};
    back = pt_test_new_graph();
    if (!is_7) { /* another schema's file is loaded whole */
      assert_int_equal(pt_store_load_without_code_then(f->st, back,
                                                       note_ready, seen), 0);
      assert_int_equal(pt__sqlite_last_edges_raw(), pt_graph_n_edges(g));
      assert_int_equal(seen[0], 1);
      assert_int_equal(pt_graph_n_edges(back), pt_graph_n_edges(g));
    }
    pt_graph_free(back);
    pt_graph_free(g);
  }
  pt__sqlite_edges_apart_hold_strings(0);
}

/* What a load's ready saw: how often it came, and the edges then. */
static void note_ready(const pt_graph *g, void *payload)
{
  size_t *seen = payload;
  seen[0]++;
  seen[1] = pt_graph_n_edges(g);
}

/* A re-run's load (edges last, after ready) reads them beside the other
 * tables too: ready comes once, with no edge, and the graph then holds
 * every edge; a damaged later table fails it before ready, whose load
 * reads the edges last, even with an edge row damaged too. */
static void sqlite_load_then__reads_the_edges_beside_and_joins_after_ready(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph(), *back = pt_test_new_graph();
  size_t seen[2] = {0, 0};
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_load_without_code_then(f->st, back, note_ready,
                                                   seen), 0);
  assert_int_equal(pt__sqlite_last_edges_apart(), 1);
  assert_int_equal(seen[0], 1);
  assert_int_equal(seen[1], 0);
  assert_true(pt_graph_n_edges(back) > 0);
  assert_int_equal(pt_graph_n_edges(back), pt_graph_n_edges(g));
  pt_graph_free(back);
  pt_graph_free(g);
  g = pt_test_sample_graph();
  back = pt_test_new_graph();
  seen[0] = 0;
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE edge_rows SET to_id = 1000 WHERE"
                                " at = 0; UPDATE excluded_tests SET"
                                " language = 'klingon' WHERE rowid = 2",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load_without_code_then(f->st, back, note_ready,
                                                   seen), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "excluded_tests.language"));
  assert_int_equal(seen[0], 0);
  pt_graph_free(back);
  pt_graph_free(g);
}

/* A file in WAL mode gives each connection a snapshot of its own: its
 * edges are read on the load's one connection, and it loads the same. */
static void sqlite_load__reads_a_wal_files_edges_on_one_connection(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph(), *back = pt_test_new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL,
                                NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_int_equal(pt__sqlite_last_edges_apart(), 0);
  pt_test_assert_same_graph(g, back);
  pt_graph_free(g);
  pt_graph_free(back);
}

/* With the edges read beside the other tables, a load that meets two
 * damaged tables still fails on the first in the tables' order (entities,
 * edges, files, excluded tests, ...), as one connection reading them in
 * turn does. */
static void sqlite_load__fails_on_the_first_damaged_table_in_order(
    void **state)
{
  pt_test_fixture *f = *state;
  const char *damage[][2] = {
      {"UPDATE edge_rows SET to_id = 1000 WHERE at = 0;"
       "UPDATE excluded_tests SET language = 'klingon' WHERE rowid = 2",
       "edge_rows.to_id"},
      {"UPDATE edge_rows SET to_id = 1000 WHERE at = 0;"
       "UPDATE entity_rows SET name_id = 1000 WHERE rowid = 1",
       "entity_rows.name_id"},
      {"UPDATE excluded_tests SET language = 'klingon' WHERE rowid = 2",
       "excluded_tests.language"},
  };
  refuses_each_damage(f, damage, sizeof damage / sizeof damage[0]);
}

/* An ambiguous edge's candidates are a column of edge_rows: the count,
 * then the string ids of the keys; the edges view shows the count. */
static void sqlite_save__writes_candidates_as_string_ids(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_query(pt_test_spec_path(f), "SELECT r.candidates = '40 ' ||"
               " (SELECT id FROM strings WHERE text = 'a:b') || ' ' || r.from_id"
               " AND e.n_candidates = 40 FROM edge_rows r, edges e", "1");
  pt_graph_free(g);
}

/* Turns a file of this build's schema into schema 7: edge_rows a table
 * of row ids in the graph's order, with a unique index over its key. */
static void make_schema_7(sqlite3 *db)
{
  assert_int_equal(sqlite3_exec(db, "DROP VIEW edges;"
                                "CREATE TABLE edge_rows7(from_id INTEGER NOT"
                                " NULL, to_id INTEGER NOT NULL, type INTEGER"
                                " NOT NULL, file_id INTEGER, line INTEGER NOT"
                                " NULL, resolved INTEGER NOT NULL, resolution"
                                " INTEGER NOT NULL, candidates TEXT);"
                                "INSERT INTO edge_rows7 SELECT from_id, to_id,"
                                " type, file_id, line, resolved, resolution,"
                                " candidates FROM edge_rows ORDER BY at;"
                                "DROP TABLE edge_rows;"
                                "ALTER TABLE edge_rows7 RENAME TO edge_rows;"
                                "CREATE UNIQUE INDEX edge_rows_key ON"
                                " edge_rows(from_id, to_id, type);"
                                "CREATE VIEW edges(from_key, to_key,"
                                " edge_type, source_location, file_path, line,"
                                " resolved, resolution, confidence,"
                                " n_candidates) AS SELECT f.text, t.text,"
                                " y.name, p.text || ':' || r.line, p.text,"
                                " r.line, r.resolved, h.name, h.confidence,"
                                " CAST(r.candidates AS INTEGER) FROM edge_rows"
                                " r JOIN strings f ON f.id = r.from_id JOIN"
                                " strings t ON t.id = r.to_id JOIN edge_types"
                                " y ON y.id = r.type JOIN resolutions h ON"
                                " h.id = r.resolution LEFT JOIN strings p ON"
                                " p.id = r.file_id;"
                                "UPDATE meta SET value = '7' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 7",
                                NULL, NULL, NULL), SQLITE_OK);
}

/* Saves g in this build's schema and turns the file into an older one
 * with make. */
static void save_as_older(pt_test_fixture *f, const pt_graph *g,
                          void (*make)(sqlite3 *db))
{
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  make(db);
  sqlite3_close(db);
}

/* A file turned into an older schema by make loads as it was saved (the
 * weird and the sample graphs; check_sql, asked of the sample's file,
 * gives "1": the older shape is there); a re-run's changes over it write
 * this build's schema, whole. */
static void assert_older_schema_loads(pt_test_fixture *f,
                                      void (*make)(sqlite3 *db),
                                      const char *check_sql)
{
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  pt_graph *odd = pt_test_weird_graph(), *back_odd = pt_test_new_graph();
  const char *path = pt_test_spec_path(f);
  save_as_older(f, odd, make);
  assert_int_equal(pt_store_load(f->st, back_odd), 0);
  assert_true(pt_graph_equal(odd, back_odd));
  save_as_older(f, g, make);
  assert_query(path, check_sql, "1");
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  assert_int_equal(pt_store_write_changes(f->st, back, odd), 0);
  assert_query(path, "SELECT value FROM meta WHERE name = 'schema_version'",
               "8");
  assert_query(path, "SELECT count(*) FROM sqlite_master WHERE name ="
               " 'edge_rows' AND sql LIKE '%WITHOUT ROWID'", "1");
  pt_test_assert_loads(f->st, odd);
  pt_graph_free(g);
  pt_graph_free(back);
  pt_graph_free(odd);
  pt_graph_free(back_odd);
}

/* An index of schema 7 (edge rows in the graph's order, a unique index
 * over their key) loads as it was saved; a re-run's changes over it
 * write this build's schema, whole. */
static void sqlite_load__reads_schema_7_edges_by_row_id(void **state)
{
  assert_older_schema_loads(*state, make_schema_7,
                            "SELECT count(*) FROM sqlite_master WHERE name ="
                            " 'edge_rows_key'");
}

/* Turns a file of this build's schema into schema 6: every entity's code
 * its row's own, the view as schema 6 made it. */
static void make_schema_6(const char *path)
{
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  make_schema_7(db);
  assert_int_equal(sqlite3_exec(db, "DROP VIEW entities;"
                                "UPDATE entity_rows SET code = CAST(substr("
                                "CAST((SELECT h.code FROM entity_rows h WHERE"
                                " h.key_id = entity_rows.code_in) AS BLOB),"
                                " code_at + 1, code_len) AS TEXT) WHERE"
                                " code_in IS NOT NULL;"
                                "ALTER TABLE entity_rows DROP COLUMN code_in;"
                                "ALTER TABLE entity_rows DROP COLUMN code_at;"
                                "ALTER TABLE entity_rows DROP COLUMN code_len;"
                                "CREATE VIEW entities(key, name, qualname,"
                                " entity_type, language, file_path,"
                                " line_start, line_end, signature, code,"
                                " content_hash, parent_key, birth_timestamp,"
                                " semantic_path, root_subfolder_l1,"
                                " root_subfolder_l2, entity_class) AS"
                                " SELECT k.text, n.text, q.text, y.name,"
                                " l.name, p.text, r.line_start, r.line_end,"
                                " r.signature, r.code, r.content_hash, a.text,"
                                " r.birth, d.semantic_path,"
                                " d.root_subfolder_l1, d.root_subfolder_l2,"
                                " 'CODE' FROM entity_rows r JOIN strings k ON"
                                " k.id = r.key_id JOIN entity_types y ON y.id"
                                " = r.kind JOIN languages l ON l.id = r.lang"
                                " LEFT JOIN strings n ON n.id = r.name_id"
                                " LEFT JOIN strings q ON q.id = r.qualname_id"
                                " LEFT JOIN strings p ON p.id = r.file_id"
                                " LEFT JOIN strings a ON a.id = r.parent_id"
                                " LEFT JOIN paths d ON d.id = r.file_id;"
                                "UPDATE meta SET value = '6' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 6",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* An index of schema 6 (each entity's code its row's own) loads as it
 * was saved, nested code shared as before; a re-run's changes over it
 * write this build's schema, whole. */
static void sqlite_load__reads_schema_6_code_of_its_own(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code),
           *back = pt_test_new_graph();
  pt_graph *s = pt_test_sample_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  make_schema_6(db);
  assert_query(db, "SELECT count(*) FROM entity_rows WHERE code IS NULL",
               "0");
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  assert_int_equal(pt_store_write_changes(f->st, back, s), 0);
  assert_query(db, "SELECT value FROM meta WHERE name = 'schema_version'",
               "8");
  pt_test_assert_loads(f->st, s);
  assert_int_equal(pt_store_save(f->st, g), 0);
  make_schema_6(db);
  pt_graph_free(back);
  back = pt_test_new_graph();
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_int_equal(pt_store_write_changes(f->st, back, g), 0);
  assert_query(db, "SELECT count(*) FROM entity_rows WHERE code IS NULL",
               "2");
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
  pt_graph_free(s);
  pt_graph_free(back);
}

/* Turns a file of this build's schema into schema 5: entities a table of
 * text, in key order, as schema 5 wrote them. */
static void make_schema_5(sqlite3 *db)
{
  make_schema_7(db);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE entities5(key TEXT PRIMARY"
                                " KEY, name TEXT, qualname TEXT, entity_type"
                                " TEXT NOT NULL, language TEXT NOT NULL,"
                                " file_path TEXT, line_start INTEGER NOT NULL,"
                                " line_end INTEGER NOT NULL, signature TEXT,"
                                " code TEXT, content_hash TEXT NOT NULL,"
                                " parent_key TEXT, birth_timestamp INTEGER"
                                " NOT NULL, semantic_path TEXT,"
                                " root_subfolder_l1 TEXT, root_subfolder_l2"
                                " TEXT, entity_class TEXT NOT NULL DEFAULT"
                                " 'CODE');"
                                "INSERT INTO entities5 SELECT * FROM entities"
                                " ORDER BY key; DROP VIEW entities;"
                                "DROP TABLE entity_rows; DROP TABLE paths;"
                                "DROP TABLE entity_types; DROP TABLE languages;"
                                "ALTER TABLE entities5 RENAME TO entities;"
                                "CREATE INDEX entities_file_path ON"
                                " entities(file_path);"
                                "CREATE INDEX entities_name ON entities(name);"
                                "UPDATE meta SET value = '5' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 5",
                                NULL, NULL, NULL), SQLITE_OK);
}

/* An index of schema 5 (entities as rows of text) loads as it was saved;
 * a re-run's changes over it write this build's schema, whole. */
static void sqlite_load__reads_schema_5_entities_of_text(void **state)
{
  assert_older_schema_loads(*state, make_schema_5,
                            "SELECT count(*) FROM sqlite_master WHERE name ="
                            " 'entities' AND type = 'table'");
}

/* Turns a file of this build's schema into schema 4: entities a table of
 * text, edge_rows without candidates. */
static void make_schema_4(const char *path)
{
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  make_schema_5(db);
  assert_int_equal(sqlite3_exec(db, "DROP VIEW edges;"
                                "ALTER TABLE edge_rows DROP COLUMN candidates;"
                                "UPDATE meta SET value = '4' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 4",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* An index of schema 4 (edges without candidates) still loads, its
 * ambiguous edges with no candidates and its files with no reuse record
 * or mtime: a server started on it parses and resolves every file again,
 * and a re-run of index indexes everything. */
static void sqlite_load__reads_schema_4_without_candidates(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph(), *back = pt_test_new_graph();
  pt_graph *s = pt_test_sample_graph(), *back_s = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  make_schema_4(pt_test_spec_path(f));
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_int_equal(pt_graph_n_edges(back), 1);
  assert_non_null(pt_graph_edges(g)[0].candidates);
  assert_null(pt_graph_edges(back)[0].candidates);
  assert_string_equal(pt_graph_edges(back)[0].to_key,
                      pt_graph_edges(g)[0].to_key);
  assert_int_equal(pt_store_save(f->st, s), 0);
  make_schema_4(pt_test_spec_path(f));
  assert_int_equal(pt_store_load(f->st, back_s), 0);
  assert_int_equal(pt_graph_n_files(back_s), pt_graph_n_files(s));
  for (size_t i = 0; i < pt_graph_n_files(back_s); i++) {
    assert_null(pt_graph_files(back_s)[i].reuse);
    assert_true(pt_graph_files(back_s)[i].mtime_ns == 0);
  }
  assert_int_equal(pt_store_save(f->st, back), 0);
  pt_test_assert_loads(f->st, back);
  pt_graph_free(g);
  pt_graph_free(back);
  pt_graph_free(s);
  pt_graph_free(back_s);
}

/* Turns a file of this build's schema into schema 3: entities and edges
 * tables of text, in saved order, as schema 3 wrote them. */
static void make_schema_3(sqlite3 *db)
{
  make_schema_5(db);
  /* (the sample graph's edges have distinct lines) */
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE edges3 AS SELECT e.* FROM"
                                " edges e JOIN edge_rows r ON e.line = r.line"
                                " ORDER BY r.rowid; DROP VIEW edges;"
                                "DROP TABLE edge_rows; DROP TABLE strings;"
                                "DROP TABLE edge_types; DROP TABLE resolutions;"
                                "ALTER TABLE edges3 RENAME TO edges;"
                                "UPDATE meta SET value = '3' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 3",
                                NULL, NULL, NULL), SQLITE_OK);
}

/* An index of schema 3 (edges as rows of text) loads as it was saved; a
 * save over it writes this build's schema. */
static void sqlite_load__reads_schema_3_edges_of_text(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  make_schema_3(db);
  sqlite3_close(db);
  assert_query(pt_test_spec_path(f), "SELECT count(*) FROM sqlite_master "
               "WHERE name = 'edges' AND type = 'table'", "1");
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  assert_int_equal(pt_store_write_changes(f->st, back, g), 0);
  assert_query(pt_test_spec_path(f), "SELECT value FROM meta WHERE name = "
               "'schema_version'", "8");
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
  pt_graph_free(back);
}

/* An index of schema 2 (files without mtime_ns and reuse) still loads:
 * its files are then only parsed again by a server's first pass. */
static void sqlite_load__reads_schema_2_without_file_stats(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  sqlite3 *db = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  make_schema_3(db);
  assert_int_equal(sqlite3_exec(db, "ALTER TABLE files DROP COLUMN reuse;"
                                "ALTER TABLE files DROP COLUMN mtime_ns;"
                                "UPDATE meta SET value = '2' WHERE name = "
                                "'schema_version'; PRAGMA user_version = 2",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  for (size_t i = 0; i < pt_graph_n_files(back); i++) {
    assert_true(pt_graph_files(back)[i].mtime_ns == 0);
    assert_null(pt_graph_files(back)[i].reuse);
  }
  pt_graph_free(g);
  pt_graph_free(back);
}

/* ---- open modes: what is created, checked, refused ----------------------- */

static int n_entries_cb(const char *name, pt_fs_type type, void *payload)
{
  (*(int *)payload)++;
  return 0;
}

static int n_entries(const char *dir)
{
  int n = 0;
  assert_int_equal(pt_fs_list_dir(dir, n_entries_cb, &n), 0);
  return n;
}

static void assert_open_refused(const pt_test_fixture *f, pt_store_mode mode,
                                int code, const char *says)
{
  pt_store *st = NULL;
  assert_int_equal(pt_store_open_mode(f->spec, mode, &st), code);
  assert_null(st);
  assert_non_null(strstr(pt_error_last()->message, says));
}

static void sqlite_create__refuses_a_file_that_is_not_a_parseltongue_index(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_test_write(f->dir, "analysis.db", "notes, not an index\n");
  assert_open_refused(f, PT_STORE_CREATE, PT_EEXISTS,
                      "is not a parseltongue index");
  char *text = pt_test_read(pt_test_spec_path(f));
  assert_string_equal(text, "notes, not an index\n");
  pt_free(text);
}

static void sqlite_create__refuses_another_programs_database(void **state)
{
  pt_test_fixture *f = *state;
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(pt_test_spec_path(f), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE mine(x);"
                                "INSERT INTO mine VALUES(42)", NULL, NULL,
                                NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_open_refused(f, PT_STORE_CREATE, PT_EEXISTS,
                      "another program's SQLite database");
  assert_query(pt_test_spec_path(f), "SELECT x FROM mine", "42");
}

/* Checked again at the save: the file may have appeared during the run. */
static void sqlite_create__save_refuses_a_file_that_appeared_since_open(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  pt_graph *g = pt_test_small_graph();
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_CREATE, &st), 0);
  pt_test_write(f->dir, "analysis.db", "appeared meanwhile\n");
  assert_int_equal(pt_store_save(st, g), PT_EEXISTS);
  assert_int_equal(n_temp_files(f), 0);
  pt_store_close(st);
  pt_graph_free(g);
}

static void sqlite_create__replaces_an_index_and_an_empty_file(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  pt_graph *g = pt_test_small_graph(), *next = pt_test_sample_graph();
  pt_test_write(f->dir, "analysis.db", "");
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_CREATE, &st), 0);
  assert_int_equal(pt_store_save(st, g), 0);
  pt_store_close(st);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_CREATE, &st), 0);
  assert_int_equal(pt_store_save(st, next), 0);
  pt_test_assert_loads(st, next);
  pt_store_close(st);
  pt_graph_free(next);
  pt_graph_free(g);
}

static void sqlite_replace__replaces_whatever_is_there(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  pt_graph *g = pt_test_small_graph();
  pt_test_write(f->dir, "analysis.db", "notes, not an index\n");
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_REPLACE, &st), 0);
  assert_int_equal(pt_store_save(st, g), 0);
  pt_test_assert_loads(st, g);
  pt_store_close(st);
  pt_graph_free(g);
}

static void sqlite_create__creates_only_the_last_folder_level(void **state)
{
  pt_test_fixture *f = *state;
  pt_buf one = PT_BUF_INIT, two = PT_BUF_INIT, missing = PT_BUF_INIT;
  pt_store *st = NULL;
  pt_fs_stat s;
  assert_int_equal(pt_buf_printf(&one, "sqlite:%s/new/x.db", f->dir), 0);
  assert_int_equal(pt_buf_printf(&two, "sqlite:%s/a/b/x.db", f->dir), 0);
  assert_int_equal(pt_buf_printf(&missing, "%s/a", f->dir), 0);
  assert_int_equal(pt_store_open_mode(one.ptr, PT_STORE_CREATE, &st), 0);
  pt_store_close(st);
  st = NULL;
  assert_int_equal(pt_store_open_mode(two.ptr, PT_STORE_CREATE, &st),
                   PT_ENOTFOUND);
  assert_null(st);
  assert_non_null(strstr(pt_error_last()->message, "does not exist"));
  assert_int_equal(pt_fs_stat_path(missing.ptr, &s), PT_ENOTFOUND);
  pt_buf_fini(&missing);
  pt_buf_fini(&two);
  pt_buf_fini(&one);
}

static void sqlite_read_and_update__create_nothing(void **state)
{
  pt_test_fixture *f = *state;
  int before = n_entries(f->dir);
  assert_open_refused(f, PT_STORE_READ, PT_ENOTFOUND, "nothing has been saved");
  assert_open_refused(f, PT_STORE_UPDATE, PT_ENOTFOUND,
                      "nothing has been saved");
  assert_int_equal(n_entries(f->dir), before);
}

static void sqlite_read__cannot_save(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  pt_graph *g = pt_test_small_graph(), *next = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_READ, &st), 0);
  assert_int_equal(pt_store_save(st, next), PT_EINVAL);
  pt_test_assert_loads(st, g);
  pt_store_close(st);
  pt_graph_free(next);
  pt_graph_free(g);
}

/* A server loaded the file, then pt01 saved a newer index over it: the
 * server's next save must not throw that away. */
static void sqlite_update__refuses_to_overwrite_a_newer_index(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *server = NULL;
  pt_graph *first = pt_test_small_graph(), *newer = pt_test_sample_graph();
  pt_graph *loaded = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, first), 0);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_UPDATE, &server), 0);
  assert_int_equal(pt_store_load(server, loaded), 0);
  assert_int_equal(pt_store_save(server, loaded), 0); /* its own save: fine */
  assert_int_equal(pt_store_save(f->st, newer), 0);
  assert_int_equal(pt_store_save(server, loaded), PT_EEXISTS);
  assert_non_null(strstr(pt_error_last()->message, "not overwriting it"));
  pt_test_assert_loads(f->st, newer);
  pt_store_close(server);
  pt_graph_free(loaded);
  pt_graph_free(newer);
  pt_graph_free(first);
}

/* A graph of many edges (more than two chunks of 4096, each given its
 * strings' ids on a thread ahead of the writes): placeholders, candidates
 * and edges without a path among them. */
static pt_graph *many_edges_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  char key[3][64], to[64], path[64];
  for (int i = 0; i < 3; i++) {
    snprintf(key[i], sizeof key[i], "c:fn:f%d:__m%d:T%d", i, i, i);
    snprintf(path, sizeof path, "m%d.c", i);
    pt_entity e = {.key = key[i], .name = "f", .qualname = "f",
                   .file_path = path, .code = "f();", .content_hash = "ab",
                   .lang = PT_LANG_C, .kind = PT_KIND_FUNCTION,
                   .line_start = 1, .line_end = 1, .birth = i};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
  }
  const char *cand[] = {key[0], key[2]};
  for (int i = 0; i < 10000; i++) {
    const pt_candidates *c = NULL;
    snprintf(to, sizeof to, "c:fn:g%d:unresolved-reference:0-0", i % 7000);
    snprintf(path, sizeof path, "m%d.c", i / 4000);
    if (i % 3 == 0)
      assert_int_equal(pt_graph_intern_candidates(g, 2 + i % 5, cand, 2, &c),
                       0);
    pt_edge d = {key[i / 4000 % 3], i % 11 == 0 ? key[1] : to,
                 i % 13 ? path : NULL, PT_EDGE_CALLS, (uint32_t)i,
                 i % 11 == 0, c ? PT_RES_AMBIGUOUS : PT_RES_EXTERNAL, c};
    if (i % 11 == 0)
      d.resolution = PT_RES_UNIQUE_NAME, d.candidates = NULL;
    assert_int_equal(pt_graph_add_edge(g, &d), 0);
  }
  pt_test_finished(g);
  assert_true(pt_graph_n_edges(g) > 2 * 4096);
  return g;
}

/* 3,000 entities in 30 files, every tenth without a signature, every
 * third a method of the file's first entity (a parent), every seventh
 * without a qualified name: more rows than any chunk or batch. */
static pt_graph *many_entities_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  char key[64], parent[64], name[32], qualname[48], path[32], code[48];
  for (int i = 0; i < 3000; i++) {
    snprintf(key, sizeof key, "c:fn:f%d:__m%d:T%d", i, i / 100, i);
    snprintf(parent, sizeof parent, "c:fn:f%d:__m%d:T%d", i / 100 * 100,
             i / 100, i / 100 * 100);
    snprintf(name, sizeof name, "f%d", i);
    snprintf(qualname, sizeof qualname, "m%d.f%d", i / 100, i);
    snprintf(path, sizeof path, "src/m%d.c", i / 100);
    snprintf(code, sizeof code, "void f%d(void) { g(%d); }", i, i);
    pt_entity e = {.key = key, .name = name,
                   .qualname = i % 7 ? qualname : NULL, .file_path = path,
                   .code = code, .content_hash = "ab",
                   .signature = i % 10 ? "void f(void)" : NULL,
                   .parent_key = i % 3 == 1 ? parent : NULL,
                   .lang = PT_LANG_C, .kind = PT_KIND_FUNCTION,
                   .line_start = (uint32_t)i + 1, .line_end = (uint32_t)i + 2,
                   .birth = i};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
  }
  pt_test_finished(g);
  return g;
}

/* Every entity's row, the strings it names (each once, ids dense) and
 * each path's derived columns once: what loads back is the graph. */
static void sqlite_save__writes_many_entities_rows(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = many_entities_graph();
  const char *db = pt_test_spec_path(f);
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  assert_query(db, "SELECT count(*) || ',' || sum(key_id = rowid) || ',' ||"
               " sum(signature IS NULL) || ',' || sum(qualname_id IS NULL)"
               " || ',' || sum(parent_id IS NOT NULL) || ',' ||"
               " sum(code IS NOT NULL) FROM entity_rows",
               "3000,3000,300,429,1000,3000");
  assert_query(db, "SELECT count(*) = count(DISTINCT text) AND max(id) ="
               " count(*) FROM strings", "1");
  assert_query(db, "SELECT count(*) FROM paths", "30");
  assert_query(db, "SELECT code FROM entities WHERE key ="
               " 'c:fn:f2999:__m29:T2999'", "void f2999(void) { g(2999); }");
  pt_graph_free(g);
}

/* Allocation n of a save of many entities fails, for every n until the
 * save gets through: the save fails with PT_ENOMEM, the target keeps the
 * old graph or the new one whole and no temporary file stays. */
static void no_temp_file(void *payload);

static void sqlite_save__many_entities_out_of_memory_fails_cleanly(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *next = many_entities_graph();
  pt_test_assert_save_fails_cleanly(f->st, old, next, 100000, no_temp_file, f);
  pt_graph_free(next);
  pt_graph_free(old);
}

/* The many edges' rows: each string once and in order of first use. */
static void sqlite_save__writes_many_edges_in_chunks(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = many_edges_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_test_assert_loads(f->st, g);
  assert_query(pt_test_spec_path(f), "SELECT count(*) = count(DISTINCT text)"
               " AND max(id) = count(*) FROM strings", "1");
  pt_graph_free(g);
}

/* Allocation n of a save of many edges fails, for every n until the save
 * gets through, among them those of the thread that gives the edges'
 * ids and of the rows' feed: the save fails with PT_ENOMEM (the failure
 * of that thread or feed, not SQLite's report of it), the target keeps
 * the old graph or the new one whole and no temporary file stays. */
static void no_temp_file(void *payload)
{
  assert_int_equal(n_temp_files(payload), 0);
}

static void sqlite_save__many_edges_out_of_memory_fails_cleanly(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *next = many_edges_graph();
  pt_test_assert_save_fails_cleanly(f->st, old, next, 100000, no_temp_file, f);
  pt_graph_free(next);
  pt_graph_free(old);
}

/* ---- a SQLite save begun while resolution runs ------------------------- */

/* What the log said at DEBUG and above while a test ran (static: a
 * failed test leaves the sink installed). */
typedef struct log_capture {
  pt_buf text;
} log_capture;

static log_capture captured;

static void capture_log(pt_log_level level, const char *msg, void *payload)
{
  log_capture *c = payload;
  assert_int_equal(pt_buf_printf(&c->text, "%s\n", msg), 0);
}

static log_capture *capture_start(void)
{
  log_capture *c = &captured;
  pt_buf_fini(&c->text);
  memset(c, 0, sizeof *c);
  pt_log_set_sink(capture_log, c);
  pt_log_set_level(PT_LOG_DEBUG);
  return c;
}

static void capture_stop(log_capture *c)
{
  pt_log_set_sink(NULL, NULL);
  pt_log_set_level(PT_LOG_WARN);
  pt_buf_fini(&c->text);
}

/* Every row of every table of a SQLite file, in row order (edge_rows, a
 * table WITHOUT ROWID, in its key's): what a save wrote, whatever its
 * pages. */
static void table_rows(const char *path, pt_buf *out)
{
  static const char *const tables[] = {
      "meta", "strings", "entity_types", "languages", "paths", "entity_rows",
      "edge_types", "resolutions", "edge_rows", "files", "excluded_tests",
      "ignored_files"};
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    pt_buf sql = PT_BUF_INIT;
    sqlite3_stmt *st = NULL;
    assert_int_equal(pt_buf_printf(&sql, "SELECT * FROM %s ORDER BY %s",
                                   tables[t], strcmp(tables[t], "edge_rows")
                                   ? "rowid" : "from_id, to_id, type"), 0);
    assert_int_equal(sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(pt_buf_printf(out, "[%s]\n", tables[t]), 0);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        const unsigned char *v = sqlite3_column_text(st, i);
        assert_int_equal(pt_buf_printf(out, "%s|", v ? (const char *)v
                                                     : "NULL"), 0);
      }
      assert_int_equal(pt_buf_puts(out, "\n"), 0);
    }
    sqlite3_finalize(st);
    pt_buf_fini(&sql);
  }
  sqlite3_close(db);
}

/* The sample graph as resolution finds it: entities, files, tests and
 * ignored files all there, in an order that is not canonical, and no
 * edges or meta yet. */
static pt_graph *unresolved_sample(const pt_graph *sample)
{
  pt_graph *g = pt_test_new_graph();
  for (size_t i = pt_graph_n_entities(sample); i-- > 0;)
    assert_int_equal(pt_graph_add_entity(g, &pt_graph_entities(sample)[i]),
                     0);
  for (size_t i = pt_graph_n_files(sample); i-- > 0;)
    assert_int_equal(pt_graph_add_file(g, &pt_graph_files(sample)[i]), 0);
  for (size_t i = pt_graph_n_tests(sample); i-- > 0;)
    assert_int_equal(pt_graph_add_test(g, &pt_graph_tests(sample)[i]), 0);
  for (size_t i = pt_graph_n_ignored(sample); i-- > 0;)
    assert_int_equal(pt_graph_add_ignored(g, &pt_graph_ignored(sample)[i]),
                     0);
  return g;
}

/* Resolution's part: the edges and meta, then (the save begun on st no
 * longer reading the records) the canonical order. */
static void resolve_sample(pt_store *st, pt_graph *g, const pt_graph *sample)
{
  for (size_t i = 0; i < pt_graph_n_edges(sample); i++)
    assert_int_equal(pt_graph_add_edge(g, &pt_graph_edges(sample)[i]), 0);
  for (size_t i = 0; i < pt_graph_n_meta(sample); i++) {
    const char *name, *value;
    pt_graph_meta_at(sample, i, &name, &value);
    assert_int_equal(pt_graph_set_meta(g, name, value), 0);
  }
  pt_store_save_release(st);
  assert_int_equal(pt_graph_finish(g), 0);
}

/* The entities, files, tests and ignored files are written on a thread
 * while the graph is resolved, sorted as the finished graph sorts them;
 * the save adds the edges and meta to that file: the same rows as a save
 * of the whole graph. */
static void sqlite_save_begin__the_save_finishes_the_file_begun(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  pt_store *whole = NULL;
  pt_buf want = PT_BUF_INIT, got = PT_BUF_INIT, spec = PT_BUF_INIT;
  log_capture *c = capture_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  resolve_sample(f->st, g, sample);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(c->text.ptr, "finishing the save begun"));
  assert_null(strstr(c->text.ptr, "saving whole"));
  assert_int_equal(n_temp_files(f), 0);
  pt_test_assert_loads(f->st, sample);
  assert_int_equal(pt_buf_printf(&spec, "sqlite:%s/whole.db", f->dir), 0);
  assert_int_equal(pt_store_open(spec.ptr, &whole), 0);
  assert_int_equal(pt_store_save(whole, sample), 0);
  table_rows(pt_test_spec_path(f), &got);
  table_rows(spec.ptr + strlen("sqlite:"), &want);
  assert_string_equal(got.ptr, want.ptr);
  capture_stop(c);
  pt_store_close(whole);
  pt_buf_fini(&spec);
  pt_buf_fini(&got);
  pt_buf_fini(&want);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* The begun save reads the records in the graph, not copies, until
 * pt_store_save_release returns: what the graph's records are after it
 * (here scrambled for a while, then as they were) is not read. */
static void sqlite_save_begin__reads_the_records_until_released(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  size_t n = pt_graph_n_entities(g);
  pt_entity *e = (pt_entity *)pt_graph_entities(g), *was = NULL;
  log_capture *c = capture_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  pt_store_save_release(f->st);
  was = pt_malloc(n * sizeof *was);
  assert_non_null(was);
  memcpy(was, e, n * sizeof *e);
  for (size_t i = 0; i < n; i++)
    e[i].line_start += 1000;
  pt_sleep_ms(100); /* a thread still reading would read these */
  memcpy(e, was, n * sizeof *e);
  resolve_sample(f->st, g, sample);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(c->text.ptr, "finishing the save begun"));
  assert_null(strstr(c->text.ptr, "saving whole"));
  pt_test_assert_loads(f->st, sample);
  pt_store_save_release(f->st); /* nothing begun: nothing to wait for */
  pt_store_save_release(NULL);
  capture_stop(c);
  pt_free(was);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* The file records are written when the save finishes, as the finished
 * graph holds them: what resolution read, added to each file's reuse
 * record after the save began (pt_ingest_opts.keep_reads), is saved, and
 * the save still finishes the file begun. */
static void sqlite_save_begin__writes_the_files_as_resolution_left_them(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  log_capture *c = capture_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  resolve_sample(f->st, g, sample);
  pt_test_rewrite_file_reuse(g);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(c->text.ptr, "finishing the save begun"));
  assert_null(strstr(c->text.ptr, "saving whole"));
  assert_int_equal(n_temp_files(f), 0);
  pt_test_assert_loads(f->st, g);
  capture_stop(c);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* The connection's page cache is want (PRAGMA cache_size's text). */
static void assert_cache_size(sqlite3 *db, const char *want)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
  sqlite3_finalize(st);
}

/* The page cache a step of a save asks for: bytes_each a record of n,
 * within its bounds; the sorter keeps to it (pt__sqlite_configure). */
static void sqlite_set_cache__sizes_by_records_within_bounds(void **state)
{
  (void)state;
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  struct { size_t n, each, lo, hi; const char *want; } cases[] = {
      {33521, 32, 1024, 8192, "-1047"},    /* PostgreSQL's entities */
      {316846, 32, 1024, 8192, "-8192"},   /* the several tree's */
      {10, 32, 1024, 8192, "-1024"},
      {262293, 32, 4096, 131072, "-8196"}, /* PostgreSQL's edges */
      {(size_t)1 << 30, 32, 4096, 131072, "-131072"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(pt__sqlite_set_cache(db, ":memory:", cases[i].n,
                                          cases[i].each, cases[i].lo,
                                          cases[i].hi), 0);
    assert_cache_size(db, cases[i].want);
  }
  sqlite3_close(db);
}

/* The thread may be done reading before pt_store_save_begin returns (an
 * empty graph has nothing to read): release still returns, every time. */
static void sqlite_save_begin__release_returns_when_the_thread_read_first(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  for (int i = 0; i < 400; i++) {
    assert_int_equal(pt_store_save_begin(f->st, g), 0);
    pt_store_save_release(f->st);
  }
  assert_int_equal(pt_graph_finish(g), 0);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(n_temp_files(f), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* A save of other records than the ones begun (here another graph) throws
 * the begun file away and writes the graph whole. */
static void sqlite_save_begin__a_save_of_other_records_is_written_whole(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *g = unresolved_sample(sample);
  log_capture *c = capture_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_non_null(strstr(c->text.ptr, "saving whole"));
  assert_int_equal(n_temp_files(f), 0);
  pt_test_assert_loads(f->st, small);
  capture_stop(c);
  pt_graph_free(g);
  pt_graph_free(small);
  pt_graph_free(sample);
}

/* A run that fails after the save began (no save comes) leaves no
 * temporary file once the store is closed, and the target as it was. */
static void sqlite_save_begin__closing_without_a_save_leaves_no_temp_file(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *g = unresolved_sample(sample);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(n_temp_files(f), 0);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_test_assert_loads(f->st, small);
  pt_graph_free(g);
  pt_graph_free(small);
  pt_graph_free(sample);
}

/* Other engines have no such step: nothing starts, and the save is
 * the usual one. */
static void store_save_begin__is_nothing_for_mem(void **state)
{
  pt_store *st = NULL;
  pt_graph *g = pt_test_sample_graph();
  assert_int_equal(pt_store_open("mem", &st), 0);
  assert_int_equal(pt_store_save_begin(st, g), 0);
  assert_int_equal(pt_store_save(st, g), 0);
  pt_test_assert_loads(st, g);
  assert_int_equal(pt_store_save_begin(NULL, g), PT_EINVAL);
  pt_store_close(st);
  pt_graph_free(g);
}

typedef struct hook_seen {
  pt_store *st;
  size_t n_calls, n_entities, n_edges;
  size_t n_released, n_edges_released; /* the second hook's */
} hook_seen;

static void begin_at_merge(const pt_graph *g, void *payload)
{
  hook_seen *h = payload;
  h->n_calls++;
  h->n_entities = pt_graph_n_entities(g);
  h->n_edges = pt_graph_n_edges(g);
  assert_int_equal(pt_store_save_begin(h->st, g), 0);
}

static void release_when_resolved(const pt_graph *g, void *payload)
{
  hook_seen *h = payload;
  assert_int_equal(h->n_calls, 1);
  h->n_released++;
  h->n_edges_released = pt_graph_n_edges(g);
  pt_store_save_release(h->st);
}

/* pt01's order (cli/cli_index.c): the ingest calls the hook once, with
 * every entity merged and no edge made yet, and the second once the edges
 * are made; the save then finishes the file begun, which loads as the
 * graph. */
static void sqlite_save_begin__during_an_ingest(void **state)
{
  pt_test_fixture *f = *state;
  pt_ingest_opts o = {.root = PT_FIXTURES "/lang/c", .n_threads = 2};
  pt_ingest_stats stats;
  pt_graph *g = NULL;
  hook_seen h = {f->st, 0, 0, 0, 0, 0};
  log_capture *c = capture_start();
  assert_int_equal(pt_ingest_with_hook(&o, begin_at_merge,
                                       release_when_resolved, &h, &g, &stats),
                   0);
  assert_int_equal(h.n_calls, 1);
  assert_int_equal(h.n_released, 1);
  assert_true(h.n_edges_released >= pt_graph_n_edges(g));
  assert_true(h.n_entities > 0);
  assert_int_equal(h.n_entities, pt_graph_n_entities(g));
  assert_int_equal(h.n_edges, 0);
  assert_true(pt_graph_n_edges(g) > 0);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(c->text.ptr, "finishing the save begun"));
  pt_test_assert_loads(f->st, g);
  capture_stop(c);
  pt_ingest_stats_fini(&stats);
  pt_graph_free(g);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
  const struct CMUnitTest spec_tests[] = {
      cmocka_unit_test(store_open__opens_each_engine_by_its_spec),
      cmocka_unit_test(
          store_open__rejects_unknown_engines_naming_the_accepted_forms),
      cmocka_unit_test(store_open__rejects_an_empty_path),
      cmocka_unit_test(store_wrappers__reject_null_arguments),
  };
  const struct CMUnitTest sqlite_only[] = {
      STORE_TEST(sqlite_load__missing_file_returns_notfound_naming_it,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_tables_indexes_and_derived_columns,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__indexes_edge_lookups_by_from_key,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_entities_as_string_ids, &sqlite_backend),
      STORE_TEST(sqlite_save__keeps_nested_code_as_a_range_of_its_holder,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__refuses_a_range_outside_its_holder,
                 &sqlite_backend),
      STORE_TEST(sqlite_write_changes__gives_ranges_their_bytes_first,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_7_edges_by_row_id,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_6_code_of_its_own,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__indexes_entity_lookups_by_key_name_and_path,
                 &sqlite_backend),
      STORE_TEST(sqlite_write_changes__writes_entity_rows_by_string_ids,
                 &sqlite_backend),
      STORE_TEST(sqlite_file__is_readable_by_the_sqlite3_shell,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__failure_keeps_target_and_leaves_no_temp_file,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__removes_stale_temp_files_of_its_target,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__rejects_a_file_that_is_not_sqlite,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__rejects_a_sqlite_file_of_another_schema,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__names_an_index_of_an_older_schema,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_2_without_file_stats,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_3_edges_of_text, &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_5_entities_of_text,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_schema_4_without_candidates,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__interns_every_string_once, &sqlite_backend),
      STORE_TEST(sqlite_load__reads_edge_rows_before_their_strings,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_the_edges_beside_the_other_tables,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__reads_a_wal_files_edges_on_one_connection,
                 &sqlite_backend),
      STORE_TEST(sqlite_load_then__reads_the_edges_beside_and_joins_after_ready,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__fails_on_the_first_damaged_table_in_order,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_candidates_as_string_ids,
                 &sqlite_backend),
      STORE_TEST(sqlite_load__rejects_row_ids_naming_no_string,
                 &sqlite_backend),
      STORE_TEST(sqlite_create__refuses_a_file_that_is_not_a_parseltongue_index,
                 &sqlite_backend),
      STORE_TEST(sqlite_create__refuses_another_programs_database,
                 &sqlite_backend),
      STORE_TEST(sqlite_create__save_refuses_a_file_that_appeared_since_open,
                 &sqlite_backend),
      STORE_TEST(sqlite_create__replaces_an_index_and_an_empty_file,
                 &sqlite_backend),
      STORE_TEST(sqlite_replace__replaces_whatever_is_there, &sqlite_backend),
      STORE_TEST(sqlite_create__creates_only_the_last_folder_level,
                 &sqlite_backend),
      STORE_TEST(sqlite_read_and_update__create_nothing, &sqlite_backend),
      STORE_TEST(sqlite_read__cannot_save, &sqlite_backend),
      STORE_TEST(sqlite_update__refuses_to_overwrite_a_newer_index,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_many_entities_rows, &sqlite_backend),
      STORE_TEST(sqlite_save__many_entities_out_of_memory_fails_cleanly,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__writes_many_edges_in_chunks, &sqlite_backend),
      STORE_TEST(sqlite_load__edge_rows_of_any_places_load_the_same,
                 &sqlite_backend),
      STORE_TEST(sqlite_save__edge_rows_key_is_unique, &sqlite_backend),
      STORE_TEST(sqlite_save__many_edges_out_of_memory_fails_cleanly,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__the_save_finishes_the_file_begun,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__reads_the_records_until_released,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__writes_the_files_as_resolution_left_them,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__release_returns_when_the_thread_read_first,
                 &sqlite_backend),
      cmocka_unit_test(sqlite_set_cache__sizes_by_records_within_bounds),
      STORE_TEST(sqlite_save_begin__a_save_of_other_records_is_written_whole,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__closing_without_a_save_leaves_no_temp_file,
                 &sqlite_backend),
      STORE_TEST(sqlite_save_begin__during_an_ingest, &sqlite_backend),
      cmocka_unit_test(store_save_begin__is_nothing_for_mem),
  };
  int failed = 0;
  failed += pt_test_store_conformance("store_conformance[mem]", &mem_backend);
  failed += pt_test_store_conformance("store_conformance[sqlite]",
                                      &sqlite_backend);
  failed += cmocka_run_group_tests_name("store_open", spec_tests, NULL, NULL);
  failed += cmocka_run_group_tests_name("store_sqlite", sqlite_only, NULL,
                                        NULL);
  return failed;
}
