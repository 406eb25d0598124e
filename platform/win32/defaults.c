/* pt/sys/defaults.h on Windows: ingest in memory, then one atomic SQLite
 * backup (RocksDB is not built here). */
#include "pt/sys/defaults.h"

const char *pt_defaults_engine(void)
{
  return "sqlite";
}
