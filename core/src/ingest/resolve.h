/* Reference resolution (private to core): raw references of all files to
 * edges whose targets are real entity keys where the index has them. */
#ifndef PT_RESOLVE_H
#define PT_RESOLVE_H

#include "pt/extract.h"
#include "pt/graph.h"

typedef struct pt_resolver pt_resolver;

/* Indexes the entities and files of g (not yet finished is fine). */
int pt__resolver_new(const pt_graph *g, pt_resolver **out);
/* The same over arrays (borrowed), in the order a graph would have them
 * before it is finished: walk order, then source order. */
int pt__resolver_new_arrays(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            pt_resolver **out);
void pt__resolver_free(pt_resolver *rs);
/* Whether an entity has this key. */
int pt__resolver_has_key(const pt_resolver *rs, const char *key);
/* Points rs at copies of the arrays it was built from (the same records in
 * the same order, strings shared), so it can outlive that graph. */
void pt__resolver_rebase(pt_resolver *rs, const pt_entity *ents,
                         const pt_file_record *files);
/* Records the bases of the types defined in one file (its extends and
 * implements references, resolved as they would be), for method lookup;
 * every file's before any pt__resolve_file. */
int pt__resolver_note_bases(pt_resolver *rs, const char *path, pt_lang lang,
                            const pt_raw_ref *refs, size_t n_refs);
/* Whether two resolvers recorded the same bases for the same types. */
int pt__resolver_same_bases(const pt_resolver *a, const pt_resolver *b);
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
 * number of threads. After every pt__resolver_note_bases; rs is only read. */
int pt__resolve_files(const pt_resolver *rs, pt_graph *g,
                      const pt__resolve_job *jobs, size_t n_jobs,
                      unsigned n_threads);

#endif
