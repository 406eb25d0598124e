/* Names and tokens of the model's enums (pt/model.h). */
#include <stdint.h>
#include <string.h>

#include "pt/arena.h"
#include "pt/error.h"
#include "pt/model.h"

static const char *const lang_names[PT_LANG__COUNT] = {
  "rust", "python", "javascript", "typescript", "go", "java",
  "c", "cpp", "ruby", "php", "csharp", "swift"};

static const char *const kind_tokens[PT_KIND__COUNT] = {
  "fn", "method", "class", "struct", "enum", "trait",
  "trait", "impl", "mod", "namespace", "typedef"};

static const char *const kind_names[PT_KIND__COUNT] = {
  "function", "method", "class", "struct", "enum", "trait",
  "interface", "impl", "module", "namespace", "typedef"};

static const char *const edge_names[PT_EDGE__COUNT] = {
  "Calls", "Uses", "Implements", "Extends"};

static const char *const resolution_names[PT_RES__COUNT] = {
  "none", "qualified", "receiver_type", "local", "import", "directory",
  "unique_name", "unresolved_ambiguous", "unresolved_external",
  "unresolved_unknown_receiver"};

/* The rule's evidence: the syntax names the type (qualifier, receiver) or
 * the language's scoping narrows to one candidate nearby; a name unique in
 * the whole language is the weakest. */
static const unsigned char resolution_confidence[PT_RES__COUNT] = {
  100, 95, 95, 90, 90, 75, 60, 0, 0, 0};

const char *pt_lang_name(pt_lang lang)
{
  return (unsigned)lang < PT_LANG__COUNT ? lang_names[lang] : "unknown";
}

static int lookup(const char *const *table, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (strcmp(table[i], name) == 0)
      return i;
  return -1;
}

int pt_lang_from_name(const char *name, pt_lang *out)
{
  int i = lookup(lang_names, PT_LANG__COUNT, name);
  if (i < 0)
    return PT_ERR(PT_EINVAL, "unknown language '%s'", name);
  *out = (pt_lang)i;
  return 0;
}

const char *pt_kind_token(pt_kind kind)
{
  return (unsigned)kind < PT_KIND__COUNT ? kind_tokens[kind] : "unknown";
}

const char *pt_kind_name(pt_kind kind)
{
  return (unsigned)kind < PT_KIND__COUNT ? kind_names[kind] : "unknown";
}

int pt_kind_from_name(const char *name, pt_kind *out)
{
  int i = lookup(kind_names, PT_KIND__COUNT, name);
  if (i < 0)
    return PT_ERR(PT_EINVAL, "unknown entity type '%s'", name);
  *out = (pt_kind)i;
  return 0;
}

const char *pt_edge_type_name(pt_edge_type type)
{
  return (unsigned)type < PT_EDGE__COUNT ? edge_names[type] : "Unknown";
}

int pt_edge_type_from_name(const char *name, pt_edge_type *out)
{
  int i = lookup(edge_names, PT_EDGE__COUNT, name);
  if (i < 0)
    return PT_ERR(PT_EINVAL, "unknown edge type '%s'", name);
  *out = (pt_edge_type)i;
  return 0;
}

const char *pt_resolution_name(pt_resolution r)
{
  return (unsigned)r < PT_RES__COUNT ? resolution_names[r] : "unknown";
}

int pt_resolution_from_name(const char *name, pt_resolution *out)
{
  int i = lookup(resolution_names, PT_RES__COUNT, name);
  if (i < 0)
    return PT_ERR(PT_EINVAL, "unknown resolution '%s'", name);
  *out = (pt_resolution)i;
  return 0;
}

unsigned pt_resolution_confidence(pt_resolution r)
{
  return (unsigned)r < PT_RES__COUNT ? resolution_confidence[r] : 0;
}

int pt_entity_share_code(pt_code_share *s, struct pt_arena *a, pt_entity *e,
                         int check_bytes)
{
  if (!e->code)
    return 0;
  size_t len = pt_entity_code_len(e);
  uintptr_t at = (uintptr_t)e->code, from = (uintptr_t)s->from;
  if (len && s->from && at >= from && len <= s->size &&
      at - from <= s->size - len &&
      (!check_bytes || memcmp(s->copy + (at - from), e->code, len) == 0)) {
    e->code = s->copy + (at - from);
    e->code_len = (uint32_t)len;
    return 0;
  }
  char *copy = pt_arena_strndup(a, e->code, len);
  if (!copy)
    return PT_ERR(PT_ENOMEM, "out of memory copying entity code");
  if (len) {
    s->from = e->code;
    s->copy = copy;
    s->size = len;
  }
  e->code = copy;
  e->code_len = (uint32_t)len;
  return 0;
}
