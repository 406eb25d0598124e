/* pt/walk.h: the directory walk of pt01. Depth first with recursion bounded
 * by MAX_DEPTH, children in byte order; every entry is indexed, ignored
 * with a reason, or reported as a walk error, by the rules of
 * docs/ignore-rules.md taken in order. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/ignore.h"
#include "pt/sys/fs.h"
#include "pt/walk.h"

/* No source tree nests this deep; the bound keeps the recursion, and so
 * the C stack, small on every platform (Windows threads get 1 MiB). */
#define MAX_DEPTH 256

#define WORKSPACE_PREFIX "parseltongue"
#define WORKSPACE_DIGITS 14

static const char *const default_excludes[] = {
  ".git", "node_modules", "target", "build", "dist",
  "__pycache__", ".venv", "venv", ".hg", ".svn"};

typedef struct entry {
  char *name;            /* owned, pt_malloc */
  pt_fs_type type;
} entry;

typedef struct entries {
  entry *v;              /* owned, pt_malloc */
  size_t n;
  size_t cap;
} entries;

typedef struct walker {
  const pt_walk_opts *opts; /* borrowed */
  pt_walk_result *r;        /* borrowed: the result being filled */
  size_t cap_files, cap_ignored, cap_errors;
  char **skip;              /* owned: root-relative paths never walked */
  size_t n_skip;
  pt_ignore_stack ignores;
  pt_buf full;              /* absolute path of the current entry */
  size_t root_len;          /* full.ptr + root_len is the relative path */
} walker;

static int walk_children(walker *w, entries *es, int depth);

static const char *rel_path(const walker *w)
{
  return w->full.ptr + w->root_len;
}

static void truncate_to(pt_buf *b, size_t len)
{
  b->len = len;
  b->ptr[len] = '\0';
}

static int add_ignored(walker *w, const char *reason, int is_dir)
{
  pt_walk_result *r = w->r;
  const char *rel = rel_path(w);
  size_t len = strlen(rel);
  int rc = pt_array_grow((void **)&r->ignored, &w->cap_ignored, r->n_ignored + 1,
                         sizeof *r->ignored);
  char *path = rc ? NULL : pt_arena_alloc(&r->arena, len + 2);
  if (rc == 0 && !path)
    rc = PT_ERR(PT_ENOMEM, "out of memory walking the folder");
  if (rc == 0) {
    memcpy(path, rel, len);
    path[len] = '/';
    path[len + (size_t)(is_dir != 0)] = '\0';
    r->ignored[r->n_ignored].path = path;
    r->ignored[r->n_ignored].reason = reason;
    r->n_ignored++;
  }
  return rc;
}

/* Records the last error against the current entry and clears it: the walk
 * carries on past anything it cannot read. */
static int add_error(walker *w, int is_dir)
{
  pt_walk_result *r = w->r;
  pt_buf msg = PT_BUF_INIT;
  int rc = pt_array_grow((void **)&r->errors, &w->cap_errors, r->n_errors + 1,
                         sizeof *r->errors);
  if (rc == 0)
    rc = pt_buf_printf(&msg, "[WALK_ERROR] %s%s: %s", rel_path(w),
                       is_dir ? "/" : "", pt_error_last()->message);
  char *copy = rc ? NULL : pt_arena_strndup(&r->arena, msg.ptr, msg.len);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory walking the folder");
  if (rc == 0) {
    r->errors[r->n_errors++] = copy;
    pt_error_clear();
  }
  pt_buf_fini(&msg);
  return rc;
}

static int add_file(walker *w, const pt_fs_stat *st, pt_grammar g)
{
  pt_walk_result *r = w->r;
  int rc = pt_array_grow((void **)&r->files, &w->cap_files, r->n_files + 1,
                         sizeof *r->files);
  char *path = rc ? NULL : pt_arena_strdup(&r->arena, rel_path(w));
  if (rc == 0 && !path)
    rc = PT_ERR(PT_ENOMEM, "out of memory walking the folder");
  if (rc == 0) {
    r->files[r->n_files].path = path;
    r->files[r->n_files].size = st->size;
    r->files[r->n_files].mtime_ns = st->mtime_ns;
    r->files[r->n_files].grammar = g;
    r->n_files++;
  }
  return rc;
}

static int collect(const char *name, pt_fs_type type, void *payload)
{
  entries *es = payload;
  int rc = pt_array_grow((void **)&es->v, &es->cap, es->n + 1, sizeof *es->v);
  char *copy = rc ? NULL : pt_strdup(name);
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory listing a folder");
  if (rc == 0) {
    es->v[es->n].name = copy;
    es->v[es->n].type = type;
    es->n++;
  }
  return rc;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void entries_fini(entries *es)
{
  for (size_t i = 0; i < es->n; i++)
    pt_free(es->v[i].name);
  pt_free(es->v);
}

/* Lists the folder at w->full, sorted by name. */
static int list_dir(walker *w, entries *es)
{
  int rc = pt_fs_list_dir(w->full.ptr, collect, es);
  if (rc == 0 && es->n > 1)
    qsort(es->v, es->n, sizeof *es->v, by_name);
  return rc;
}

static const entry *find_entry(const entries *es, const char *name)
{
  for (size_t i = 0; i < es->n; i++)
    if (strcmp(es->v[i].name, name) == 0)
      return &es->v[i];
  return NULL;
}

static int all_digits(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return len > 0;
}

/* Our own workspace folders: "parseltongue" and a YYYYMMDDHHMMSS stamp,
 * then "-N" for a later run in the same second. */
static int is_workspace_name(const char *name)
{
  size_t n = strlen(WORKSPACE_PREFIX), len = strlen(name);
  if (strncmp(name, WORKSPACE_PREFIX, n) != 0 || len < n + WORKSPACE_DIGITS ||
      !all_digits(name + n, WORKSPACE_DIGITS))
    return 0;
  const char *rest = name + n + WORKSPACE_DIGITS;
  return !*rest || (rest[0] == '-' && all_digits(rest + 1, strlen(rest + 1)));
}

static int is_default_exclude(const char *name)
{
  for (size_t i = 0; i < sizeof default_excludes / sizeof *default_excludes;
       i++)
    if (strcmp(name, default_excludes[i]) == 0)
      return 1;
  return 0;
}

int pt_walk_is_default_excluded(const char *name, int is_dir)
{
  return (is_dir && is_workspace_name(name)) || is_default_exclude(name);
}

static int is_skipped(const walker *w, const char *rel)
{
  for (size_t i = 0; i < w->n_skip; i++)
    if (strcmp(w->skip[i], rel) == 0)
      return 1;
  return 0;
}

/* Is `name` in the current folder a regular file: by the folder's listing
 * es, or with none (a folder above an entry walked alone) by lstat, which
 * is the type a listing gives? */
static int is_listed_file(walker *w, const entries *es, const char *name)
{
  if (es) {
    const entry *e = find_entry(es, name);
    return e && e->type == PT_FS_FILE;
  }
  pt_fs_stat st;
  size_t mark = w->full.len;
  int is_file = pt_buf_puts(&w->full, name) == 0 &&
                pt_fs_stat_path(w->full.ptr, &st) == 0 && st.type == PT_FS_FILE;
  truncate_to(&w->full, mark);
  pt_error_clear(); /* no such file: nothing to read */
  return is_file;
}

/* Reads the ignore file `name` of the current folder into out when it is
 * a regular file (is_listed_file). A failed read is a walk error and the
 * folder is walked without that file's rules. */
static int read_ignore_file(walker *w, const entries *es, const char *name,
                            pt_buf *out, int *has)
{
  size_t mark = w->full.len;
  int rc = 0;
  *has = 0;
  if (is_listed_file(w, es, name) && (rc = pt_buf_puts(&w->full, name)) == 0) {
    rc = pt_fs_read_file(w->full.ptr, out);
    *has = rc == 0;
    if (rc != 0 && rc != PT_ENOMEM)
      rc = add_error(w, 0);
    truncate_to(&w->full, mark);
  }
  return rc;
}

/* Pushes the folder's .gitignore and .parseltongueignore, if any (es: its
 * listing, NULL for a folder above an entry walked alone); *pushed tells
 * the caller to pop. */
static int push_ignore_files(walker *w, const entries *es, int *pushed)
{
  pt_buf git = PT_BUF_INIT, pt = PT_BUF_INIT;
  int has_git = 0, has_pt = 0;
  int rc = read_ignore_file(w, es, ".gitignore", &git, &has_git);
  if (rc == 0)
    rc = read_ignore_file(w, es, ".parseltongueignore", &pt, &has_pt);
  *pushed = rc == 0 && (has_git || has_pt);
  if (*pushed)
    rc = pt_ignore_stack_push(&w->ignores, rel_path(w),
                              has_git ? pt_buf_cstr(&git) : NULL, git.len,
                              has_pt ? pt_buf_cstr(&pt) : NULL, pt.len);
  if (rc != 0)
    *pushed = 0;
  pt_buf_fini(&pt);
  pt_buf_fini(&git);
  return rc;
}

static int visit_file(walker *w)
{
  pt_grammar g;
  pt_fs_stat st;
  int rc = 0;
  if (!pt_grammar_for_path(rel_path(w), NULL, 0, &g))
    rc = add_ignored(w, "no_parser", 0);
  else if ((rc = pt_fs_stat_path(w->full.ptr, &st)) != 0)
    rc = rc == PT_ENOMEM ? rc : add_error(w, 0);
  else if (st.size > w->opts->max_file_size)
    rc = add_ignored(w, "too_large", 0);
  else
    rc = add_file(w, &st, g);
  return rc;
}

/* The folder at w->full, below the root: a nested repository is recorded,
 * anything else walked. */
static int visit_dir(walker *w, int depth)
{
  entries es = {NULL, 0, 0};
  int rc = 0;
  if (depth > MAX_DEPTH) {
    (void)PT_ERR(PT_EINVAL, "more than %d nested folders", MAX_DEPTH);
    rc = add_error(w, 1);
  } else if ((rc = list_dir(w, &es)) != 0) {
    if (rc != PT_ENOMEM)
      rc = add_error(w, 1);
  } else if (find_entry(&es, ".git")) {
    rc = add_ignored(w, "nested_repo", 1);
  } else {
    rc = walk_children(w, &es, depth);
  }
  entries_fini(&es);
  return rc;
}

/* Applies the rules, in order, to the entry at w->full. */
static int classify(walker *w, const entry *e, int depth)
{
  int is_dir = e->type == PT_FS_DIR;
  const char *rel = rel_path(w);
  const char *reason = NULL;
  int rc = 0;
  if (is_skipped(w, rel))
    rc = 0; /* our workspace or database: not even recorded */
  else if (pt_walk_is_default_excluded(e->name, is_dir))
    rc = add_ignored(w, "default_exclude", is_dir);
  else if ((reason = pt_ignore_stack_check(&w->ignores, rel, is_dir)))
    rc = add_ignored(w, reason, is_dir);
  else if (is_dir)
    rc = visit_dir(w, depth + 1);
  else if (e->type == PT_FS_LINK)
    rc = add_ignored(w, "symlink", 0);
  else if (e->type == PT_FS_FILE)
    rc = visit_file(w);
  else /* fifo, socket, device: never opened */
    rc = add_ignored(w, "unreadable", 0);
  return rc;
}

static int visit(walker *w, const entry *e, int depth)
{
  size_t mark = w->full.len;
  int rc = pt_buf_puts(&w->full, e->name);
  if (rc == 0)
    rc = classify(w, e, depth);
  truncate_to(&w->full, mark);
  return rc;
}

/* Walks the entries of the folder at w->full (its listing in es). */
static int walk_children(walker *w, entries *es, int depth)
{
  size_t mark = w->full.len;
  int pushed = 0;
  int rc = 0;
  if (mark == 0 || w->full.ptr[mark - 1] != '/')
    rc = pt_buf_putc(&w->full, '/');
  if (rc == 0 && depth == 0)
    w->root_len = w->full.len;
  if (rc == 0)
    rc = push_ignore_files(w, es, &pushed);
  for (size_t i = 0; rc == 0 && i < es->n; i++)
    rc = visit(w, &es->v[i], depth);
  if (pushed)
    pt_ignore_stack_pop(&w->ignores);
  truncate_to(&w->full, mark);
  return rc;
}

/* The absolute form of a skip path, '/' separators, links resolved as far
 * as possible. The database may not exist yet, so a missing path is its
 * resolved parent joined with its name, or else the path as typed. */
static int absolute_skip(const char *path, char **out)
{
  char *copy = pt_strdup(path);
  char *parent = NULL;
  pt_buf joined = PT_BUF_INIT;
  char *slash = NULL;
  int rc = copy ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  size_t len = copy ? strlen(copy) : 0;
  for (size_t i = 0; i < len; i++)
    copy[i] = copy[i] == '\\' ? '/' : copy[i];
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  if (rc == 0 && (rc = pt_fs_realpath(copy, out)) != 0 && rc != PT_ENOMEM) {
    pt_error_clear();
    slash = strrchr(copy, '/');
    if (slash && slash > copy) {
      *slash = '\0';
      if (pt_fs_realpath(copy, &parent) != 0)
        pt_error_clear();
      *slash = '/';
    }
    rc = parent ? pt_buf_printf(&joined, "%s%s%s", parent,
                                pt_str_ends_with(parent, "/") ? "" : "/",
                                slash + 1)
                : 0;
    *out = parent ? pt_buf_detach(&joined) : copy;
    copy = parent ? copy : NULL;
    if (rc == 0 && !*out)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  pt_buf_fini(&joined);
  pt_free(parent);
  pt_free(copy);
  return rc;
}

/* abs relative to root, or NULL when it is not strictly below it. */
static const char *below_root(const char *abs, const char *root)
{
  size_t n = strlen(root);
  if (strncmp(abs, root, n) != 0)
    return NULL;
  abs += n;
  if (n && root[n - 1] != '/' && *abs++ != '/')
    return NULL;
  return *abs ? abs : NULL;
}

/* Keeps the skip paths below the root, as root-relative paths. */
static int load_skips(walker *w)
{
  const pt_walk_opts *o = w->opts;
  int rc = 0;
  if (o->n_skip && !(w->skip = pt_calloc(o->n_skip, sizeof *w->skip)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < o->n_skip; i++) {
    char *abs = NULL;
    const char *rel = NULL;
    rc = absolute_skip(o->skip[i], &abs);
    if (rc == 0 && (rel = below_root(abs, w->r->root_abs)) != NULL &&
        !(w->skip[w->n_skip++] = pt_strdup(rel)))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
    pt_free(abs);
  }
  return rc;
}

/* Resolves the root into r->root_abs; the root must be a readable folder. */
static int resolve_root(const char *root, pt_walk_result *r)
{
  char *abs = NULL;
  pt_fs_stat st;
  int rc = pt_fs_realpath(root, &abs);
  if (rc == PT_ENOTFOUND)
    rc = PT_ERR(PT_ENOTFOUND, "folder not found: %s (%s)", root,
                pt_error_last()->message);
  if (rc == 0)
    rc = pt_fs_stat_path(abs, &st);
  if (rc == 0 && st.type != PT_FS_DIR)
    rc = PT_ERR(PT_EINVAL, "not a folder: %s", root);
  if (rc == 0 && !(r->root_abs = pt_arena_strdup(&r->arena, abs)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  pt_free(abs);
  return rc;
}

static int file_by_path(const void *a, const void *b)
{
  return strcmp(((const pt_walk_file *)a)->path,
                ((const pt_walk_file *)b)->path);
}

static int ignored_by_path(const void *a, const void *b)
{
  return strcmp(((const pt_ignored_file *)a)->path,
                ((const pt_ignored_file *)b)->path);
}

static int walk_root(walker *w)
{
  entries es = {NULL, 0, 0};
  int rc = pt_buf_puts(&w->full, w->r->root_abs);
  if (rc == 0)
    rc = list_dir(w, &es);
  if (rc == 0)
    rc = walk_children(w, &es, 0);
  entries_fini(&es);
  return rc;
}

/* The walker of opts, its result r allocated, the root resolved and the
 * skip paths loaded. */
static int walker_begin(walker *w, const pt_walk_opts *opts, pt_walk_result **r)
{
  int rc = 0;
  memset(w, 0, sizeof *w);
  if (!(*r = pt_calloc(1, sizeof **r)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0) {
    pt_arena_init(&(*r)->arena);
    w->opts = opts;
    w->r = *r;
    rc = resolve_root(opts->root, *r);
  }
  if (rc == 0)
    rc = load_skips(w);
  return rc;
}

/* The walk's end: its lists sorted by path and handed to *out when rc is
 * 0, else freed; the walker's own memory freed. */
static int walker_end(walker *w, pt_walk_result *r, int rc, pt_walk_result **out)
{
  if (rc == 0 && r->n_files > 1)
    qsort(r->files, r->n_files, sizeof *r->files, file_by_path);
  if (rc == 0 && r->n_ignored > 1)
    qsort(r->ignored, r->n_ignored, sizeof *r->ignored, ignored_by_path);
  pt_buf_fini(&w->full);
  pt_ignore_stack_fini(&w->ignores);
  for (size_t i = 0; i < w->n_skip; i++)
    pt_free(w->skip[i]);
  pt_free(w->skip);
  if (rc == 0)
    *out = r;
  else
    pt_walk_result_free(r);
  return rc;
}

int pt_walk(const pt_walk_opts *opts, pt_walk_result **out)
{
  walker w;
  pt_walk_result *r = NULL;
  if (!opts || !opts->root || !out || (opts->n_skip && !opts->skip))
    return PT_ERR(PT_EINVAL, "pt_walk: missing root or output");
  int rc = walker_begin(&w, opts, &r);
  if (rc == 0)
    rc = walk_root(&w);
  return walker_end(&w, r, rc, out);
}

/* Would the walk enter the folder name at w->full (depth components, no
 * '/' at its end), and read it? Its rules in classify's and visit_dir's
 * order, a listing's error aside. */
static int enters(walker *w, const char *name, int depth)
{
  pt_fs_stat st;
  size_t mark = w->full.len;
  int in = !is_skipped(w, rel_path(w)) && !pt_walk_is_default_excluded(name, 1) &&
           !pt_ignore_stack_check(&w->ignores, rel_path(w), 1) && depth <= MAX_DEPTH &&
           pt_fs_stat_path(w->full.ptr, &st) == 0 && st.type == PT_FS_DIR;
  if (in && pt_buf_puts(&w->full, "/.git") == 0)
    in = pt_fs_stat_path(w->full.ptr, &st) == PT_ENOTFOUND;
  else
    in = 0;
  truncate_to(&w->full, mark);
  pt_error_clear();
  return in;
}

/* The folders above rel (every component but the last), entered as the
 * walk enters them, their ignore files pushed; *walked 0 when the walk
 * would not reach rel. w->full ends in the last one's '/'. */
static int walk_down(walker *w, const char *rel, size_t *n_pushed, int *walked)
{
  int rc = 0, pushed = 0, depth = 0;
  const char *p = rel;
  *walked = 1;
  for (const char *slash; rc == 0 && *walked && (slash = strchr(p, '/'));) {
    pt_buf name = PT_BUF_INIT;
    pushed = 0;
    rc = pt_buf_put(&name, p, (size_t)(slash - p));
    if (rc == 0)
      rc = pt_buf_puts(&w->full, name.ptr);
    depth++;
    if (rc == 0)
      *walked = enters(w, name.ptr, depth);
    if (rc == 0 && *walked)
      rc = pt_buf_putc(&w->full, '/');
    if (rc == 0 && *walked)
      rc = push_ignore_files(w, NULL, &pushed);
    *n_pushed += pushed;
    pt_buf_fini(&name);
    p = slash + 1;
  }
  return rc;
}

int pt_walk_entry(const pt_walk_opts *opts, const char *rel, int *walked,
                  pt_walk_result **out)
{
  walker w;
  pt_walk_result *r = NULL;
  size_t n_pushed = 0;
  int pushed = 0;
  if (walked)
    *walked = 0;
  if (!opts || !opts->root || !rel || !*rel || rel[strlen(rel) - 1] == '/' ||
      !walked || !out || (opts->n_skip && !opts->skip))
    return PT_ERR(PT_EINVAL, "pt_walk_entry: missing root, entry or output");
  int rc = walker_begin(&w, opts, &r);
  /* the root's ignore files, as walk_children pushes them at depth 0 */
  if (rc == 0)
    rc = pt_buf_puts(&w.full, r->root_abs);
  if (rc == 0 && (w.full.len == 0 || w.full.ptr[w.full.len - 1] != '/'))
    rc = pt_buf_putc(&w.full, '/');
  w.root_len = w.full.len;
  if (rc == 0)
    rc = push_ignore_files(&w, NULL, &pushed);
  n_pushed += pushed;
  if (rc == 0)
    rc = walk_down(&w, rel, &n_pushed, walked);
  const char *name = strrchr(rel, '/');
  name = name ? name + 1 : rel;
  int depth = 0;
  for (const char *p = rel; *p; p++)
    depth += *p == '/';
  /* the entry itself, by its lstat type (the listing's): gone, nothing */
  if (rc == 0 && *walked) {
    pt_fs_stat st;
    size_t mark = w.full.len;
    int src = pt_buf_puts(&w.full, name);
    if (src == 0)
      src = pt_fs_stat_path(w.full.ptr, &st);
    truncate_to(&w.full, mark);
    if (src == 0) {
      entry e = {(char *)name, st.type};
      rc = visit(&w, &e, depth);
    } else if (src == PT_ENOMEM) {
      rc = src;
    } else {
      *walked = src == PT_ENOTFOUND; /* else unknown: not the walk's */
      pt_error_clear();
    }
  }
  while (n_pushed--)
    pt_ignore_stack_pop(&w.ignores);
  return walker_end(&w, r, rc, out);
}

void pt_walk_result_free(pt_walk_result *r)
{
  if (!r)
    return;
  pt_free(r->files);
  pt_free(r->ignored);
  pt_free(r->errors);
  pt_arena_fini(&r->arena);
  pt_free(r);
}
