/* The "rocksdb" backend of pt/store.h on Windows: not built (virus
 * scanners stall its compactions, docs/contract/ingestion.md 13), so
 * opening it says so, and the private calls of store_rocksdb_int.h that
 * the conformance suite links against report the same. */
#include "../posix/store_rocksdb_int.h"
#include "pt/error.h"
#include "pt/store.h"

#define NOT_BUILT "RocksDB is not built on Windows; use sqlite:PATH or mem"

int pt_store_rocksdb_open(const char *path, pt_store_mode mode,
                          pt_store **out)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt_store_rocksdb_note_port(const char *path, unsigned port)
{
  return 0;
}

int pt_store_rocksdb_save_begin(pt_store *st, const pt_graph *g)
{
  return 0;
}

void pt_store_rocksdb_save_release(pt_store *st)
{
}

int pt__store_rocksdb_write_generation(pt_store *st, const pt_graph *from,
                                       uint64_t *out)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt__store_rocksdb_save_format6(pt_store *st, const pt_graph *from)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt__store_rocksdb_current(pt_store *st, uint64_t *out)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt__store_rocksdb_n_generations(pt_store *st, size_t *out)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt__store_rocksdb_save_format8(pt_store *st, const pt_graph *from)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}

int pt__store_rocksdb_save_format9(pt_store *st, const pt_graph *from)
{
  return PT_ERR(PT_ENOTSUPPORTED, NOT_BUILT);
}
