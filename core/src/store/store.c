/* The pt/store.h front end: opening an engine spec and the wrappers every
 * caller goes through (the spec syntax itself is store_spec.c). The wrappers check arguments and the graph once, so
 * each backend can assume a well-formed graph, and hold the one debug log
 * line for store traffic. Backends live in store_<name>.c. */
#include <string.h>

#include "pt/buf.h"
#include "pt/error.h"
#include "pt/log.h"
#include "pt/store.h"
#include "store_sqlite_schema.h"

/* Meta name the persistent backends keep their own format version under;
 * a graph may not use it for something else. */
#define RESERVED_META "schema_version"

int pt_store_open_mode(const char *spec, pt_store_mode mode, pt_store **out)
{
  pt_store_spec sp;
  if (!spec || !out)
    return PT_ERR(PT_EINVAL, "pt_store_open: NULL argument");
  *out = NULL;
  int rc = pt_store_spec_parse(spec, &sp);
  if (rc)
    return rc;
  switch (sp.engine) {
  case PT_ENGINE_SQLITE:
    return pt_store_sqlite_open(sp.path, mode, out);
  case PT_ENGINE_ROCKSDB:
    return pt_store_rocksdb_open(sp.path, mode, out);
  case PT_ENGINE_MEM:
    break;
  }
  return pt_store_mem_open(out);
}

int pt_store_open(const char *spec, pt_store **out)
{
  return pt_store_open_mode(spec, PT_STORE_REPLACE, out);
}

int pt_store_note_port(const char *spec, unsigned port)
{
  pt_store_spec sp;
  int rc = pt_store_spec_parse(spec, &sp);
  if (rc == 0 && sp.engine == PT_ENGINE_ROCKSDB)
    rc = pt_store_rocksdb_note_port(sp.path, port);
  return rc;
}

/* Entities are unique by key, files and ignored entries by path; a finished
 * graph keeps them sorted that way, so duplicates sit next to each other.
 * Rejecting them here makes every backend agree (SQLite's primary keys
 * would refuse them, RocksDB would silently keep the last). */
static int check_entities(const pt_graph *g)
{
  const pt_entity *v = pt_graph_entities(g);
  for (size_t i = 0; i < pt_graph_n_entities(g); i++) {
    if (!v[i].key)
      return PT_ERR(PT_EINVAL, "cannot save: an entity has no key");
    if ((unsigned)v[i].lang >= PT_LANG__COUNT ||
        (unsigned)v[i].kind >= PT_KIND__COUNT)
      return PT_ERR(PT_EINVAL, "cannot save: entity %s has an unknown "
                    "language or kind", v[i].key);
    if (i > 0 && strcmp(v[i - 1].key, v[i].key) == 0)
      return PT_ERR(PT_EINVAL, "cannot save: two entities share the key %s",
                    v[i].key);
  }
  return 0;
}

static int check_edges_and_tests(const pt_graph *g)
{
  const pt_edge *e = pt_graph_edges(g);
  for (size_t i = 0; i < pt_graph_n_edges(g); i++) {
    if (!e[i].from_key || !e[i].to_key)
      return PT_ERR(PT_EINVAL, "cannot save: an edge has no from or to key");
    if ((unsigned)e[i].type >= PT_EDGE__COUNT)
      return PT_ERR(PT_EINVAL, "cannot save: edge %s -> %s has an unknown "
                    "type", e[i].from_key, e[i].to_key);
  }
  const pt_test_entity *t = pt_graph_tests(g);
  for (size_t i = 0; i < pt_graph_n_tests(g); i++)
    if ((unsigned)t[i].lang >= PT_LANG__COUNT ||
        (unsigned)t[i].kind >= PT_KIND__COUNT)
      return PT_ERR(PT_EINVAL, "cannot save: excluded test %s has an "
                    "unknown language or kind", t[i].key ? t[i].key : "-");
  return 0;
}

static int check_paths(const pt_graph *g)
{
  const pt_file_record *f = pt_graph_files(g);
  for (size_t i = 0; i < pt_graph_n_files(g); i++) {
    if (!f[i].path || (unsigned)f[i].lang >= PT_LANG__COUNT)
      return PT_ERR(PT_EINVAL, "cannot save: a file record has no path or "
                    "an unknown language");
    if (i > 0 && strcmp(f[i - 1].path, f[i].path) == 0)
      return PT_ERR(PT_EINVAL, "cannot save: two file records share the "
                    "path %s", f[i].path);
  }
  const pt_ignored_file *ig = pt_graph_ignored(g);
  for (size_t i = 0; i < pt_graph_n_ignored(g); i++) {
    if (!ig[i].path)
      return PT_ERR(PT_EINVAL, "cannot save: an ignored entry has no path");
    if (i > 0 && strcmp(ig[i - 1].path, ig[i].path) == 0)
      return PT_ERR(PT_EINVAL, "cannot save: two ignored entries share the "
                    "path %s", ig[i].path);
  }
  return 0;
}

static int check_meta(const pt_graph *g)
{
  for (size_t i = 0; i < pt_graph_n_meta(g); i++) {
    const char *name, *value;
    pt_graph_meta_at(g, i, &name, &value);
    if (!name || strcmp(name, RESERVED_META) == 0)
      return PT_ERR(PT_EINVAL, "cannot save: meta name '%s' is reserved "
                    "for the store's own format version",
                    name ? name : "(null)");
  }
  return 0;
}

static int check_graph(const pt_graph *g)
{
  int rc = check_entities(g);
  if (!rc) rc = check_edges_and_tests(g);
  if (!rc) rc = check_paths(g);
  if (!rc) rc = check_meta(g);
  return rc;
}

int pt_store_save(pt_store *st, const pt_graph *from)
{
  if (!st || !from)
    return PT_ERR(PT_EINVAL, "pt_store_save: NULL argument");
  if (!st->ops->save)
    return PT_ERR(PT_ENOTSUPPORTED, "store %s cannot save", st->ops->name);
  int rc = check_graph(from);
  if (rc == 0)
    rc = st->ops->save(st, from);
  pt_log(PT_LOG_DEBUG, "store %s: save %zu entities, %zu edges, %zu files, "
         "%zu tests, %zu ignored: %s", st->ops->name,
         pt_graph_n_entities(from), pt_graph_n_edges(from),
         pt_graph_n_files(from), pt_graph_n_tests(from),
         pt_graph_n_ignored(from), pt_error_name(rc));
  return rc;
}

int pt_store_save_begin(pt_store *st, const pt_graph *g)
{
  if (!st || !g)
    return PT_ERR(PT_EINVAL, "pt_store_save_begin: NULL argument");
  /* not a slot of pt_store_ops yet: each engine's call does nothing for
   * the other engines' stores */
  int rc = pt__sqlite_save_begin(st, g);
  if (rc == 0)
    rc = pt_store_rocksdb_save_begin(st, g);
  pt_log(PT_LOG_DEBUG, "store %s: save begun with %zu entities, %zu files: "
         "%s", st->ops->name, pt_graph_n_entities(g), pt_graph_n_files(g),
         pt_error_name(rc));
  return rc;
}

void pt_store_save_release(pt_store *st)
{
  if (st) {
    pt__sqlite_save_release(st);
    pt_store_rocksdb_save_release(st);
  }
}

int pt_store_update(pt_store *st, const pt_graph *old, const pt_graph *now)
{
  if (!st || !old || !now)
    return PT_ERR(PT_EINVAL, "pt_store_update: NULL argument");
  if (!st->ops->update)
    return PT_ERR(PT_ENOTSUPPORTED, "store %s has no update; save instead",
                  st->ops->name);
  int rc = check_graph(now);
  if (rc == 0)
    rc = st->ops->update(st, old, now);
  pt_log(PT_LOG_DEBUG, "store %s: update to %zu entities, %zu edges: %s",
         st->ops->name, pt_graph_n_entities(now), pt_graph_n_edges(now),
         pt_error_name(rc));
  return rc;
}

int pt_store_can_update(const pt_store *st)
{
  return st && st->ops->update != NULL;
}

/* Whether g holds nothing yet: a load adds to an empty graph only. */
static int is_empty(const pt_graph *g)
{
  return !pt_graph_n_entities(g) && !pt_graph_n_edges(g) &&
         !pt_graph_n_files(g) && !pt_graph_n_tests(g) &&
         !pt_graph_n_ignored(g) && !pt_graph_n_meta(g);
}

int pt_store_load(pt_store *st, pt_graph *into)
{
  if (!st || !into)
    return PT_ERR(PT_EINVAL, "pt_store_load: NULL argument");
  if (!is_empty(into))
    return PT_ERR(PT_EINVAL, "store %s: load needs an empty graph",
                  st->ops->name);
  int rc = st->ops->load(st, into);
  pt_log(PT_LOG_DEBUG, "store %s: load %zu entities, %zu edges, %zu files, "
         "%zu tests, %zu ignored: %s", st->ops->name,
         pt_graph_n_entities(into), pt_graph_n_edges(into),
         pt_graph_n_files(into), pt_graph_n_tests(into),
         pt_graph_n_ignored(into), pt_error_name(rc));
  return rc;
}

int pt_store_write_changes(pt_store *st, const pt_graph *old,
                           const pt_graph *now)
{
  if (!st || !old || !now)
    return PT_ERR(PT_EINVAL, "pt_store_write_changes: NULL argument");
  if (!st->ops->write_changes)
    return st->ops->update ? pt_store_update(st, old, now)
                           : pt_store_save(st, now);
  int rc = check_graph(now);
  if (rc == 0)
    rc = st->ops->write_changes(st, old, now);
  if (rc == PT_ENOTSUPPORTED) {
    pt_error_clear();
    return pt_store_save(st, now);
  }
  pt_log(PT_LOG_DEBUG, "store %s: changes to %zu entities, %zu edges: %s",
         st->ops->name, pt_graph_n_entities(now), pt_graph_n_edges(now),
         pt_error_name(rc));
  return rc;
}

int pt_store_load_without_code(pt_store *st, pt_graph *into)
{
  if (!st || !into)
    return PT_ERR(PT_EINVAL, "pt_store_load_without_code: NULL argument");
  if (!st->ops->load_without_code)
    return pt_store_load(st, into);
  if (!is_empty(into))
    return PT_ERR(PT_EINVAL, "store %s: load needs an empty graph",
                  st->ops->name);
  int rc = st->ops->load_without_code(st, into);
  if (rc == PT_ENOTSUPPORTED) { /* nothing was added */
    pt_error_clear();
    return pt_store_load(st, into);
  }
  pt_log(PT_LOG_DEBUG, "store %s: load without code %zu entities, %zu edges, "
         "%zu files: %s", st->ops->name, pt_graph_n_entities(into),
         pt_graph_n_edges(into), pt_graph_n_files(into), pt_error_name(rc));
  return rc;
}

int pt_store_load_without_code_then(pt_store *st, pt_graph *into,
                                    pt_store_ready_fn ready, void *payload)
{
  if (!st || !into || !ready)
    return PT_ERR(PT_EINVAL, "pt_store_load_without_code_then: NULL argument");
  if (!is_empty(into))
    return PT_ERR(PT_EINVAL, "store %s: load needs an empty graph",
                  st->ops->name);
  int rc = st->ops->load_without_code_then
               ? st->ops->load_without_code_then(st, into, ready, payload)
               : PT_ENOTSUPPORTED;
  if (rc == PT_ENOTSUPPORTED) { /* nothing was added, ready not called */
    pt_error_clear();
    rc = pt_store_load_without_code(st, into);
    if (rc == 0)
      ready(into, payload);
    return rc;
  }
  pt_log(PT_LOG_DEBUG, "store %s: load without code, edges last, %zu "
         "entities, %zu edges, %zu files: %s", st->ops->name,
         pt_graph_n_entities(into), pt_graph_n_edges(into),
         pt_graph_n_files(into), pt_error_name(rc));
  return rc;
}

int pt_store_load_rest_then(pt_store *st, pt_graph *into,
                            pt_store_ready_fn ready, void *payload)
{
  if (!st || !into || !ready)
    return PT_ERR(PT_EINVAL, "pt_store_load_rest_then: NULL argument");
  if (!st->ops->load_rest_then)
    return PT_ERR(PT_ENOTSUPPORTED, "store %s: no load of the rest",
                  st->ops->name);
  if (pt_graph_n_entities(into) || pt_graph_n_edges(into) ||
      pt_graph_n_tests(into))
    return PT_ERR(PT_EINVAL, "store %s: the rest's load needs a graph of "
                  "file records only", st->ops->name);
  int rc = st->ops->load_rest_then(st, into, ready, payload);
  pt_log(PT_LOG_DEBUG, "store %s: load of the rest without code, edges "
         "last, %zu entities, %zu edges, %zu files: %s", st->ops->name,
         pt_graph_n_entities(into), pt_graph_n_edges(into),
         pt_graph_n_files(into), pt_error_name(rc));
  return rc;
}

/* The cheaper read of a re-run of index; the whole load where there is
 * none (mem). */
int pt_store_load_files(pt_store *st, pt_graph *into)
{
  if (!st || !into)
    return PT_ERR(PT_EINVAL, "pt_store_load_files: NULL argument");
  if (!st->ops->load_files)
    return pt_store_load(st, into);
  if (!is_empty(into))
    return PT_ERR(PT_EINVAL, "store %s: load needs an empty graph",
                  st->ops->name);
  int rc = st->ops->load_files(st, into);
  pt_log(PT_LOG_DEBUG, "store %s: load files %zu, ignored %zu: %s",
         st->ops->name, pt_graph_n_files(into), pt_graph_n_ignored(into),
         pt_error_name(rc));
  return rc;
}

const char *pt_store_name(const pt_store *st)
{
  return st ? st->ops->name : "none";
}

void pt_store_close(pt_store *st)
{
  if (st)
    st->ops->close(st);
}
