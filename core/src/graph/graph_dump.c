/* Text forms of a finished graph: the canonical dump (every field, used to
 * compare indexes byte for byte) and the brief dump (what fixtures list). */
#include <string.h>

#include "key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/graph.h"
#include "pt/strmap.h"

/* Writes a tab, then s with tabs and line breaks folded to spaces (NULL as
 * "-"), so that every record stays on one line. */
static int put_field(pt_buf *out, const char *s)
{
  int rc = pt_buf_putc(out, '\t');
  const char *p = s ? s : "-";
  while (rc == 0 && *p) {
    size_t n = strcspn(p, "\t\n\r");
    rc = pt_buf_put(out, p, n);
    p += n;
    if (rc == 0 && *p) {
      rc = pt_buf_putc(out, ' ');
      p++;
    }
  }
  return rc;
}

static int dump_entity(pt_buf *out, const pt_entity *e)
{
  int rc = pt_buf_puts(out, "entity");
  if (!rc) rc = put_field(out, e->key);
  if (!rc) rc = put_field(out, pt_kind_name(e->kind));
  if (!rc) rc = put_field(out, pt_lang_name(e->lang));
  if (!rc) rc = put_field(out, e->file_path);
  if (!rc) rc = pt_buf_printf(out, "\t%u-%u", e->line_start, e->line_end);
  if (!rc) rc = put_field(out, e->name);
  if (!rc) rc = put_field(out, e->qualname);
  if (!rc) rc = put_field(out, e->parent_key);
  if (!rc) rc = put_field(out, e->content_hash);
  if (!rc) rc = put_field(out, e->signature);
  if (!rc) rc = pt_buf_putc(out, '\n');
  return rc;
}

int pt_graph_dump(const pt_graph *g, pt_buf *out)
{
  int rc = 0;
  const pt_entity *ents = pt_graph_entities(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_entities(g); i++)
    rc = dump_entity(out, &ents[i]);
  const pt_edge *edges = pt_graph_edges(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_edges(g); i++) {
    const pt_edge *e = &edges[i];
    rc = pt_buf_puts(out, "edge");
    if (!rc) rc = put_field(out, e->from_key);
    if (!rc) rc = put_field(out, pt_edge_type_name(e->type));
    if (!rc) rc = put_field(out, e->to_key);
    if (!rc) rc = put_field(out, e->resolved ? "resolved" : "unresolved");
    if (!rc) rc = put_field(out, e->file_path);
    if (!rc) rc = pt_buf_printf(out, ":%u", e->line);
    if (!rc) rc = put_field(out, pt_resolution_name(e->resolution));
    if (!rc && e->candidates) {
      rc = pt_buf_printf(out, "\t%u", e->candidates->n);
      for (uint32_t k = 0; rc == 0 && k < e->candidates->n_keys; k++)
        rc = put_field(out, e->candidates->keys[k]);
    }
    if (!rc) rc = pt_buf_putc(out, '\n');
  }
  const pt_file_record *files = pt_graph_files(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_files(g); i++) {
    const pt_file_record *f = &files[i];
    rc = pt_buf_puts(out, "file");
    if (!rc) rc = put_field(out, f->path);
    if (!rc) rc = put_field(out, pt_lang_name(f->lang));
    if (!rc) rc = pt_buf_printf(out, "\t%llu", (unsigned long long)f->size);
    if (!rc) rc = put_field(out, f->content_hash);
    if (!rc)
      rc = pt_buf_printf(
          out, "\t%u\t%u\t%u\t%llu/%llu/%llu/%llu\n", f->n_entities,
          f->n_tests, f->n_parse_errors, (unsigned long long)f->source_words,
          (unsigned long long)f->entity_words,
          (unsigned long long)f->import_words,
          (unsigned long long)f->comment_words);
  }
  const pt_test_entity *tests = pt_graph_tests(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_tests(g); i++) {
    const pt_test_entity *t = &tests[i];
    rc = pt_buf_puts(out, "test");
    if (!rc) rc = put_field(out, t->key);
    if (!rc) rc = put_field(out, pt_kind_name(t->kind));
    if (!rc) rc = put_field(out, t->file_path);
    if (!rc) rc = pt_buf_printf(out, "\t%u-%u", t->line_start, t->line_end);
    if (!rc) rc = put_field(out, t->reason);
    if (!rc) rc = pt_buf_putc(out, '\n');
  }
  const pt_ignored_file *ign = pt_graph_ignored(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_ignored(g); i++) {
    rc = pt_buf_puts(out, "ignored");
    if (!rc) rc = put_field(out, ign[i].path);
    if (!rc) rc = put_field(out, ign[i].reason);
    if (!rc) rc = pt_buf_putc(out, '\n');
  }
  for (size_t i = 0; rc == 0 && i < pt_graph_n_meta(g); i++) {
    const char *name, *value;
    pt_graph_meta_at(g, i, &name, &value);
    rc = pt_buf_puts(out, "meta");
    if (!rc) rc = put_field(out, name);
    if (!rc) rc = put_field(out, value);
    if (!rc) rc = pt_buf_putc(out, '\n');
  }
  return rc;
}

/* "path:qualname" for an entity key, "path:<file>" for a file key and
 * "?name" for a placeholder. by_key maps entity keys to entity indexes and
 * file keys to ~file index. */
static int put_node(pt_buf *out, const pt_strmap *by_key, const pt_graph *g,
                    const char *key)
{
  size_t idx;
  if (pt_strmap_get(by_key, key, strlen(key), &idx)) {
    if (idx >= pt_graph_n_entities(g))
      return pt_buf_printf(out, "%s:<file>", pt_graph_files(g)[~idx].path);
    const pt_entity *e = &pt_graph_entities(g)[idx];
    return pt_buf_printf(out, "%s:%s", e->file_path, e->qualname);
  }
  /* lang:token:name:unresolved-reference:0-0 -> ?name */
  const char *a = strchr(key, ':');
  const char *b = a ? strchr(a + 1, ':') : NULL;
  const char *c = b ? strchr(b + 1, ':') : NULL;
  if (!b || !c)
    return pt_buf_printf(out, "?%s", key);
  return pt_buf_printf(out, "?%.*s", (int)(c - b - 1), b + 1);
}

/* "  candidates <n>: <node>, <node>, ..." under an ambiguous edge. */
static int put_candidates(pt_buf *out, const pt_strmap *by_key,
                          const pt_graph *g, const pt_candidates *c)
{
  int rc = pt_buf_printf(out, "  candidates %u:", c->n);
  for (uint32_t k = 0; rc == 0 && k < c->n_keys; k++) {
    rc = pt_buf_puts(out, k ? ", " : " ");
    if (!rc) rc = put_node(out, by_key, g, c->keys[k]);
  }
  return rc ? rc : pt_buf_putc(out, '\n');
}

int pt_graph_dump_brief(const pt_graph *g, pt_buf *out)
{
  pt_strmap by_key = PT_STRMAP_INIT;
  const pt_entity *ents = pt_graph_entities(g);
  int rc = 0;
  pt_buf fkeys = PT_BUF_INIT;
  for (size_t i = 0; rc == 0 && i < pt_graph_n_entities(g); i++)
    rc = pt_strmap_put(&by_key, ents[i].key, strlen(ents[i].key), i);
  /* file keys, built into one buffer first so the map can borrow them */
  size_t *offs = pt_calloc(pt_graph_n_files(g) + 1, sizeof *offs);
  const pt_file_record *files = pt_graph_files(g);
  if (!offs)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < pt_graph_n_files(g); i++) {
    offs[i] = fkeys.len;
    rc = pt__key_file(&fkeys, files[i].lang, files[i].path);
    if (rc == 0)
      rc = pt_buf_putc(&fkeys, '\0');
  }
  for (size_t i = 0; rc == 0 && i < pt_graph_n_files(g); i++)
    rc = pt_strmap_put(&by_key, fkeys.ptr + offs[i], strlen(fkeys.ptr + offs[i]), ~i);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_entities(g); i++)
    rc = pt_buf_printf(out, "entity %s %s:%s %u-%u\n",
                       pt_kind_name(ents[i].kind), ents[i].file_path,
                       ents[i].qualname, ents[i].line_start, ents[i].line_end);
  const pt_edge *edges = pt_graph_edges(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_edges(g); i++) {
    rc = pt_buf_printf(out, "edge %s ", pt_edge_type_name(edges[i].type));
    if (!rc) rc = put_node(out, &by_key, g, edges[i].from_key);
    if (!rc) rc = pt_buf_puts(out, " -> ");
    if (!rc) rc = put_node(out, &by_key, g, edges[i].to_key);
    if (!rc)
      rc = pt_buf_printf(out, " [%s]\n", pt_resolution_name(edges[i].resolution));
    if (!rc && edges[i].candidates)
      rc = put_candidates(out, &by_key, g, edges[i].candidates);
  }
  const pt_test_entity *tests = pt_graph_tests(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_tests(g); i++)
    rc = pt_buf_printf(out, "test %s %s:%s %s\n", pt_kind_name(tests[i].kind),
                       tests[i].file_path, tests[i].name, tests[i].reason);
  const pt_ignored_file *ign = pt_graph_ignored(g);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_ignored(g); i++)
    rc = pt_buf_printf(out, "ignored %s %s\n", ign[i].path, ign[i].reason);
  pt_strmap_fini(&by_key);
  pt_buf_fini(&fkeys);
  pt_free(offs);
  return rc;
}
