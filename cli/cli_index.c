/* pt01-folder-to-cozodb-streamer (alias index): flags, workspace, console
 * lines of docs/contract/ingestion.md 1.3, progress, store save, error
 * log. Arguments, the folder and the database are checked before anything
 * is created or indexed; the workspace is made only when something goes
 * in it. */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "cli_console.h"
#include "commands.h"
#include "pt/alloc.h"
#include "pt/compat.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/defaults.h"
#include "pt/sys/fs.h"
#include "pt/sys/heap.h"
#include "pt/sys/proc.h"
#include "pt/sys/term.h"
#include "pt/sys/thread.h"
#include "pt/version.h"

typedef struct index_args {
  const char *dir;
  const char *db;             /* NULL = the platform default */
  int verbose, quiet, parse_only, force;
  unsigned threads;
  unsigned long long max_file_size;
} index_args;

/* Without --db, where the default engine is SQLite (Windows), the index
 * is built in memory and saved as one SQLite file at the end: the console
 * says so with the lines of docs/contract/ingestion.md 1.3 and 13. */
static int is_memory_backup(const char *db)
{
  return !db && strcmp(pt_defaults_engine(), "sqlite") == 0;
}

static void index_usage(FILE *out)
{
  const char *how = is_memory_backup(NULL)
                        ? "\n                         (built in memory, then "
                          "saved in one step)"
                        : "";
  fprintf(out,
    "Usage: parseltongue pt01-folder-to-cozodb-streamer [DIR] [options]\n"
    "       parseltongue index [DIR] [options]\n"
    "\n"
    "Indexes DIR (default: the current folder) into a graph of entities and\n"
    "dependency edges. Without --db, the index goes into a new workspace\n"
    "folder parseltongueYYYYMMDDHHMMSS under the current folder (-2, -3, ...\n"
    "when that name is taken); with --db, a workspace is made only for the\n"
    "error log of files that failed. Run again over an index of DIR, it\n"
    "parses only the files that changed since and writes only what changed\n"
    "(nothing when nothing did).\n"
    "\n"
    "Options:\n"
    "  --db ENGINE            Where to store the index:\n"
    "                           rocksdb:PATH  a RocksDB folder\n"
    "                           sqlite:PATH   one SQLite file, written whole to a\n"
    "                                         temporary file and moved into place\n"
    "                                         (a re-run's changes: in place, on\n"
    "                                         POSIX)\n"
    "                           mem           in memory only (nothing saved)\n"
    "                         Default here: %s:<workspace>/analysis.db%s\n"
    "                         The folder holding PATH is created if its own\n"
    "                         parent exists\n"
    "  --force                Replace what is at PATH even when it is not a\n"
    "                         parseltongue index (refused without --force), and\n"
    "                         index everything even when it is an index of DIR\n"
    "  --threads N            Parser threads (default: one per processor)\n"
    "  --max-file-size BYTES  Larger files are ignored (default: %u)\n"
    "  --parse-budget-ms MS   CPU time one file's parse may take; a file past\n"
    "                         it is left out as parse_budget (default: %u,\n"
    "                         0: no budget)\n"
    "  -v, --verbose          Also print duration and peak memory\n"
    "  -q, --quiet            Print nothing but errors\n"
    "  --parse-only           Benchmark floor: parse every file with tree-sitter,\n"
    "                         extract and save nothing\n"
    "  -h, --help             Show this help\n"
    "\n"
    "Ignored: .gitignore and .parseltongueignore matches, folders named .git,\n"
    "node_modules, target, build, dist, __pycache__, .venv, venv, binary and\n"
    "oversized files; tests are recorded and left out of the graph.\n"
    "\n"
    "Console: plain ASCII when NO_COLOR is set, TERM=dumb or the locale is\n"
    "not UTF-8.\n"
    "\n"
    "Exit status: 0 indexed (files that failed are listed in\n"
    "<workspace>/ingestion-errors.txt), 1 the run failed, 2 bad usage.\n",
    pt_defaults_engine(), how, PT_INGEST_DEFAULT_MAX_FILE_SIZE,
    PT_EXTRACT_DEFAULT_PARSE_BUDGET_MS);
}

static int parse_args(int argc, char **argv, index_args *a, FILE *out, FILE *err)
{
  memset(a, 0, sizeof *a);
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
      index_usage(out);
      return -1;
    } else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
      a->verbose = 1;
    } else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
      a->quiet = 1;
    } else if (!strcmp(s, "--parse-only")) {
      a->parse_only = 1;
    } else if (!strcmp(s, "--force")) {
      a->force = 1;
    } else if (!strcmp(s, "--parse-budget-ms")) {
      int rc = pt__cli_parse_budget(argc, argv, &i, err);
      if (rc)
        return rc;
    } else if (!strcmp(s, "--db") || !strcmp(s, "--threads") ||
               !strcmp(s, "--max-file-size")) {
      if (i + 1 >= argc) {
        fprintf(err, "error: %s needs a value\n", s);
        return PT_EXIT_USAGE;
      }
      const char *v = argv[++i];
      unsigned long long n = 0;
      if (!strcmp(s, "--db")) {
        a->db = v;
      } else if (pt_parse_u64(v, &n) != 0 || n == 0 ||
                 (!strcmp(s, "--threads") && n > 64)) {
        fprintf(err, "error: %s takes a whole number%s, got '%s'\n", s,
                !strcmp(s, "--threads") ? " from 1 to 64" : " above 0", v);
        return PT_EXIT_USAGE;
      } else if (!strcmp(s, "--threads")) {
        a->threads = (unsigned)n;
      } else {
        a->max_file_size = n;
      }
    } else if (s[0] == '-' && s[1]) {
      fprintf(err, "error: unknown option '%s' (see --help)\n", s);
      return PT_EXIT_USAGE;
    } else if (a->dir) {
      fprintf(err, "error: more than one folder given ('%s', '%s')\n", a->dir, s);
      return PT_EXIT_USAGE;
    } else {
      a->dir = s;
    }
  }
  if (!a->dir)
    a->dir = ".";
  return 0;
}

typedef struct progress_state {
  FILE *err;
  uint64_t start_ns, last_ns;
} progress_state;

/* Redraws one status line on a terminal at most ten times a second. */
static void on_progress(size_t done, size_t total, uint64_t bytes, void *payload)
{
  progress_state *ps = payload;
  uint64_t now = pt_clock_ns();
  if (done != total && now - ps->last_ns < 100000000u)
    return;
  ps->last_ns = now;
  double secs = (double)(now - ps->start_ns) / 1e9;
  fprintf(ps->err, "\r  Indexing: %zu/%zu files (%.0f%%), %.1f MB/s   ", done,
          total, total ? 100.0 * (double)done / (double)total : 100.0,
          secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
  if (done == total)
    fputc('\n', ps->err);
  fflush(ps->err);
}

/* One index run: where its console lines go and what it has made. */
typedef struct index_run {
  const index_args *a;
  FILE *out;                /* NULL with -q: nothing but errors */
  FILE *err;
  const pt_cli_glyphs *gl;
  char ws[80];              /* the workspace; "" until one is made */
  int has_log;              /* ws holds ingestion-errors.txt */
  char spec[1024];
  const char *ingest_spec;  /* what the header and error log name */
  pt_graph *old;            /* owned: the stored index a re-run updates */
  pt_graph *records;        /* owned: its file records, read to compare */
  pt_ingest_cache *cache;   /* owned: seeded from it */
  pt_ingest_delta delta;    /* owned: what changed since, for the re-run */
  uint64_t load_ns;         /* reading it, */
  uint64_t records_ns;      /* of which its records but the edges, */
  uint64_t edges_ns;        /* then its edges, */
  uint64_t ahead_ns;        /* beside which seed_ahead ran this long */
  int had_store;            /* the store's path was there before the run */
} index_run;

static void say(const index_run *r, const char *fmt, ...) PT_PRINTF(2, 3);

static void say(const index_run *r, const char *fmt, ...)
{
  va_list ap;
  if (!r->out)
    return;
  va_start(ap, fmt);
  vfprintf(r->out, fmt, ap);
  va_end(ap);
}

/* parseltongueYYYYMMDDHHMMSS, or with -2, -3, ... when a run in the same
 * second (or anything else) has that name: mkdir fails on what exists, so
 * two runs never share one. */
static int make_workspace(index_run *r)
{
  char base[48];
  time_t now = time(NULL);
  struct tm *tm = localtime(&now);
  int rc = PT_EEXISTS;
  if (!tm || strftime(base, sizeof base, "parseltongue%Y%m%d%H%M%S", tm) == 0)
    return PT_ERR(PT_ERROR, "cannot read the local time");
  for (unsigned n = 1; n <= 1000 && rc == PT_EEXISTS; n++) {
    if (n == 1)
      pt_snprintf(r->ws, sizeof r->ws, "%s", base);
    else
      pt_snprintf(r->ws, sizeof r->ws, "%s-%u", base, n);
    rc = pt_fs_mkdir(r->ws);
  }
  if (rc)
    r->ws[0] = '\0';
  return rc;
}

static int write_error_log(const index_run *r, const pt_ingest_stats *st)
{
  pt_buf b = PT_BUF_INIT, path = PT_BUF_INIT;
  char when[32];
  time_t now = time(NULL);
  struct tm *tm = localtime(&now);
  if (!tm || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", tm))
    pt_snprintf(when, sizeof when, "unknown");
  int rc = pt_buf_printf(&b,
      "# Parseltongue Ingestion Error Log\n# Generated: %s\n# Database: %s\n"
      "# Source: %s\n# Total files: %zu, Processed: %zu, Errors: %zu\n#\n",
      when, r->ingest_spec, r->a->dir, st->total_files, st->processed_files,
      st->n_errors);
  for (size_t i = 0; rc == 0 && i < st->n_errors; i++)
    rc = pt_buf_printf(&b, "%s\n", st->errors[i]);
  if (rc == 0) rc = pt_buf_printf(&path, "%s/ingestion-errors.txt", r->ws);
  if (rc == 0) rc = pt_fs_write_file(path.ptr, b.ptr, b.len);
  pt_buf_fini(&b);
  pt_buf_fini(&path);
  return rc;
}

/* The files that failed go to <workspace>/ingestion-errors.txt, the
 * workspace made now if the index went elsewhere. Where no workspace can
 * be made (a read-only folder), they are printed instead: the index
 * itself is saved, so the run still succeeds. */
static void report_errors(index_run *r, const pt_ingest_stats *st)
{
  if (!st->n_errors)
    return;
  int rc = r->ws[0] ? 0 : make_workspace(r);
  if (rc == 0)
    rc = write_error_log(r, st);
  r->has_log = rc == 0;
  if (r->has_log)
    return;
  fprintf(r->err, "%sWarning: cannot write the error log: %s\n%zu %s "
          "failed:\n", r->gl->warn, pt_error_last()->message, st->n_errors,
          pt__cli_plural(st->n_errors, "file", "files"));
  pt_error_clear();
  for (size_t i = 0; i < st->n_errors; i++)
    fprintf(r->err, "  %s\n", st->errors[i]);
}

static void print_summary(const index_run *r, const pt_ingest_stats *st,
                          double secs)
{
  const char *b = r->gl->branch;
  double pct = st->n_edges ? 100.0 * (double)st->n_resolved / (double)st->n_edges : 0.0;
  say(r,
      "\nParallel Streaming Summary:\n"
      "Total files found: %zu\n"
      "Files processed: %zu\n"
      "Entities created: %zu (CODE only)\n"
      "  %s CODE entities: %zu\n"
      "  %s TEST entities: %zu (excluded for optimal LLM context)\n"
      "Edges created: %zu\n"
      "  %s Resolved: %zu (%.1f%%)\n"
      "  %s Unresolved: %zu\n"
      "Errors encountered: %zu\n"
      "Duration: %.3fs\n"
      "Throughput: %.0f files/s, %.2f MB/s\n",
      st->total_files, st->processed_files, st->n_entities, b, st->n_entities,
      b, st->n_tests, st->n_edges, b, st->n_resolved, pct, b,
      st->n_unresolved, st->n_errors, secs,
      secs > 0 ? (double)st->processed_files / secs : 0.0,
      secs > 0 ? (double)st->bytes / 1e6 / secs : 0.0);
  if (st->n_tests)
    say(r, "\n%sTests intentionally excluded from ingestion for optimal LLM "
        "context\n", r->gl->ok);
  if (!st->n_ignored)
    return;
  int one = st->n_ignored == 1;
  say(r, "\n%s%zu %s ignored; list %s with:\n", r->gl->info, st->n_ignored,
      one ? "file or folder" : "files and folders", one ? "it" : "them");
  if (strcmp(r->spec, "mem") == 0)
    say(r, "  parseltongue dump \"%s\" | grep '^ignored'\n", r->a->dir);
  else
    say(r, "  parseltongue dump --db \"%s\" | grep '^ignored'\n", r->spec);
}

static void print_hints(const index_run *r);

static void print_next_steps(const index_run *r, const pt_ingest_stats *st)
{
  say(r, "%sIndexing completed\n  Files processed: %zu\n  Entities created: "
      "%zu\n", r->gl->ok, st->processed_files, st->n_entities);
  if (st->n_errors && r->has_log)
    say(r, "  Errors: %zu (see %s/ingestion-errors.txt)\n", st->n_errors,
        r->ws);
  else if (st->n_errors)
    say(r, "  Errors: %zu (listed above)\n", st->n_errors);
  if (r->ws[0])
    say(r, "\n%sWorkspace location:\n  %s\n", r->gl->folder, r->ws);
  print_hints(r);
}

static void print_hints(const index_run *r)
{
  say(r, "\nDatabase:\n  %s\n\nNext step:\n  parseltongue "
      "pt08-http-code-query-server \\\n", r->spec);
  /* mem saved nothing: the server indexes the folder again */
  if (strcmp(r->spec, "mem") == 0)
    say(r, "    --db mem --root \"%s\"\n", r->a->dir);
  else
    say(r, "    --db \"%s\"\n", r->spec);
  say(r, "\nQuick test:\n"
      "  curl http://localhost:7777/server-health-check-status\n"
      "  curl http://localhost:7777/codebase-statistics-overview-summary\n");
}

/* Opens the engine before the long work, so a bad path, a locked database
 * or a file that is not ours fails at once. *out stays NULL for mem. */
static int open_engine(index_run *r, pt_store **out)
{
  pt_store_spec sp;
  pt_fs_stat was;
  int rc = pt_store_spec_parse(r->spec, &sp);
  *out = NULL;
  if (rc == 0 && sp.engine == PT_ENGINE_MEM)
    return 0;
  if (rc == 0 && pt_fs_stat_path(sp.path, &was) == 0)
    r->had_store = 1;
  else if (rc == 0)
    pt_error_clear(); /* not there: a first run */
  if (rc == 0)
    rc = pt_store_open_mode(r->spec, r->a->force ? PT_STORE_REPLACE
                                                 : PT_STORE_CREATE, out);
  if (rc) {
    fprintf(r->err, "Error: cannot save to %s: %s\n", r->spec,
            pt_error_last()->message);
    if (rc == PT_EEXISTS)
      fprintf(r->err, "  (--force replaces it)\n");
    return PT_EXIT_FAILURE;
  }
  return 0;
}

static int save(const index_run *r, pt_store *st, const pt_graph *g)
{
  pt_store_spec sp;
  if (!st || pt_store_spec_parse(r->spec, &sp) != 0)
    return 0;
  int is_backup = sp.engine == PT_ENGINE_SQLITE;
  if (is_backup)
    say(r, "  %s%s disk...\n", r->gl->down,
        r->old ? "Writing the changes to" : "Saving database to");
  if ((r->old ? pt_store_write_changes(st, r->old, g) : pt_store_save(st, g))
      != 0) {
    fprintf(r->err, "Error: cannot save the index to %s: %s\n", r->spec,
            pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  if (is_backup)
    say(r, "  %sDatabase %s: %s\n", r->gl->ok,
        r->old ? "updated" : "saved", sp.path);
  return 0;
}

static void print_timings(const index_run *r, const pt_ingest_stats *st,
                          uint64_t start_ns, uint64_t save_ns)
{
  say(r, "  Duration: %.3fs (walk %.3fs, parse and extract %.3fs, resolve "
      "%.3fs, save %.3fs)\n  Peak memory: %.1f MB\n",
      (double)(pt_clock_ns() - start_ns) / 1e9, (double)st->walk_ns / 1e9,
      (double)st->extract_ns / 1e9, (double)st->resolve_ns / 1e9,
      (double)save_ns / 1e9, (double)pt_peak_rss_bytes() / 1e6);
  if (r->old)
    say(r, "  Reading the stored index: %.3fs (its records %.3fs, then its "
        "edges %.3fs beside the seed and the resolver's tables %.3fs)\n",
        (double)r->load_ns / 1e9, (double)r->records_ns / 1e9,
        (double)r->edges_ns / 1e9, (double)r->ahead_ns / 1e9);
}

/* The walk's options: what index walks, and never (the workspace and the
 * database). skip[] is the caller's to free. */
static int walk_opts(const index_run *r, progress_state *ps, char *skip[2],
                     pt_ingest_opts *o)
{
  const index_args *a = r->a;
  size_t n_skip = 0;
  int rc = pt_store_skip_paths(r->ws[0] ? r->ws : NULL, r->spec, skip,
                               &n_skip);
  memset(o, 0, sizeof *o);
  o->root = a->dir;
  o->n_threads = a->threads;
  o->max_file_size = a->max_file_size;
  o->progress = pt_term_is_tty(r->err) ? on_progress : NULL;
  o->payload = ps;
  o->parse_only = a->parse_only;
  o->skip = (const char *const *)skip;
  o->n_skip = n_skip;
  return rc;
}

/* A SQLite save writes the entities, files and tests while resolution
 * makes the edges (a RocksDB save its entities, files and ignored files,
 * as table files), reading them in the graph until it is resolved;
 * failing that, the save writes them itself. */
static void begin_save(const pt_graph *g, void *payload)
{
  if (pt_store_save_begin(payload, g) != 0)
    pt_error_clear();
}

static void release_save(const pt_graph *g, void *payload)
{
  pt_store_save_release(payload);
}

static int ingest(index_run *r, progress_state *ps, pt_store *store,
                  pt_graph **g, pt_ingest_stats *st)
{
  const index_args *a = r->a;
  char *skip[2] = {NULL, NULL};
  pt_ingest_opts o;
  int rc = walk_opts(r, ps, skip, &o);
  o.cache = r->cache;
  /* a store keeps each file's reads, so a re-run that needs every file's
   * reads loads them instead of resolving every file */
  o.keep_reads = store != NULL;
  unsigned n = a->threads ? a->threads : pt_cpu_count();
  say(r, "Starting PARALLEL directory streaming (%u %s)...\n", n,
      pt__cli_plural(n, "thread", "threads"));
  if (r->out)
    fflush(r->out);
  if (rc == 0)
    rc = r->old ? pt_ingest_rerun(&o, r->old, &r->delta, g, st)
                : pt_ingest_with_hook(&o, store ? begin_save : NULL,
                                      release_save, store, g, st);
  if (rc)
    fprintf(r->err, "Error: %s\n", pt_error_last()->message);
  pt_free(skip[0]);
  pt_free(skip[1]);
  return rc ? PT_EXIT_FAILURE : 0;
}

/* One line naming up to five paths of a list: "3 files changed: a, b, c". */
static void say_paths(const index_run *r, size_t n, const char *what,
                      const char *const *paths)
{
  if (!n)
    return;
  say(r, "  %zu %s %s: ", n, pt__cli_plural(n, "file", "files"), what);
  for (size_t i = 0; i < n && i < 5; i++)
    say(r, "%s%s", i ? ", " : "", paths[i]);
  say(r, "%s\n", n > 5 ? ", ..." : "");
}

static void say_unchanged(const index_run *r, const pt_ingest_delta *d,
                          const pt_graph *stored, uint64_t start_ns,
                          uint64_t load_ns)
{
  const pt_file_record *f = pt_graph_files(stored);
  size_t n_entities = 0, n_tests = 0;
  for (size_t i = 0; i < pt_graph_n_files(stored); i++) {
    n_entities += f[i].n_entities;
    n_tests += f[i].n_tests;
  }
  say(r, "%sUnchanged since the last index: nothing written\n"
      "  Files: %zu as indexed (%zu read to compare their contents)\n"
      "  Entities: %zu CODE, %zu TEST\n", r->gl->ok, d->n_files,
      d->n_hashed, n_entities, n_tests);
  if (r->a->verbose)
    say(r, "  Duration: %.3fs (read the stored file records %.3fs, walk "
        "%.3fs, compare %.3fs)\n  Peak memory: %.1f MB\n",
        (double)(pt_clock_ns() - start_ns) / 1e9, (double)load_ns / 1e9,
        (double)d->walk_ns / 1e9, (double)d->compare_ns / 1e9,
        (double)pt_peak_rss_bytes() / 1e6);
  print_hints(r);
}

/* The stored file records, read while the tree is walked
 * (pt_ingest_diff_loading). */
typedef struct files_load {
  index_run *r;
  pt_store *store;
  pt_graph *stored;
  uint64_t ns;
  int rc;                  /* pt_store_load_files' */
} files_load;

static int load_files(void *payload)
{
  files_load *f = payload;
  uint64_t t0 = pt_clock_ns();
  f->rc = pt_store_load_files(f->store, f->stored);
  f->ns = pt_clock_ns() - t0;
  if (f->rc == 0)
    say(f->r, "Comparing %s with the stored index...\n", f->r->a->dir);
  return f->rc;
}

/* A store holding an index of this tree: what changed since (nothing:
 * said, and nothing written, *done set). An index that cannot be read
 * (an older format, damaged) is indexed again whole, as a first run. The
 * tree is walked while the records load when the store was there before
 * this run (else there is nothing to compare with). */
static int compare_stored(index_run *r, pt_store *store, progress_state *ps,
                          int *done, int *reuse)
{
  pt_graph *stored = NULL;
  pt_ingest_delta d;
  pt_ingest_opts o;
  char *skip[2] = {NULL, NULL};
  files_load f = {r, store, NULL, 0, 0};
  memset(&d, 0, sizeof d);
  *done = *reuse = 0;
  int rc = pt_graph_new(&stored);
  f.stored = stored;
  if (rc == 0)
    rc = walk_opts(r, ps, skip, &o);
  if (rc == 0 && r->had_store)
    rc = pt_ingest_diff_loading(&o, load_files, &f, stored, &d);
  else if (rc == 0 && (rc = load_files(&f)) == 0)
    rc = pt_ingest_diff(&o, stored, &d);
  uint64_t load_ns = f.ns;
  if (rc && f.rc && rc != PT_ENOMEM) {
    if (rc != PT_ENOTFOUND)
      say(r, "  The stored index cannot be reused (%s): indexing "
          "everything\n", pt_error_last()->message);
    pt_error_clear();
    rc = 1; /* not an error: a whole run */
  }
  if (rc == 0 && pt_ingest_delta_is_empty(&d)) {
    say_unchanged(r, &d, stored, ps->start_ns, load_ns);
    *done = 1;
  } else if (rc == 0) {
    if (d.why_whole)
      say(r, "  Indexing everything: %s\n", d.why_whole);
    say_paths(r, d.n_changed, "changed", d.changed);
    say_paths(r, d.n_added, "added", d.added);
    say_paths(r, d.n_removed, "removed", d.removed);
    if (d.ignored_changed)
      say(r, "  The files left out are not the ones the index left out\n");
    *reuse = !d.why_whole;
  }
  if (rc < 0)
    fprintf(r->err, "Error: %s\n", pt_error_last()->message);
  if (rc == 0 && *reuse) { /* the re-run patches what it names */
    r->delta = d;
    memset(&d, 0, sizeof d);
    r->records = stored; /* the rest of the index is loaded into it */
    stored = NULL;
  }
  pt_ingest_delta_fini(&d);
  pt_free(skip[0]);
  pt_free(skip[1]);
  pt_graph_free(stored);
  return rc < 0 ? PT_EXIT_FAILURE : 0;
}

/* What is done with the stored records while their edges load: the
 * cache seeded from them and the re-run's tables made, on a thread. */
typedef struct ahead {
  index_run *r;
  const pt_graph *g;      /* borrowed: the stored index, edges to come */
  pt_ingest_opts o;
  pt_thread *th;
  uint64_t ready_ns;      /* when the records were in */
  uint64_t work_ns;       /* how long seed_ahead took */
  int rc;                 /* seed_ahead's result, its error in err */
  pt_error err;
} ahead;

static void seed_ahead(void *payload)
{
  ahead *a = payload;
  size_t n = 0;
  uint64_t t0 = pt_clock_ns();
  int rc = pt_ingest_cache_seed_lazily(a->r->cache, a->g, &n);
  if (rc == 0)
    rc = pt_ingest_rerun_begin(&a->o, a->r->cache, a->g, &a->r->delta);
  a->rc = rc;
  if (rc)
    a->err = *pt_error_last();
  a->work_ns = pt_clock_ns() - t0;
}

static void on_ready(const pt_graph *g, void *payload)
{
  ahead *a = payload;
  a->g = g;
  a->ready_ns = pt_clock_ns();
  if (pt_thread_start(seed_ahead, a, &a->th) != 0) {
    pt_error_clear(); /* no thread: the same work now */
    a->th = NULL;
    seed_ahead(a);
  }
}

/* The whole stored index, and a cache seeded from it so that the run
 * parses only what changed. An index that cannot be read is not reused:
 * the run indexes everything. */
static int load_stored(index_run *r, pt_store *store)
{
  ahead a;
  uint64_t t0 = pt_clock_ns();
  memset(&a, 0, sizeof a);
  a.r = r;
  a.o.root = r->a->dir;
  a.o.n_threads = r->a->threads;
  a.o.max_file_size = r->a->max_file_size;
  int rc = pt_ingest_cache_new(&r->cache);
  if (rc == 0) /* the changed files parsed beside the load */
    rc = pt_ingest_rerun_parse_ahead(&a.o, r->cache, &r->delta);
  /* the rest added to the file records read to compare (only its changes
   * are written: the code is not needed), else a new load of it all */
  r->old = r->records;
  r->records = NULL;
  if (rc == 0 && r->old &&
      (rc = pt_store_load_rest_then(store, r->old, on_ready, &a)) ==
          PT_ENOTSUPPORTED) {
    pt_error_clear(); /* nothing was added: the whole load */
    pt_graph_free(r->old);
    r->old = NULL;
    rc = 0;
  }
  if (rc == 0 && !r->old && (rc = pt_graph_new(&r->old)) == 0)
    rc = pt_store_load_without_code_then(store, r->old, on_ready, &a);
  uint64_t t1 = pt_clock_ns();
  if (a.th)
    pt_thread_join(a.th);
  if (rc == 0 && a.rc)
    rc = pt__error_set(a.err.code, a.err.file, a.err.line, "%s",
                       a.err.message);
  r->load_ns = pt_clock_ns() - t0;
  if (a.ready_ns) {
    r->records_ns = a.ready_ns - t0;
    r->edges_ns = t1 - a.ready_ns;
    r->ahead_ns = a.work_ns;
  }
  int reuse = rc == 0;
  if (rc && rc != PT_ENOMEM) {
    say(r, "  The stored index cannot be reused (%s): indexing everything\n",
        pt_error_last()->message);
    pt_error_clear();
    rc = 0;
  }
  /* a load that failed may have added some records (and the cache is
   * made before it): neither is used */
  if (!reuse) {
    pt_graph_free(r->old);
    pt_ingest_cache_free(r->cache);
    r->old = NULL;
    r->cache = NULL;
  }
  if (rc)
    fprintf(r->err, "Error: %s\n", pt_error_last()->message);
  return rc ? PT_EXIT_FAILURE : 0;
}

static int run(index_run *r)
{
  progress_state ps = {r->err, pt_clock_ns(), 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *store = NULL;
  uint64_t save_ns = 0;
  memset(&st, 0, sizeof st);
  int code = r->a->parse_only ? 0 : open_engine(r, &store), done = 0;
  int reuse = 0;
  /* a store that may hold an index of this tree: reuse what it can */
  if (code == 0 && store && !r->a->force)
    code = compare_stored(r, store, &ps, &done, &reuse);
  if (code || done) {
    pt_store_close(store);
    pt_ingest_delta_fini(&r->delta);
    pt_graph_free(r->records);
    return code;
  }
  if (reuse) {
    /* a re-run's threads free and allocate large blocks side by side:
     * what they free stays for the next (pt/sys/heap.h) */
    pt_sys_heap_keep_freed();
    code = load_stored(r, store);
  }
  if (code == 0)
    code = ingest(r, &ps, store, &g, &st);
  for (size_t i = 0; code == 0 && r->out && i < st.n_warnings; i++)
    fprintf(r->err, "%sWarning: %s\n", r->gl->warn, st.warnings[i]);
  if (code == 0) {
    print_summary(r, &st, (double)(pt_clock_ns() - ps.start_ns) / 1e9);
    if (r->old)
      say(r, "%sReused from the stored index: %zu of %zu files; only what "
          "changed is written\n", r->gl->info, st.reused_files,
          st.total_files);
    uint64_t t = pt_clock_ns();
    code = save(r, store, g);
    save_ns = pt_clock_ns() - t;
  }
  if (code == 0)
    report_errors(r, &st);
  if (code == 0 && r->a->verbose)
    print_timings(r, &st, ps.start_ns, save_ns);
  if (code == 0)
    print_next_steps(r, &st);
  pt_store_close(store);
  pt_graph_free(g);
  pt_graph_free(r->old);
  pt_graph_free(r->records);
  pt_ingest_cache_free(r->cache);
  pt_ingest_delta_fini(&r->delta);
  pt_ingest_stats_fini(&st);
  return code;
}

static int check_folder(const char *dir, FILE *err)
{
  pt_fs_stat root;
  int rc = pt_fs_stat_path(dir, &root);
  if (rc == PT_ENOTFOUND)
    fprintf(err, "error: '%s': no such folder\n", dir);
  else if (rc)
    fprintf(err, "error: '%s': %s\n", dir, pt_error_last()->message);
  else if (root.type == PT_FS_FILE || root.type == PT_FS_OTHER)
    fprintf(err, "error: '%s' is not a folder\n", dir);
  return rc || root.type == PT_FS_FILE || root.type == PT_FS_OTHER
             ? PT_EXIT_FAILURE : 0;
}

/* The engine spec; without --db, the workspace is made now, since the
 * default database goes in it. */
static int choose_spec(index_run *r)
{
  pt_store_spec sp;
  if (r->a->db) {
    pt_snprintf(r->spec, sizeof r->spec, "%s", r->a->db);
    if (pt_store_spec_parse(r->spec, &sp) == 0)
      return 0;
    fprintf(r->err, "error: --db: %s\n", pt_error_last()->message);
    return PT_EXIT_USAGE;
  }
  if (make_workspace(r) != 0) {
    fprintf(r->err, "Error: cannot create the workspace: %s\n",
            pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  pt_snprintf(r->spec, sizeof r->spec, "%s:%s/analysis.db",
              pt_defaults_engine(), r->ws);
  return 0;
}

int pt__cli_index(int argc, char **argv, FILE *out, FILE *err)
{
  index_args a;
  index_run r;
  int rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? PT_EXIT_OK : rc;
  memset(&r, 0, sizeof r);
  r.a = &a;
  r.out = a.quiet ? NULL : out;
  r.err = err;
  r.gl = pt__cli_glyphs();
  if ((rc = check_folder(a.dir, err)) != 0 || (rc = choose_spec(&r)) != 0)
    return rc;
  r.ingest_spec = is_memory_backup(a.db) ? "mem" : r.spec;
  if (is_memory_backup(a.db))
    say(&r, "  Engine: mem%sSQLite (in-memory ingestion, SQLite backup)\n",
        r.gl->arrow);
  say(&r, "Running Tool 1: folder-to-cozodb-streamer\n");
  if (r.ws[0])
    say(&r, "  Workspace: %s\n", r.ws);
  say(&r, "  Database: %s\n", r.ingest_spec);
  return run(&r);
}
