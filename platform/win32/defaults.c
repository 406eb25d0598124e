/* pt/sys/defaults.h on Windows: ingest in memory, then one atomic SQLite
 * backup (RocksDB is not built here). */
#include "pt/sys/defaults.h"

const char *pt_defaults_engine(void)
{
  return "sqlite";
}

int pt_defaults_windows_names(void)
{
  return 1;
}

int pt_defaults_sqlite_in_place(void)
{
  return 0;
}
