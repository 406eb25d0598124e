/* Defaults that differ by platform, for the CLI to use and to print. */
#ifndef PT_SYS_DEFAULTS_H
#define PT_SYS_DEFAULTS_H

/* The engine scheme `index` uses when no --db is given, saved to
 * <workspace>/analysis.db: "rocksdb" on POSIX (written as it goes);
 * "sqlite" on Windows, where virus scanners stall databases that write
 * while ingesting, so the index is built in memory and then written as one
 * SQLite file moved into place (docs/contract/ingestion.md 13). Static. */
const char *pt_defaults_engine(void);

/* 1 where file names follow Windows' rules (NUL and COM1 are devices in
 * every folder, "a.c::$DATA" is a stream of a.c, "a.c." and "a.c " are
 * a.c), 0 where a name is its bytes (pt/live_path.h). */
int pt_defaults_windows_names(void);

/* 1 where a re-run of index may write its changes into a SQLite index in
 * place, in one transaction with SQLite's rollback journal (POSIX); 0
 * where it writes them into a copy moved over the index, as every save
 * there does (Windows: docs/windows.md, "Virus scanners"). */
int pt_defaults_sqlite_in_place(void);

#endif
