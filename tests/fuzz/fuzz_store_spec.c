/* libFuzzer: engine specs (pt_store_spec_parse) and the paths a walk skips
 * for them (pt_store_skip_paths). Either an answer or PT_EINVAL with a
 * message; a parsed path points into the spec. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *spec = malloc(size + 1);
  if (!spec)
    return 0;
  memcpy(spec, data, size);
  spec[size] = '\0';
  pt_store_spec s;
  int rc = pt_store_spec_parse(spec, &s);
  if (rc == 0 && s.path && (s.path < spec || s.path > spec + size))
    abort();
  if (rc != 0 && pt_error_last()->message[0] == '\0')
    abort();
  char *skip[2] = {NULL, NULL};
  size_t n = 0;
  if (pt_store_skip_paths(NULL, spec, skip, &n) == 0)
    for (size_t i = 0; i < n; i++)
      pt_free(skip[i]);
  pt_error_clear();
  free(spec);
  return 0;
}
