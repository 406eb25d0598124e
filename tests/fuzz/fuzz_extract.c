/* libFuzzer: one file of arbitrary bytes through a language's extractor
 * (tree-sitter parse, our queries, tests, words). The first byte picks the
 * grammar; the rest is the file. Either a result or PT_EPARSE. */
#include <stdlib.h>

#include "fuzz_support.h"
#include "pt/error.h"
#include "pt/extract.h"
#include "pt/lang.h"

static pt_queries *queries;
static pt_extractor *extractor;

/* Each grammar's queries compile on first use, which takes seconds in an
 * instrumented build: done here, so no input is charged for it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (pt_queries_new(&queries) != 0 ||
      pt_extractor_new(queries, &extractor) != 0)
    abort();
  for (int g = 0; g < PT_GRAMMAR__COUNT; g++) {
    pt_file_result *r = NULL;
    if (pt_extract_file(extractor, (pt_grammar)g, "src/warm", "", 0, &r) != 0)
      abort();
    pt_file_result_free(r);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  pt_grammar g = (pt_grammar)(data[0] % PT_GRAMMAR__COUNT);
  pt_file_result *r = NULL;
  int rc = pt_extract_file(extractor, g, "src/fuzz/input", (const char *)data + 1,
                           size - 1, &r);
  if (rc == 0 && pt_file_result_compact(&r) != 0)
    abort();
  pt_file_result_free(r);
  pt_error_clear();
  return 0;
}
