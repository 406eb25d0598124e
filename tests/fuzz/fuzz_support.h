/* What the libFuzzer targets of tests/fuzz share: a small real graph
 * (tests/fixtures/lang/c indexed once per process) and a check that an
 * answer is one well-formed JSON value. */
#ifndef PT_FUZZ_SUPPORT_H
#define PT_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pt/graph.h"

/* The graph of the C fixtures, indexed on first use; aborts (a fuzzer
 * finding, not a product path) if that fails. */
const pt_graph *pt_fuzz_graph(void);
/* Aborts unless text[0..len) is one JSON value that cJSON parses whole. */
void pt_fuzz_check_json(const char *text, size_t len, const char *what);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
