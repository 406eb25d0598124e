/* A small streaming JSON writer into a pt_buf: compact output, keys in the
 * order written, commas placed automatically. Errors (out of memory) are
 * sticky: check pt_json_finish once at the end. */
#ifndef PT_JSON_H
#define PT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "pt/buf.h"

#define PT_JSON_MAX_DEPTH 32

typedef struct pt_json {
  pt_buf *out;                         /* borrowed */
  int rc;                              /* first error, or 0 */
  int depth;
  unsigned char has_item[PT_JSON_MAX_DEPTH];
  int after_key;
} pt_json;

void pt_json_init(pt_json *j, pt_buf *out);
void pt_json_obj(pt_json *j);          /* { */
void pt_json_obj_end(pt_json *j);      /* } */
void pt_json_arr(pt_json *j);          /* [ */
void pt_json_arr_end(pt_json *j);      /* ] */
void pt_json_key(pt_json *j, const char *key);
void pt_json_str(pt_json *j, const char *s);       /* NULL writes null */
void pt_json_strn(pt_json *j, const char *s, size_t len);
void pt_json_int(pt_json *j, int64_t v);
void pt_json_uint(pt_json *j, uint64_t v);
/* Shortest text that reads back as the same double; integral values keep
 * ".0"; NaN and infinities are written as null
 * (docs/contract/http-api.md 1.8). */
void pt_json_double(pt_json *j, double v);
void pt_json_bool(pt_json *j, int v);
void pt_json_null(pt_json *j);
/* 0, or the first error met while writing. */
int pt_json_finish(pt_json *j);

#endif
