/* pt01-folder-to-cozodb-streamer (alias index): flags, workspace, console
 * lines of docs/contract/ingestion.md 1.3, progress, store save, error
 * log. */
#include <string.h>
#include <time.h>

#include "commands.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/defaults.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/term.h"
#include "pt/version.h"

typedef struct index_args {
  const char *dir;
  const char *db;             /* NULL = the platform default */
  int verbose, quiet, parse_only;
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
    "dependency edges, in a new workspace folder parseltongueYYYYMMDDHHMMSS\n"
    "under the current folder.\n"
    "\n"
    "Options:\n"
    "  --db ENGINE            Where to store the index:\n"
    "                           rocksdb:PATH  a RocksDB folder\n"
    "                           sqlite:PATH   one SQLite file, written whole to a\n"
    "                                         temporary file and moved into place\n"
    "                           mem           in memory only (nothing saved)\n"
    "                         Default here: %s:<workspace>/analysis.db%s\n"
    "  --threads N            Parser threads (default: one per processor)\n"
    "  --max-file-size BYTES  Larger files are ignored (default: %u)\n"
    "  -v, --verbose          Also print duration and peak memory\n"
    "  -q, --quiet            Print only the summary\n"
    "  --parse-only           Benchmark floor: parse every file with tree-sitter,\n"
    "                         extract and save nothing\n"
    "  -h, --help             Show this help\n"
    "\n"
    "Ignored: .gitignore and .parseltongueignore matches, folders named .git,\n"
    "node_modules, target, build, dist, __pycache__, .venv, venv, binary and\n"
    "oversized files; tests are recorded and left out of the graph.\n"
    "\n"
    "Exit status: 0 indexed (files that failed are listed in\n"
    "<workspace>/ingestion-errors.txt), 1 the run failed, 2 bad usage.\n",
    pt_defaults_engine(), how, PT_INGEST_DEFAULT_MAX_FILE_SIZE);
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

static int make_workspace(char *ws, size_t size, FILE *err)
{
  time_t now = time(NULL);
  struct tm *tm = localtime(&now);
  if (!tm || strftime(ws, size, "parseltongue%Y%m%d%H%M%S", tm) == 0) {
    fprintf(err, "Error: cannot read the local time\n");
    return PT_EXIT_FAILURE;
  }
  if (pt_fs_mkdir_p(ws) != 0) {
    fprintf(err, "Error: cannot create the workspace: %s\n", pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  return 0;
}

static int write_error_log(const char *ws, const char *spec, const index_args *a,
                           const pt_ingest_stats *st)
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
      when, spec, a->dir, st->total_files, st->processed_files, st->n_errors);
  for (size_t i = 0; rc == 0 && i < st->n_errors; i++)
    rc = pt_buf_printf(&b, "%s\n", st->errors[i]);
  if (rc == 0) rc = pt_buf_printf(&path, "%s/ingestion-errors.txt", ws);
  if (rc == 0) rc = pt_fs_write_file(path.ptr, b.ptr, b.len);
  pt_buf_fini(&b);
  pt_buf_fini(&path);
  return rc;
}

static void print_summary(FILE *out, const pt_ingest_stats *st, double secs)
{
  double pct = st->n_edges ? 100.0 * (double)st->n_resolved / (double)st->n_edges : 0.0;
  fprintf(out,
          "\nParallel Streaming Summary:\n"
          "Total files found: %zu\n"
          "Files processed: %zu\n"
          "Entities created: %zu (CODE only)\n"
          "  └─ CODE entities: %zu\n"
          "  └─ TEST entities: %zu (excluded for optimal LLM context)\n"
          "Edges created: %zu\n"
          "  └─ Resolved: %zu (%.1f%%)\n"
          "  └─ Unresolved: %zu\n"
          "Errors encountered: %zu\n"
          "Duration: %.3fs\n"
          "Throughput: %.0f files/s, %.2f MB/s\n",
          st->total_files, st->processed_files, st->n_entities, st->n_entities,
          st->n_tests, st->n_edges, st->n_resolved, pct, st->n_unresolved,
          st->n_errors, secs, secs > 0 ? (double)st->processed_files / secs : 0.0,
          secs > 0 ? (double)st->bytes / 1e6 / secs : 0.0);
  if (st->n_tests)
    fprintf(out, "\n✓ Tests intentionally excluded from ingestion for optimal LLM context\n");
  if (st->n_ignored)
    fprintf(out, "\nℹ %zu files and folders ignored (see the ignored_files table)\n",
            st->n_ignored);
}

static void print_next_steps(FILE *out, const char *ws, const char *spec,
                             const pt_ingest_stats *st)
{
  fprintf(out, "✓ Indexing completed\n  Files processed: %zu\n  Entities created: %zu\n",
          st->processed_files, st->n_entities);
  if (st->n_errors)
    fprintf(out, "  Errors: %zu (see %s/ingestion-errors.txt)\n", st->n_errors, ws);
  fprintf(out,
          "\n📁 Workspace location:\n  %s\n\nDatabase:\n  %s\n\n"
          "Next step:\n  parseltongue pt08-http-code-query-server \\\n"
          "    --db \"%s\"\n\nQuick test:\n"
          "  curl http://localhost:7777/server-health-check-status\n"
          "  curl http://localhost:7777/codebase-statistics-overview-summary\n",
          ws, spec, spec);
}

/* Opens the engine before the long work, so a bad path or a locked
 * database fails at once; a missing parent folder of a SQLite file is
 * created. *out stays NULL for mem. */
static int open_engine(const char *spec, pt_store **out, FILE *err)
{
  pt_store_spec sp;
  int rc = pt_store_spec_parse(spec, &sp);
  *out = NULL;
  if (rc == 0 && sp.engine == PT_ENGINE_MEM)
    return 0;
  if (rc == 0 && sp.engine == PT_ENGINE_SQLITE) {
    const char *slash = strrchr(sp.path, '/');
    char *dir = slash && slash != sp.path
                    ? pt_strndup(sp.path, (size_t)(slash - sp.path))
                    : NULL;
    if (dir)
      rc = pt_fs_mkdir_p(dir);
    pt_free(dir);
  }
  if (rc == 0)
    rc = pt_store_open(spec, out);
  if (rc) {
    fprintf(err, "Error: cannot open %s: %s\n", spec, pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  return 0;
}

static int save(pt_store *st, const char *spec, const pt_graph *g,
                const index_args *a, FILE *out, FILE *err)
{
  pt_store_spec sp;
  if (!st || pt_store_spec_parse(spec, &sp) != 0)
    return 0;
  int is_backup = sp.engine == PT_ENGINE_SQLITE;
  if (is_backup && !a->quiet)
    fprintf(out, "  ↓ Saving database to disk...\n");
  if (pt_store_save(st, g) != 0) {
    fprintf(err, "Error: cannot save the index to %s: %s\n", spec,
            pt_error_last()->message);
    return PT_EXIT_FAILURE;
  }
  if (is_backup && !a->quiet)
    fprintf(out, "  ✓ Database saved: %s\n", sp.path);
  return 0;
}

static int run(const index_args *a, const char *ws, const char *spec,
               const char *ingest_spec, FILE *out, FILE *err)
{
  char *skip[2] = {NULL, NULL};
  size_t n_skip = 0;
  progress_state ps = {err, pt_clock_ns(), 0};
  pt_ingest_opts o = {a->dir, a->threads, a->max_file_size, NULL, 0,
                      pt_term_is_tty(err) ? on_progress : NULL, &ps,
                      a->parse_only, NULL};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  memset(&st, 0, sizeof st);
  pt_store *store = NULL;
  if (!a->parse_only && open_engine(spec, &store, err) != 0)
    return PT_EXIT_FAILURE;
  int rc = pt_store_skip_paths(ws, spec, skip, &n_skip);
  o.skip = (const char *const *)skip;
  o.n_skip = n_skip;
  fprintf(out, "Starting PARALLEL directory streaming (%u threads)...\n",
          a->threads ? a->threads : pt_cpu_count());
  fflush(out);
  if (rc == 0 && (rc = pt_ingest(&o, &g, &st)) != 0)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  double secs = (double)(pt_clock_ns() - ps.start_ns) / 1e9;
  int code = rc ? PT_EXIT_FAILURE : 0;
  uint64_t save_ns = 0;
  if (code == 0) {
    print_summary(out, &st, secs);
    uint64_t t = pt_clock_ns();
    code = save(store, spec, g, a, out, err);
    save_ns = pt_clock_ns() - t;
  }
  if (code == 0 && st.n_errors &&
      write_error_log(ws, ingest_spec, a, &st) != 0) {
    fprintf(err, "Error: cannot write the error log: %s\n", pt_error_last()->message);
    code = PT_EXIT_FAILURE;
  }
  if (code == 0 && !a->quiet)
    print_next_steps(out, ws, spec, &st);
  if (code == 0 && a->verbose)
    fprintf(out, "  Duration: %.3fs (walk %.3fs, parse and extract %.3fs, "
            "resolve %.3fs, save %.3fs)\n  Peak memory: %.1f MB\n",
            (double)(pt_clock_ns() - ps.start_ns) / 1e9, (double)st.walk_ns / 1e9,
            (double)st.extract_ns / 1e9, (double)st.resolve_ns / 1e9,
            (double)save_ns / 1e9, (double)pt_peak_rss_bytes() / 1e6);
  pt_store_close(store);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(skip[0]);
  pt_free(skip[1]);
  return code;
}

int pt__cli_index(int argc, char **argv, FILE *out, FILE *err)
{
  index_args a;
  int rc = parse_args(argc, argv, &a, out, err);
  if (rc)
    return rc < 0 ? PT_EXIT_OK : rc;
  pt_fs_stat root;
  if (pt_fs_stat_path(a.dir, &root) != 0 || root.type == PT_FS_FILE) {
    fprintf(err, "error: '%s' is not a folder\n", a.dir);
    return PT_EXIT_FAILURE;
  }
  char ws[64];
  if ((rc = make_workspace(ws, sizeof ws, err)) != 0)
    return rc;
  char spec[1024];
  if (a.db)
    pt_snprintf(spec, sizeof spec, "%s", a.db);
  else
    pt_snprintf(spec, sizeof spec, "%s:%s/analysis.db", pt_defaults_engine(),
                ws);
  pt_store_spec sp;
  if (pt_store_spec_parse(spec, &sp) != 0) {
    fprintf(err, "error: --db: %s\n", pt_error_last()->message);
    return PT_EXIT_USAGE;
  }
  /* the header and the error log name the engine ingested into */
  const char *ingest_spec = is_memory_backup(a.db) ? "mem" : spec;
  if (is_memory_backup(a.db))
    fprintf(out, "  Engine: mem→SQLite (in-memory ingestion, SQLite backup)\n");
  fprintf(out, "Running Tool 1: folder-to-cozodb-streamer\n");
  if (!a.quiet)
    fprintf(out, "  Workspace: %s\n  Database: %s\n", ws, ingest_spec);
  return run(&a, ws, spec, ingest_spec, out, err);
}
