/* The directory walk of pt01: which files to index and which to leave out,
 * and why. Paths are root-relative with '/' separators, sorted, so the same
 * tree always gives the same list however the root is typed. */
#ifndef PT_WALK_H
#define PT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "pt/arena.h"
#include "pt/lang.h"
#include "pt/model.h"

typedef struct pt_walk_opts {
  const char *root;            /* borrowed; as typed by the user */
  uint64_t max_file_size;      /* larger files are ignored as "too_large" */
  const char *const *skip;     /* borrowed; absolute paths never walked
                                  (the workspace, the database); may be NULL */
  size_t n_skip;
} pt_walk_opts;

typedef struct pt_walk_file {
  const char *path;            /* root-relative, '/' separators */
  uint64_t size;
  int64_t mtime_ns;            /* last modification, for the live index's
                                  "unchanged since last time" check */
  pt_grammar grammar;          /* by extension; .h sniffed later */
} pt_walk_file;

typedef struct pt_walk_result {
  pt_arena arena;              /* owns every string below */
  char *root_abs;              /* arena: the root, absolute, '/' */
  pt_walk_file *files;         /* sorted by path */
  size_t n_files;
  pt_ignored_file *ignored;    /* sorted by path */
  size_t n_ignored;
  char **errors;               /* "[WALK_ERROR] <path>: <message>" */
  size_t n_errors;
} pt_walk_result;

/* Walks opts->root. Fails only when the root itself cannot be read
 * (PT_ENOTFOUND when missing, PT_EINVAL when not a directory); unreadable
 * entries below it become errors in the result. */
int pt_walk(const pt_walk_opts *opts, pt_walk_result **out);
void pt_walk_result_free(pt_walk_result *r);

/* What pt_walk would list for one entry below the root and everything
 * below it: its files, ignored entries and errors, sorted, the same
 * records a walk of the whole root has for them (the live index patches
 * with it). rel: root-relative, '/' separators, no '/' at its end. The
 * folders above rel go through the walk's rules (skip paths, default
 * excludes, the ignore rules of the folders above them, a nested
 * repository, not a folder, the depth) and their ignore files are read
 * as the walk reads them; *walked is 0 when the walk would not reach rel
 * that way (or its lstat failed other than by its absence): then the
 * result says nothing. An entry that is not there: an empty result. Fails
 * only when the root cannot be read or memory runs out. */
int pt_walk_entry(const pt_walk_opts *opts, const char *rel, int *walked,
                  pt_walk_result **out);

/* Whether an entry called `name` (one path component) is left out by the
 * default excludes: .git, node_modules, target, build, dist, __pycache__,
 * .venv, venv, .hg, .svn, and, for folders, our own workspace folders
 * "parseltongue" + 14 digits. Shared with the file watcher, so both leave
 * out the same entries. */
int pt_walk_is_default_excluded(const char *name, int is_dir);

#endif
