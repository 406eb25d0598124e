/* libFuzzer: the ignore-rule parser (.gitignore, .parseltongueignore) and
 * its matcher. The input is an ignore file; its rules are matched against
 * a few paths, and its first line is also tried as a glob against the
 * second. */
#include <string.h>

#include "fuzz_support.h"
#include "pt/ignore.h"

static const char *const PATHS[] = {
  "a", "src/a.c", "src/deep/er/b.py", ".git", "node_modules/x/y.js",
  "build/out.o", "docs/", "x/y/z/w/v/u/t.rs", ""
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  pt_ignore_list l = PT_IGNORE_LIST_INIT;
  if (pt_ignore_list_parse(text, size, &l) == 0) {
    for (size_t i = 0; i < sizeof PATHS / sizeof *PATHS; i++) {
      pt_ignore_list_match(&l, PATHS[i], 0);
      pt_ignore_list_match(&l, PATHS[i], 1);
    }
  }
  pt_ignore_list_fini(&l);
  const char *nl = memchr(text, '\n', size);
  if (nl) {
    size_t plen = (size_t)(nl - text);
    pt_ignore_match_glob(text, plen, nl + 1, size - plen - 1);
  }
  return 0;
}
