/* The "mem" backend of pt/store.h: keeps a deep copy of the last saved
 * graph in the heap. Nothing survives the process; it exists for the
 * Windows mem -> SQLite backup path and as the reference backend of the
 * conformance suite. */
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/store.h"

typedef struct mem_store {
  pt_store base;  /* first: the pt_store the caller holds */
  pt_graph *saved; /* owned; NULL until the first save */
} mem_store;

static int copy_records(const pt_graph *from, pt_graph *to)
{
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < pt_graph_n_entities(from); i++)
    rc = pt_graph_add_entity(to, &pt_graph_entities(from)[i]);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_edges(from); i++)
    rc = pt_graph_add_edge(to, &pt_graph_edges(from)[i]);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_files(from); i++)
    rc = pt_graph_add_file(to, &pt_graph_files(from)[i]);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_tests(from); i++)
    rc = pt_graph_add_test(to, &pt_graph_tests(from)[i]);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_ignored(from); i++)
    rc = pt_graph_add_ignored(to, &pt_graph_ignored(from)[i]);
  for (size_t i = 0; rc == 0 && i < pt_graph_n_meta(from); i++) {
    const char *name, *value;
    pt_graph_meta_at(from, i, &name, &value);
    rc = pt_graph_set_meta(to, name, value);
  }
  if (rc == 0)
    rc = pt_graph_finish(to);
  return rc;
}

/* The copy is built aside and swapped in only when complete, so a failed
 * save leaves the previous contents in place. */
static int mem_save(pt_store *self, const pt_graph *from)
{
  mem_store *ms = (mem_store *)self;
  pt_graph *copy = NULL;
  int rc = pt_graph_new(&copy);
  if (rc == 0)
    rc = copy_records(from, copy);
  if (rc == 0) {
    pt_graph *old = ms->saved;
    ms->saved = copy;
    copy = old;
  }
  pt_graph_free(copy);
  return rc;
}

static int mem_load(pt_store *self, pt_graph *into)
{
  mem_store *ms = (mem_store *)self;
  if (!ms->saved)
    return PT_ERR(PT_ENOTFOUND, "mem store: nothing has been saved yet");
  return copy_records(ms->saved, into);
}

static void mem_close(pt_store *self)
{
  mem_store *ms = (mem_store *)self;
  pt_graph_free(ms->saved);
  pt_free(ms);
}

static const pt_store_ops mem_ops = {"mem", mem_save, mem_load, mem_close, NULL,
                                      NULL, NULL, NULL, NULL, NULL};

int pt_store_mem_open(pt_store **out)
{
  mem_store *ms = pt_calloc(1, sizeof *ms);
  if (!ms)
    return PT_ERR(PT_ENOMEM, "out of memory opening the mem store");
  ms->base.ops = &mem_ops;
  *out = &ms->base;
  return 0;
}
