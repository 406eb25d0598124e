/* Reference resolution (private to core): raw references of all files to
 * edges whose targets are real entity keys where the index has them. */
#ifndef PT_RESOLVE_H
#define PT_RESOLVE_H

#include "pt/extract.h"
#include "pt/graph.h"

typedef struct pt_resolver pt_resolver;

/* What resolving a file read from the tables, as 64-bit hashes of what
 * was looked up (a name's candidates, a key, a type's bases, the files of
 * a base name), sorted and unique once sealed; also a set of such hashes
 * that a patch changed. A patch that changes nothing a file read cannot
 * change that file's edges (resolve_upkeep.c). */
typedef struct pt__deps {
  uint64_t *v;               /* owned */
  size_t n, cap;
  int failed;                /* out of memory while recording */
} pt__deps;

/* Indexes the entities and files of g (not yet finished is fine). */
int pt__resolver_new(const pt_graph *g, pt_resolver **out);
/* The same over arrays (borrowed), in the order a graph would have them
 * before it is finished: walk order, then source order. */
int pt__resolver_new_arrays(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            pt_resolver **out);
/* The same, calling beside(payload) once on a thread of its own while
 * this one makes the name groups, the tables' last step and one thread's
 * work (one after the other when no thread starts): the caller's own
 * work fills the second processor. beside is called also when the
 * tables fail. */
int pt__resolver_new_beside(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            void (*beside)(void *payload), void *payload,
                            pt_resolver **out);
void pt__resolver_free(pt_resolver *rs);
/* Whether an entity has this key. */
int pt__resolver_has_key(const pt_resolver *rs, const char *key);
/* Hands rs copies (owned from now on) of the arrays it was built from
 * (the same records in the same order, strings shared), so it can outlive
 * that graph and patches can grow them. */
void pt__resolver_adopt(pt_resolver *rs, pt_entity *ents,
                        pt_file_record *files);
/* Records the bases of the types defined in one file (its extends and
 * implements references, resolved as they would be), for method lookup;
 * every file's before any pt__resolve_file. */
int pt__resolver_note_bases(pt_resolver *rs, const char *path, pt_lang lang,
                            const pt_raw_ref *refs, size_t n_refs);
/* Resolves the references of one file (refs[i].from_key etc. borrowed)
 * and adds their edges to g. `path` and `lang` are the file's; `path` and
 * every refs[i].from_key must come from pt_graph_intern(g, ...). */
int pt__resolve_file(pt_resolver *rs, pt_graph *g, const char *path, pt_lang lang,
                     const pt_raw_ref *refs, size_t n_refs);

/* One file's references for pt__resolve_files (all borrowed, with the
 * contract of pt__resolve_file); a NULL path is skipped. */
typedef struct pt__resolve_job {
  const char *path;
  pt_lang lang;
  const pt_raw_ref *refs;
  size_t n_refs;
} pt__resolve_job;
/* pt__resolve_file for every job, on up to n_threads threads (the calling
 * one included); the edges go to g in job order, so g is the same for any
 * number of threads, or nowhere when g is NULL (a run made only for what
 * pt__resolver_record keeps). After every pt__resolver_note_bases; rs is
 * only read (but for what pt__resolver_record keeps). */
int pt__resolve_files(pt_resolver *rs, pt_graph *g,
                      const pt__resolve_job *jobs, size_t n_jobs,
                      unsigned n_threads);
/* pt__resolve_files by a resolver that does not record
 * (pt__resolver_record): what the i-th job's resolution read goes to
 * deps[i], and what noting its bases read to bdeps[i] (both zeroed by the
 * caller, sealed here, the caller's to free; as pt__resolver_file_deps
 * would give them), for a fresh index that keeps them in its files'
 * reuse records; rs keeps none of it. */
int pt__resolve_files_reading(pt_resolver *rs, pt_graph *g,
                              const pt__resolve_job *jobs, size_t n_jobs,
                              unsigned n_threads, pt__deps *deps,
                              pt__deps *bdeps);

/* ---- patches (resolve_upkeep.c) ----------------------------------------
 * The live index keeps the tables of its last full run and changes them a
 * file at a time; every string given to these must live in the pool the
 * tables' strings live in. After a failure the tables are half changed:
 * free them. */

/* Makes rs keep, from now on, what patches need: the entities of each
 * file and what resolving each file reads (recorded by pt__resolve_files
 * and pt__resolve_file). Before pt__resolver_note_bases. */
int pt__resolver_record(pt_resolver *rs);
/* Whether rs can be patched (recorded, adopted, nothing lost). */
int pt__resolver_can_patch(const pt_resolver *rs);
/* The definitions of the file at path become ents (source order); a path
 * rs has not got is added as a file of lang, and gone takes the file out.
 * What the change touched is added to changed. */
int pt__resolver_set_file(pt_resolver *rs, const char *path, pt_lang lang,
                          const pt_entity *ents, size_t n, int gone,
                          pt__deps *changed);
/* After the pt__resolver_set_file calls of one change, before its readers
 * are asked for: marks in changed the attrs tag of each name whose
 * definitions' kinds, numbers of arguments and qualified names, counted
 * over every family, are not what they were before those calls (a file
 * renamed with its definitions marks none). */
int pt__resolver_flush_attrs(pt_resolver *rs, pt__deps *changed);
/* Notes the bases of the file at path again from its references (or only
 * takes its bases out when gone); the types whose bases changed go into
 * changed. */
int pt__resolver_renote_bases(pt_resolver *rs, const char *path, pt_lang lang,
                              const pt_raw_ref *refs, size_t n_refs, int gone,
                              pt__deps *changed);
/* Whether what resolving the file at path read (with bases: what noting
 * its bases read) meets changed (sealed). 1 also when nothing was
 * recorded for it. */
int pt__resolver_reads(const pt_resolver *rs, const char *path, int bases,
                       const pt__deps *changed);
/* The same of the f-th file rs holds (pt__resolver_file_path); 0 once it
 * left. */
int pt__resolver_file_reads(const pt_resolver *rs, size_t f, int bases,
                            const pt__deps *changed);
/* pt__resolver_file_reads of every file at once, into out[0..n_files),
 * through the index of readers (made first when it is not). */
int pt__resolver_readers(pt_resolver *rs, int bases, const pt__deps *changed,
                         unsigned char *out);
/* For a resolver that serves one patch (a re-run of pt01): no index of
 * readers is made, pt__resolver_readers searches every file's records.
 * Building the index costs a posting per record (0.1 s on one thread
 * when every file's reads are recorded), the scan a few binary searches
 * a file for one change. */
void pt__resolver_readers_by_scan(pt_resolver *rs);
/* The same by searching every file's records (what the index stands for). */
int pt__resolver_readers_scan(const pt_resolver *rs, int bases,
                              const pt__deps *changed, unsigned char *out);
/* The index's postings, and those of a hash the file still holds (0 and 0
 * when it is not made). */
void pt__readers_count(const pt_resolver *rs, int bases, size_t *n_post,
                       size_t *n_live);
/* What the f-th file's resolution recorded (bases: noting its bases). */
const pt__deps *pt__resolver_file_deps(const pt_resolver *rs, size_t f,
                                       int bases);
/* The files rs holds: how many, and the i-th's path (NULL once it left). */
size_t pt__resolver_n_files(const pt_resolver *rs);
const char *pt__resolver_file_path(const pt_resolver *rs, size_t i);
int pt__deps_add(pt__deps *d, uint64_t h);
/* The tag of what reading the candidates of a name in one language
 * family records (the tag 'n' is whether any family defines the name). */
#define pt__deps_chain_tag(fam) ((char)(0x80 | (fam)))
/* The tag of a read of those candidates that a verdict used only for what
 * a file's path does not decide: which there are, and of each its kind,
 * numbers of arguments and qualified name (resolve_pick.c, pick_qualified:
 * o.m() of an unknown o looks for a qualifier that fits and finds none).
 * A rename that keeps those (the same definitions in another file) marks
 * the name's chain tag but not this one (pt__resolver_flush_attrs). */
#define pt__deps_attrs_tag(fam) ((char)(0xC0 | (fam)))
/* The tag of a read of the candidates of a name in one family written in
 * one type (its qualified name's id encl): the methods a lookup of that
 * type's method of the name walks (resolve_pick.c, members_of). Every
 * definition of the name with that enclosing type that leaves or joins
 * marks it, beside the name's chain tag; a verdict that reads nothing of
 * the chain but those members (self.m(), a receiver of a known type)
 * records it instead of the chain tag. */
#define pt__deps_member_tag(fam) ((char)(0xA0 | (fam)))
uint64_t pt__deps_member_hash(uint8_t fam, const char *name, size_t len,
                              uint32_t type); /* the type's qn_hash */
/* Sorts and dedups d; PT_ENOMEM when recording ran out of memory. */
int pt__deps_seal(pt__deps *d);
void pt__deps_fini(pt__deps *d);

#endif
