/* Request and answer helpers of the http stage without a server: the
 * tokens estimate of every envelope, the JSON body reader of the POST
 * route, and the Accept-Encoding rule of gzip. The same paths run over
 * real HTTP in tests/e2e_http.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/http_gzip.h"
#include "pt/error.h"
#include "test_support.h"

static const char *no_query(void *conn, const char *name)
{
  return NULL;
}

static void req_init(pt_req *r)
{
  memset(r, 0, sizeof *r);
  r->path = "/test";
  r->arg = no_query;
  r->status = 200;
  pt_arena_init(&r->arena);
  pt_json_init(&r->json, &r->body);
}

static void req_fini(pt_req *r)
{
  pt_buf_fini(&r->body);
  pt_arena_fini(&r->arena);
}

/* The "tokens" value at the end of a finished body. */
static unsigned long tokens_of(const pt_buf *b)
{
  const char *t = strstr(b->ptr, "\"tokens\":");
  assert_non_null(t);
  return strtoul(t + 9, NULL, 10);
}

static void resp_end__tokens_is_body_bytes_over_4_rounded_up(void **state)
{
  /* every body length from 40 to 4400 bytes, across the digit changes of
   * the tokens value itself */
  for (size_t pad = 0; pad < 4400; pad += 7) {
    pt_req r;
    req_init(&r);
    pt__resp_begin(&r);
    pt_json_key(&r.json, "pad");
    char *text = malloc(pad + 1);
    memset(text, 'x', pad);
    text[pad] = '\0';
    pt_json_str(&r.json, text);
    free(text);
    pt__resp_end(&r);
    assert_int_equal(pt_json_finish(&r.json), 0);
    assert_int_equal(tokens_of(&r.body), (r.body.len + 3) / 4);
    req_fini(&r);
  }
}

/* The envelope's "index" tells the answering graph's generation and time;
 * with no live index nothing is pending or watched. "tokens" stays last
 * and counts it. */
static void resp_end__index_before_tokens(void **state)
{
  pt_serve_state st;
  memset(&st, 0, sizeof st);
  st.generation = 3;
  st.published = 1764900000;
  pt_req r;
  req_init(&r);
  r.st = &st;
  pt__resp_begin(&r);
  pt__resp_end(&r);
  assert_int_equal(pt_json_finish(&r.json), 0);
  assert_non_null(strstr(r.body.ptr,
                         "\"data\":{},\"index\":{\"generation\":3,"
                         "\"updated_unix\":1764900000,\"pending\":false,"
                         "\"watching\":false},\"tokens\":"));
  assert_int_equal(tokens_of(&r.body), (r.body.len + 3) / 4);
  req_fini(&r);
  req_init(&r);
  r.st = &st;
  pt__resp_error(&r, 400, "bad");
  assert_non_null(strstr(r.body.ptr, "\"error\":\"bad\",\"index\":{"));
  assert_int_equal(tokens_of(&r.body), (r.body.len + 3) / 4);
  req_fini(&r);
}

static void resp_error__has_the_envelope_and_the_same_tokens_rule(void **state)
{
  pt_req r;
  req_init(&r);
  assert_int_equal(pt__resp_error(&r, 404, "Entity '%s' not found", "x"), PT_EINVAL);
  assert_int_equal(r.status, 404);
  assert_non_null(strstr(r.body.ptr, "{\"success\":false,\"endpoint\":\"/test\","
                                     "\"error\":\"Entity 'x' not found\",\"tokens\":"));
  assert_int_equal(tokens_of(&r.body), (r.body.len + 3) / 4);
  req_fini(&r);
}

static void read_body__members_become_parameters(void **state)
{
  pt_req r;
  req_init(&r);
  const char *body = " {\"path\" : \"src/a\\u00e9\\\"b\\\\.c\", \"n\": 12, \"on\": true,"
                     " \"x\": -0.5e+3,"
                     " \"skip\": {\"a\": [1, {\"b\": null}]}, \"none\": null, "
                     "\"emoji\": \"\\ud83d\\ude00\"} ";
  assert_int_equal(pt__req_read_body(&r, body, strlen(body)), 0);
  assert_string_equal(pt__req_arg(&r, "path"), "src/a\xc3\xa9\"b\\.c");
  assert_string_equal(pt__req_arg(&r, "n"), "12");
  assert_string_equal(pt__req_arg(&r, "on"), "true");
  assert_string_equal(pt__req_arg(&r, "x"), "-0.5e+3");
  assert_string_equal(pt__req_arg(&r, "emoji"), "\xf0\x9f\x98\x80");
  assert_null(pt__req_arg(&r, "skip"));
  assert_null(pt__req_arg(&r, "none"));
  assert_null(pt__req_arg(&r, "a"));
  assert_int_equal(r.body.len, 0); /* no error written */
  req_fini(&r);
}

static void read_body__empty_body_and_empty_object_give_nothing(void **state)
{
  pt_req r;
  req_init(&r);
  assert_int_equal(pt__req_read_body(&r, "", 0), 0);
  assert_int_equal(pt__req_read_body(&r, " {} ", 4), 0);
  assert_null(pt__req_arg(&r, "path"));
  req_fini(&r);
}

static void read_body__refuses_what_is_not_one_json_object(void **state)
{
  static const char *const bad[] = {
      "[\"path\"]", "{\"path\": ", "{\"path\" \"a\"}", "{\"path\": \"a\"} x",
      "{\"path\": \"a\",}", "{\"path\": nope}", "{\"path\": \"a\\u0000\"}",
      "{\"path\": \"\\ud800\"}", "path=src/a.c", "{\"a\": [1, 2}", "{\"n\": -}",
      "{\"n\": 01}", "{\"n\": 1.}", "{\"n\": 1e}", "{\"n\": -abc}", "{\"n\": 12x}",
      NULL};
  for (int i = 0; bad[i]; i++) {
    pt_req r;
    req_init(&r);
    assert_int_equal(pt__req_read_body(&r, bad[i], strlen(bad[i])), PT_EINVAL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.ptr, "not a JSON object"));
    req_fini(&r);
  }
  pt_req r; /* a raw NUL inside a string */
  req_init(&r);
  assert_int_equal(pt__req_read_body(&r, "{\"p\": \"a\0b\"}", 12), PT_EINVAL);
  req_fini(&r);
}

static void gzip_accepted__reads_tokens_and_q_values(void **state)
{
  assert_true(pt__gzip_accepted("gzip"));
  assert_true(pt__gzip_accepted("deflate, GZIP;q=0.5"));
  assert_true(pt__gzip_accepted("br, *"));
  assert_true(pt__gzip_accepted("x-gzip"));
  assert_false(pt__gzip_accepted(NULL));
  assert_false(pt__gzip_accepted(""));
  assert_false(pt__gzip_accepted("deflate, br"));
  assert_false(pt__gzip_accepted("gzip;q=0"));
  assert_false(pt__gzip_accepted("gzip; q=0.000"));
  assert_false(pt__gzip_accepted("gzipped"));
}

static void gzip__writes_a_gzip_member_with_size_and_crc(void **state)
{
  const char *text = "{\"a\":\"abcabcabcabcabcabcabcabcabcabcabcabc\"}";
  pt_buf z = PT_BUF_INIT;
  assert_int_equal(pt__gzip(text, strlen(text), &z), 0);
  const unsigned char *p = (const unsigned char *)z.ptr;
  assert_true(z.len > 18 && z.len < strlen(text) + 18);
  assert_int_equal(p[0], 0x1f);
  assert_int_equal(p[1], 0x8b);
  assert_int_equal(p[2], 8);
  size_t isize = p[z.len - 4] | p[z.len - 3] << 8 | p[z.len - 2] << 16 |
                 (size_t)p[z.len - 1] << 24;
  assert_int_equal(isize, strlen(text));
  /* CRC-32 of the text (the standard check value of "123456789" is
   * 0xcbf43926) */
  pt_buf_clear(&z);
  assert_int_equal(pt__gzip("123456789", 9, &z), 0);
  p = (const unsigned char *)z.ptr;
  unsigned long crc = p[z.len - 8] | p[z.len - 7] << 8 | p[z.len - 6] << 16 |
                      (unsigned long)p[z.len - 5] << 24;
  assert_int_equal(crc, 0xcbf43926ul);
  pt_buf_fini(&z);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(resp_end__tokens_is_body_bytes_over_4_rounded_up),
    cmocka_unit_test(resp_end__index_before_tokens),
    cmocka_unit_test(resp_error__has_the_envelope_and_the_same_tokens_rule),
    cmocka_unit_test(read_body__members_become_parameters),
    cmocka_unit_test(read_body__empty_body_and_empty_object_give_nothing),
    cmocka_unit_test(read_body__refuses_what_is_not_one_json_object),
    cmocka_unit_test(gzip_accepted__reads_tokens_and_q_values),
    cmocka_unit_test(gzip__writes_a_gzip_member_with_size_and_crc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
