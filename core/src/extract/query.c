/* Query compilation, capture roles and the text predicates #eq?, #not-eq?,
 * #any-of? and #not-any-of? (the C API leaves predicates to the caller). */
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "query.h"

typedef enum pred_op { OP_EQ, OP_NOT_EQ, OP_ANY_OF, OP_NOT_ANY_OF } pred_op;

struct pt_pred {
  pred_op op;
  uint32_t capture;
  int32_t other_capture;    /* #eq? @a @b, else -1 */
  const char **values;      /* borrowed from the TSQuery */
  uint32_t *value_lens;
  uint32_t n_values;
};

static const char *const def_names[PT_KIND__COUNT] = {
  "function", "method", "class", "struct", "enum", "trait",
  "interface", "impl", "module", "namespace", "typedef"};
static const char *const ref_names[PT_REF__COUNT] = {
  "call", "new", "type", "import", "include", "extends", "implements"};

static void classify(const char *name, uint8_t *role, uint8_t *arg)
{
  *role = PT_ROLE_NONE;
  *arg = 0;
  if (strncmp(name, "definition.", 11) == 0) {
    for (int k = 0; k < PT_KIND__COUNT; k++)
      if (strcmp(name + 11, def_names[k]) == 0) {
        *role = PT_ROLE_DEFINITION;
        *arg = (uint8_t)k;
      }
  } else if (strncmp(name, "reference.", 10) == 0) {
    for (int k = 0; k < PT_REF__COUNT; k++)
      if (strcmp(name + 10, ref_names[k]) == 0) {
        *role = PT_ROLE_REFERENCE;
        *arg = (uint8_t)k;
      }
  } else if (strcmp(name, "name") == 0) {
    *role = PT_ROLE_NAME;
  } else if (strcmp(name, "scope") == 0) {
    *role = PT_ROLE_SCOPE;
  } else if (strcmp(name, "module") == 0) {
    *role = PT_ROLE_MODULE;
  } else if (strcmp(name, "import") == 0) {
    *role = PT_ROLE_IMPORT;
  } else if (strcmp(name, "binding.var") == 0) {
    *role = PT_ROLE_BIND_VAR;
  } else if (strcmp(name, "binding.type") == 0) {
    *role = PT_ROLE_BIND_TYPE;
    *arg = PT_RECV_DECLARED;
  } else if (strcmp(name, "binding.new") == 0) {
    *role = PT_ROLE_BIND_TYPE;
    *arg = PT_RECV_CONSTRUCTED;
  } else if (strcmp(name, "binding.call") == 0) {
    *role = PT_ROLE_BIND_TYPE;
    *arg = PT_RECV_CALLED;
  }
}

static int check_names(pt_query *q, const char *file)
{
  for (uint32_t i = 0; i < q->n_captures; i++) {
    uint32_t len;
    const char *name = ts_query_capture_name_for_id(q->ts, i, &len);
    classify(name, &q->role[i], &q->role_arg[i]);
    if (strcmp(name, "_pt_end") == 0)
      q->end_capture = i + 1;
    if (q->role[i] == PT_ROLE_NONE && name[0] != '_')
      return PT_ERR(PT_EPARSE, "%s: unknown capture @%s (helper captures "
                    "start with '_')", file, name);
  }
  return 0;
}

/* Turns one predicate's steps into a pt_pred. */
static int build_pred(pt_query *q, const TSQueryPredicateStep *s, uint32_t n,
                      const char *file, pt_pred *out)
{
  uint32_t len;
  const char *op = ts_query_string_value_for_id(q->ts, s[0].value_id, &len);
  if (!strcmp(op, "eq?")) out->op = OP_EQ;
  else if (!strcmp(op, "not-eq?")) out->op = OP_NOT_EQ;
  else if (!strcmp(op, "any-of?")) out->op = OP_ANY_OF;
  else if (!strcmp(op, "not-any-of?")) out->op = OP_NOT_ANY_OF;
  else
    return PT_ERR(PT_EPARSE, "%s: unsupported predicate #%s", file, op);
  if (n < 3 || s[1].type != TSQueryPredicateStepTypeCapture)
    return PT_ERR(PT_EPARSE, "%s: #%s needs a capture and a value", file, op);
  out->capture = s[1].value_id;
  out->other_capture = -1;
  if ((out->op == OP_EQ || out->op == OP_NOT_EQ) &&
      s[2].type == TSQueryPredicateStepTypeCapture) {
    out->other_capture = (int32_t)s[2].value_id;
    return 0;
  }
  out->n_values = n - 2;
  out->values = pt_calloc(out->n_values, sizeof *out->values);
  out->value_lens = pt_calloc(out->n_values, sizeof *out->value_lens);
  if (!out->values || !out->value_lens)
    return PT_ERR(PT_ENOMEM, "out of memory compiling %s", file);
  for (uint32_t i = 0; i < out->n_values; i++) {
    if (s[2 + i].type != TSQueryPredicateStepTypeString)
      return PT_ERR(PT_EPARSE, "%s: #%s takes strings", file, op);
    out->values[i] = ts_query_string_value_for_id(q->ts, s[2 + i].value_id,
                                                  &out->value_lens[i]);
  }
  return 0;
}

static int build_preds(pt_query *q, const char *file)
{
  uint32_t n_patterns = ts_query_pattern_count(q->ts);
  q->preds = pt_calloc(n_patterns ? n_patterns : 1, sizeof *q->preds);
  q->n_preds = pt_calloc(n_patterns ? n_patterns : 1, sizeof *q->n_preds);
  if (!q->preds || !q->n_preds)
    return PT_ERR(PT_ENOMEM, "out of memory compiling %s", file);
  int rc = 0;
  for (uint32_t p = 0; rc == 0 && p < n_patterns; p++) {
    uint32_t n_steps;
    const TSQueryPredicateStep *s = ts_query_predicates_for_pattern(q->ts, p, &n_steps);
    uint32_t count = 0;
    for (uint32_t i = 0; i < n_steps; i++)
      count += s[i].type == TSQueryPredicateStepTypeDone;
    if (!count)
      continue;
    q->preds[p] = pt_calloc(count, sizeof **q->preds);
    if (!q->preds[p])
      return PT_ERR(PT_ENOMEM, "out of memory compiling %s", file);
    uint32_t start = 0;
    for (uint32_t i = 0; rc == 0 && i < n_steps; i++) {
      if (s[i].type != TSQueryPredicateStepTypeDone)
        continue;
      rc = build_pred(q, s + start, i - start, file, &q->preds[p][q->n_preds[p]++]);
      start = i + 1;
    }
  }
  return rc;
}

static int new_query(pt_query *q, const TSLanguage *lang, const char *src,
                     size_t len, const char *file)
{
  uint32_t err_offset = 0;
  TSQueryError err = TSQueryErrorNone;
  q->ts = ts_query_new(lang, src, (uint32_t)len, &err_offset, &err);
  if (q->ts)
    return 0;
  uint32_t row = 1, col = 1;
  for (uint32_t i = 0; i < err_offset && i < len; i++, col++)
    if (src[i] == '\n') {
      row++;
      col = 0;
    }
  return PT_ERR(PT_EPARSE, "%s:%u:%u: query error %d", file, row, col, (int)err);
}

int pt__query_compile(pt_query *q, const TSLanguage *lang, const char *src,
                      size_t len, const char *file)
{
  return pt__query_compile_with(q, lang, src, len, file, 0);
}

const char *const pt__field_names[PT_FIELD__COUNT] = {
    "arguments", "body", "left", "method", "type", "value"};

int pt__query_compile_with(pt_query *q, const TSLanguage *lang,
                           const char *src, size_t len, const char *file,
                           unsigned flags)
{
  pt_buf marked = PT_BUF_INIT;
  memset(q, 0, sizeof *q);
  /* with the ends marked, matches can be found from their start nodes
   * (query_walk.c); text the marking cannot read compiles as it is */
  int is_marked = pt__query_mark_ends(src, len, &marked) == 0;
  int rc = is_marked ? new_query(q, lang, marked.ptr, marked.len, file) : -1;
  if (rc) {
    is_marked = 0;
    pt_error_clear();
    rc = new_query(q, lang, src, len, file);
  }
  if (rc == 0) {
    q->n_captures = ts_query_capture_count(q->ts);
    q->role = pt_calloc(q->n_captures + 1, 1);
    q->role_arg = pt_calloc(q->n_captures + 1, 1);
    if (!q->role || !q->role_arg)
      rc = PT_ERR(PT_ENOMEM, "out of memory compiling %s", file);
  }
  if (rc == 0)
    rc = check_names(q, file);
  if (rc == 0)
    rc = build_preds(q, file);
  for (int k = 0; rc == 0 && k < PT_FIELD__COUNT; k++)
    q->fields[k] = ts_language_field_id_for_name(
        lang, pt__field_names[k], (uint32_t)strlen(pt__field_names[k]));
  if (rc == 0 && is_marked)
    rc = pt__query_find_roots(q, lang, marked.ptr, marked.len,
                              !(flags & PT_QUERY_CURSOR_ONLY));
  pt_buf_fini(&marked);
  return rc;
}

void pt__query_fini(pt_query *q)
{
  if (!q->ts)
    return;
  uint32_t n_patterns = ts_query_pattern_count(q->ts);
  for (uint32_t p = 0; q->preds && p < n_patterns; p++) {
    for (uint32_t i = 0; q->preds[p] && i < q->n_preds[p]; i++) {
      pt_free(q->preds[p][i].values);
      pt_free(q->preds[p][i].value_lens);
    }
    pt_free(q->preds[p]);
  }
  pt_free(q->preds);
  pt_free(q->n_preds);
  pt_free(q->role);
  pt_free(q->role_arg);
  pt__query_needs_free(q);
  pt__query_matcher_free(q);
  pt_free(q->skip);
  pt_free(q->quiet);
  pt_free(q->roots);
  ts_query_delete(q->ts);
  memset(q, 0, sizeof *q);
}

static int capture_text(const TSQueryMatch *m, const pt_cap_up *ups,
                        uint32_t id, const char *src, const char **text,
                        uint32_t *len)
{
  for (uint16_t i = 0; i < m->capture_count; i++)
    if (m->captures[i].index == id) {
      uint32_t a = ts_node_start_byte(m->captures[i].node);
      *text = src + a;
      *len = (ups ? ups[i].end : ts_node_end_byte(m->captures[i].node)) - a;
      return 1;
    }
  return 0;
}

static int pred_holds(const pt_pred *p, const TSQueryMatch *m,
                      const pt_cap_up *ups, const char *src)
{
  const char *t;
  uint32_t tl;
  if (!capture_text(m, ups, p->capture, src, &t, &tl))
    return 1; /* an optional capture that did not match: nothing to test */
  int hit = 0;
  if (p->other_capture >= 0) {
    const char *o;
    uint32_t ol;
    if (!capture_text(m, ups, (uint32_t)p->other_capture, src, &o, &ol))
      return 1;
    hit = tl == ol && memcmp(t, o, tl) == 0;
  } else {
    for (uint32_t i = 0; !hit && i < p->n_values; i++)
      hit = tl == p->value_lens[i] && memcmp(t, p->values[i], tl) == 0;
  }
  return (p->op == OP_EQ || p->op == OP_ANY_OF) ? hit : !hit;
}

int pt__query_match_ok(const pt_query *q, const TSQueryMatch *m,
                       const pt_cap_up *ups, const char *src)
{
  for (uint32_t i = 0; i < q->n_preds[m->pattern_index]; i++)
    if (!pred_holds(&q->preds[m->pattern_index][i], m, ups, src))
      return 0;
  return 1;
}
