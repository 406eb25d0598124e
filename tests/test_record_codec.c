/* The binary record encoding of pt/record_codec.h: round trips of every
 * record type and field, NULL kept apart from "", and malformed input
 * refused with PT_EINVAL instead of read past its end. */
#include <string.h>

#include "pt/error.h"
#include "pt/graph.h"
#include "pt/record_codec.h"
#include "test_support.h"

static void record_codec__round_trips_entity_with_every_field(void **state)
{
  pt_entity e = {"rust:fn:f:__src_a:T-5", "f", "A.f", "src/a.rs",
                 "fn f()\t{", "fn f() {\n  \"x\" é\n}", NULL, "",
                 PT_LANG_SWIFT, PT_KIND_TYPEDEF, 4294967295u, 7, 0, INT64_MIN};
  memcpy(e.content_hash, "0123456789abcdef0123456789abcdef"
                         "0123456789abcdef0123456789abcdef", 65);
  pt_buf b = PT_BUF_INIT;
  pt_entity d;
  assert_int_equal(pt_record_encode_entity(&b, &e), 0);
  assert_int_equal(pt_record_decode_entity(b.ptr, b.len, &d), 0);
  assert_string_equal(d.key, e.key);
  assert_string_equal(d.name, e.name);
  assert_string_equal(d.qualname, e.qualname);
  assert_string_equal(d.file_path, e.file_path);
  assert_string_equal(d.signature, e.signature);
  assert_string_equal(d.code, e.code);
  assert_null(d.parent_key);
  assert_string_equal(d.content_hash, e.content_hash);
  assert_int_equal(d.lang, PT_LANG_SWIFT);
  assert_int_equal(d.kind, PT_KIND_TYPEDEF);
  assert_int_equal(d.line_start, 4294967295u);
  assert_int_equal(d.line_end, 7);
  assert_true(d.birth == INT64_MIN);
  pt_buf_fini(&b);
}

static void record_codec__keeps_null_and_empty_strings_apart(void **state)
{
  pt_edge e = {"", NULL, "x.c", PT_EDGE_EXTENDS, 9, 1, PT_RES_IMPORT, NULL};
  pt_buf b = PT_BUF_INIT;
  pt_edge d;
  assert_int_equal(pt_record_encode_edge(&b, &e), 0);
  assert_int_equal(pt_record_decode_edge(b.ptr, b.len, &d), 0);
  assert_non_null(d.from_key);
  assert_string_equal(d.from_key, "");
  assert_null(d.to_key);
  assert_string_equal(d.file_path, "x.c");
  assert_int_equal(d.type, PT_EDGE_EXTENDS);
  assert_int_equal(d.line, 9);
  assert_int_equal(d.resolved, 1);
  pt_buf_fini(&b);
}

static void record_codec__round_trips_file_test_ignored_and_meta(void **state)
{
  pt_file_record f = {"a/b.go", NULL, PT_LANG_GO, UINT64_MAX, 1, 2, 3,
                      4, 5, 6, (uint64_t)1 << 40, -1700000000123456789,
                      "R\001\000bytes", 8};
  pt_test_entity t = {"go:fn:TestX:__a_b:T1", "TestX", "a/b.go",
                      "test_file:_test.go", PT_LANG_GO, PT_KIND_FUNCTION, 3, 9};
  pt_ignored_file ig = {"docs/", "default_exclude"};
  pt_buf b = PT_BUF_INIT;
  pt_file_record df;
  pt_test_entity dt;
  pt_ignored_file di;
  const char *name, *value;
  assert_int_equal(pt_record_encode_file(&b, &f), 0);
  assert_int_equal(pt_record_decode_file(b.ptr, b.len, &df), 0);
  assert_int_equal(df.lang, PT_LANG_GO);
  assert_true(df.size == UINT64_MAX);
  assert_int_equal(df.n_entities, 1);
  assert_int_equal(df.n_tests, 2);
  assert_int_equal(df.n_parse_errors, 3);
  assert_int_equal(df.source_words, 4);
  assert_int_equal(df.entity_words, 5);
  assert_int_equal(df.import_words, 6);
  assert_true(df.comment_words == (uint64_t)1 << 40);
  assert_string_equal(df.path, f.path);
  assert_null(df.content_hash);
  assert_true(df.mtime_ns == f.mtime_ns);
  assert_int_equal(df.reuse_size, 8);
  assert_memory_equal(df.reuse, f.reuse, 8);
  pt_buf_clear(&b);
  f.reuse = NULL; /* none kept: stays NULL */
  f.reuse_size = 0;
  assert_int_equal(pt_record_encode_file(&b, &f), 0);
  assert_int_equal(pt_record_decode_file(b.ptr, b.len, &df), 0);
  assert_null(df.reuse);
  assert_int_equal(df.reuse_size, 0);
  pt_buf_clear(&b);
  assert_int_equal(pt_record_encode_test(&b, &t), 0);
  assert_int_equal(pt_record_decode_test(b.ptr, b.len, &dt), 0);
  assert_string_equal(dt.reason, t.reason);
  assert_int_equal(dt.line_end, 9);
  pt_buf_clear(&b);
  assert_int_equal(pt_record_encode_ignored(&b, &ig), 0);
  assert_int_equal(pt_record_decode_ignored(b.ptr, b.len, &di), 0);
  assert_string_equal(di.path, "docs/");
  pt_buf_clear(&b);
  assert_int_equal(pt_record_encode_meta(&b, "root", "/src"), 0);
  assert_int_equal(pt_record_decode_meta(b.ptr, b.len, &name, &value), 0);
  assert_string_equal(name, "root");
  assert_string_equal(value, "/src");
  pt_buf_fini(&b);
}

static void record_codec__rejects_every_truncation(void **state)
{
  pt_test_entity t = {"k", "n", "p", "r", PT_LANG_C, PT_KIND_STRUCT, 300,
                      70000};
  pt_buf b = PT_BUF_INIT;
  pt_test_entity d;
  assert_int_equal(pt_record_encode_test(&b, &t), 0);
  for (size_t n = 0; n < b.len; n++)
    assert_int_equal(pt_record_decode_test(b.ptr, n, &d), PT_EINVAL);
  assert_int_equal(pt_record_decode_test(b.ptr, b.len, &d), 0);
  pt_buf_fini(&b);
}

static void record_codec__rejects_wrong_type_and_trailing_bytes(void **state)
{
  pt_ignored_file ig = {"x", "binary"};
  pt_buf b = PT_BUF_INIT;
  pt_edge e;
  pt_ignored_file d;
  assert_int_equal(pt_record_encode_ignored(&b, &ig), 0);
  assert_int_equal(pt_record_decode_edge(b.ptr, b.len, &e), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "edge"));
  assert_int_equal(pt_buf_putc(&b, 0), 0);
  assert_int_equal(pt_record_decode_ignored(b.ptr, b.len, &d), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "trailing"));
  pt_buf_fini(&b);
}

static void record_codec__rejects_enum_out_of_range(void **state)
{
  pt_edge e = {"a", "b", "c", PT_EDGE_USES, 1, 0, PT_RES_AMBIGUOUS, NULL};
  pt_buf b = PT_BUF_INIT;
  pt_edge d;
  assert_int_equal(pt_record_encode_edge(&b, &e), 0);
  /* the type is the varint right after the three strings "a", "b", "c" */
  assert_int_equal(b.ptr[2 + 3 * 3], PT_EDGE_USES);
  b.ptr[2 + 3 * 3] = PT_EDGE__COUNT;
  assert_int_equal(pt_record_decode_edge(b.ptr, b.len, &d), PT_EINVAL);
  pt_buf_fini(&b);
}

static void record_codec__rejects_string_with_inner_nul(void **state)
{
  pt_ignored_file ig = {"abc", "r"};
  pt_buf b = PT_BUF_INIT;
  pt_ignored_file d;
  assert_int_equal(pt_record_encode_ignored(&b, &ig), 0);
  b.ptr[4] = '\0'; /* tag, version, length, 'a', then 'b' */
  assert_int_equal(pt_record_decode_ignored(b.ptr, b.len, &d), PT_EINVAL);
  pt_buf_fini(&b);
}

/* An edge with candidates: their count and listed keys come back; the
 * plain decoder leaves them out. */
static void record_codec__round_trips_edge_candidates(void **state)
{
  pt_graph *g = NULL;
  const char *keys[] = {"c:fn:f:__b:T2", "c:fn:f:__a:T1", ""};
  pt_edge e = {"c:fn:g:__c:T3", "c:fn:f:unresolved-reference:0-0", "c.c",
               PT_EDGE_CALLS, 4, 0, PT_RES_AMBIGUOUS, NULL};
  pt_buf b = PT_BUF_INIT;
  pt_edge d;
  pt_record_candidates c;
  assert_int_equal(pt_graph_new(&g), 0);
  assert_int_equal(pt_graph_intern_candidates(g, 30, keys, 3, &e.candidates),
                   0);
  assert_int_equal(pt_record_encode_edge(&b, &e), 0);
  assert_int_equal(pt_record_decode_edge_candidates(b.ptr, b.len, &d, &c), 0);
  assert_int_equal(c.n, 30);
  assert_int_equal(c.n_keys, 3);
  assert_string_equal(c.keys[0], "");
  assert_string_equal(c.keys[1], "c:fn:f:__a:T1");
  assert_string_equal(c.keys[2], "c:fn:f:__b:T2");
  assert_null(d.candidates);
  assert_int_equal(d.resolution, PT_RES_AMBIGUOUS);
  assert_int_equal(pt_record_decode_edge(b.ptr, b.len, &d), 0);
  assert_null(d.candidates);
  e.candidates = NULL;
  pt_buf_clear(&b);
  assert_int_equal(pt_record_encode_edge(&b, &e), 0);
  assert_int_equal(pt_record_decode_edge_candidates(b.ptr, b.len, &d, &c), 0);
  assert_int_equal(c.n, 0);
  pt_buf_fini(&b);
  pt_graph_free(g);
}

/* More keys than candidates, none, or past the cap: refused. */
static void record_codec__rejects_candidate_counts_out_of_range(void **state)
{
  static const unsigned char counts[][2] = {{2, 3}, {2, 0}, {40, 17}};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    pt_buf b = PT_BUF_INIT;
    pt_edge e = {"a", "b", "c", PT_EDGE_USES, 1, 0, PT_RES_AMBIGUOUS, NULL}, d;
    pt_record_candidates c;
    assert_int_equal(pt_record_encode_edge(&b, &e), 0);
    b.len--; /* the 0 that says "no candidates" */
    assert_int_equal(pt_buf_putc(&b, (char)counts[i][0]), 0);
    assert_int_equal(pt_buf_putc(&b, (char)counts[i][1]), 0);
    for (unsigned k = 0; k < counts[i][1]; k++)
      assert_int_equal(pt_buf_put(&b, "\2k", 3), 0);
    assert_int_equal(pt_record_decode_edge_candidates(b.ptr, b.len, &d, &c),
                     PT_EINVAL);
    assert_non_null(strstr(pt_error_last()->message, "candidate"));
    pt_buf_fini(&b);
  }
}

/* A meta record of an older format still reads (a database's version
 * record, told apart from a damaged one); other records of it do not. */
static void record_codec__reads_a_meta_record_of_an_older_format(void **state)
{
  static const char v3[] = "M\3\2a\0\2b";
  static const char e3[] = "D\3";
  const char *name, *value;
  pt_edge d;
  assert_int_equal(pt_record_decode_meta(v3, sizeof v3, &name, &value), 0);
  assert_string_equal(name, "a");
  assert_string_equal(value, "b");
  assert_int_equal(pt_record_decode_edge(e3, 2, &d), PT_EINVAL);
  assert_non_null(strstr(pt_error_last()->message, "format version 3"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(record_codec__round_trips_entity_with_every_field),
      cmocka_unit_test(record_codec__keeps_null_and_empty_strings_apart),
      cmocka_unit_test(record_codec__round_trips_file_test_ignored_and_meta),
      cmocka_unit_test(record_codec__rejects_every_truncation),
      cmocka_unit_test(record_codec__rejects_wrong_type_and_trailing_bytes),
      cmocka_unit_test(record_codec__rejects_enum_out_of_range),
      cmocka_unit_test(record_codec__rejects_string_with_inner_nul),
      cmocka_unit_test(record_codec__round_trips_edge_candidates),
      cmocka_unit_test(record_codec__rejects_candidate_counts_out_of_range),
      cmocka_unit_test(record_codec__reads_a_meta_record_of_an_older_format),
  };
  return cmocka_run_group_tests_name("record_codec", tests, NULL, NULL);
}
