/* The pt01 pipeline end to end in memory: determinism, root spelling,
 * unique keys, broken files and test exclusion (resolution is in
 * test_resolve.c). */
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/strmap.h"
#include "test_support.h"
#include "base/words.h"
#include "ingest/ingest_int.h"

static char *dump_of(const char *root, unsigned threads, pt_ingest_stats *st_out)
{
  pt_ingest_opts o = {root, threads, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_graph_dump(g, &b), 0);
  pt_graph_free(g);
  if (st_out)
    *st_out = st;
  else
    pt_ingest_stats_fini(&st);
  return pt_buf_detach(&b);
}

/* Drops the "meta root" line, which names the absolute root. */
static char *without_root(char *dump)
{
  char *m = strstr(dump, "meta\troot\t");
  if (m)
    *m = '\0';
  return dump;
}

static void ingest__same_tree_gives_identical_dump_for_1_and_2_threads(void **state)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang", PT_FIXTURES);
  char *a = dump_of(dir, 1, NULL);
  char *b = dump_of(dir, 2, NULL);
  char *c = dump_of(dir, 2, NULL);
  assert_string_equal(a, b);
  assert_string_equal(b, c);
  pt_free(a);
  pt_free(b);
  pt_free(c);
}

/* The references kept from merge to resolution are the peak's largest
 * item after the graph's strings (docs/performance.md, "Memory"): their
 * kept form is 40 bytes where a pt_raw_ref is 64. */
static void ingest__kept_references_take_40_bytes(void **state)
{
  assert_int_equal(sizeof(pt__kept_ref), 40);
  assert_true(sizeof(pt__kept_ref) < sizeof(pt_raw_ref));
}

/* A kept reference's strings are shared with other references of its
 * batch that name the same text, but an import's own: the resolver tells
 * an import's binding by the address of its name. The same name imported
 * twice (try/except) gives an edge from each import to its own module's. */
static void ingest__a_name_imported_twice_binds_each_import(void **state)
{
  char *tmp = pt_test_tmpdir("twoimports");
  pt_test_write(tmp, "a.py", "def f():\n    return 1\n");
  pt_test_write(tmp, "b.py", "def f():\n    return 2\n");
  pt_test_write(tmp, "m.py", "try:\n    from a import f\nexcept ImportError:\n"
                             "    from b import f\n");
  char *d = dump_of(tmp, 1, NULL);
  const char *a = strstr(d, "\tUses\tpython:fn:f:__a:T");
  const char *b = strstr(d, "\tUses\tpython:fn:f:__b:T");
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(strstr(a, "\tm.py:2\timport\n"));
  assert_non_null(strstr(b, "\tm.py:4\timport\n"));
  pt_free(d);
  pt_free(tmp);
}

/* References are resolved a batch of files at a time and freed batch by
 * batch; batches of one file give what one batch of them all gives. */
static void ingest__resolution_batches_do_not_change_the_graph(void **state)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang", PT_FIXTURES);
  char *a = dump_of(dir, 2, NULL);
  pt__ingest_set_batch_refs(1);
  char *b = dump_of(dir, 2, NULL);
  char *c = dump_of(dir, 1, NULL);
  pt__ingest_set_batch_refs(0);
  assert_string_equal(a, b);
  assert_string_equal(a, c);
  pt_free(a);
  pt_free(b);
  pt_free(c);
}

static void ingest__keys_do_not_depend_on_how_the_root_is_typed(void **state)
{
  char *tmp = pt_test_tmpdir("rootspell");
  pt_test_write(tmp, "proj/src/a.py", "def f():\n    return g()\n\ndef g():\n    return 1\n");
  char abs[600], dotted[700];
  snprintf(abs, sizeof abs, "%s/proj", tmp);
  snprintf(dotted, sizeof dotted, "%s/proj/./src/..", tmp);
  char *a = without_root(dump_of(abs, 1, NULL));
  char *b = without_root(dump_of(dotted, 1, NULL));
  assert_string_equal(a, b);
  assert_non_null(strstr(a, "python:fn:f:__src_a:T"));
  pt_free(a);
  pt_free(b);
  pt_free(tmp);
}

/* The key of an entity of one ingest, found by qualified name. */
static char *key_of(const char *root, const char *qualname)
{
  pt_ingest_opts o = {root, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  char *key = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  const pt_entity *e = pt_graph_entities(g);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++)
    if (!strcmp(e[i].qualname, qualname))
      key = pt_strdup(e[i].key);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  assert_non_null(key);
  return key;
}

static void ingest__keys_stay_when_unrelated_code_moves(void **state)
{
  char *tmp = pt_test_tmpdir("stablekeys");
  pt_test_write(tmp, "shop.py",
                "class Cart:\n    def total(self):\n        return 1\n\n"
                "def checkout(cart):\n    return cart.total()\n");
  char *cart_total = key_of(tmp, "Cart.total");
  char *checkout = key_of(tmp, "checkout");
  pt_test_write(tmp, "shop.py",
                "import os\n\n\ndef helper():\n    return os.sep\n\n"
                "class Cart:\n    def total(self):\n        return 1\n\n"
                "    def count(self):\n        return 0\n\n"
                "def checkout(cart):\n    return cart.total()\n");
  char *cart_total2 = key_of(tmp, "Cart.total");
  char *checkout2 = key_of(tmp, "checkout");
  assert_string_equal(cart_total, cart_total2);
  assert_string_equal(checkout, checkout2);
  pt_free(cart_total);
  pt_free(cart_total2);
  pt_free(checkout);
  pt_free(checkout2);
  pt_free(tmp);
}

static void ingest__two_definitions_never_share_a_key(void **state)
{
  char *tmp = pt_test_tmpdir("uniquekeys");
  pt_test_write(tmp, "lib.rs",
                "struct A;\nstruct B;\nimpl A { fn new() -> A { A } }\n"
                "impl B { fn new() -> B { B } }\nimpl A { fn other() {} }\n");
  pt_ingest_opts o = {tmp, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), 0);
  pt_strmap seen = PT_STRMAP_INIT;
  const pt_entity *e = pt_graph_entities(g);
  assert_int_equal(pt_graph_n_entities(g), 8); /* 2 structs, 3 impls, 3 fns */
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    assert_false(pt_strmap_get(&seen, e[i].key, strlen(e[i].key), NULL));
    pt_strmap_put(&seen, e[i].key, strlen(e[i].key), i);
  }
  pt_strmap_fini(&seen);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(tmp);
}

/* tmp indexed on n_threads: n_ents entities, among them the f349488 of
 * x.y/z.c (*in_c) and of x/y.z.h (*in_h), whose keys differ. */
static pt_graph *index_colliding(char *tmp, unsigned n_threads, size_t n_ents,
                                 pt_ingest_stats *st, const char **in_c,
                                 const char **in_h)
{
  pt_ingest_opts o = {tmp, n_threads, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, st), 0);
  assert_int_equal(pt_graph_n_entities(g), n_ents);
  const pt_entity *e = pt_graph_entities(g);
  for (size_t i = 0; i < n_ents; i++)
    if (!strcmp(e[i].name, "f349488"))
      *(!strcmp(e[i].file_path, "x.y/z.c") ? in_c : in_h) = e[i].key;
  assert_non_null(*in_c);
  assert_non_null(*in_h);
  assert_string_not_equal(*in_c, *in_h);
  return g;
}

/* x.y/z.c and x/y.z.h share the semantic path __x_y_z, and for the name
 * f349488 their birth numbers collide (found by search): the second file's
 * key must move on, and its own references must follow it. */
static void ingest__colliding_keys_of_two_files_are_made_unique(void **state)
{
  char *tmp = pt_test_tmpdir("collide");
  pt_test_write(tmp, "x.y/z.c", "int f349488(void) { return 1; }\n");
  pt_test_write(tmp, "x/y.z.h",
                "static int f349488(void) { return 2; }\n"
                "static int g(void) { return f349488(); }\n");
  pt_ingest_stats st;
  const char *in_c = NULL, *in_h = NULL;
  pt_graph *g = index_colliding(tmp, 2, 3, &st, &in_c, &in_h);
  const pt_edge *ed = pt_graph_edges(g);
  int found = 0;
  for (size_t i = 0; i < pt_graph_n_edges(g); i++)
    found |= ed[i].type == PT_EDGE_CALLS && !strcmp(ed[i].to_key, in_h);
  assert_true(found); /* g calls the f349488 of its own file */
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(tmp);
}

/* As above, with references from the key that moves on: they come from
 * its new key (the merge takes a reference's referring key from its
 * entity's place in the graph, or the last reference's). */
static void ingest__references_from_a_moved_key_come_from_the_new_key(
    void **state)
{
  char *tmp = pt_test_tmpdir("collide_from");
  pt_test_write(tmp, "x.y/z.c", "int f349488(void) { return 1; }\n");
  pt_test_write(tmp, "x/y.z.h",
                "static int one(void) { return 1; }\n"
                "static int two(void) { return 2; }\n"
                "static int f349488(void) { return one() + two(); }\n");
  pt_ingest_stats st;
  const char *in_c = NULL, *in_h = NULL;
  pt_graph *g = index_colliding(tmp, 1, 4, &st, &in_c, &in_h);
  const pt_edge *ed = pt_graph_edges(g);
  int n_from_h = 0, n_from_c = 0;
  for (size_t i = 0; i < pt_graph_n_edges(g); i++)
    if (ed[i].type == PT_EDGE_CALLS) {
      n_from_h += !strcmp(ed[i].from_key, in_h);
      n_from_c += !strcmp(ed[i].from_key, in_c);
    }
  assert_int_equal(n_from_h, 2); /* one() and two() */
  assert_int_equal(n_from_c, 0);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(tmp);
}

/* As ctags and ripgrep do: one bad byte, even in a string or a comment,
 * must not cost the whole file. */
static void ingest__invalid_utf8_is_decoded_lossily_with_a_warning(
    void **state)
{
  char *tmp = pt_test_tmpdir("lossy");
  pt_test_write(tmp, "bad_utf8.py", "def f():\n    return 1\n\n"
                "def g():\n    return '\xff\xfe' # \xc3(\n");
  pt_ingest_stats st;
  char *d = dump_of(tmp, 1, &st);
  assert_int_equal(st.n_errors, 0);
  assert_int_equal(st.n_warnings, 1);
  assert_string_equal(st.warnings[0], "bad_utf8.py:5: invalid UTF-8, 3 bytes "
                      "read as U+FFFD");
  assert_non_null(strstr(d, "file\tbad_utf8.py\tpython\t"));
  assert_non_null(strstr(d, ":g:"));
  pt_ingest_stats_fini(&st);
  pt_free(d);
  pt_free(tmp);
}

/* Valid text is left as it is, *line 1; the first invalid byte's line is
 * counted only when there is one. */
static void ingest__decode_lossily_counts_lines_only_for_a_bad_byte(
    void **state)
{
  (void)state;
  pt_buf src = PT_BUF_INIT;
  size_t n_bad = 9, line = 9;
  assert_int_equal(pt_buf_puts(&src, "a\nb\nc\n"), 0);
  assert_int_equal(pt__ingest_decode_lossily(&src, &n_bad, &line), 0);
  assert_int_equal(n_bad, 0);
  assert_int_equal(line, 1);
  assert_string_equal(pt_buf_cstr(&src), "a\nb\nc\n");
  assert_int_equal(pt_buf_puts(&src, "\xff\n"), 0);
  assert_int_equal(pt__ingest_decode_lossily(&src, &n_bad, &line), 0);
  assert_int_equal(n_bad, 1);
  assert_int_equal(line, 4);
  assert_string_equal(pt_buf_cstr(&src), "a\nb\nc\n\xef\xbf\xbd\n");
  pt_buf_fini(&src);
}

/* What the lossy decode leaves is valid UTF-8 whole, as extraction's own
 * check reads it: pt01 extracts it without that check
 * (pt__extract_file_valid). */
static void ingest__decoded_text_is_valid_utf8(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "\xff", "a\xc3", "\xc3(", "\xe2\x82", "\xe2\x82(\n", "\xc0\xaf",
      "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80\x80x", "ok \xf0\x9f\x98",
      "\xf0\x9f\x98\x80 \xfe\xff", "x\xe0\x80\xafy"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    pt_buf src = PT_BUF_INIT;
    size_t n_bad = 0, line = 0;
    assert_int_equal(pt_buf_puts(&src, bad[i]), 0);
    assert_true(pt__utf8_invalid_at(src.ptr, src.len) < src.len);
    assert_int_equal(pt__ingest_decode_lossily(&src, &n_bad, &line), 0);
    assert_true(n_bad > 0);
    assert_int_equal(pt__utf8_invalid_at(src.ptr, src.len), src.len);
    pt_buf_fini(&src);
  }
}

static void ingest__broken_files_are_ignored_or_indexed(void **state)
{
  char *tmp = pt_test_tmpdir("broken");
  pt_test_write(tmp, "good.py", "def ok():\n    return 1\n");
  pt_test_write(tmp, "junk.c", "int x;\n\001\002\003");
  /* a binary file: NUL bytes */
  char bin[64] = "\x7f" "ELF";
  FILE *fp;
  char path[600];
  snprintf(path, sizeof path, "%s/blob.c", tmp);
  fp = fopen(path, "wb");
  fwrite(bin, 1, sizeof bin, fp);
  fclose(fp);
  /* 100,000 nested parentheses */
  snprintf(path, sizeof path, "%s/deep.js", tmp);
  fp = fopen(path, "wb");
  fputs("function deep() { return ", fp);
  for (int i = 0; i < 100000; i++)
    fputc('(', fp);
  fputs("1", fp);
  for (int i = 0; i < 100000; i++)
    fputc(')', fp);
  fputs("; }\n", fp);
  fclose(fp);
  pt_ingest_stats st;
  char *d = dump_of(tmp, 2, &st);
  assert_int_equal(st.n_errors, 0);
  assert_non_null(strstr(d, "ignored\tblob.c\tbinary\n"));
  assert_non_null(strstr(d, "file\tgood.py\tpython\t"));
  assert_non_null(strstr(d, "file\tdeep.js\tjavascript\t"));
  assert_non_null(strstr(d, "file\tjunk.c\tc\t"));
  pt_ingest_stats_fini(&st);
  pt_free(d);
  pt_free(tmp);
}

/* Every allocation failure is returned as PT_ENOMEM (the sanitizer build
 * checks nothing leaks); one thread, so the failure countdown is exact. */
static void ingest__out_of_memory_anywhere_is_returned(void **state)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/lang/python", PT_FIXTURES);
  int succeeded = 0;
  for (unsigned long n = 1; n < 20000 && !succeeded; n += (n < 400 ? 1 : 37)) {
    pt_ingest_opts o = {dir, 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
    pt_ingest_stats st;
    pt_graph *g = NULL;
    pt_alloc_fail_after(n);
    int rc = pt_ingest(&o, &g, &st);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    if (rc == 0) {
      succeeded = st.n_errors == 0;
      pt_ingest_stats_fini(&st);
    } else {
      assert_null(g);
    }
    pt_graph_free(g);
    pt_error_clear();
  }
  assert_true(succeeded);
}

/* A Rust file of n functions, each calling one other by a name of its
 * own (tag keeps two files' names apart). */
static void rust_source(pt_buf *b, int n, const char *tag)
{
  pt_buf_clear(b);
  assert_int_equal(pt_buf_puts(b, "use std::io;\n"), 0);
  for (int i = 0; i < n; i++)
    assert_int_equal(pt_buf_printf(b, "fn %s_f%d(x: u32) -> u32 { io_%s_g%d(x, %d) }\n",
                                   tag, i, tag, (i * 7) % n, i), 0);
}

/* A parse thread builds every reuse record in one encoder kept from file
 * to file (pt__reuse_encode_in): each record is the one a fresh encoder
 * makes, after a file large enough that its maps are freed and after
 * small ones that reuse them; an allocation failing returns PT_ENOMEM and
 * leaves the encoder fit for the next file. */
static void ingest__a_kept_encoder_makes_the_fresh_records(void **state)
{
  (void)state;
  static const struct { int n; const char *tag; } files[] = {
      {20, "a"}, {7000, "big"}, {3, "b"}, {9000, "bigger"}, {40, "c"}, {1, "d"}};
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  assert_int_equal(pt_queries_new(&q), 0);
  assert_int_equal(pt_extractor_new(q, &x), 0);
  pt__reuse_enc enc = PT__REUSE_ENC_INIT;
  pt_buf src = PT_BUF_INIT;
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    rust_source(&src, files[f].n, files[f].tag);
    pt_file_result *a = NULL, *b = NULL;
    assert_int_equal(pt_extract_file(x, PT_GRAMMAR_RUST, "src/m.rs", src.ptr,
                                     src.len, &a), 0);
    assert_int_equal(pt_extract_file(x, PT_GRAMMAR_RUST, "src/m.rs", src.ptr,
                                     src.len, &b), 0);
    assert_true(a->n_refs >= (size_t)files[f].n);
    assert_int_equal(pt__reuse_encode(a, src.len + 1), 0);
    if (f == 2) { /* failures anywhere in the kept encoder's record */
      int failed = 1;
      for (unsigned long n = 1; failed; n++) {
        pt_alloc_fail_after(n);
        int rc = pt__reuse_encode_in(&enc, b, src.len + 1);
        pt_alloc_fail_after(0);
        assert_true(rc == 0 || rc == PT_ENOMEM);
        failed = rc != 0;
        pt_error_clear();
      }
    } else {
      assert_int_equal(pt__reuse_encode_in(&enc, b, src.len + 1), 0);
    }
    assert_non_null(a->file.reuse);
    assert_int_equal(a->file.reuse_size, b->file.reuse_size);
    assert_memory_equal(a->file.reuse, b->file.reuse, a->file.reuse_size);
    assert_true(enc.b.cap <= ((size_t)256 << 10));
    assert_true(enc.strings.cap * sizeof(pt_strmap_slot) <= ((size_t)256 << 10));
    assert_int_equal(enc.strings.n, 0);
    assert_int_equal(enc.from.n, 0);
    pt_file_result_free(a);
    pt_file_result_free(b);
  }
  pt__reuse_enc_fini(&enc);
  pt_buf_fini(&src);
  pt_extractor_free(x);
  pt_queries_free(q);
}

static void ingest__missing_root_fails_with_a_clear_error(void **state)
{
  pt_ingest_opts o = {"/nonexistent/pt-root", 1, 0, NULL, 0, NULL, NULL, 0, NULL, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  assert_int_equal(pt_ingest(&o, &g, &st), PT_ENOTFOUND);
  assert_null(g);
}

/* Resolution has its own suite (test_resolve.c). */
static void ingest__tests_are_listed_apart_from_the_entities(void **state)
{
  char *tmp = pt_test_tmpdir("tests");
  pt_test_write(tmp, "pkg/main.go", "package pkg\n\nfunc Run() int { return 1 }\n");
  pt_test_write(tmp, "pkg/main_test.go",
                "package pkg\n\nimport \"testing\"\n\nfunc TestRun(t *testing.T) { Run() }\n");
  pt_ingest_stats st;
  char *d = dump_of(tmp, 2, &st);
  assert_non_null(strstr(d, "test\tgo:fn:TestRun:__pkg_main_test:T"));
  assert_null(strstr(d, "entity\tgo:fn:TestRun"));
  assert_int_equal(st.n_tests, 1);
  pt_ingest_stats_fini(&st);
  pt_free(d);
  pt_free(tmp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ingest__same_tree_gives_identical_dump_for_1_and_2_threads),
    cmocka_unit_test(ingest__kept_references_take_40_bytes),
    cmocka_unit_test(ingest__a_name_imported_twice_binds_each_import),
    cmocka_unit_test(ingest__resolution_batches_do_not_change_the_graph),
    cmocka_unit_test(ingest__keys_do_not_depend_on_how_the_root_is_typed),
    cmocka_unit_test(ingest__keys_stay_when_unrelated_code_moves),
    cmocka_unit_test(ingest__two_definitions_never_share_a_key),
    cmocka_unit_test(ingest__colliding_keys_of_two_files_are_made_unique),
    cmocka_unit_test(ingest__references_from_a_moved_key_come_from_the_new_key),
    cmocka_unit_test(ingest__invalid_utf8_is_decoded_lossily_with_a_warning),
    cmocka_unit_test(ingest__decode_lossily_counts_lines_only_for_a_bad_byte),
    cmocka_unit_test(ingest__decoded_text_is_valid_utf8),
    cmocka_unit_test(ingest__broken_files_are_ignored_or_indexed),
    cmocka_unit_test(ingest__out_of_memory_anywhere_is_returned),
    cmocka_unit_test(ingest__a_kept_encoder_makes_the_fresh_records),
    cmocka_unit_test(ingest__missing_root_fails_with_a_clear_error),
    cmocka_unit_test(ingest__tests_are_listed_apart_from_the_entities),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
