/* pt_file_result_compact (pt/extract.h): a parse result kept for a long
 * time (the live index's cache) is copied into a tight arena. Extraction
 * leaves scratch behind in its arena (line tables, the reference array's
 * outgrown copies, texts of nodes it looked at), and writes the same names
 * many times (a function called in fifty places); the copy keeps each
 * distinct string once. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/strmap.h"

typedef struct copier {
  pt_file_result *to;
  pt_strmap seen;             /* text -> the copy, in to's arena */
  pt_code_share code;         /* the last entity code copied whole */
  int rc;
} copier;

static const char *copy_str(copier *c, const char *s)
{
  if (!s || c->rc)
    return s;
  size_t len = strlen(s), at;
  if (pt_strmap_get(&c->seen, s, len, &at))
    return (const char *)at;
  char *copy = pt_arena_strndup(&c->to->arena, s, len);
  if (!copy || pt_strmap_put(&c->seen, copy, len, (size_t)copy) != 0) {
    c->rc = PT_ERR(PT_ENOMEM, "out of memory");
    return s;
  }
  return copy;
}

/* Large texts are copied as they are: they rarely repeat. */
static const char *dup_text(copier *c, const char *s)
{
  if (!s || c->rc)
    return s;
  char *copy = pt_arena_strdup(&c->to->arena, s);
  if (!copy)
    c->rc = PT_ERR(PT_ENOMEM, "out of memory");
  return copy ? copy : s;
}

/* An entity's code: a range of the last code copied whole when it lies
 * inside that one's text (a nested entity's, in the result being copied,
 * which does not change meanwhile: no bytes to compare), else a copy. */
static void dup_code(copier *c, pt_entity *e)
{
  if (!c->rc)
    c->rc = pt_entity_share_code(&c->code, &c->to->arena, e, 0);
}

static void *dup_array(copier *c, const void *v, size_t n, size_t size)
{
  if (c->rc)
    return NULL;
  void *p = pt_arena_alloc(&c->to->arena, (n ? n : 1) * size);
  if (!p)
    c->rc = PT_ERR(PT_ENOMEM, "out of memory");
  else if (n)
    memcpy(p, v, n * size);
  return p;
}

int pt_file_result_compact(pt_file_result **rp)
{
  const pt_file_result *r = *rp;
  copier c;
  memset(&c, 0, sizeof c);
  c.to = pt_calloc(1, sizeof *c.to);
  if (!c.to)
    return PT_ERR(PT_ENOMEM, "out of memory");
  pt_arena_init(&c.to->arena);
  pt_file_result *t = c.to;
  t->file = r->file;
  t->file.path = copy_str(&c, r->file.path);
  t->file.content_hash = copy_str(&c, r->file.content_hash);
  if (r->file.reuse)
    t->file.reuse = dup_array(&c, r->file.reuse, r->file.reuse_size, 1);
  t->n_entities = r->n_entities;
  t->entities = dup_array(&c, r->entities, r->n_entities, sizeof *r->entities);
  for (size_t i = 0; !c.rc && i < t->n_entities; i++) {
    pt_entity *e = &t->entities[i];
    e->key = copy_str(&c, e->key);
    e->name = copy_str(&c, e->name);
    e->qualname = copy_str(&c, e->qualname);
    e->file_path = copy_str(&c, e->file_path);
    e->parent_key = copy_str(&c, e->parent_key);
    e->signature = dup_text(&c, e->signature);
    dup_code(&c, e);
  }
  t->n_tests = r->n_tests;
  t->tests = dup_array(&c, r->tests, r->n_tests, sizeof *r->tests);
  for (size_t i = 0; !c.rc && i < t->n_tests; i++) {
    pt_test_entity *e = &t->tests[i];
    e->key = copy_str(&c, e->key);
    e->name = copy_str(&c, e->name);
    e->file_path = copy_str(&c, e->file_path);
    e->reason = copy_str(&c, e->reason);
  }
  t->n_refs = r->n_refs;
  t->refs = dup_array(&c, r->refs, r->n_refs, sizeof *r->refs);
  for (size_t i = 0; !c.rc && i < t->n_refs; i++) {
    pt_raw_ref *x = &t->refs[i];
    x->from_key = copy_str(&c, x->from_key);
    x->name = copy_str(&c, x->name);
    x->scope = copy_str(&c, x->scope);
    x->module = copy_str(&c, x->module);
    x->recv_type = copy_str(&c, x->recv_type);
    x->arg_types = copy_str(&c, x->arg_types);
  }
  pt_strmap_fini(&c.seen);
  if (c.rc) {
    pt_file_result_free(t);
    return c.rc;
  }
  pt_file_result_free(*rp);
  *rp = t;
  return 0;
}
