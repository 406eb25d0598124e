/* pt/sys/defaults.h on POSIX: RocksDB is the default engine. */
#include "pt/sys/defaults.h"

const char *pt_defaults_engine(void)
{
  return "rocksdb";
}

int pt_defaults_windows_names(void)
{
  return 0;
}

int pt_defaults_sqlite_in_place(void)
{
  return 1;
}
