/* The fuzzy score of entity search (http_fuzzy.h): exact, prefix and
 * substring matches first, then subsequences scored by word starts and
 * gaps, in the manner of fzf's first algorithm (a forward scan finds the
 * first match, a backward scan shrinks it to the shortest window). */
#include <ctype.h>
#include <string.h>

#include "http_fuzzy.h"

static int lower(int c)
{
  return tolower((unsigned char)c);
}

/* Is text[i] the start of a word (snake_case, camelCase, paths, digits)? */
static int word_start(const char *text, size_t i)
{
  if (i == 0)
    return 1;
  unsigned char p = (unsigned char)text[i - 1], c = (unsigned char)text[i];
  if (!isalnum(p))
    return isalnum(c) != 0;
  if (islower(p) && isupper(c))
    return 1;
  return isalpha(p) && isdigit(c);
}

/* Where pattern starts in text as a substring, ignoring case, or -1. */
static long find_substring(const char *pattern, size_t m, const char *text, size_t n)
{
  for (size_t i = 0; i + m <= n; i++) {
    size_t k = 0;
    while (k < m && lower(text[i + k]) == lower(pattern[k]))
      k++;
    if (k == m)
      return (long)i;
  }
  return -1;
}

/* The subsequence bonus over the shortest window ending at the first
 * position where the whole pattern has been seen; -1 when there is none. */
static int32_t subsequence(const char *pattern, size_t m, const char *text, size_t n)
{
  size_t k = 0, end = 0;
  for (size_t i = 0; i < n && k < m; i++)
    if (lower(text[i]) == lower(pattern[k]) && ++k == m)
      end = i;
  if (k < m)
    return -1;
  size_t start = end + 1;
  k = m;
  while (k > 0) {
    start--;
    if (lower(text[start]) == lower(pattern[k - 1]))
      k--;
  }
  int32_t score = 0;
  size_t prev = (size_t)-1;
  k = 0;
  for (size_t i = start; i <= end && k < m; i++) {
    if (lower(text[i]) != lower(pattern[k]))
      continue;
    score += 16;
    if (word_start(text, i))
      score += k == 0 ? 24 : 12;
    if (prev != (size_t)-1 && i == prev + 1)
      score += 8;
    else if (prev != (size_t)-1)
      score -= 3 + (int32_t)(i - prev - 1 < 20 ? i - prev - 1 : 20);
    prev = i;
    k++;
  }
  score -= (int32_t)(start < 30 ? start : 30) / 3; /* earlier is better */
  return score > 0 ? score : 0;
}

int32_t pt__fuzzy_score(const char *pattern, const char *text)
{
  size_t m = strlen(pattern), n = strlen(text);
  if (m == 0 || m > n)
    return -1;
  /* within a tier: earlier and at a word start first, then shorter texts
   * (fewer characters left unmatched); every bonus stays below the next
   * tier */
  int32_t shorter = 1000 - (int32_t)(n - m < 1000 ? n - m : 1000);
  long at = find_substring(pattern, m, text, n);
  if (at == 0)
    return m == n ? PT_FUZZY_EXACT : PT_FUZZY_PREFIX + shorter;
  if (at > 0)
    return PT_FUZZY_SUBSTRING + (word_start(text, (size_t)at) ? 5000 : 0) +
           (1000 - (int32_t)(at < 1000 ? at : 1000)) + shorter;
  int32_t s = subsequence(pattern, m, text, n);
  if (s < 0)
    return -1;
  return PT_FUZZY_SUBSEQUENCE + s * 1000 / (int32_t)m + shorter;
}
