/* The fuzzy score of /code-entities-search-fuzzy (docs/http-api.md
 * "Fuzzy search"), private to the http stage. */
#ifndef PT_HTTP_FUZZY_H
#define PT_HTTP_FUZZY_H

#include <stdint.h>

/* Score tiers: an exact match beats a prefix, a prefix beats a substring,
 * a substring beats a subsequence; within a tier a higher score is a
 * better match. */
#define PT_FUZZY_EXACT 4000000
#define PT_FUZZY_PREFIX 3000000
#define PT_FUZZY_SUBSTRING 2000000
#define PT_FUZZY_SUBSEQUENCE 1000000

/* How well `text` matches `pattern`, ASCII letters compared ignoring case:
 * a tier above plus a bonus, or -1 when the pattern's characters do not
 * all appear in text in order. A subsequence scores by its shortest
 * window: each character matched at a word start (the first character,
 * after a non-alphanumeric one, a lower-case letter before an upper-case
 * one, a letter before a digit) or right after the previous match earns a
 * bonus; each gap costs. An empty pattern matches nothing. */
int32_t pt__fuzzy_score(const char *pattern, const char *text);

#endif
