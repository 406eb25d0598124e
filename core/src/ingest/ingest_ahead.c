/* Files extracted ahead of the patch that takes them (pt/ingest.h,
 * pt_ingest_extract_ahead): the live index extracts a finished file while
 * its path settles (10 ms after a rename or a close), when its update
 * thread waits anyway, so the patch that follows does not parse it on its
 * serial path (a heavy rename's parse was a tenth of its update thread).
 * Each result is kept with the bytes it was made from; the patch takes it
 * only for the same path and exactly the bytes it reads, so what it
 * patches in is what extracting them there would give. */
#include <stdint.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "ingest_int.h"

/* A handful: the files of one save or rename; an older one gives way. */
#define AHEAD_MAX 8

typedef struct ahead_file {
  char *path;               /* owned */
  char *bytes;              /* owned: what r was extracted from */
  size_t len;
  pt_file_result *r;        /* owned */
} ahead_file;

struct pt__ahead {
  ahead_file v[AHEAD_MAX];  /* v[0..n), oldest first */
  size_t n;
  size_t taken;             /* results the patches took */
};

static void file_fini(ahead_file *f)
{
  pt_free(f->path);
  pt_free(f->bytes);
  pt_file_result_free(f->r);
  memset(f, 0, sizeof *f);
}

void pt__ahead_free(pt__ahead *a)
{
  for (size_t i = 0; a && i < a->n; i++)
    file_fini(&a->v[i]);
  pt_free(a);
}

/* Removes v[i], keeping the order of the rest. */
static void drop_at(pt__ahead *a, size_t i)
{
  file_fini(&a->v[i]);
  memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof a->v[0]);
  a->n--;
}

static size_t find(const pt__ahead *a, const char *path)
{
  for (size_t i = 0; a && i < a->n; i++)
    if (strcmp(a->v[i].path, path) == 0)
      return i;
  return SIZE_MAX;
}

pt_file_result *pt__ahead_take(pt_ingest_cache *c, const char *path,
                               const char *src, size_t len)
{
  pt__ahead *a = *pt__cache_ahead(c);
  size_t i = find(a, path);
  if (i == SIZE_MAX)
    return NULL;
  ahead_file *f = &a->v[i];
  pt_file_result *r = NULL;
  if (f->len == len && (len == 0 || memcmp(f->bytes, src, len) == 0)) {
    r = f->r;
    f->r = NULL;
    a->taken++;
  }
  drop_at(a, i); /* taken, or made from other bytes */
  return r;
}

size_t pt_ingest_cache_ahead_taken(const pt_ingest_cache *c)
{
  pt__ahead *a = *pt__cache_ahead((pt_ingest_cache *)c);
  return a ? a->taken : 0;
}

int pt_ingest_extract_ahead(const pt_ingest_opts *o, pt_ingest_cache *c,
                            const char *path)
{
  pt__ahead **slot = pt__cache_ahead(c);
  if (!*slot && !(*slot = pt_calloc(1, sizeof **slot)))
    return PT_ERR(PT_ENOMEM, "out of memory");
  pt__ahead *a = *slot;
  size_t i = find(a, path);
  if (i != SIZE_MAX)
    drop_at(a, i); /* made again from what the file holds now */
  uint64_t max = o->max_file_size ? o->max_file_size : PT_INGEST_DEFAULT_MAX_FILE_SIZE;
  pt_buf full = PT_BUF_INIT, src = PT_BUF_INIT;
  pt_queries *q = NULL;
  pt_extractor *x = NULL;
  pt_fs_stat st;
  ahead_file f = {NULL, NULL, 0, NULL};
  int rc = pt__patch_read(o->root, path, max, &st, &full, &src);
  if (rc == 0) rc = pt__cache_queries(c, &q);
  if (rc == 0) rc = pt_extractor_new(q, &x);
  if (rc == 0) rc = pt__patch_extract_bytes(x, path, src.ptr, src.len, &f.r);
  pt_extractor_free(x);
  if (rc == 0) {
    f.path = pt_strdup(path);
    f.len = src.len;
    f.bytes = pt_buf_detach(&src);
    if (!f.path || (!f.bytes && f.len))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (rc == 0) {
    if (a->n == AHEAD_MAX)
      drop_at(a, 0);
    a->v[a->n++] = f;
  } else {
    file_fini(&f);
  }
  pt_buf_fini(&full);
  pt_buf_fini(&src);
  if (rc && rc != PT_ENOMEM) {
    pt_error_clear(); /* the patch meets it and decides */
    rc = 0;
  }
  return rc;
}
