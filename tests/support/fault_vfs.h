/* A SQLite VFS for tests that wraps the default one and fails opens,
 * writes and syncs when the fault injection of pt/sys/fs.h says so: SQLite
 * does its own file I/O, so this is how a test reaches it. */
#ifndef PT_TEST_FAULT_VFS_H
#define PT_TEST_FAULT_VFS_H

/* Registers the wrapper as SQLite's default VFS (once; later calls do
 * nothing). Fails the test when SQLite refuses. */
void pt_test_fault_vfs_install(void);

#endif
