/* Defaults that differ by platform, for the CLI to use and to print. */
#ifndef PT_SYS_DEFAULTS_H
#define PT_SYS_DEFAULTS_H

/* The engine scheme `index` uses when no --db is given, saved to
 * <workspace>/analysis.db: "rocksdb" on POSIX (written as it goes);
 * "sqlite" on Windows, where virus scanners stall databases that write
 * while ingesting, so the index is built in memory and then written as one
 * SQLite file moved into place (docs/contract/ingestion.md 13). Static. */
const char *pt_defaults_engine(void);

#endif
