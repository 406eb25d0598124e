/* Workarounds for defects in the pinned grammar sources, which we compile
 * but never edit (they come from npm, see package-lock.json).
 *
 * tree-sitter-swift 0.7.1's scanner creates its state with
 * calloc(0, sizeof(struct ScannerState)) and then reads and writes that
 * state: a heap overflow that AddressSanitizer reports on every Swift file.
 * cmake/treesitter.cmake compiles that scanner with calloc renamed to this
 * function, which never allocates zero elements. */
#include <stdlib.h>

void *pt__swift_scanner_calloc(size_t n, size_t size);

void *pt__swift_scanner_calloc(size_t n, size_t size)
{
  return calloc(n ? n : 1, size);
}
