/* The store conformance suite (tests/support/store_support.c) on RocksDB,
 * built on POSIX only, then what is particular to it: its lock and its
 * generations. */
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/log.h"
#include "pt/record_codec.h"
#include "pt/store.h"
#include "pt/strmap.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "store_support.h"
#include "../../../platform/posix/store_rocksdb_int.h"

/* the database folder is new: the backend creates it */
static const pt_test_backend rocksdb_backend = {"rocksdb", "rocksdb:%s/db"};

/* ---- RocksDB ------------------------------------------------------------ */

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

static char *spec_in(const pt_test_fixture *f, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "rocksdb:%s/%s", f->dir, rel), 0);
  return pt_buf_detach(&b);
}

static void rocksdb_open__creates_only_the_last_folder_level(void **state)
{
  pt_test_fixture *f = *state;
  pt_fs_stat st;
  pt_store *deep = NULL;
  char *spec = spec_in(f, "a/b");
  assert_int_equal(pt_fs_stat_path(pt_test_spec_path(f), &st), 0);
  assert_int_equal(st.type, PT_FS_DIR);
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_CREATE, &deep),
                   PT_ENOTFOUND);
  assert_null(deep);
  assert_non_null(strstr(pt_error_last()->message, "does not exist"));
  assert_int_equal(pt_fs_stat_path(spec + 8 /* "rocksdb:" */, &st),
                   PT_ENOTFOUND);
  pt_free(spec);
}

/* RocksDB's own message names its LOCK file; ours names the holder. */
static void rocksdb_open__second_writer_is_told_who_holds_it(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *second = NULL;
  char want[128];
  assert_int_equal(pt_store_open(f->spec, &second), PT_EBUSY);
  assert_null(second);
  pt_snprintf(want, sizeof want, "%s is in use by parseltongue (pid %lu)",
              pt_test_spec_path(f), pt_process_id());
  assert_string_equal(pt_error_last()->message, want);
  assert_int_equal(pt_store_note_port(f->spec, 4242), 0);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_UPDATE, &second),
                   PT_EBUSY);
  pt_snprintf(want, sizeof want, "%s is in use by a parseltongue server "
              "(pid %lu, port 4242)", pt_test_spec_path(f), pt_process_id());
  assert_string_equal(pt_error_last()->message, want);
}

static void rocksdb_open_read__loads_while_a_writer_holds_it(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *reader = NULL;
  pt_graph *g = pt_test_small_graph(), *next = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_READ, &reader), 0);
  pt_test_assert_loads(reader, g);
  assert_int_equal(pt_store_save(reader, next), PT_EINVAL);
  assert_int_equal(pt_store_update(reader, g, next), PT_EINVAL);
  pt_store_close(reader);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(next);
  pt_graph_free(g);
}

/* A typo in a read command's path must not leave a folder or an empty
 * database behind. */
static void rocksdb_open_read_and_update__create_nothing(void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  pt_fs_stat s;
  char *missing = spec_in(f, "typo"), *empty = spec_in(f, "empty");
  pt_test_write(f->dir, "empty/.keep", "");
  pt_store_mode modes[] = {PT_STORE_READ, PT_STORE_UPDATE};
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(pt_store_open_mode(missing, modes[i], &st), PT_ENOTFOUND);
    assert_non_null(strstr(pt_error_last()->message, "nothing has been saved"));
    assert_int_equal(pt_fs_stat_path(missing + 8, &s), PT_ENOTFOUND);
    assert_int_equal(pt_store_open_mode(empty, modes[i], &st), PT_ENOTFOUND);
    assert_int_equal(n_entries(empty + 8), 1);
  }
  assert_null(st);
  pt_free(empty);
  pt_free(missing);
}

static void rocksdb_open_create__refuses_a_folder_that_holds_no_database(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_store *st = NULL;
  char *spec = spec_in(f, "src");
  pt_test_write(f->dir, "src/main.c", "int main(void) { return 0; }\n");
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_CREATE, &st), PT_EEXISTS);
  assert_null(st);
  assert_non_null(strstr(pt_error_last()->message, "holds no database"));
  assert_int_equal(n_entries(spec + 8), 1);
  assert_int_equal(pt_store_open_mode(spec, PT_STORE_REPLACE, &st), 0);
  pt_store_close(st);
  pt_free(spec);
}

/* Closing and opening the store again stands in for a crash: the process
 * is gone and RocksDB recovers from what is on disk. */
static void reopen(pt_test_fixture *f)
{
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
}

static size_t n_generations(const pt_test_fixture *f)
{
  size_t n = 0;
  assert_int_equal(pt__store_rocksdb_n_generations(f->st, &n), 0);
  return n;
}

static uint64_t current_generation(const pt_test_fixture *f)
{
  uint64_t gen = 0;
  assert_int_equal(pt__store_rocksdb_current(f->st, &gen), 0);
  return gen;
}

/* Several 4 MB write batches and 8 MB memtables' worth of records. */
static pt_graph *large_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  char *code = pt_malloc(4096);
  assert_non_null(code);
  memset(code, 'x', 4095);
  code[4095] = '\0';
  for (unsigned i = 0; i < 5000; i++) {
    char key[64], name[16];
    pt_snprintf(key, sizeof key, "c:fn:f%05u:__big:T%u", i, i);
    pt_snprintf(name, sizeof name, "f%05u", i);
    pt_entity e = {.key = key, .name = name, .qualname = name,
                   .file_path = "big.c", .code = code, .content_hash = "0",
                   .lang = PT_LANG_C, .kind = PT_KIND_FUNCTION,
                   .line_start = i + 1, .line_end = i + 1, .birth = i};
    pt_edge d = {.from_key = key, .to_key = "c:fn:g:unresolved-reference:0-0",
                 .file_path = "big.c", .type = PT_EDGE_CALLS, .line = i + 1};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
    assert_int_equal(pt_graph_add_edge(g, &d), 0);
  }
  pt_free(code);
  return pt_test_finished(g);
}

static void rocksdb_save_load__round_trips_a_graph_of_many_batches(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *small = pt_test_small_graph(), *big = large_graph();
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save(f->st, big), 0);
  pt_test_assert_loads(f->st, big);
  reopen(f);
  pt_test_assert_loads(f->st, big);
  pt_graph_free(big);
  pt_graph_free(small);
}

static void rocksdb_save__keeps_only_the_current_generation(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_small_graph(), pt_test_weird_graph()};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(pt_store_save(f->st, g[i]), 0);
  assert_int_equal(n_generations(f), 1);
  assert_true(current_generation(f) == 3);
  pt_test_assert_loads(f->st, g[2]);
  for (size_t i = 0; i < 3; i++)
    pt_graph_free(g[i]);
}

/* The new generation is on disk, but the key naming the current one still
 * names the old: readers, and a restart, see the old graph whole. */
static void rocksdb_save__interrupted_before_the_flip_loads_the_old_contents(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *next = pt_test_sample_graph();
  uint64_t gen = 0;
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, next, &gen), 0);
  pt_test_assert_loads(f->st, old);
  reopen(f);
  pt_test_assert_loads(f->st, old);
  assert_int_equal(n_generations(f), 2);
  pt_graph_free(next);
  pt_graph_free(old);
}

/* The next save numbers its generation above the leftover's (whose range
 * must not hold deletions RocksDB would have to compact away) and deletes
 * the leftover with the old generation. */
static void rocksdb_save__removes_what_an_interrupted_save_left(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *left = pt_test_sample_graph(), *next = pt_test_weird_graph();
  uint64_t gen = 0;
  assert_int_equal(pt_store_save(f->st, old), 0);
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, left, &gen), 0);
  reopen(f);
  assert_int_equal(pt_store_save(f->st, next), 0);
  assert_true(current_generation(f) == gen + 1);
  assert_int_equal(n_generations(f), 1);
  pt_test_assert_loads(f->st, next);
  pt_graph_free(next);
  pt_graph_free(left);
  pt_graph_free(old);
}

static void rocksdb_load__first_save_interrupted_returns_notfound(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *left = pt_test_sample_graph(), *got = pt_test_new_graph();
  uint64_t gen = 0;
  assert_int_equal(pt__store_rocksdb_write_generation(f->st, left, &gen), 0);
  reopen(f);
  assert_int_equal(pt_store_load(f->st, got), PT_ENOTFOUND);
  assert_non_null(strstr(pt_error_last()->message, "nothing has been saved"));
  pt_graph_free(got);
  pt_graph_free(left);
}

/* The database under f's spec, opened by RocksDB itself (the store
 * closed first: it holds the lock). */
static rocksdb_t *open_raw(pt_test_fixture *f);

/* The live table files of generation gen: how many, and how many of them
 * are not at the bottom level (6 of RocksDB's 7). */
static void gen_files(rocksdb_t *db, uint64_t gen, int *n, int *n_above)
{
  const rocksdb_livefiles_t *lf = rocksdb_livefiles(db);
  *n = *n_above = 0;
  for (int i = 0; i < rocksdb_livefiles_count(lf); i++) {
    size_t len = 0;
    const char *lo = rocksdb_livefiles_smallestkey(lf, i, &len);
    uint64_t g = 0;
    if (len < 9 || lo[0] != 'g')
      continue;
    for (int b = 1; b < 9; b++)
      g = g << 8 | (unsigned char)lo[b];
    if (g != gen)
      continue;
    (*n)++;
    *n_above += rocksdb_livefiles_level(lf, i) != 6;
  }
  rocksdb_livefiles_destroy(lf);
}

/* A save writes sorted table files that RocksDB takes in at the bottom
 * level: no record goes through a memtable into level 0, so the first
 * open after an index has nothing to compact (before, it compacted level
 * 0 on a background thread, as much CPU again as the load). The table
 * files of the generation a save replaces are dropped at once. */
static void rocksdb_save__leaves_its_records_at_the_bottom_level(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *big = large_graph(), *small = pt_test_small_graph();
  int n = 0, n_above = 0;
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save(f->st, big), 0);
  uint64_t gen = current_generation(f);
  rocksdb_t *db = open_raw(f);
  gen_files(db, gen, &n, &n_above);
  assert_true(n > 0);
  assert_int_equal(n_above, 0);
  gen_files(db, gen - 1, &n, &n_above);
  assert_int_equal(n, 0);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_test_assert_loads(f->st, big);
  pt_graph_free(small);
  pt_graph_free(big);
}

static int n_save_tables_cb(const char *name, pt_fs_type type, void *payload)
{
  (void)type;
  *(int *)payload += strncmp(name, "parseltongue-save.tmp-", 22) == 0;
  return 0;
}

static int n_save_tables(const pt_test_fixture *f)
{
  int n = 0;
  assert_int_equal(pt_fs_list_dir(pt_test_spec_path(f), n_save_tables_cb, &n),
                   0);
  return n;
}

/* A save killed while writing its table files leaves them in the
 * database folder, where RocksDB does not look; the next save removes
 * them, and its own go into the database. */
static void rocksdb_save__removes_the_table_files_a_killed_save_left(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  pt_test_write(pt_test_spec_path(f), "parseltongue-save.tmp-0.sst", "half");
  pt_test_write(pt_test_spec_path(f), "parseltongue-save.tmp-7.sst", "");
  assert_int_equal(n_save_tables(f), 2);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_int_equal(n_save_tables(f), 0);
  reopen(f);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* ---- update (the live index's write-through) ------------------------------ */

/* Between any two of the sample graphs, both ways: the update lands in the
 * current generation (no new one), loads back exactly, also after a
 * reopen; an update to the same graph writes nothing that changes it. */
static void rocksdb_update__turns_old_into_now_in_place(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_small_graph(), pt_test_weird_graph()};
  assert_true(pt_store_can_update(f->st));
  assert_int_equal(pt_store_save(f->st, g[0]), 0);
  uint64_t gen = current_generation(f);
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < 3; b++) {
      pt_graph *from = g[(a + b) % 3], *to = g[(a + b + 1) % 3];
      assert_int_equal(pt_store_save(f->st, from), 0);
      gen = current_generation(f);
      assert_int_equal(pt_store_update(f->st, from, to), 0);
      assert_true(current_generation(f) == gen);
      pt_test_assert_loads(f->st, to);
      assert_int_equal(pt_store_update(f->st, to, to), 0);
      pt_test_assert_loads(f->st, to);
    }
  reopen(f);
  pt_test_assert_loads(f->st, g[(2 + 2 + 1) % 3]);
  assert_int_equal(n_generations(f), 1);
  for (size_t i = 0; i < 3; i++)
    pt_graph_free(g[i]);
}

/* Nothing saved yet: the update is a whole save. */
static void rocksdb_update__on_an_empty_database_saves(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *old = pt_test_small_graph(), *now = pt_test_sample_graph();
  assert_int_equal(pt_store_update(f->st, old, now), 0);
  pt_test_assert_loads(f->st, now);
  pt_graph_free(now);
  pt_graph_free(old);
}

static rocksdb_t *open_raw(pt_test_fixture *f)
{
  char *err = NULL;
  rocksdb_options_t *o = rocksdb_options_create();
  pt_store_close(f->st);
  f->st = NULL;
  rocksdb_t *db = rocksdb_open(o, f->spec + strlen("rocksdb:"), &err);
  assert_null(err);
  rocksdb_options_destroy(o);
  return db;
}

/* A database of format 5 (edges without candidates), its version record
 * as that build wrote it (meta record format 3), is named as such: index
 * again to replace it. */
static void rocksdb_load__names_a_database_of_an_older_format(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
  static const char v5[] = "M\3\x0fschema_version\0\x02" "5";
  char *err = NULL;
  assert_int_equal(pt_store_save(f->st, g), 0);
  rocksdb_t *db = open_raw(f);
  rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
  rocksdb_put(db, wo, "m\0schema_version", 16, v5, sizeof v5, &err);
  assert_null(err);
  rocksdb_writeoptions_destroy(wo);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message,
                         "schema version 5; this build reads 6 to 10"));
  pt_graph_free(back);
  pt_graph_free(g);
}

/* ---- format 7: strings by id --------------------------------------------- */

/* The records of one letter of the current generation, in key order, as
 * RocksDB holds them (keys after the generation prefix). */
typedef struct raw {
  char **key, **val;
  size_t *klen, *vlen, n;
} raw;

static void raw_fini(raw *r)
{
  for (size_t i = 0; i < r->n; i++) {
    pt_free(r->key[i]);
    pt_free(r->val[i]);
  }
  pt_free(r->key);
  pt_free(r->val);
  pt_free(r->klen);
  pt_free(r->vlen);
  memset(r, 0, sizeof *r);
}

static char *dup_bytes(const char *p, size_t n)
{
  char *c = pt_malloc(n + 1);
  assert_non_null(c);
  memcpy(c, p, n);
  c[n] = '\0';
  return c;
}

static raw raw_records(pt_test_fixture *f, char letter)
{
  raw r = {NULL, NULL, NULL, NULL, 0};
  uint64_t gen = current_generation(f);
  rocksdb_t *db = open_raw(f);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
  char lo[10];
  lo[0] = 'g';
  for (int b = 0; b < 8; b++)
    lo[1 + b] = (char)(unsigned char)(gen >> (56 - 8 * b));
  lo[9] = letter;
  for (rocksdb_iter_seek(it, lo, sizeof lo); rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    size_t klen, vlen;
    const char *key = rocksdb_iter_key(it, &klen);
    const char *val = rocksdb_iter_value(it, &vlen);
    if (klen < sizeof lo || memcmp(key, lo, sizeof lo) != 0)
      break;
    r.key = pt_realloc(r.key, (r.n + 1) * sizeof *r.key);
    r.val = pt_realloc(r.val, (r.n + 1) * sizeof *r.val);
    r.klen = pt_realloc(r.klen, (r.n + 1) * sizeof *r.klen);
    r.vlen = pt_realloc(r.vlen, (r.n + 1) * sizeof *r.vlen);
    assert_true(r.key && r.val && r.klen && r.vlen);
    r.key[r.n] = dup_bytes(key + 9, klen - 9);
    r.klen[r.n] = klen - 9;
    r.val[r.n] = dup_bytes(val, vlen);
    r.vlen[r.n++] = vlen;
  }
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  return r;
}

typedef struct texts {
  char **v;
  size_t n;
} texts;

static int text_cb(const char *s, size_t len, void *payload)
{
  texts *t = payload;
  t->v = pt_realloc(t->v, (t->n + 1) * sizeof *t->v);
  assert_non_null(t->v);
  t->v[t->n++] = dup_bytes(s, len);
  return 0;
}

static int cmp_text(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The string table holds each text once: its chunks number the strings
 * 1, 2, 3, ..., and no two hold the same text. Returns how many strings
 * it holds. */
static size_t assert_strings_once(pt_test_fixture *f)
{
  raw a = raw_records(f, 'a');
  texts t = {NULL, 0};
  for (size_t i = 0; i < a.n; i++) {
    uint64_t first = 0;
    assert_int_equal(a.klen[i], 1 + 1 + 8);
    for (int b = 0; b < 8; b++)
      first = first << 8 | (unsigned char)a.key[i][2 + b];
    assert_true(first == t.n + 1);
    assert_int_equal(pt__rocksdb_read_chunk(a.val[i], a.vlen[i], text_cb,
                                            &t), 0);
  }
  if (t.n)
    qsort(t.v, t.n, sizeof *t.v, cmp_text);
  for (size_t i = 0; i + 1 < t.n; i++)
    assert_string_not_equal(t.v[i], t.v[i + 1]);
  for (size_t i = 0; i < t.n; i++)
    pt_free(t.v[i]);
  pt_free(t.v);
  raw_fini(&a);
  return t.n;
}

static void assert_version(pt_test_fixture *f, const char *want)
{
  const char *name = NULL, *value = NULL;
  rocksdb_t *db = open_raw(f);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  size_t len = 0;
  char *err = NULL;
  char *val = rocksdb_get(db, ro, "m\0schema_version", 16, &len, &err);
  assert_null(err);
  assert_non_null(val);
  assert_int_equal(pt_record_decode_meta(val, len, &name, &value), 0);
  assert_string_equal(value, want);
  rocksdb_free(val);
  rocksdb_readoptions_destroy(ro);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
}

/* Format 8: the edges that share a from key are one record, under that
 * key, so a scan in key order reads them in the graph's order (from, to,
 * type by number) and a load has nothing to sort: the type names would
 * sort Calls, Extends, Implements, Uses. */
static void rocksdb_save__writes_one_edge_record_for_each_from_key(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_new_graph();
  const pt_edge_type types[] = {PT_EDGE_EXTENDS, PT_EDGE_USES, PT_EDGE_CALLS,
                                PT_EDGE_IMPLEMENTS};
  const char *from[] = {"c:fn:b:__b:T1", "c:fn:a:__a:T1"};
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < 4 - k; i++) {
      pt_edge d = {.from_key = from[k], .to_key = "c:fn:b:__a:T2",
                   .file_path = "a.c", .type = types[i], .line = 1};
      assert_int_equal(pt_graph_add_edge(g, &d), 0);
    }
  g = pt_test_finished(g);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_version(f, "10");
  raw d = raw_records(f, 'd');
  assert_int_equal(d.n, 2);
  assert_int_equal(d.klen[0], 2 + strlen(from[1]));
  assert_memory_equal(d.key[0] + 2, from[1], strlen(from[1]));
  assert_int_equal(d.klen[1], 2 + strlen(from[0]));
  assert_memory_equal(d.key[1] + 2, from[0], strlen(from[0]));
  raw_fini(&d);
  reopen(f);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* Entities, edges and tests name their strings by id: a save stores each
 * distinct string once, whatever number of records name it. */
static void rocksdb_save__stores_each_string_once(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_weird_graph(), *big = large_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_version(f, "10");
  raw x = raw_records(f, 'x');
  assert_int_equal(x.n, 0);
  raw_fini(&x);
  /* the awkward text and the candidate "a:b" */
  assert_int_equal(assert_strings_once(f), 2);
  pt_test_assert_loads(f->st, g);
  assert_int_equal(pt_store_save(f->st, big), 0);
  /* 5000 keys and names, a path and one unresolved key: several chunks */
  assert_int_equal(assert_strings_once(f), 10002);
  reopen(f);
  pt_test_assert_loads(f->st, big);
  pt_graph_free(big);
  pt_graph_free(g);
}

typedef struct first_seen {
  pt_strmap seen;
  const char **v;
  size_t n;
} first_seen;

static void see(first_seen *f, const char *s)
{
  size_t had;
  if (!s || pt_strmap_get(&f->seen, s, strlen(s), &had))
    return;
  assert_int_equal(pt_strmap_put(&f->seen, s, strlen(s), f->n), 0);
  f->v = pt_realloc(f->v, (f->n + 1) * sizeof *f->v);
  assert_non_null(f->v);
  f->v[f->n++] = s;
}

/* The string table of g as a save numbers it: each text at the first
 * place a record names it, entities first, then edges, then tests (the
 * save numbers the edges' strings on a thread of their own). */
static void assert_numbered_as_first_named(pt_test_fixture *f,
                                           const pt_graph *g)
{
  first_seen want = {PT_STRMAP_INIT, NULL, 0};
  const pt_entity *e = pt_graph_entities(g);
  const pt_edge *d = pt_graph_edges(g);
  const pt_test_entity *t = pt_graph_tests(g);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    see(&want, e[i].key);
    see(&want, e[i].name);
    see(&want, e[i].qualname);
    see(&want, e[i].file_path);
    see(&want, e[i].parent_key);
  }
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    see(&want, d[i].from_key);
    see(&want, d[i].file_path);
    see(&want, d[i].to_key);
    for (uint32_t k = 0; d[i].candidates && k < d[i].candidates->n_keys; k++)
      see(&want, d[i].candidates->keys[k]);
  }
  for (size_t i = 0; i < pt_graph_n_tests(g); i++) {
    see(&want, t[i].key);
    see(&want, t[i].name);
    see(&want, t[i].file_path);
    see(&want, t[i].reason);
  }
  raw a = raw_records(f, 'a');
  texts got = {NULL, 0};
  for (size_t i = 0; i < a.n; i++)
    assert_int_equal(pt__rocksdb_read_chunk(a.val[i], a.vlen[i], text_cb,
                                            &got), 0);
  assert_int_equal(got.n, want.n);
  for (size_t i = 0; i < got.n; i++) {
    assert_string_equal(got.v[i], want.v[i]);
    pt_free(got.v[i]);
  }
  pt_free(got.v);
  pt_free(want.v);
  pt_strmap_fini(&want.seen);
  raw_fini(&a);
}

/* A graph of many edges whose to keys are entities' keys and keys that
 * only edges name, some first named in the edges' second half, some in
 * both halves, with files that change within a from key's run. */
static pt_graph *edges_graph(void)
{
  pt_graph *g = pt_test_new_graph();
  for (unsigned i = 0; i < 600; i++) {
    char key[64], name[16];
    pt_snprintf(key, sizeof key, "c:fn:f%04u:__e:T%u", i, i);
    pt_snprintf(name, sizeof name, "f%04u", i);
    pt_entity e = {.key = key, .name = name, .qualname = name,
                   .file_path = i % 2 ? "a.c" : "b.c", .code = "{}",
                   .content_hash = "0", .lang = PT_LANG_C,
                   .kind = PT_KIND_FUNCTION, .line_start = i + 1,
                   .line_end = i + 1, .birth = i};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
  }
  for (unsigned i = 0; i < 600; i++) {
    char from[64], to[64];
    pt_snprintf(from, sizeof from, "c:fn:f%04u:__e:T%u", i, i);
    for (unsigned k = 0; k < 3; k++) {
      unsigned j = (i * 7 + k * 131) % 600;
      if (k == 1)
        pt_snprintf(to, sizeof to, "c:fn:f%04u:__e:T%u", j, j);
      else /* only edges name these: i / 40 first in the second half */
        pt_snprintf(to, sizeof to, "c:fn:u%u:unresolved-reference:0-0",
                    k == 0 ? i / 40 : i % 23);
      pt_edge d = {.from_key = from, .to_key = to,
                   .file_path = k == 2 ? "c.c" : "a.c",
                   .type = PT_EDGE_CALLS, .line = i + k + 1};
      assert_int_equal(pt_graph_add_edge(g, &d), 0);
    }
  }
  return pt_test_finished(g);
}

/* The large graph with `n` of its entities renamed: new keys, names and
 * edges, the rest as they were; its strings in the pool of `share` when
 * it is not NULL, as a live index's patched graphs share theirs. */
static pt_graph *renamed_graph_in(unsigned n, const char *path,
                                  const pt_graph *share)
{
  pt_graph *g = pt_test_new_graph();
  if (share) {
    pt_graph_free(g);
    assert_int_equal(pt_graph_new_sharing(share, &g), 0);
  }
  for (unsigned i = 0; i < 5000; i++) {
    char key[64], name[16];
    pt_snprintf(key, sizeof key, "c:fn:%s%05u:__big:T%u", i < n ? "r" : "f",
                i, i);
    pt_snprintf(name, sizeof name, "%s%05u", i < n ? "r" : "f", i);
    pt_entity e = {.key = key, .name = name, .qualname = name,
                   .file_path = i < n ? path : "big.c", .code = "{}",
                   .content_hash = "0", .lang = PT_LANG_C,
                   .kind = PT_KIND_FUNCTION, .line_start = i + 1,
                   .line_end = i + 1, .birth = i};
    pt_edge d = {.from_key = key, .to_key = "c:fn:g:unresolved-reference:0-0",
                 .file_path = e.file_path, .type = PT_EDGE_CALLS,
                 .line = i + 1};
    pt_test_entity t = {key, name, e.file_path, i < n ? "new" : NULL,
                        PT_LANG_C, PT_KIND_FUNCTION, i + 1, i + 1};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
    assert_int_equal(pt_graph_add_edge(g, &d), 0);
    if (i % 100 == 0)
      assert_int_equal(pt_graph_add_test(g, &t), 0);
  }
  return pt_test_finished(g);
}

static pt_graph *renamed_graph(unsigned n, const char *path)
{
  return renamed_graph_in(n, path, NULL);
}

/* A save numbers the strings as the records first name them, whichever
 * thread found them. */
static void rocksdb_save__numbers_strings_as_the_records_first_name_them(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   renamed_graph(1500, "new.c"), edges_graph()};
  for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
    assert_int_equal(pt_store_save(f->st, g[i]), 0);
    assert_numbered_as_first_named(f, g[i]);
    reopen(f);
    pt_test_assert_loads(f->st, g[i]);
    pt_graph_free(g[i]);
  }
}

/* Every edge record of g encoded with the to keys' ids that ids kept from
 * its numbering is the record that looking each id up gives. */
static void assert_kept_ids_encode_as_looked_up(pt__rocksdb_ids *ids,
                                                const pt_graph *g)
{
  pt_buf kept = PT_BUF_INIT, looked = PT_BUF_INIT;
  const pt_edge *d = pt_graph_edges(g);
  assert_int_equal(pt__rocksdb_ids_group_edges(ids, g), 0);
  const pt__rocksdb_groups *r = pt__rocksdb_groups_of(ids, g);
  assert_non_null(r);
  if (pt_graph_n_edges(g))
    assert_non_null(ids->edge_to);
  assert_ptr_equal(ids->edges, d);
  for (size_t i = 0; i < r->n; i++) {
    size_t lo = r->start[i], n = r->start[i + 1] - lo;
    pt_buf_clear(&kept);
    pt_buf_clear(&looked);
    assert_int_equal(pt__rocksdb_encode_edges_to(&kept, ids, &d[lo], n,
                                                 &ids->edge_to[lo]), 0);
    assert_int_equal(pt__rocksdb_encode_edges(&looked, ids, &d[lo], n), 0);
    assert_int_equal(kept.len, looked.len);
    assert_memory_equal(kept.ptr, looked.ptr, kept.len);
    /* ids that did not fit in 32 bits are kept as UINT32_MAX: looked up */
    uint32_t *unfit = pt_malloc((n + 1) * sizeof *unfit);
    assert_non_null(unfit);
    for (size_t j = 0; j < n; j++)
      unfit[j] = UINT32_MAX;
    pt_buf_clear(&kept);
    assert_int_equal(pt__rocksdb_encode_edges_to(&kept, ids, &d[lo], n, unfit),
                     0);
    pt_free(unfit);
    assert_int_equal(kept.len, looked.len);
    assert_memory_equal(kept.ptr, looked.ptr, kept.len);
  }
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    uint64_t id = 0;
    assert_int_equal(pt__rocksdb_id_of(ids, d[i].to_key, &id), 0);
    assert_true(id == ids->edge_to[i]);
  }
  pt_buf_fini(&looked);
  pt_buf_fini(&kept);
}

/* Every entity record of g encoded with the ids that ids kept of entity
 * i of the records `src` (at[i] its address) is the record that looking
 * each id up gives. */
static void assert_kept_entity_ids_encode_as_looked_up(
    pt__rocksdb_ids *ids, const void *src, const pt_entity *const *at,
    size_t n)
{
  pt_buf kept = PT_BUF_INIT, looked = PT_BUF_INIT;
  if (n)
    assert_non_null(ids->entity_ids);
  for (size_t i = 0; i < n; i++) {
    const uint32_t *k = pt__rocksdb_kept_entity(ids, src, i);
    assert_non_null(k);
    pt_buf_clear(&kept);
    pt_buf_clear(&looked);
    assert_int_equal(pt__rocksdb_encode_entity9_kept(&kept, ids, at[i], k),
                     0);
    assert_int_equal(pt__rocksdb_encode_entity9(&looked, ids, at[i]), 0);
    assert_int_equal(kept.len, looked.len);
    assert_memory_equal(kept.ptr, looked.ptr, kept.len);
  }
  assert_null(pt__rocksdb_kept_entity(ids, &n, 0)); /* other records */
  pt_buf_fini(&looked);
  pt_buf_fini(&kept);
}

/* A save keeps the ids of each entity's strings and of each edge's to key
 * as it numbers the strings, a whole save's (the edges on a thread of
 * their own) and a begun save's (the entities first, then the edges in
 * two halves), and the records written with them are those a lookup of
 * each id writes. */
static void rocksdb_save__keeps_the_ids_from_the_numbering(
    void **state)
{
  (void)state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   edges_graph(), renamed_graph(1500, "new.c")};
  for (size_t k = 0; k < sizeof g / sizeof g[0]; k++) {
    pt__rocksdb_ids ids;
    size_t n = pt_graph_n_entities(g[k]);
    const pt_entity **at = pt_malloc((n + 1) * sizeof *at);
    assert_non_null(at);
    for (size_t i = 0; i < n; i++)
      at[i] = &pt_graph_entities(g[k])[i];
    assert_int_equal(pt__rocksdb_ids_for_save(&ids, g[k], 0), 0);
    assert_kept_ids_encode_as_looked_up(&ids, g[k]);
    assert_kept_entity_ids_encode_as_looked_up(
        &ids, pt_graph_entities(g[k]), at, n);
    pt__rocksdb_ids_fini(&ids);
    assert_int_equal(pt__rocksdb_ids_begin(&ids, at, n), 0);
    assert_kept_entity_ids_encode_as_looked_up(&ids, at, at, n);
    assert_int_equal(pt__rocksdb_ids_finish(&ids, g[k]), 0);
    assert_kept_ids_encode_as_looked_up(&ids, g[k]);
    pt__rocksdb_ids_fini(&ids);
    pt_free((void *)at);
    pt_graph_free(g[k]);
  }
}

/* The live index's write-through on format 7: an update names the strings
 * the database holds by their ids and gives the new ones the next ids, in
 * the same batch; what loads after, also after a reopen, is the new graph,
 * as a fresh save of it loads, and each text is stored once. Strings that
 * an update drops stay in the table (a later update names them again by
 * their old ids). */
static void rocksdb_update__names_new_strings_once(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g0 = renamed_graph(0, "big.c"), *g1 = renamed_graph(1500, "new.c");
  pt_graph *g2 = renamed_graph(3000, "new.c"), *back = renamed_graph(0, "big.c");
  assert_int_equal(pt_store_save(f->st, g0), 0);
  size_t n0 = assert_strings_once(f);
  uint64_t gen = current_generation(f);
  assert_int_equal(pt_store_update(f->st, g0, g1), 0);
  pt_test_assert_loads(f->st, g1);
  size_t n1 = assert_strings_once(f);
  /* 1500 new keys and names, a path and a reason */
  assert_int_equal(n1, n0 + 2 * 1500 + 2);
  assert_int_equal(pt_store_update(f->st, g1, g2), 0);
  reopen(f);
  pt_test_assert_loads(f->st, g2);
  assert_int_equal(assert_strings_once(f), n1 + 2 * 1500);
  assert_int_equal(pt_store_update(f->st, g2, back), 0);
  assert_int_equal(assert_strings_once(f), n1 + 2 * 1500);
  assert_true(current_generation(f) == gen);
  reopen(f);
  pt_test_assert_loads(f->st, back);
  assert_int_equal(pt_store_update(f->st, back, back), 0);
  pt_test_assert_loads(f->st, g0);
  pt_graph_free(back);
  pt_graph_free(g2);
  pt_graph_free(g1);
  pt_graph_free(g0);
}

/* The store loads want, read through a second, read-only store: a load
 * through f->st would make its graph the one f->st knows. */
static void assert_loads_aside(pt_test_fixture *f, const pt_graph *want)
{
  pt_store *rd = NULL;
  assert_int_equal(pt_store_open_mode(f->spec, PT_STORE_READ, &rd), 0);
  pt_test_assert_loads(rd, want);
  pt_store_close(rd);
}

/* A live index's graphs share the pool of the graph it loaded, or saved:
 * an update of two such graphs finds the ids of their strings by pointer
 * in what the store kept of that graph, and reads no string table; one
 * of graphs of another pool reads the table, and then knows the new
 * graph's pool, also the table's strings it does not name (a later graph
 * naming them again gets their ids). Each text is stored once
 * throughout, and what loads is the last graph. */
static void rocksdb_update__finds_ids_by_pointer_in_the_pool_it_knows(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g0 = renamed_graph(0, "big.c"), *loaded = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, g0), 0);
  size_t n0 = assert_strings_once(f); /* and reopens: nothing known */
  assert_int_equal(pt_store_load(f->st, loaded), 0);
  pt_graph *l1 = renamed_graph_in(1500, "new.c", loaded);
  pt_graph *l2 = renamed_graph_in(3000, "new.c", loaded);
  assert_int_equal(pt_store_update(f->st, loaded, l1), 0);
  assert_int_equal(pt_store_update(f->st, l1, l2), 0);
  assert_int_equal(pt__store_rocksdb_n_table_reads(f->st), 0);
  assert_loads_aside(f, l2);
  /* 3000 new keys and names, a path and a reason */
  assert_int_equal(assert_strings_once(f), n0 + 2 * 3000 + 2);

  assert_int_equal(pt_store_save(f->st, g0), 0);
  pt_graph *g1 = renamed_graph_in(1500, "new.c", g0);
  pt_graph *other = renamed_graph(3000, "new.c");
  pt_graph *back = renamed_graph_in(0, "big.c", other);
  assert_int_equal(pt_store_update(f->st, g0, g1), 0);
  assert_int_equal(pt__store_rocksdb_n_table_reads(f->st), 0);
  assert_int_equal(pt_store_update(f->st, g1, other), 0);
  assert_int_equal(pt__store_rocksdb_n_table_reads(f->st), 1);
  assert_int_equal(pt_store_update(f->st, other, back), 0);
  assert_int_equal(pt_store_update(f->st, back, other), 0);
  assert_int_equal(pt__store_rocksdb_n_table_reads(f->st), 1);
  assert_loads_aside(f, other);
  assert_int_equal(assert_strings_once(f), n0 + 2 * 3000 + 2);
  pt_test_assert_loads(f->st, other);
  pt_graph_free(back);
  pt_graph_free(other);
  pt_graph_free(g1);
  pt_graph_free(l2);
  pt_graph_free(l1);
  pt_graph_free(loaded);
  pt_graph_free(g0);
}

/* A database the builds before wrote, with each string also under 'x' by
 * a hash of its text, loads as it was saved; it is of format 8, so the
 * first update writes it whole as 9, without the 'x' records, to what
 * loads as the new graph, each text once. */
static void rocksdb_load__reads_the_hashed_strings_of_builds_before(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   large_graph()};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(pt__store_rocksdb_save_hashed(f->st, g[i]), 0);
    reopen(f);
    pt_test_assert_loads(f->st, g[i]);
  }
  raw x = raw_records(f, 'x');
  size_t n = assert_strings_once(f);
  assert_int_equal(x.n, n);
  assert_true(n > 5000);
  raw_fini(&x);
  assert_int_equal(pt_store_update(f->st, g[2], g[0]), 0);
  pt_test_assert_loads(f->st, g[0]);
  assert_int_equal(pt_store_update(f->st, g[0], g[1]), 0);
  reopen(f);
  pt_test_assert_loads(f->st, g[1]);
  x = raw_records(f, 'x');
  assert_int_equal(x.n, 0);
  raw_fini(&x);
  assert_strings_once(f);
  assert_int_equal(pt_store_save(f->st, g[1]), 0);
  x = raw_records(f, 'x');
  assert_int_equal(x.n, 0);
  raw_fini(&x);
  pt_test_assert_loads(f->st, g[1]);
  for (size_t i = 0; i < 3; i++)
    pt_graph_free(g[i]);
}

/* A database an older build wrote in format 6 (strings by text) loads as
 * it was saved; the first update writes it whole in format 10. */
/* Each of the three graphs saved by an older format's writer loads as it
 * was saved; the last one stays in the database. */
static void save_each_in(pt_test_fixture *f, pt_graph *g[3],
                         int (*save)(pt_store *, const pt_graph *))
{
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(save(f->st, g[i]), 0);
    reopen(f);
    pt_test_assert_loads(f->st, g[i]);
  }
}

/* The database holding g[2] in an older format: the first update writes
 * it whole in format 10, and the next one updates that. Frees g. */
static void assert_updates_write_format_10(pt_test_fixture *f, pt_graph *g[3])
{
  assert_int_equal(pt_store_update(f->st, g[2], g[0]), 0);
  assert_version(f, "10");
  pt_test_assert_loads(f->st, g[0]);
  assert_int_equal(pt_store_update(f->st, g[0], g[1]), 0);
  reopen(f);
  pt_test_assert_loads(f->st, g[1]);
  for (size_t i = 0; i < 3; i++)
    pt_graph_free(g[i]);
}

static void rocksdb_load__reads_a_database_of_format_6(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   large_graph()};
  save_each_in(f, g, pt__store_rocksdb_save_format6);
  assert_version(f, "6");
  assert_int_equal(raw_records(f, 'a').n, 0);
  assert_updates_write_format_10(f, g);
}

/* An older format's load without code reads the last graph of g whole,
 * code and all (its first update writes it whole), and the updates of
 * the three write format 10. */
static void assert_whole_without_code_then_format_10(pt_test_fixture *f,
                                                    pt_graph *g[3])
{
  pt_graph *bare = pt_test_new_graph();
  assert_int_equal(pt_store_load_without_code(f->st, bare), 0);
  assert_int_equal(pt_graph_n_edges(bare), pt_graph_n_edges(g[2]));
  pt_test_assert_same_graph(g[2], bare);
  pt_graph_free(bare);
  assert_updates_write_format_10(f, g);
}

/* A database of format 7 (a record for each edge) loads as it was saved;
 * a load without code reads its code too (an update writes the database
 * whole); the first update writes it whole in format 10. */
static void rocksdb_load__reads_a_database_of_format_7(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   large_graph()};
  save_each_in(f, g, pt__store_rocksdb_save_format7);
  assert_version(f, "7");
  raw d = raw_records(f, 'd');
  assert_int_equal(d.n, pt_graph_n_edges(g[2]));
  raw_fini(&d);
  assert_whole_without_code_then_format_10(f, g);
}

/* Whether some entity of g has code. */
static int has_code(const pt_graph *g)
{
  for (size_t i = 0; i < pt_graph_n_entities(g); i++)
    if (pt_graph_entities(g)[i].code)
      return 1;
  return 0;
}

/* A database of format 8 (an entity's code in its record) loads as it
 * was saved, and a load without code reads the code too, since the first
 * update writes the database whole, in format 10 (a re-run of pt01 over
 * it, which loads without code, then writes every entity's code). */
static void rocksdb_load__reads_a_database_of_format_8(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   large_graph()};
  save_each_in(f, g, pt__store_rocksdb_save_format8);
  assert_version(f, "8");
  raw c = raw_records(f, 'c');
  assert_int_equal(c.n, 0);
  raw_fini(&c);
  assert_true(has_code(g[2]));
  assert_whole_without_code_then_format_10(f, g);
}

/* A database of format 9 (each entity's code a record of its own, no
 * ranges) loads as it was saved; a load without code reads its code too,
 * since its first update writes it whole in format 10. */
static void rocksdb_load__reads_a_database_of_format_9(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                   large_graph()};
  save_each_in(f, g, pt__store_rocksdb_save_format9);
  assert_version(f, "9");
  raw c = raw_records(f, 'c');
  assert_int_equal(c.n, pt_graph_n_entities(g[2]));
  for (size_t i = 0; i < c.n; i++)
    assert_int_equal(c.val[i][0], 'C');
  raw_fini(&c);
  assert_whole_without_code_then_format_10(f, g);
}

/* The code records of the current generation as "C" (code) or "R" and
 * the range (in at len), in key order: c, z, A, m. */
static void assert_code_records(pt_test_fixture *f, const char *want)
{
  raw c = raw_records(f, 'c');
  pt_buf got = PT_BUF_INIT;
  for (size_t i = 0; i < c.n; i++) {
    const char *code = NULL;
    size_t len = 0;
    pt__rocksdb_code_range in;
    assert_int_equal(pt__rocksdb_decode_code(c.val[i], c.vlen[i], &code,
                                             &len, &in), 0);
    if (in.id)
      assert_int_equal(pt_buf_printf(&got, "%sR%u,%u,%u", i ? ";" : "",
                                     (unsigned)in.id, (unsigned)in.at,
                                     (unsigned)in.len), 0);
    else
      assert_int_equal(pt_buf_printf(&got, "%sC%zu", i ? ";" : "", len), 0);
  }
  assert_string_equal(pt_buf_cstr(&got), want);
  pt_buf_fini(&got);
  raw_fini(&c);
}

/* The id of a string in the current generation's table. */
static uint64_t string_id(pt_test_fixture *f, const char *s)
{
  raw a = raw_records(f, 'a');
  texts t = {NULL, 0};
  uint64_t id = 0;
  for (size_t i = 0; i < a.n; i++)
    assert_int_equal(pt__rocksdb_read_chunk(a.val[i], a.vlen[i], text_cb,
                                            &t), 0);
  for (size_t i = 0; i < t.n; i++) {
    if (!id && strcmp(t.v[i], s) == 0)
      id = i + 1;
    pt_free(t.v[i]);
  }
  pt_free(t.v);
  raw_fini(&a);
  assert_true(id > 0);
  return id;
}

/* Format 10: a nested entity's code record is a range of its outermost
 * enclosing entity's code (of its file), which holds the bytes; code of
 * another file's entity is its own wherever it lay in memory; a load
 * gives the same bytes, as ranges of the holder's copy. A whole save
 * after that load writes the same records. */
static void rocksdb_save__keeps_nested_code_as_a_range_of_its_holder(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code),
           *back = pt_test_new_graph();
  pt_graph *again = pt_test_new_graph();
  char want[128];
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_version(f, "10");
  uint64_t a = string_id(f, "rust:impl:A:__f:T1");
  pt_snprintf(want, sizeof want, "R%u,20,17;C4;C%zu;R%u,9,32", (unsigned)a,
              strlen(pt_test_nested_code), (unsigned)a);
  assert_code_records(f, want);
  reopen(f);
  assert_int_equal(pt_store_load(f->st, back), 0);
  assert_true(pt_graph_equal(g, back));
  const pt_entity *e = pt_graph_entities(back); /* c, z, A, m */
  for (size_t i = 0; i < 4; i += 3)
    assert_true(e[i].code > e[2].code && e[i].code_len &&
                e[i].code + e[i].code_len <= e[2].code + strlen(e[2].code));
  assert_int_equal(pt_store_save(f->st, back), 0);
  assert_code_records(f, want);
  assert_int_equal(pt_store_load(f->st, again), 0);
  assert_true(pt_graph_equal(g, again));
  pt_graph_free(again);
  pt_graph_free(g);
  pt_graph_free(back);
}

static void put_record(pt_test_fixture *f, const char *k, size_t klen,
                       const char *v, size_t vlen);

/* A range past its holder's code, of a holder id out of the table or of
 * an entity without code of its own (a range itself), or empty, is a
 * corrupt database (PT_EINVAL), not read past. */
static void rocksdb_load__refuses_a_range_outside_its_holder(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_nested_graph(pt_test_nested_code);
  for (int k = 0; k < 5; k++) {
    pt_graph *back = pt_test_new_graph();
    pt_buf v = PT_BUF_INIT;
    assert_int_equal(pt_store_save(f->st, g), 0);
    uint64_t a = string_id(f, "rust:impl:A:__f:T1");
    uint64_t m = string_id(f, "rust:method:m:__f:T2");
    raw c = raw_records(f, 'c'); /* c, z, A, m */
    size_t at = 3;
    switch (k) {
    case 0: assert_int_equal(pt__rocksdb_encode_code_in(&v, a, 9, 1000), 0);
      break;
    case 1: assert_int_equal(pt__rocksdb_encode_code_in(&v, 99999, 0, 1), 0);
      break;
    case 2: assert_int_equal(pt__rocksdb_encode_code_in(&v, m, 0, 2), 0);
      at = 0;
      break;
    case 3: assert_int_equal(pt__rocksdb_encode_code_in(&v, a, 0, 0), 0);
      break;
    default: assert_int_equal(pt__rocksdb_encode_code_in(&v, 0, 0, 2), 0);
    }
    put_record(f, c.key[at], c.klen[at], v.ptr, v.len);
    assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
    raw_fini(&c);
    pt_buf_fini(&v);
    pt_graph_free(back);
  }
  pt_graph_free(g);
}

/* An update writes each changed entity's code whole; the records that
 * are ranges of a record it rewrites or deletes get their bytes first,
 * so a class edited around its unchanged method keeps the method's code,
 * and a class gone leaves its nested entities' code whole. */
static void rocksdb_update__gives_ranges_their_bytes_first(void **state)
{
  pt_test_fixture *f = *state;
  static const char edited[] =
      "impl A { // longer\n  fn m() {\n    let c = || 1;\n  }\n}";
  for (int live = 0; live <= 1; live++) {
    pt_graph *g = pt_test_nested_graph(pt_test_nested_code),
             *now = pt_test_nested_graph(edited);
    pt_graph *back = pt_test_new_graph();
    assert_int_equal(pt_store_save(f->st, g), 0);
    /* the live index's old graph has code; a re-run's has none */
    assert_int_equal(live ? pt_store_load(f->st, back)
                          : pt_store_load_without_code(f->st, back), 0);
    assert_int_equal(pt_store_update(f->st, back, now), 0);
    char want[64];
    pt_snprintf(want, sizeof want, "C17;C4;C%zu;C32", strlen(edited));
    assert_code_records(f, want);
    reopen(f);
    pt_test_assert_loads(f->st, now);
    pt_graph_free(g);
    pt_graph_free(now);
    pt_graph_free(back);
  }
}

/* Format 9: every entity's code is a record of its own under the
 * entity's key, and the entity's record holds none, so a load without
 * code reads none of it; a load reads the graph as it was saved. */
static void rocksdb_save__keeps_each_entity_code_apart(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = large_graph(), *bare = pt_test_new_graph();
  assert_true(has_code(g));
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_version(f, "10");
  raw e = raw_records(f, 'e'), c = raw_records(f, 'c');
  assert_int_equal(e.n, pt_graph_n_entities(g));
  assert_int_equal(c.n, e.n);
  for (size_t i = 0; i < e.n; i++) {
    const pt_entity *x = &pt_graph_entities(g)[i];
    const char *code = NULL;
    size_t len = 0;
    pt__rocksdb_code_range in;
    assert_true(e.vlen[i] > 2 && e.val[i][0] == 'E' && e.val[i][1] == 9);
    assert_int_equal(c.klen[i], e.klen[i]);
    assert_memory_equal(c.key[i] + 1, e.key[i] + 1, e.klen[i] - 1);
    assert_int_equal(pt__rocksdb_decode_code(c.val[i], c.vlen[i], &code,
                                             &len, &in), 0);
    if (in.id) { /* the same bytes as another's of its file: a range */
      assert_non_null(x->code);
      assert_int_equal(in.len, pt_entity_code_len(x));
      continue;
    }
    assert_int_equal(!code, !x->code);
    if (code) {
      assert_int_equal(len, pt_entity_code_len(x));
      assert_memory_equal(code, x->code, len);
    }
  }
  raw_fini(&e);
  raw_fini(&c);
  reopen(f);
  pt_test_assert_loads(f->st, g);
  assert_int_equal(pt_store_load_without_code(f->st, bare), 0);
  assert_int_equal(pt_graph_n_entities(bare), pt_graph_n_entities(g));
  assert_false(has_code(bare));
  pt_graph_free(bare);
  pt_graph_free(g);
}

/* An edge record whose count promises more edges than it holds, or that
 * holds more than it counts, is a corrupt database. */
static void rocksdb_load__refuses_an_edge_record_of_a_wrong_count(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  raw d = raw_records(f, 'd');
  uint64_t gen = current_generation(f);
  assert_true(d.n > 0);
  /* 'G', 8, the from key's id, then the count: one byte for these */
  assert_true(d.vlen[0] > 4 && d.val[0][0] == 'G' && d.val[0][1] == 8);
  for (int delta = -1; delta <= 1; delta += 2) {
    pt_graph *back = pt_test_new_graph();
    char key[9 + 256];
    char *err = NULL, *val = dup_bytes(d.val[0], d.vlen[0]);
    assert_true(d.klen[0] <= 256);
    key[0] = 'g';
    for (int b = 0; b < 8; b++)
      key[1 + b] = (char)(unsigned char)(gen >> (56 - 8 * b));
    memcpy(key + 9, d.key[0], d.klen[0]);
    val[3] = (char)(val[3] + delta);
    rocksdb_t *db = open_raw(f);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_put(db, wo, key, 9 + d.klen[0], val, d.vlen[0], &err);
    assert_null(err);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    assert_int_equal(pt_store_open(f->spec, &f->st), 0);
    assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message, "corrupt edge record"));
    pt_free(val);
    pt_graph_free(back);
  }
  raw_fini(&d);
  pt_graph_free(g);
}

/* A string table with a chunk gone, or a record naming an id past it, is
 * a corrupt database, not a crash or a graph with holes. */
static void rocksdb_load__refuses_a_broken_string_table(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = large_graph(), *back = pt_test_new_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  raw a = raw_records(f, 'a');
  uint64_t gen = current_generation(f);
  assert_true(a.n > 1);
  rocksdb_t *db = open_raw(f);
  rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
  char key[9 + 10];
  char *err = NULL;
  key[0] = 'g';
  for (int b = 0; b < 8; b++)
    key[1 + b] = (char)(unsigned char)(gen >> (56 - 8 * b));
  memcpy(key + 9, a.key[a.n - 1], a.klen[a.n - 1]);
  rocksdb_delete(db, wo, key, 9 + a.klen[a.n - 1], &err);
  assert_null(err);
  rocksdb_writeoptions_destroy(wo);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "string id out of range"));
  raw_fini(&a);
  pt_graph_free(back);
  pt_graph_free(g);
}

/* The candidate lists of g's edges are g's own: interning one again
 * gives the same pointer. Returns how many edges have one. */
static size_t assert_candidates_interned(pt_graph *g)
{
  size_t n = 0;
  const pt_edge *e = pt_graph_edges(g);
  for (size_t k = 0; k < pt_graph_n_edges(g); k++) {
    const pt_candidates *c = e[k].candidates, *again = NULL;
    if (!c)
      continue;
    n++;
    assert_int_equal(pt_graph_intern_candidates(g, c->n, c->keys, c->n_keys,
                                                &again), 0);
    assert_ptr_equal(again, c);
  }
  return n;
}

/* A whole load reads the edges, most of the records, on a thread and an
 * iterator of their own beside the other records (formats 8 and 7): the
 * graph saved, with its candidate lists in its own pool. */
static void rocksdb_load__reads_the_edges_beside_the_other_records(
    void **state)
{
  pt_test_fixture *f = *state;
  int (*save[])(pt_store *, const pt_graph *) = {
      pt_store_save, pt__store_rocksdb_save_format7};
  size_t n_lists = 0;
  for (size_t s = 0; s < 2; s++) {
    pt_graph *g[] = {pt_test_sample_graph(), pt_test_weird_graph(),
                     large_graph()};
    for (size_t i = 0; i < 3; i++) {
      pt_graph *back = pt_test_new_graph();
      assert_int_equal(save[s](f->st, g[i]), 0);
      reopen(f);
      assert_int_equal(pt_store_load(f->st, back), 0);
      assert_int_equal(pt__store_rocksdb_last_edges_apart(), 1);
      pt_test_assert_same_graph(g[i], back);
      n_lists += assert_candidates_interned(back);
      pt_graph_free(back);
      pt_graph_free(g[i]);
    }
  }
  assert_true(n_lists > 0);
}

/* What a load's ready saw: how often it came, and the edges then. */
static void note_ready(const pt_graph *g, void *payload)
{
  size_t *seen = payload;
  seen[0]++;
  seen[1] = pt_graph_n_edges(g);
}

/* A re-run's load (edges last, after ready) reads them beside the other
 * records too: ready comes once, with no edge, and the graph then holds
 * every edge. */
static void rocksdb_load_then__reads_the_edges_beside_and_joins_after_ready(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = large_graph(), *back = pt_test_new_graph();
  size_t seen[2] = {0, 0};
  assert_int_equal(pt_store_save(f->st, g), 0);
  reopen(f);
  assert_int_equal(pt_store_load_without_code_then(f->st, back, note_ready,
                                                   seen), 0);
  assert_int_equal(pt__store_rocksdb_last_edges_apart(), 1);
  assert_int_equal(seen[0], 1);
  assert_int_equal(seen[1], 0);
  assert_int_equal(pt_graph_n_edges(back), pt_graph_n_edges(g));
  pt_graph_free(back);
  pt_graph_free(g);
}

/* Puts a record of the current generation (key after its prefix). */
static void put_record(pt_test_fixture *f, const char *k, size_t klen,
                       const char *v, size_t vlen)
{
  uint64_t gen = current_generation(f);
  char key[9 + 256];
  char *err = NULL;
  assert_true(klen <= 256);
  key[0] = 'g';
  for (int b = 0; b < 8; b++)
    key[1 + b] = (char)(unsigned char)(gen >> (56 - 8 * b));
  memcpy(key + 9, k, klen);
  rocksdb_t *db = open_raw(f);
  rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
  rocksdb_put(db, wo, key, 9 + klen, v, vlen, &err);
  assert_null(err);
  rocksdb_writeoptions_destroy(wo);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
}

/* With the edges read beside the other records, a load that meets two
 * bad records still fails on the first in key order, as one scan does:
 * a record of an unknown letter before the edges ('b'), or a broken edge
 * record before one after them ('h'). */
static void rocksdb_load__fails_on_the_first_bad_record_in_key_order(
    void **state)
{
  pt_test_fixture *f = *state;
  const struct {
    char letter;
    const char *want;
  } cases[] = {{'b', "unknown key prefix 0x62"},
               {'h', "corrupt edge record"}};
  for (size_t i = 0; i < 2; i++) {
    pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
    assert_int_equal(pt_store_save(f->st, g), 0);
    raw d = raw_records(f, 'd');
    char *val = dup_bytes(d.val[0], d.vlen[0]);
    char other[2] = {cases[i].letter, '\0'};
    val[3] = (char)(val[3] + 1); /* the count: one more than it holds */
    put_record(f, d.key[0], d.klen[0], val, d.vlen[0]);
    put_record(f, other, sizeof other, "?", 1);
    assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message, cases[i].want));
    pt_free(val);
    raw_fini(&d);
    pt_graph_free(back);
    pt_graph_free(g);
  }
}

/* Deletes a record of the current generation (key after its prefix). */
static void delete_record(pt_test_fixture *f, const char *k, size_t klen)
{
  uint64_t gen = current_generation(f);
  char key[9 + 256];
  char *err = NULL;
  assert_true(klen <= 256);
  key[0] = 'g';
  for (int b = 0; b < 8; b++)
    key[1 + b] = (char)(unsigned char)(gen >> (56 - 8 * b));
  memcpy(key + 9, k, klen);
  rocksdb_t *db = open_raw(f);
  rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
  rocksdb_delete(db, wo, key, 9 + klen, &err);
  assert_null(err);
  rocksdb_writeoptions_destroy(wo);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
}

/* A code record gone, or one of no entity, is a corrupt database, not a
 * graph without that code; a load without code reads none of them. */
static void rocksdb_load__refuses_code_records_that_miss_an_entity(
    void **state)
{
  pt_test_fixture *f = *state;
  for (int extra = 0; extra <= 1; extra++) {
    pt_graph *g = pt_test_sample_graph(), *back = pt_test_new_graph();
    pt_graph *bare = pt_test_new_graph();
    assert_int_equal(pt_store_save(f->st, g), 0);
    raw c = raw_records(f, 'c');
    assert_true(c.n > 1);
    if (extra) { /* after the last one */
      static const char k[] = "c\0\xff";
      put_record(f, k, sizeof k - 1, c.val[0], c.vlen[0]);
    } else { /* the second one's deleted */
      delete_record(f, c.key[1], c.klen[1]);
    }
    assert_int_equal(pt_store_load(f->st, back), PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message,
                           extra ? "one for no entity" : "none for the entity"));
    assert_int_equal(pt_store_load_without_code(f->st, bare), 0);
    assert_int_equal(pt_graph_n_entities(bare), pt_graph_n_entities(g));
    raw_fini(&c);
    pt_graph_free(bare);
    pt_graph_free(back);
    pt_graph_free(g);
  }
}

/* Many entities of short code: a load reads the code records on a thread
 * of their own, in batches of up to 2,048 records that go round a ring of
 * three (store_rocksdb_code.c). Every entity's code comes back; a broken
 * code record late in the stream, or one gone, fails the load as when the
 * main thread read them. */
static void rocksdb_load__reads_many_code_records_beside_the_entities(
    void **state)
{
  pt_test_fixture *f = *state;
  enum { N = 7000, LATE = 6500 };
  pt_graph *g = pt_test_new_graph();
  for (unsigned i = 0; i < N; i++) {
    char key[64], name[16], code[64];
    pt_snprintf(key, sizeof key, "c:fn:f%05u:__many:T%u", i, i);
    pt_snprintf(name, sizeof name, "f%05u", i);
    pt_snprintf(code, sizeof code, "int f%05u(void) { return %u; }", i, i);
    pt_entity e = {.key = key, .name = name, .qualname = name,
                   .file_path = "many.c", .code = i % 7 ? code : NULL,
                   .content_hash = "0", .lang = PT_LANG_C,
                   .kind = PT_KIND_FUNCTION, .line_start = i + 1,
                   .line_end = i + 1, .birth = i};
    assert_int_equal(pt_graph_add_entity(g, &e), 0);
  }
  pt_test_finished(g);
  for (int damage = 0; damage <= 2; damage++) {
    pt_graph *back = pt_test_new_graph();
    assert_int_equal(pt_store_save(f->st, g), 0);
    raw c = raw_records(f, 'c');
    assert_int_equal(c.n, N);
    if (damage == 1)
      put_record(f, c.key[LATE], c.klen[LATE], "?", 1);
    else if (damage == 2)
      delete_record(f, c.key[LATE], c.klen[LATE]);
    int rc = pt_store_load(f->st, back);
    if (damage == 0) {
      assert_int_equal(rc, 0);
      assert_int_equal(pt_graph_n_entities(back), N);
      for (size_t i = 0; i < N; i++) {
        const pt_entity *a = &pt_graph_entities(g)[i];
        const pt_entity *b = &pt_graph_entities(back)[i];
        assert_string_equal(a->key, b->key);
        if (a->code)
          assert_string_equal(a->code, b->code);
        else
          assert_null(b->code);
      }
    } else {
      assert_int_equal(rc, PT_EINVAL);
      assert_non_null(strstr(pt_error_last()->message,
                             damage == 1 ? "corrupt code record"
                                         : "none for the entity"));
    }
    raw_fini(&c);
    pt_graph_free(back);
  }
  pt_graph_free(g);
}

/* Out of memory anywhere in a load with code (the code reader's batches,
 * its thread, whose start failing leaves the main thread to fill them):
 * PT_ENOMEM, nothing leaked, and the next load whole. */
static void rocksdb_load__out_of_memory_reading_code_fails_cleanly(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  int rc = PT_ENOMEM;
  assert_int_equal(pt_store_save(f->st, g), 0);
  reopen(f);
  for (unsigned long n = 1; rc == PT_ENOMEM; n++) {
    pt_graph *back = pt_test_new_graph();
    assert_true(n < 100000);
    pt_alloc_fail_after(n);
    rc = pt_store_load(f->st, back);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    pt_graph_free(back);
  }
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* The newest OPTIONS-<n> file of a database folder: the options it was
 * last opened with. */
static int newest_options_cb(const char *name, pt_fs_type type, void *payload)
{
  unsigned long *best = payload, n = 0;
  if (sscanf(name, "OPTIONS-%lu", &n) == 1 && n > *best)
    *best = n;
  return 0;
}

/* Saves write LZ4 blocks, which decompress in about half of Snappy's
 * time: a fifth of a load went to Snappy; and blocks of 256 KB, which a
 * load reads for less CPU than 4 KB ones (docs/performance.md). */
static void rocksdb_save__writes_lz4_blocks_of_256_kb(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = pt_test_sample_graph();
  const char *dir = f->spec + strlen("rocksdb:");
  unsigned long n = 0;
  pt_buf path = PT_BUF_INIT, text = PT_BUF_INIT;
  assert_int_equal(pt_store_save(f->st, g), 0);
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(pt_fs_list_dir(dir, newest_options_cb, &n), 0);
  assert_int_equal(pt_buf_printf(&path, "%s/OPTIONS-%06lu", dir, n), 0);
  assert_int_equal(pt_fs_read_file(path.ptr, &text), 0);
  assert_non_null(strstr(text.ptr, "\n  compression=kLZ4Compression\n"));
  assert_non_null(strstr(text.ptr, "\n  block_size=262144\n"));
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_buf_fini(&text);
  pt_buf_fini(&path);
  pt_graph_free(g);
}

/* Each block names its compression: a database whose files an older
 * build wrote with Snappy (RocksDB's default) loads as it was saved. */
static void rocksdb_load__reads_blocks_of_another_compression(void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *g = large_graph();
  assert_int_equal(pt_store_save(f->st, g), 0);
  rocksdb_t *db = open_raw(f);
  rocksdb_compactoptions_t *co = rocksdb_compactoptions_create();
  /* forced: every file is written again, with the raw open's Snappy */
  rocksdb_compactoptions_set_bottommost_level_compaction(co, 2);
  rocksdb_compact_range_opt(db, co, NULL, 0, NULL, 0);
  rocksdb_compactoptions_destroy(co);
  rocksdb_close(db);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* ---- a save begun beside resolution -------------------------------------- */

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

/* What the log said at DEBUG and above while a test ran. */
static pt_buf logged = PT_BUF_INIT;

static void log_to_buf(pt_log_level level, const char *msg, void *payload)
{
  (void)level;
  assert_int_equal(pt_buf_printf(payload, "%s\n", msg), 0);
}

static void log_start(void)
{
  pt_buf_fini(&logged);
  pt_log_set_sink(log_to_buf, &logged);
  pt_log_set_level(PT_LOG_DEBUG);
}

static void log_stop(void)
{
  pt_log_set_sink(NULL, NULL);
  pt_log_set_level(PT_LOG_WARN);
  pt_buf_fini(&logged);
}

static const char save_letters[] = "adefimt";

static void assert_same_raw(const raw *a, const raw *b)
{
  assert_int_equal(a->n, b->n);
  for (size_t i = 0; i < a->n; i++) {
    assert_int_equal(a->klen[i], b->klen[i]);
    assert_memory_equal(a->key[i], b->key[i], a->klen[i]);
    assert_int_equal(a->vlen[i], b->vlen[i]);
    assert_memory_equal(a->val[i], b->val[i], a->vlen[i]);
  }
}

/* The entities, files and ignored files are written as table files on a
 * thread while the graph is resolved, their strings numbered first; the
 * save writes the rest and takes them all in: the same records, key for
 * key and byte for byte, as a save of the whole graph, and nothing left
 * in the folder. */
static void rocksdb_save_begin__the_save_finishes_the_tables_begun(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  raw begun[sizeof save_letters - 1], whole[sizeof save_letters - 1];
  log_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  pt_store_save_release(f->st);
  assert_true(n_save_tables(f) > 0); /* written before the edges exist */
  resolve_sample(f->st, g, sample);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(logged.ptr, "finishing the save begun"));
  assert_null(strstr(logged.ptr, "saving whole"));
  log_stop();
  assert_int_equal(n_save_tables(f), 0);
  pt_test_assert_loads(f->st, sample);
  for (size_t k = 0; k < sizeof save_letters - 1; k++)
    begun[k] = raw_records(f, save_letters[k]);
  assert_int_equal(pt_store_save(f->st, sample), 0); /* whole */
  for (size_t k = 0; k < sizeof save_letters - 1; k++) {
    whole[k] = raw_records(f, save_letters[k]);
    assert_same_raw(&begun[k], &whole[k]);
    raw_fini(&begun[k]);
    raw_fini(&whole[k]);
  }
  assert_int_equal(n_generations(f), 1);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* The begun save reads the records in the graph until
 * pt_store_save_release returns: what they are after it (here scrambled
 * for a while, then as they were) is not read. */
static void rocksdb_save_begin__reads_the_records_until_released(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  size_t n = pt_graph_n_entities(g);
  pt_entity *e = (pt_entity *)pt_graph_entities(g), *was = NULL;
  log_start();
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
  assert_non_null(strstr(logged.ptr, "finishing the save begun"));
  log_stop();
  pt_test_assert_loads(f->st, sample);
  reopen(f);
  pt_test_assert_loads(f->st, sample);
  pt_store_save_release(f->st); /* nothing begun: nothing to wait for */
  pt_free(was);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* The file records are written when the save finishes, as the finished
 * graph holds them: what resolution read, added to each file's reuse
 * record after the save began (pt_ingest_opts.keep_reads), is saved, and
 * the save still finishes the tables begun. */
static void rocksdb_save_begin__writes_the_files_as_resolution_left_them(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  log_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  resolve_sample(f->st, g, sample);
  pt_test_rewrite_file_reuse(g);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(logged.ptr, "finishing the save begun"));
  assert_null(strstr(logged.ptr, "saving whole"));
  log_stop();
  assert_int_equal(n_save_tables(f), 0);
  pt_test_assert_loads(f->st, g);
  reopen(f);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
  pt_graph_free(sample);
}

/* A save of other records than the ones begun (here another graph)
 * throws the begun tables away and writes the graph whole. */
static void rocksdb_save_begin__a_save_of_other_records_is_written_whole(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *g = unresolved_sample(sample);
  log_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  pt_store_save_release(f->st);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_non_null(strstr(logged.ptr, "saving whole"));
  log_stop();
  assert_int_equal(n_save_tables(f), 0);
  pt_test_assert_loads(f->st, small);
  reopen(f);
  pt_test_assert_loads(f->st, small);
  pt_graph_free(g);
  pt_graph_free(small);
  pt_graph_free(sample);
}

/* A run that fails after the save began (no save comes) leaves no table
 * file once the store is closed, and the database as it was. */
static void rocksdb_save_begin__closing_without_a_save_leaves_no_tables(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *g = unresolved_sample(sample);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  pt_store_close(f->st);
  f->st = NULL;
  assert_int_equal(n_save_tables(f), 0);
  assert_int_equal(pt_store_open(f->spec, &f->st), 0);
  pt_test_assert_loads(f->st, small);
  assert_int_equal(n_generations(f), 1);
  assert_int_equal(current_generation(f), 1);
  pt_graph_free(g);
  pt_graph_free(small);
  pt_graph_free(sample);
}

/* The generations stay numbered as whole saves number them: a save begun
 * and dropped (closed without a save) takes no number, a save that
 * finishes one takes the next, and so does a whole save after it. */
static void rocksdb_save_begin__generations_are_numbered_as_whole_saves(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph(), *small = pt_test_small_graph();
  pt_graph *g = unresolved_sample(sample), *g2 = unresolved_sample(sample);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  reopen(f); /* dropped */
  log_start();
  assert_int_equal(pt_store_save_begin(f->st, g2), 0);
  resolve_sample(f->st, g2, sample);
  assert_int_equal(pt_store_save(f->st, g2), 0);
  assert_non_null(strstr(logged.ptr, "finishing the save begun"));
  log_stop();
  assert_int_equal(current_generation(f), 2);
  assert_int_equal(n_generations(f), 1);
  assert_int_equal(pt_store_save(f->st, small), 0);
  assert_int_equal(current_generation(f), 3);
  reopen(f);
  pt_test_assert_loads(f->st, small);
  assert_int_equal(n_save_tables(f), 0);
  pt_graph_free(g2);
  pt_graph_free(g);
  pt_graph_free(small);
  pt_graph_free(sample);
}

/* The thread may be done reading before pt_store_save_begin returns (an
 * empty graph has nothing to read): release still returns, every time
 * (a mark of reading set after the thread started hung it). */
static void rocksdb_save_begin__release_returns_when_the_thread_read_first(
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
  assert_int_equal(n_save_tables(f), 0);
  pt_test_assert_loads(f->st, g);
  pt_graph_free(g);
}

/* The thread cannot write its first table file (a folder lies at its
 * path): the save writes the graph whole, as without the head start, into
 * the next generation, and only the folder in the way is left. */
static void rocksdb_save_begin__a_failed_thread_costs_only_the_head_start(
    void **state)
{
  pt_test_fixture *f = *state;
  pt_graph *sample = pt_test_sample_graph();
  pt_graph *g = unresolved_sample(sample);
  pt_buf in_way = PT_BUF_INIT;
  raw got[sizeof save_letters - 1];
  assert_int_equal(pt_store_save(f->st, sample), 0);
  for (size_t k = 0; k < sizeof save_letters - 1; k++)
    got[k] = raw_records(f, save_letters[k]);
  assert_int_equal(pt_buf_printf(&in_way, "%s/parseltongue-save.tmp-b0.sst",
                                 pt_test_spec_path(f)), 0);
  assert_int_equal(pt_fs_mkdir(in_way.ptr), 0);
  log_start();
  assert_int_equal(pt_store_save_begin(f->st, g), 0);
  resolve_sample(f->st, g, sample);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(logged.ptr, "saving whole"));
  assert_non_null(strstr(logged.ptr, "cannot create a table file"));
  assert_null(strstr(logged.ptr, "finishing the save begun"));
  log_stop();
  assert_int_equal(n_save_tables(f), 1); /* the folder */
  assert_int_equal(current_generation(f), 2);
  assert_int_equal(n_generations(f), 1);
  for (size_t k = 0; k < sizeof save_letters - 1; k++) {
    raw now = raw_records(f, save_letters[k]);
    assert_same_raw(&got[k], &now);
    raw_fini(&now);
    raw_fini(&got[k]);
  }
  reopen(f);
  pt_test_assert_loads(f->st, sample);
  assert_int_equal(pt_fs_remove_dir(in_way.ptr), 0);
  pt_buf_fini(&in_way);
  pt_graph_free(g);
  pt_graph_free(sample);
}

typedef struct hook_seen {
  pt_store *st;
  size_t n_calls, n_entities, n_edges, n_released;
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
  (void)g;
  h->n_released++;
  pt_store_save_release(h->st);
}

/* pt01's order (cli/cli_index.c) on a real ingest: begun with every
 * entity merged and no edge yet, released once the edges are made; the
 * save finishes the tables begun, with the records of a whole save. */
static void rocksdb_save_begin__during_an_ingest(void **state)
{
  pt_test_fixture *f = *state;
  pt_ingest_opts o = {.root = PT_FIXTURES "/lang/c", .n_threads = 2};
  pt_ingest_stats stats;
  pt_graph *g = NULL;
  hook_seen h = {f->st, 0, 0, 0, 0};
  raw begun[sizeof save_letters - 1];
  log_start();
  assert_int_equal(pt_ingest_with_hook(&o, begin_at_merge,
                                       release_when_resolved, &h, &g, &stats),
                   0);
  assert_int_equal(h.n_calls, 1);
  assert_int_equal(h.n_released, 1);
  assert_true(h.n_entities > 0);
  assert_int_equal(h.n_entities, pt_graph_n_entities(g));
  assert_int_equal(h.n_edges, 0);
  assert_true(pt_graph_n_edges(g) > 0);
  assert_int_equal(pt_store_save(f->st, g), 0);
  assert_non_null(strstr(logged.ptr, "finishing the save begun"));
  assert_null(strstr(logged.ptr, "saving whole"));
  log_stop();
  pt_test_assert_loads(f->st, g);
  for (size_t k = 0; k < sizeof save_letters - 1; k++)
    begun[k] = raw_records(f, save_letters[k]);
  assert_int_equal(pt_store_save(f->st, g), 0); /* whole */
  for (size_t k = 0; k < sizeof save_letters - 1; k++) {
    raw whole = raw_records(f, save_letters[k]);
    assert_true(whole.n > 0 || !strchr("adef", save_letters[k]));
    assert_same_raw(&begun[k], &whole);
    raw_fini(&begun[k]);
    raw_fini(&whole);
  }
  pt_ingest_stats_fini(&stats);
  pt_graph_free(g);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
  const struct CMUnitTest rocksdb_only[] = {
      STORE_TEST(rocksdb_open__creates_only_the_last_folder_level,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_open__second_writer_is_told_who_holds_it,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_open_read__loads_while_a_writer_holds_it,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_open_read_and_update__create_nothing,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_open_create__refuses_a_folder_that_holds_no_database,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_load__round_trips_a_graph_of_many_batches,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__keeps_only_the_current_generation,
                 &rocksdb_backend),
      STORE_TEST(
          rocksdb_save__interrupted_before_the_flip_loads_the_old_contents,
          &rocksdb_backend),
      STORE_TEST(rocksdb_save__removes_what_an_interrupted_save_left,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__first_save_interrupted_returns_notfound,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__leaves_its_records_at_the_bottom_level,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__removes_the_table_files_a_killed_save_left,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_update__turns_old_into_now_in_place, &rocksdb_backend),
      STORE_TEST(rocksdb_update__on_an_empty_database_saves, &rocksdb_backend),
      STORE_TEST(rocksdb_save__writes_one_edge_record_for_each_from_key,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__names_a_database_of_an_older_format,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__stores_each_string_once, &rocksdb_backend),
      STORE_TEST(rocksdb_update__names_new_strings_once, &rocksdb_backend),
      STORE_TEST(rocksdb_save__numbers_strings_as_the_records_first_name_them,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__keeps_the_ids_from_the_numbering,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_update__finds_ids_by_pointer_in_the_pool_it_knows,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_the_hashed_strings_of_builds_before,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_a_database_of_format_6,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_a_database_of_format_7,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_a_database_of_format_8,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_a_database_of_format_9,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__keeps_nested_code_as_a_range_of_its_holder,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__refuses_a_range_outside_its_holder,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_update__gives_ranges_their_bytes_first,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__keeps_each_entity_code_apart,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__refuses_code_records_that_miss_an_entity,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_many_code_records_beside_the_entities,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__out_of_memory_reading_code_fails_cleanly,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_the_edges_beside_the_other_records,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__fails_on_the_first_bad_record_in_key_order,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load_then__reads_the_edges_beside_and_joins_after_ready,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__refuses_a_broken_string_table,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_load__refuses_an_edge_record_of_a_wrong_count,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save__writes_lz4_blocks_of_256_kb, &rocksdb_backend),
      STORE_TEST(rocksdb_load__reads_blocks_of_another_compression,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__the_save_finishes_the_tables_begun,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__reads_the_records_until_released,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__writes_the_files_as_resolution_left_them,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__a_save_of_other_records_is_written_whole,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__closing_without_a_save_leaves_no_tables,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__generations_are_numbered_as_whole_saves,
                 &rocksdb_backend),
      STORE_TEST(
          rocksdb_save_begin__release_returns_when_the_thread_read_first,
          &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__a_failed_thread_costs_only_the_head_start,
                 &rocksdb_backend),
      STORE_TEST(rocksdb_save_begin__during_an_ingest, &rocksdb_backend),
  };  int failed = pt_test_store_conformance("store_conformance[rocksdb]",
                                         &rocksdb_backend);
  failed += cmocka_run_group_tests_name("store_rocksdb", rocksdb_only, NULL,
                                        NULL);
  return failed;
}
