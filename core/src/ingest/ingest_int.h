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
#include "pt/sys/fs.h"
#include "pt/walk.h"
#include "resolve.h"

/* A reference kept from a file's merge until its batch is resolved: a
 * pt_raw_ref with each string an id in its batch's table (0 for NULL, else
 * the id + 1) and the small fields packed, 40 bytes where a pt_raw_ref
 * takes 64 (ingest.c makes a batch's pt_raw_refs again just before they
 * are read). */
typedef struct pt__kept_ref {
  uint32_t from_key, name, scope, module, recv_type, arg_types;
  uint32_t line;
  int32_t from_entity;
  uint8_t kind, via, recv_how, arity, is_base_init;
} pt__kept_ref;

/* What one file came to. */
typedef struct pt__ingest_slot {
  pt_file_result *result;   /* extracted, until merged */
  const char *ignored;      /* static reason when the file turned out binary */
  char *error;              /* owned message when extraction failed */
  char *warning;            /* owned message when it was decoded lossily */
  int done;                 /* under the pool mutex */
  pt__kept_ref *refs;       /* owned array, strings in its batch's table */
  size_t n_refs;
  const char *path;         /* interned */
  pt_lang lang;
  int cached;               /* result is the cache's, entry cache_idx */
  size_t cache_idx;
  pt__deps reads[2];        /* owned, with pt_ingest_opts.keep_reads: what
                               its resolution read, and noting its bases */
} pt__ingest_slot;

/* One kept parse result. */
typedef struct pt__cache_entry {
  char *path;               /* owned */
  uint64_t size;
  int64_t mtime_ns;
  pt_file_result *r;        /* owned, keys as extracted; NULL once moved */
  int seeded;               /* from a stored graph (pt_ingest_cache_seed):
                               size and mtime are the store's */
  size_t refs_at;           /* seeded lazily (pt_ingest_cache_seed_lazily),
                               r's references not decoded yet: where they
                               start in r->file.reuse; else 0 */
} pt__cache_entry;

/* ingest_cache.c: the cache's insides are its own; these say what the
 * pipeline and the patch shortcut need of it. */

/* The run's side. */
/* The compiled queries (borrowed), compiled on the first call and kept
 * for every later run. */
int pt__cache_queries(pt_ingest_cache *c, pt_queries **out);
/* Before a run's pool starts: files whose kept result still holds are
 * marked done with it (lent: slot.cached, slot.cache_idx). */
void pt__cache_reuse(pt_ingest_cache *c, const pt_walk_result *w,
                     pt__ingest_slot *slots);
/* The merge took entry i's lent result: the entry forgets it. */
void pt__cache_take(pt_ingest_cache *c, size_t i);
/* Moves r into the generation being built (r is freed on failure). */
int pt__cache_keep(pt_ingest_cache *c, const pt_walk_file *wf, pt_file_result *r);
/* After a run: the new generation replaces the old (ok), or both go. */
int pt__cache_commit(pt_ingest_cache *c, int ok);
/* The resolver kept for patches: dropped, or taken from a full run (built
 * on g before it was finished, so in walk order). */
void pt__cache_drop_resolver(pt_ingest_cache *c);
void pt__cache_keep_resolver(pt_ingest_cache *c, pt_resolver *rs, pt_graph *g);

/* The tables rs (owned from now on), made over g's strings, are kept for
 * patches instead of a full run's. */
void pt__cache_set_resolver(pt_ingest_cache *c, pt_resolver *rs,
                            const pt_graph *g);
/* Whether the cache holds what seeding gave it and nothing since: no
 * run, no resolver, nothing marked. */
int pt__cache_is_fresh_seed(const pt_ingest_cache *c);

/* The patch shortcut's side. */
/* Whether a patch may be tried on prev: a full run kept its resolver, some
 * paths but not the whole root are marked, and prev's pool has not grown
 * past twice its size after that run (patches leave the text they replace
 * in it; a full run cleans up). */
int pt__cache_can_patch(const pt_ingest_cache *c, const pt_graph *prev);
/* Whether the resolver can be rebuilt over prev's files: every file
 * indexed in prev has an entry, and the resolver's strings are in prev's
 * pool. */
int pt__cache_covers(const pt_ingest_cache *c, const pt_graph *prev);
/* The entries of the last run in walk order (borrowed, until the next run
 * or patch). */
const pt__cache_entry *pt__cache_entries(const pt_ingest_cache *c, size_t *n);
/* The first entry not before "dir/" (dir: dl bytes, no '/' at its end;
 * the entries are sorted by path, so those below dir are the run from
 * there on); n when there is none. */
size_t pt__cache_first_below(const pt_ingest_cache *c, const char *dir,
                             size_t dl);
/* 1 and its index in *i when path (len bytes) has an entry, else 0. */
int pt__cache_find(const pt_ingest_cache *c, const char *path, size_t len,
                   size_t *i);
/* A patch re-extracted entry i's file: r (owned from now on) replaces the
 * entry's result, with the size and mtime the file was read at. */
void pt__cache_replace(pt_ingest_cache *c, size_t i, pt_file_result *r,
                       uint64_t size, int64_t mtime_ns);
/* The paths marked dirty: how many, then one at a time (in no order; *it
 * starts at 0). The path (borrowed, NUL-terminated, len bytes) lives until
 * the marks are cleared; NULL after the last. */
size_t pt__cache_n_dirty(const pt_ingest_cache *c);
const char *pt__cache_next_dirty(const pt_ingest_cache *c, size_t *it,
                                 size_t *len);
/* The marks are served: forget them all. */
void pt__cache_clear_dirty(pt_ingest_cache *c);
/* The kept resolver (borrowed; NULL when none): the tables of the last
 * full run, kept true by every patch since. */
pt_resolver *pt__cache_resolver(const pt_ingest_cache *c);
/* Files that came and went with a patch: the entries flagged in drop (by
 * entry) are freed, adds (sorted by path; their paths and results owned
 * from the call on, also on failure) come in, in walk order. On failure
 * the cache is emptied and its resolver dropped: the next run is full. */
typedef struct pt__cache_add {
  char *path;
  pt_file_result *r;
  uint64_t size;
  int64_t mtime_ns;
} pt__cache_add;
int pt__cache_splice(pt_ingest_cache *c, const unsigned char *drop,
                     pt__cache_add *adds, size_t n_adds);

/* Seeding (pt_ingest_cache_seed): the cache keeps g's string pool alive,
 * which the seeded results borrow their strings from; then one entry per
 * file record (r owned from then on, freed on failure), before any run. */
int pt__cache_hold_pool(pt_ingest_cache *c, const pt_graph *g);
int pt__cache_add_seeded(pt_ingest_cache *c, const pt_file_record *f,
                         pt_file_result *r, size_t refs_at);
/* Entry i's references, decoded now if they were left for later (a lazy
 * seed). 0 when r holds them; PT_EAGAIN when they were malformed: the
 * entry's result is dropped (its file is parsed again) and the caller
 * gives up its shortcut; PT_ENOMEM. */
int pt__cache_refs(pt_ingest_cache *c, size_t i);
/* The same for each entry i with which[i] set, on two threads when they
 * are many; PT_EAGAIN when any was malformed (each such drops its
 * result). */
int pt__cache_refs_many(pt_ingest_cache *c, const unsigned char *which);
/* Every entry's references decoded (those malformed drop their results,
 * logged): what every run and patch but a re-run's does first. 0 or
 * PT_ENOMEM. */
int pt__cache_refs_all(pt_ingest_cache *c);
/* Compacting (pt_ingest_cache_compact): does c hold the run that made
 * g (its resolver, a result for each of g's files but those rekeyed),
 * with no strings of another graph's? Then entry i's result is replaced
 * by r, decoded from g's record (size, mtime and seeded mark kept). */
int pt__cache_is_run_of(const pt_ingest_cache *c, const pt_graph *g);
void pt__cache_put_decoded(pt_ingest_cache *c, size_t i, pt_file_result *r);

/* ingest_patch.c: does a file name bases the resolver notes (extends,
 * implements, C++ fields of a named type), and the same ones in the same
 * order as another file result? A re-run (ingest_rerun_seed.c) asks as
 * the patch does. */
int pt__ingest_has_bases(const pt_file_result *r);
int pt__ingest_same_bases(const pt_file_result *a, const pt_file_result *b);

/* ingest_patch_path.c */
/* What the patch shortcut can do with a changed path. */
enum {
  PT__PATCH_FULL,            /* nothing: a full run must */
  PT__PATCH_NOTHING,         /* the path changes nothing in the index */
  PT__PATCH_EDITED,          /* a file the index has (cache entry *entry) */
  PT__PATCH_GONE,            /* a file the index has, gone */
  PT__PATCH_NEW,             /* a file a fresh walk would index */
  PT__PATCH_REGION           /* an entry to be walked again with all that is
                                below it: the path's first *top bytes (the
                                path, or the first folder new to the index
                                on its way, or the folder a .git is in),
                                in a folder the walk walked */
};
int pt__patch_path_kind(const pt_ingest_cache *c, const pt_graph *prev,
                        const char *root, const char *path, size_t len,
                        size_t *entry, size_t *top);

/* ingest_patch_region.c */
/* Paths, each owned. */
typedef struct pt__paths {
  char **v;
  size_t n, cap;
} pt__paths;
void pt__paths_fini(pt__paths *p);
/* Ignored entries, their strings in arena. */
typedef struct pt__listed {
  pt_ignored_file *v;       /* owned */
  size_t n, cap;
  pt_arena arena;
} pt__listed;
void pt__listed_fini(pt__listed *l);
/* What a fresh walk lists at and below the entry top (its first top_len
 * bytes), by the walk's own rules (pt_walk_entry): its files appended to
 * files, its ignored entries to listed, each sorted. PT_EAGAIN when the
 * walk would not reach it, met an error there, or prev lists an entry
 * there that only reading a file tells (binary, parse_budget). */
int pt__patch_region(const pt_ingest_opts *o, const pt_graph *prev,
                     const char *root, const char *top, size_t top_len,
                     pt__paths *files, pt__listed *listed);
/* prev's ignored entries with those at or below each region (tops[i]
 * bytes of top_of[i], none below another; a length 0: none) replaced by
 * listed's: into *out (borrowed strings, pt_free it) with *same set when
 * they are prev's. */
int pt__patch_ignored_list(const pt_graph *prev, const char *const *top_of,
                           const size_t *tops, size_t n_tops,
                           const pt__listed *listed, pt_ignored_file **out,
                           size_t *n_out, int *same);
/* lstat of root/path: 0, PT_ENOTFOUND, or another error (cleared). */
int pt__patch_stat(const char *root, const char *path, pt_fs_stat *st);

/* ingest_patch_start.c */
/* A seeded cache's first pass over prev (the graph it was seeded from):
 * 0 when the tree is as prev says (nothing to merge; the resolver is then
 * kept), PT_EAGAIN when a full run must look. */
int pt__patch_start(const pt_ingest_opts *o, pt_ingest_cache *c,
                    const pt_graph *prev, pt_ingest_stats *st);
/* The same without the walk, for a caller that has compared the tree
 * with prev already (a re-run of pt01, ingest_rerun.c): the resolver is
 * made from the seeded results, which must cover every file of prev;
 * the paths the caller marks dirty next are patched by pt_ingest_patch.
 * PT_EAGAIN when they do not (a record without a reuse record). */
int pt__patch_seed(const pt_ingest_opts *o, pt_ingest_cache *c,
                   const pt_graph *prev);

/* ingest_rerun_seed.c */
/* pt__patch_seed for a re-run of pt01 whose delta is d: the same tables,
 * with what each file reads recorded only for the files that can read
 * what d's changed files change (none for an edit that changes no
 * definition), or for every file when that cannot be told. PT_EAGAIN as
 * pt__patch_seed. */
int pt__rerun_seed(const pt_ingest_opts *o, pt_ingest_cache *c,
                   const pt_graph *prev, const pt_ingest_delta *d);
/* What pt_ingest_rerun_begin made (owned by the cache it is kept in). */
typedef struct pt__rerun_prep pt__rerun_prep;
void pt__rerun_prep_free(pt__rerun_prep *p);
/* ingest_cache.c: p (owned from now on; NULL: none) is kept in c, in place
 * of what was; take gives it back (the caller's), leaving none. */
void pt__cache_set_rerun(pt_ingest_cache *c, pt__rerun_prep *p);
pt__rerun_prep *pt__cache_take_rerun(pt_ingest_cache *c);
/* ingest_ahead.c: the files pt_ingest_extract_ahead extracted (owned by
 * the cache they are kept in, ingest_cache.c's pt__cache_ahead). */
typedef struct pt__ahead pt__ahead;
void pt__ahead_free(pt__ahead *a);
pt__ahead **pt__cache_ahead(pt_ingest_cache *c);
/* The result extracted ahead for path from exactly the len bytes at src,
 * the caller's from now on (counted as taken), or NULL. */
pt_file_result *pt__ahead_take(pt_ingest_cache *c, const char *path,
                               const char *src, size_t len);
/* ingest_patch.c: reads the file at root/path (full its path) into src
 * when it is a file of at most max_size bytes, its stat in *st; PT_EAGAIN
 * when it is not, else the read's error. */
int pt__patch_read(const char *root, const char *path, uint64_t max_size,
                   pt_fs_stat *st, pt_buf *full, pt_buf *src);
/* ingest_patch.c: extracts the len bytes at src, read from the file at
 * path (valid UTF-8 as read), as a patch does; PT_EAGAIN when the patch
 * cannot take the file (binary, of no grammar, failing to extract). */
int pt__patch_extract_bytes(pt_extractor *x, const char *path, const char *src,
                            size_t len, pt_file_result **out);
/* What pt_ingest_rerun_parse_ahead started (owned by the cache it is kept
 * in); freeing it joins its thread. Kept and taken as the above. */
typedef struct pt__rerun_parse pt__rerun_parse;
void pt__rerun_parse_free(pt__rerun_parse *p);
void pt__cache_set_parse(pt_ingest_cache *c, pt__rerun_parse *p);
pt__rerun_parse *pt__cache_take_parse(pt_ingest_cache *c);
/* What the records of the n entries keep of what each file read: 1 when
 * every one keeps it (out, when not NULL: *out 2 n of them, each file's
 * reads then its bases', the caller's to free), 2 when some do or one is
 * malformed, 0 when none does, or PT_ENOMEM. */
int pt__ingest_kept_reads(const pt__cache_entry *e, size_t n, pt__deps **out);
/* How many files the last pt__patch_start or pt__patch_seed resolved for
 * what they read ((size_t)-1 when it made no tables); for tests. */
size_t pt__patch_last_n_read(void);
/* How many files the last pt__rerun_seed resolved for what they read
 * ((size_t)-1 when it made no tables); for tests. */
size_t pt__rerun_last_n_read(void);
/* Whether the last pt__rerun_seed took what pt_ingest_rerun_begin made
 * for it (else it made its own); for tests. */
int pt__rerun_last_was_begun(void);
/* Whether the last which_read (of pt__rerun_seed or pt_ingest_rerun_begin)
 * took the changed files pt_ingest_rerun_parse_ahead extracted; for
 * tests. */
int pt__rerun_last_parsed_ahead(void);

/* ingest_reuse.c */
/* Records in r->file.reuse (r's arena) what a later run needs to reuse r
 * from a stored graph, with the size of the file on disk (disk_size: its
 * bytes before invalid UTF-8 was decoded); leaves it NULL when r cannot be
 * told apart from its records (two tests sorting alike). 0, or PT_ENOMEM. */
int pt__reuse_encode(pt_file_result *r, uint64_t disk_size);
/* What the records are built in, kept by a parse thread from one file to
 * the next (PT__REUSE_ENC_INIT; pt__reuse_enc_fini frees it): its buffer,
 * maps and arrays are allocated once, not per file; what a large file
 * grew past ENC_KEEP_BYTES (ingest_reuse.c) is freed after its record. */
typedef struct pt__reuse_enc {
  pt_buf b, file_key;
  pt_strmap strings, from;
  struct pt__reuse_ranked *ranked;
  size_t *rank;
  size_t cap_ranked, cap_rank;
} pt__reuse_enc;
#define PT__REUSE_ENC_INIT \
  {PT_BUF_INIT, PT_BUF_INIT, PT_STRMAP_INIT, PT_STRMAP_INIT, NULL, NULL, 0, 0}
/* As pt__reuse_encode, built in e; the record is the same. */
int pt__reuse_encode_in(pt__reuse_enc *e, pt_file_result *r,
                        uint64_t disk_size);
void pt__reuse_enc_fini(pt__reuse_enc *e);
/* Decodes into r (seeded lazily: no references yet) the references of its
 * reuse record, which start at byte at. 0, 1 when they are malformed (r
 * then holds none), PT_ENOMEM. */
int pt__reuse_decode_refs(pt_file_result *r, size_t at);
/* The size on disk of the file f's record was made from, as its reuse
 * record says (f->size, the decoded text's, when it has none). */
uint64_t pt__reuse_disk_size(const pt_file_record *f);
/* What the file's resolution read, as f's reuse record keeps it (deps and
 * bdeps made, pt__deps_fini's to free): 1, 0 when it keeps none (an older
 * record, or one no resolution wrote to; both left empty), PT_EINVAL when
 * they are malformed, PT_ENOMEM. */
int pt__reuse_reads(const pt_file_record *f, pt__deps *deps, pt__deps *bdeps);
/* Whether f's reuse record keeps what its resolution read. */
int pt__reuse_has_reads(const pt_file_record *f);
/* f's reuse record into out, keeping deps and bdeps (sealed) as what its
 * resolution read, or none when both are NULL: 0, PT_EINVAL when f has no
 * current record, PT_ENOMEM. */
int pt__reuse_set_reads(const pt_file_record *f, const pt__deps *deps,
                        const pt__deps *bdeps, pt_buf *out);
/* The record of g's file f (found in g) made to keep deps and bdeps, b
 * its scratch: 0 (also when the record is malformed: a later run parses
 * the file again), PT_ENOMEM. */
int pt__reuse_write_reads(pt_graph *g, const pt_file_record *f,
                          const pt__deps *deps, const pt__deps *bdeps,
                          pt_buf *b);
/* 1 when f's reuse record was made by this build's extractor (same
 * format and digest of the queries and extract sources), else 0. */
int pt__reuse_is_current(const pt_file_record *f);
/* 1 when root/path holds the text whose SHA-256 is content_hash (read as
 * extraction reads it, invalid UTF-8 decoded lossily), else 0: the second
 * opinion when size and mtime cannot tell. */
int pt__reuse_same_content(const char *root, const char *path,
                           const char *content_hash);

/* ingest.c */
/* A NUL byte in the first 8 KiB marks a binary file (git's heuristic). */
int pt__ingest_is_binary(const char *s, size_t len);
/* Rewrites src with U+FFFD for each byte that starts no valid UTF-8
 * sequence, as extraction reads it; *n_bad counts them, *line is the line
 * of the first (1 when none). 0, or PT_ENOMEM. */
int pt__ingest_decode_lossily(pt_buf *src, size_t *n_bad, size_t *line);
/* The counts of a finished graph into stats. */
void pt__ingest_count(const pt_graph *g, pt_ingest_stats *st);
/* References per resolution batch (0: the default, 65,536); a file's
 * references are never split. For tests, before any run. */
void pt__ingest_set_batch_refs(size_t n);

#endif
