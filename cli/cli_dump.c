/* dump: an index in its canonical text form, either indexed now in memory
 * from a folder or loaded from a store, which it opens for reading only
 * (nothing is created; a RocksDB index a server holds can be read). */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/store.h"

int pt__cli_dump(int argc, char **argv, FILE *out, FILE *err)
{
  const char *dir = NULL, *db = NULL;
  int brief = 0;
  unsigned long long threads = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--brief"))
      brief = 1;
    else if (!strcmp(argv[i], "--db") && i + 1 < argc)
      db = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      if (pt_parse_u64(argv[++i], &threads) != 0 || threads == 0 || threads > 64) {
        fprintf(err, "error: --threads takes a whole number from 1 to 64\n");
        return PT_EXIT_USAGE;
      }
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fprintf(out, "Usage: parseltongue dump [DIR | --db ENGINE] [--brief] [--threads N]\n"
                   "Prints the index of DIR (default .: indexed now, in memory) or\n"
                   "of ENGINE (read only) in canonical text form: one record a\n"
                   "line, tab-separated.\n"
                   "--brief prints the short form the test fixtures use.\n");
      return PT_EXIT_OK;
    } else if (argv[i][0] == '-') {
      fprintf(err, "error: unknown option '%s' (see dump --help)\n", argv[i]);
      return PT_EXIT_USAGE;
    } else if (dir) {
      fprintf(err, "error: more than one folder given ('%s', '%s')\n", dir,
              argv[i]);
      return PT_EXIT_USAGE;
    } else {
      dir = argv[i];
    }
  }
  if (dir && db) {
    fprintf(err, "error: dump takes either a folder or --db, not both\n");
    return PT_EXIT_USAGE;
  }
  pt_graph *g = NULL;
  pt_store *st = NULL;
  pt_ingest_stats stats;
  memset(&stats, 0, sizeof stats);
  int rc;
  if (db) {
    rc = pt_store_open_mode(db, PT_STORE_READ, &st);
    if (rc == 0) rc = pt_graph_new(&g);
    if (rc == 0) rc = pt_store_load(st, g);
    pt_store_close(st);
  } else {
    pt_ingest_opts o = {dir ? dir : ".", (unsigned)threads, 0, NULL, 0, NULL,
                        NULL, 0, NULL, 0};
    rc = pt_ingest(&o, &g, &stats);
  }
  pt_buf b = PT_BUF_INIT;
  if (rc == 0)
    rc = brief ? pt_graph_dump_brief(g, &b) : pt_graph_dump(g, &b);
  /* a full disk must not pass for an empty or short index */
  if (rc == 0 && (fwrite(b.ptr ? b.ptr : "", 1, b.len, out) != b.len ||
                  fflush(out) != 0))
    rc = PT_ERR(PT_EIO, "cannot write the output: %s", strerror(errno));
  for (size_t i = 0; i < stats.n_warnings; i++)
    fprintf(err, "Warning: %s\n", stats.warnings[i]);
  for (size_t i = 0; i < stats.n_errors; i++)
    fprintf(err, "%s\n", stats.errors[i]);
  if (rc)
    fprintf(err, "Error: %s\n", pt_error_last()->message);
  pt_buf_fini(&b);
  pt_graph_free(g);
  pt_ingest_stats_fini(&stats);
  return rc ? PT_EXIT_FAILURE : PT_EXIT_OK;
}
