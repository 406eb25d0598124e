/* Storage backends (libgit2's odb backend pattern): each maps the domain
 * records of pt/graph.h onto its own native layout. One file per backend:
 * store_mem.c and store_sqlite.c in core, platform/posix/store_rocksdb.c.
 * Core calls the pt_store_* wrappers below, never st->ops directly. */
#ifndef PT_STORE_H
#define PT_STORE_H

#include "pt/graph.h"

typedef struct pt_store pt_store;

/* Called by a load once the graph holds every record but the edges. */
typedef void (*pt_store_ready_fn)(const pt_graph *g, void *payload);

typedef struct pt_store_ops {
  const char *name; /* "mem", "sqlite", "rocksdb" */
  /* Replaces everything the store holds with the contents of a finished
   * graph, atomically: a reader (or a crash) sees the old contents or the
   * new, never a mix. */
  int (*save)(pt_store *self, const pt_graph *from);
  /* Adds everything the store holds to an empty graph (then finishes it). */
  int (*load)(pt_store *self, pt_graph *into);
  /* Frees self and everything it holds open. */
  void (*close)(pt_store *self);
  /* Brings the store from the contents of `old` (what it holds now) to
   * those of `now`, writing only the records that differ, atomically (the
   * live index's write-through). NULL when the backend has nothing cheaper
   * than a whole save. */
  int (*update)(pt_store *self, const pt_graph *old, const pt_graph *now);
  /* Adds to an empty graph only the file records, ignored files and
   * metadata (then finishes it), without the entities, edges and tests:
   * what a re-run of index compares the tree with. NULL: load does. */
  int (*load_files)(pt_store *self, pt_graph *into);
  /* As update, for a one-off writer (a re-run of index) rather than the
   * live index: brings the store from old (what it holds) to now writing
   * only the records that differ, atomically. NULL: update does, or save;
   * PT_ENOTSUPPORTED from it: save does. */
  int (*write_changes)(pt_store *self, const pt_graph *old,
                       const pt_graph *now);
  /* As load, but every entity's code is left NULL: what a re-run of index
   * reads of the stored index to patch it (nothing it does reads the code
   * of an entity it keeps, and write_changes leaves the stored code of
   * what it does not change). PT_ENOTSUPPORTED when write_changes would
   * save such a graph whole (an older format): load instead. NULL: load
   * does. */
  int (*load_without_code)(pt_store *self, pt_graph *into);
  /* As load_without_code, reading the edges last: ready(into, payload) is
   * called once into holds every other record, finished, and the edges
   * then add no string to into's pool (only candidate lists). Not called
   * when the load fails before. PT_ENOTSUPPORTED, having read nothing and
   * not called ready: as for load_without_code. NULL: load_without_code
   * does, then ready. */
  int (*load_without_code_then)(pt_store *self, pt_graph *into,
                                pt_store_ready_fn ready, void *payload);
  /* As load_without_code_then, into a graph that holds what load_files
   * read of this store and nothing else: the rest, without reading the
   * file records, ignored files and metadata again. PT_ENOTSUPPORTED,
   * having added nothing and not called ready, when the store may have
   * changed since load_files. NULL: not supported. */
  int (*load_rest_then)(pt_store *self, pt_graph *into,
                        pt_store_ready_fn ready, void *payload);
} pt_store_ops;

struct pt_store {
  const pt_store_ops *ops; /* always first */
};

/* What an opener means to do with a stored index; it decides what may be
 * created and what is checked (docs/storage.md, "Opening"). */
typedef enum pt_store_mode {
  /* Read an index that exists (dump). Creates and changes nothing; a
   * missing index is PT_ENOTFOUND; save and update are PT_EINVAL. RocksDB
   * is opened read-only, so a server may hold it meanwhile. */
  PT_STORE_READ,
  /* Read and keep up to date an index that exists (serve). Creates
   * nothing; a missing index is PT_ENOTFOUND. A SQLite save refuses
   * (PT_EEXISTS) to overwrite a file changed on disk since this store last
   * loaded or saved it: another program wrote a newer index there. */
  PT_STORE_UPDATE,
  /* Save a new index (index), replacing an older parseltongue index. The
   * folder holding it is created if its own parent exists (PT_ENOTFOUND
   * naming what is missing otherwise). Checked at open, so a run fails
   * before its work, and again at each save: the place can be written, and
   * nothing that is not a parseltongue index is there (PT_EEXISTS). */
  PT_STORE_CREATE,
  /* As PT_STORE_CREATE, replacing whatever is at the target (--force). */
  PT_STORE_REPLACE
} pt_store_mode;

/* Constructors. `path` is borrowed. */
int pt_store_mem_open(pt_store **out);
/* A SQLite file. save() writes a fresh temporary file beside `path` in one
 * transaction, flushes it and moves it over `path` (pt_fs_replace); load()
 * reads `path` and closes it again, so the file is never held open.
 * write_changes() (a re-run of index) updates `path` in place in one
 * transaction of SQLite's rollback journal on POSIX, and goes the way of
 * save() on Windows (pt/sys/defaults.h, pt_defaults_sqlite_in_place). */
int pt_store_sqlite_open(const char *path, pt_store_mode mode,
                         pt_store **out);
/* A RocksDB directory (POSIX builds only; PT_ENOTSUPPORTED elsewhere).
 * One process may write it at a time: a second writer gets PT_EBUSY
 * naming the holder ("in use by a parseltongue server (pid N, port P)")
 * from the note the holder keeps in the directory. */
int pt_store_rocksdb_open(const char *path, pt_store_mode mode,
                          pt_store **out);
/* Adds the port a server answers on to the note a RocksDB store open for
 * writing keeps in its directory; 0 for every other engine. */
int pt_store_rocksdb_note_port(const char *path, unsigned port);
/* pt_store_save_begin and pt_store_save_release of a RocksDB store: 0 and
 * nothing for other stores, and on Windows (no RocksDB). */
int pt_store_rocksdb_save_begin(pt_store *st, const pt_graph *g);
void pt_store_rocksdb_save_release(pt_store *st);

/* An engine spec, parsed: "mem", "sqlite:PATH" or "rocksdb:PATH". The one
 * parser of that syntax; everything that looks at a spec goes through it. */
typedef enum pt_engine {
  PT_ENGINE_MEM,
  PT_ENGINE_SQLITE,
  PT_ENGINE_ROCKSDB
} pt_engine;

typedef struct pt_store_spec {
  pt_engine engine;
  const char *path; /* borrowed: points into the spec; NULL for mem */
} pt_store_spec;

/* Parses spec. PT_EINVAL with a message naming the accepted forms for an
 * unknown engine or an empty path. */
int pt_store_spec_parse(const char *spec, pt_store_spec *out);

/* The absolute paths a walk of the indexed folder must skip: the workspace
 * folder (may be NULL) and the engine's file or folder (none for mem),
 * whether they exist yet or not. out[0..*n) are pt_malloc'd. */
int pt_store_skip_paths(const char *workspace, const char *spec, char *out[2],
                        size_t *n);

/* Opens an engine spec (pt_store_spec_parse) for what mode says. */
int pt_store_open_mode(const char *spec, pt_store_mode mode, pt_store **out);
/* pt_store_open_mode(spec, PT_STORE_REPLACE, out). */
int pt_store_open(const char *spec, pt_store **out);
/* Records, for a store a server keeps open, the port it answers on, so a
 * second opener can name it (RocksDB; nothing to do for other engines). */
int pt_store_note_port(const char *spec, unsigned port);

int pt_store_save(pt_store *st, const pt_graph *from);
/* The update op; PT_ENOTSUPPORTED when the backend has none (then save). */
int pt_store_update(pt_store *st, const pt_graph *old, const pt_graph *now);
int pt_store_can_update(const pt_store *st);
int pt_store_load(pt_store *st, pt_graph *into);
/* The load_files op (a whole load when the backend has none): the file
 * records, ignored files and metadata of the stored index. */
int pt_store_load_files(pt_store *st, pt_graph *into);
/* The load_without_code op: the stored index with every entity's code
 * NULL, for a re-run that writes only its changes (pt_store_write_changes
 * with this graph as old). A whole load where the backend has none or
 * cannot then write changes. Never save such a graph whole: the code of
 * every entity it kept would be lost. */
int pt_store_load_without_code(pt_store *st, pt_graph *into);
/* pt_store_load_without_code, calling ready(into, payload) once into holds
 * every record but the edges, in canonical order, and reading the edges
 * after it returns: ready may start work on another thread that reads
 * those records and looks strings up in into's pool (adding none) while
 * the edges load, which add nothing to the pool but candidate lists. The
 * caller waits for that work before it changes into, and also when the
 * load fails after ready. ready is not called when the load fails before;
 * a backend that cannot read the edges last calls it after the whole
 * load. */
int pt_store_load_without_code_then(pt_store *st, pt_graph *into,
                                    pt_store_ready_fn ready, void *payload);
/* The load_rest_then op: into holds what pt_store_load_files read of st
 * (a re-run compared the tree with it), and nothing was added since; the
 * rest of the stored index is added as pt_store_load_without_code_then
 * adds it, ready called alike. PT_ENOTSUPPORTED, into unchanged and ready
 * not called, when the backend has no such load or the store may have
 * changed since: the caller loads a new graph with
 * pt_store_load_without_code_then. */
int pt_store_load_rest_then(pt_store *st, pt_graph *into,
                            pt_store_ready_fn ready, void *payload);
/* The write_changes op, else update, else a whole save of now. */
int pt_store_write_changes(pt_store *st, const pt_graph *old,
                           const pt_graph *now);
const char *pt_store_name(const pt_store *st);
/* Lets the store start, on a thread of its own, the part of its next save
 * that g already holds: g has every entity, file record, test and ignored
 * file it will have once finished, not yet in canonical order, and is
 * being resolved (its edges and meta still change). Those records are
 * read in place: the caller changes, sorts or frees none of them until
 * pt_store_save_release (or the next save, or close) returns. The next
 * pt_store_save of a graph with those same records finishes it; any
 * other save writes whole. SQLite and RocksDB (0 and nothing started for
 * mem). A failure costs nothing but the head start. */
int pt_store_save_begin(pt_store *st, const pt_graph *g);
/* Waits until a save begun by pt_store_save_begin no longer reads the
 * records of its graph, which may then change (pt_graph_finish sorts
 * them); a SQLite save also until it has made its indexes of them, so
 * its sorter's memory is not held beside the sort's (its flush to disk
 * goes on). Nothing when no save was begun (or st is NULL). */
void pt_store_save_release(pt_store *st);
void pt_store_close(pt_store *st);

#endif
