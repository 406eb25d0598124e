/* What pt01's pipeline (ingest.c), its cache (ingest_cache.c) and the live
 * index's patch shortcut (ingest_patch.c) share (private to core). */
#ifndef PT_INGEST_INT_H
#define PT_INGEST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/extract.h"
#include "pt/graph.h"
#include "pt/ingest.h"
#include "pt/strmap.h"
#include "pt/walk.h"
#include "resolve.h"

/* What one file came to. */
typedef struct pt__ingest_slot {
  pt_file_result *result;   /* extracted, until merged */
  const char *ignored;      /* static reason when the file turned out binary */
  char *error;              /* owned message when extraction failed */
  int done;                 /* under the pool mutex */
  pt_raw_ref *refs;         /* owned array, strings interned in the graph */
  size_t n_refs;
  const char *path;         /* interned */
  pt_lang lang;
  int cached;               /* result is the cache's, entry cache_idx */
  size_t cache_idx;
} pt__ingest_slot;

/* One kept parse result. */
typedef struct pt__cache_entry {
  char *path;               /* owned */
  uint64_t size;
  int64_t mtime_ns;
  pt_file_result *r;        /* owned, keys as extracted; NULL once moved */
} pt__cache_entry;

struct pt_ingest_cache {
  pt_queries *queries;      /* owned, compiled once for every run */
  pt__cache_entry *entries;     /* owned; this generation, in walk order */
  size_t n, cap;
  pt_strmap map;            /* path -> index into entries */
  pt__cache_entry *next;        /* the generation the running merge builds */
  size_t n_next, cap_next;
  pt_arena dirty_paths;     /* keys of dirty */
  pt_strmap dirty;          /* marked paths */
  int all_dirty;
  /* the resolver of the last full run, for pt_ingest_patch */
  pt_resolver *rs;
  pt_entity *rs_ents;       /* owned copies of the arrays rs reads */
  size_t n_rs_ents;
  pt_file_record *rs_files;
  size_t n_rs_files;
  pt_graph_pool *pool;      /* retained: the strings all of those point to */
  size_t pool_base;         /* its size after that run */
};

/* ingest_cache.c */
/* Moves r into the generation being built (r is freed on failure). */
int pt__cache_keep(pt_ingest_cache *c, const pt_walk_file *wf, pt_file_result *r);
/* After a run: the new generation replaces the old (ok), or both go. */
int pt__cache_commit(pt_ingest_cache *c, int ok);
/* Before a run's pool starts: files whose kept result still holds are
 * marked done with it. */
void pt__cache_reuse(pt_ingest_cache *c, const pt_walk_result *w,
                     pt__ingest_slot *slots);
/* The resolver kept for patches: dropped, or taken from a full run (built
 * on g before it was finished, so in walk order). */
void pt__cache_drop_resolver(pt_ingest_cache *c);
void pt__cache_keep_resolver(pt_ingest_cache *c, pt_resolver *rs, pt_graph *g);

/* ingest.c */
/* A NUL byte in the first 8 KiB marks a binary file (git's heuristic). */
int pt__ingest_is_binary(const char *s, size_t len);
/* The counts of a finished graph into stats. */
void pt__ingest_count(const pt_graph *g, pt_ingest_stats *st);

#endif
