/* pt01's pipeline: walk, parse in parallel, extract, resolve, into one
 * finished in-memory graph. The result does not depend on the number of
 * threads or on how the root was typed. */
#ifndef PT_INGEST_H
#define PT_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/graph.h"

/* Called from worker threads, serialised: files done so far of total. */
typedef void (*pt_ingest_progress_fn)(size_t done, size_t total,
                                      uint64_t bytes_done, void *payload);

/* Parse results kept from one run to the next, for the live index. A run
 * given a cache extracts only the files that are new, whose size or mtime
 * changed, or that were marked dirty, and reuses the others' results; the
 * graph is byte for byte the one a run without a cache makes (results are
 * kept as extracted, and one that had to be rekeyed is not kept). The
 * compiled queries are kept too. One run at a time per cache. */
typedef struct pt_ingest_cache pt_ingest_cache;

int pt_ingest_cache_new(pt_ingest_cache **out);
void pt_ingest_cache_free(pt_ingest_cache *c);
/* The next run re-extracts this root-relative path whatever its size and
 * mtime say; a folder's path covers everything below it, "" the whole
 * tree. Cleared by the next successful run. */
int pt_ingest_cache_mark_dirty(pt_ingest_cache *c, const char *path);
/* Files whose results are kept. */
size_t pt_ingest_cache_size(const pt_ingest_cache *c);
/* Fills an empty cache from a graph loaded from a store, so the next run
 * parses only the files that changed since that graph was made: every file
 * record holding a reuse record and an mtime gives an entry with the
 * stored size and mtime. A file whose size still matches but whose mtime
 * does not is read and hashed once: same content, no parse. The cache
 * keeps g's string pool, so g may be freed before it. *n_seeded counts the entries; a malformed reuse record is skipped
 * (logged). PT_EINVAL when the cache holds results, PT_ENOMEM. */
int pt_ingest_cache_seed(pt_ingest_cache *c, const pt_graph *g,
                         size_t *n_seeded);
/* As pt_ingest_cache_seed, for a re-run (pt_ingest_rerun), which uses the
 * references of few files: those of a file that notes no bases are
 * decoded when a run or patch first uses them (a record whose references
 * are malformed then drops its entry: the file is parsed again). Any run
 * or patch may use the cache. */
int pt_ingest_cache_seed_lazily(pt_ingest_cache *c, const pt_graph *g,
                                size_t *n_seeded);

/* After a run over an empty cache made g (a first index), the results
 * kept as extracted are replaced by ones decoded from g's reuse records,
 * as pt_ingest_cache_seed makes them: they borrow g's strings instead of
 * holding copies (the entity code of every file again), and every later
 * run and patch goes as it would have. *n_compacted counts them; a record
 * that cannot be decoded keeps its result as extracted. PT_EINVAL when c
 * does not hold the run that made g (nothing changed), PT_ENOMEM (the
 * results replaced so far stay replaced). */
int pt_ingest_cache_compact(pt_ingest_cache *c, const pt_graph *g,
                            size_t *n_compacted);

typedef struct pt_ingest_opts {
  const char *root;                /* borrowed */
  unsigned n_threads;              /* 0 = one per processor */
  uint64_t max_file_size;          /* 0 = PT_INGEST_DEFAULT_MAX_FILE_SIZE */
  const char *const *skip;         /* absolute paths never walked */
  size_t n_skip;
  pt_ingest_progress_fn progress;  /* may be NULL */
  void *payload;
  int parse_only;                  /* benchmark floor: parse, extract nothing */
  pt_ingest_cache *cache;          /* may be NULL; not with parse_only */
  int keep_reads;                  /* without a cache: each file's record
                                      keeps what its resolution read (its
                                      reuse record's reads), for a store
                                      that a re-run reads them from */
} pt_ingest_opts;

#define PT_INGEST_DEFAULT_MAX_FILE_SIZE (16u * 1024u * 1024u)

typedef struct pt_ingest_stats {
  size_t total_files;      /* files with a grammar, after the ignore rules */
  size_t processed_files;  /* of those, extracted */
  size_t reused_files;     /* of those, taken from the cache unchanged */
  size_t n_entities;       /* CODE entities in the graph */
  size_t n_tests;          /* test entities left out */
  size_t n_edges;
  size_t n_resolved;       /* edges whose target is a real entity or file */
  size_t n_unresolved;
  size_t n_ignored;        /* ignored files and folders */
  uint64_t bytes;          /* source bytes extracted */
  uint64_t walk_ns;        /* phase durations, for -v and benchmarks */
  uint64_t extract_ns;     /* parse, extract and merge (parallel) */
  uint64_t resolve_ns;     /* resolution and canonical ordering */
  char **errors;           /* owned: one line per error, walk order */
  size_t n_errors;
  char **warnings;         /* owned: one line per file indexed despite a
                              problem ("PATH:LINE: invalid UTF-8 ..."),
                              walk order */
  size_t n_warnings;
} pt_ingest_stats;

/* Indexes opts->root into a new finished graph (*out, caller frees).
 * Per-file problems become stats->errors and never fail the run; only a
 * missing root, a query compile error or out-of-memory do. Invalid UTF-8
 * is decoded lossily, as ctags and ripgrep do (each byte that starts no
 * valid sequence reads as U+FFFD), the file indexed and a line added to
 * stats->warnings. */
int pt_ingest(const pt_ingest_opts *opts, pt_graph **out, pt_ingest_stats *stats);
/* As pt_ingest, calling merged(g, payload) once, on the calling thread,
 * when the graph holds every entity, file record, test and ignored file
 * it will hold (not in canonical order yet) and resolution starts making
 * the edges: a store may begin saving meanwhile (pt_store_save_begin).
 * Then, whenever merged was called, resolved(g, payload) once resolution
 * is over (or failed), before those records are put in canonical order or
 * freed: the begun save stops reading them there (pt_store_save_release).
 * Either may be NULL. */
typedef void (*pt_ingest_merged_fn)(const pt_graph *g, void *payload);
int pt_ingest_with_hook(const pt_ingest_opts *opts, pt_ingest_merged_fn merged,
                        pt_ingest_merged_fn resolved, void *payload,
                        pt_graph **out, pt_ingest_stats *stats);
void pt_ingest_stats_fini(pt_ingest_stats *stats);

/* What changed in opts->root since a stored index of it was made, told
 * by a walk with opts' rules against that index's file records, ignored
 * files and metadata (pt_store_load_files): a re-run of pt01. Nothing is
 * parsed: a file whose size and mtime are the recorded ones is unchanged;
 * any other is read as extraction reads it (invalid UTF-8 decoded
 * lossily, which is the size recorded) and its size and content hash
 * decide; a file the index left out as binary is read to see that it
 * still is. */
typedef struct pt_ingest_delta {
  const char *why_whole;   /* static, or NULL: why only a whole run can
                              tell (another root, folders that cannot be
                              read, an index of an older version); then
                              the lists below are empty */
  int ignored_changed;     /* the walk's ignored files are not the index's */
  const char **changed;    /* root-relative paths, sorted, in arena: files */
  size_t n_changed;        /*   whose content is not the recorded one */
  const char **added;      /*   walked, without a record (new, or failed) */
  size_t n_added;
  const char **removed;    /*   recorded, no longer walked */
  size_t n_removed;
  size_t n_files;          /* files the walk found */
  size_t n_hashed;         /* of those, read and hashed */
  uint64_t walk_ns, compare_ns;
  pt_arena arena;
} pt_ingest_delta;

int pt_ingest_diff(const pt_ingest_opts *opts, const pt_graph *stored,
                   pt_ingest_delta *out);
/* As pt_ingest_diff, with stored's records read by load(payload) on the
 * calling thread while the tree is walked on a thread of its own (after
 * load when no thread starts): the walk reads no record. A nonzero load
 * is returned as it is, after the walk, with *out empty. */
int pt_ingest_diff_loading(const pt_ingest_opts *opts,
                           int (*load)(void *payload), void *payload,
                           const pt_graph *stored, pt_ingest_delta *out);
/* 1 when a fresh index of the tree would be the stored one. */
int pt_ingest_delta_is_empty(const pt_ingest_delta *d);
void pt_ingest_delta_fini(pt_ingest_delta *d);

/* The live index's shortcut, for a run whose marked paths are files the
 * index has (edited or gone) or new files a fresh walk would index as they
 * are: the new graph is `prev` with just those files' records and edges
 * replaced, removed or added (pt_graph_patch), plus the edges of every
 * other file whose resolution read something the change touched (a name's
 * candidates, a key, a type's bases, the files of an included name),
 * resolved again with the kept resolver, whose tables are changed a file
 * at a time. That is the graph pt_ingest would make, without re-walking,
 * re-merging or re-resolving the rest. `prev` must equal the graph of the
 * cache's last run (or of a patch). Paths marked dirty that the index
 * leaves out anyway (ignored files, files under ignored folders, files of
 * no language) change nothing. *out is NULL when nothing changed. On a
 * cache seeded from prev (pt_ingest_cache_seed) with nothing marked, the
 * tree is walked: when it is as prev says, *out is NULL and the resolver
 * is made from the seeded results, without merging anything. PT_EAGAIN
 * when the shortcut does not apply (a folder came or went, a file failed,
 * changed language or would be listed as ignored, a new key would collide,
 * patches have piled up garbage in the string pool); then run pt_ingest. */
int pt_ingest_patch(const pt_ingest_opts *opts, const pt_graph *prev,
                    pt_graph **out, pt_ingest_stats *stats);
/* Reads the file at the root-relative path (under opts->root) and
 * extracts it ahead of the patch that will take it: the live index does
 * so while a finished file's path settles. The result is kept in c (the
 * last few such files); the next pt_ingest_patch that re-extracts path
 * takes it instead of extracting again when the bytes it reads are the
 * ones extracted ahead, else extracts what it reads. 0, or PT_ENOMEM; a
 * file the patch would not extract (gone, a folder, past the size limit,
 * binary, of no grammar, failing to extract) keeps nothing. */
int pt_ingest_extract_ahead(const pt_ingest_opts *opts, pt_ingest_cache *c,
                            const char *path);
/* How many results extracted ahead c's patches have taken. */
size_t pt_ingest_cache_ahead_taken(const pt_ingest_cache *c);

/* A re-run of pt01 over its stored index: `stored` is the whole graph the
 * store holds (pt_store_load), opts->cache a cache seeded from it
 * (pt_ingest_cache_seed) and used for nothing else yet (but perhaps
 * pt_ingest_rerun_begin), d what
 * pt_ingest_diff found. The changed, added and removed files are patched
 * into stored as pt_ingest_patch patches the live index's graph, after a
 * first pass that makes the resolver from the seeded results and walks
 * nothing: only those files are parsed, and only the files whose
 * resolution read what they changed are resolved again. Where that does
 * not apply (d->why_whole, the ignored files changed, or anything that
 * makes pt_ingest_patch say PT_EAGAIN), pt_ingest with the cache. Either
 * way *out is the graph pt_ingest would make of the tree and the stats a
 * whole run's; a patched *out shares stored's strings, so what it did not
 * change compares equal by pointer. */
int pt_ingest_rerun(const pt_ingest_opts *opts, const pt_graph *stored,
                    const pt_ingest_delta *d, pt_graph **out,
                    pt_ingest_stats *stats);
/* The part of pt_ingest_rerun that reads only stored's records other than
 * its edges, done ahead: the resolver's tables made from c's seeded
 * results (on threads of its own) and the files found whose reads must be
 * recorded, kept in c for the pt_ingest_rerun of the same stored and d
 * (and opts of the same root); another's makes its own. Meant for a
 * load's ready call (pt_store_load_without_code_then), as work on another
 * thread while the edges load: it adds no string to stored's pool. 0, or
 * PT_ENOMEM; what else fails is kept for pt_ingest_rerun, which meets it
 * (and runs whole, as it would). */
int pt_ingest_rerun_begin(const pt_ingest_opts *opts, pt_ingest_cache *c,
                          const pt_graph *stored, const pt_ingest_delta *d);
/* What pt_ingest_rerun_begin does first that needs no stored index: d's
 * changed files read and extracted, on a thread of their own, kept in c
 * for the pt_ingest_rerun_begin or pt_ingest_rerun of the same d (and
 * opts of the same root), which take them instead of extracting them
 * again. Meant for the moment d is known, before the stored index loads.
 * 0, or PT_ENOMEM (nothing started); a thread that cannot start, or an
 * extraction that fails, leaves the extraction to them. */
int pt_ingest_rerun_parse_ahead(const pt_ingest_opts *opts, pt_ingest_cache *c,
                                const pt_ingest_delta *d);

#endif
