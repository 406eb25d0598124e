/* Engine specs of pt/store.h ("mem", "sqlite:PATH", "rocksdb:PATH"): the
 * one parser of that syntax, and the absolute paths an index lives in, which
 * a walk of the indexed folder must never enter. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/error.h"
#include "pt/store.h"
#include "pt/sys/fs.h"

#define SPEC_FORMS "mem, sqlite:PATH or rocksdb:PATH"

int pt_store_spec_parse(const char *spec, pt_store_spec *out)
{
  static const struct {
    const char *prefix;
    pt_engine engine;
  } engines[] = {{"sqlite:", PT_ENGINE_SQLITE}, {"rocksdb:", PT_ENGINE_ROCKSDB}};
  if (!spec || !out)
    return PT_ERR(PT_EINVAL, "pt_store_spec_parse: NULL argument");
  if (strcmp(spec, "mem") == 0) {
    out->engine = PT_ENGINE_MEM;
    out->path = NULL;
    return 0;
  }
  for (size_t i = 0; i < sizeof engines / sizeof engines[0]; i++) {
    if (!pt_str_starts_with(spec, engines[i].prefix))
      continue;
    const char *path = spec + strlen(engines[i].prefix);
    if (*path == '\0')
      return PT_ERR(PT_EINVAL, "store spec '%s' has an empty path; use "
                    SPEC_FORMS, spec);
    out->engine = engines[i].engine;
    out->path = path;
    return 0;
  }
  return PT_ERR(PT_EINVAL, "unknown store spec '%s'; use " SPEC_FORMS, spec);
}

/* Absolute form of a path that may not exist yet: its parent resolved. */
static int absolute(const char *path, char **out)
{
  if (pt_fs_realpath(path, out) == 0)
    return 0;
  pt_error_clear();
  const char *slash = strrchr(path, '/');
  char *dir = slash ? pt_strndup(path, (size_t)(slash - path)) : pt_strdup(".");
  char *real = NULL;
  int rc = dir ? pt_fs_realpath(*dir ? dir : "/", &real)
               : PT_ERR(PT_ENOMEM, "out of memory");
  pt_buf b = PT_BUF_INIT;
  if (rc == 0)
    rc = pt_buf_printf(&b, "%s/%s", strcmp(real, "/") ? real : "",
                       slash ? slash + 1 : path);
  if (rc == 0)
    *out = pt_buf_detach(&b);
  pt_buf_fini(&b);
  pt_free(real);
  pt_free(dir);
  return rc;
}

int pt_store_skip_paths(const char *workspace, const char *spec, char *out[2],
                        size_t *n)
{
  pt_store_spec sp;
  *n = 0;
  out[0] = out[1] = NULL;
  int rc = pt_store_spec_parse(spec, &sp);
  if (rc == 0 && workspace && (rc = absolute(workspace, &out[0])) == 0)
    (*n)++;
  if (rc == 0 && sp.path && (rc = absolute(sp.path, &out[*n])) == 0)
    (*n)++;
  if (rc) {
    pt_free(out[0]);
    out[0] = NULL;
    *n = 0;
  }
  return rc;
}
