/* The text helpers of extraction (extract_int.h): a node's text copied
 * into the file's arena, and trimming of the white space, quotes and
 * sigils around a name. A leaf: the entity and reference steps call it
 * and it calls none of them, so the calls between files go one way. */
#include <string.h>

#include "extract_int.h"
#include "pt/arena.h"

char *pt__trim_text(char *s, int quotes)
{
  static const char front[] = " \t\r\n\"'<`@&*", back[] = " \t\r\n\"'>`;";
  size_t keep = 4; /* the white space at the start of both sets */
  if (!s)
    return NULL;
  while (*s && memchr(front, *s, quotes ? sizeof front - 1 : keep))
    s++;
  size_t n = strlen(s);
  while (n && memchr(back, s[n - 1], quotes ? sizeof back - 1 : keep))
    s[--n] = '\0';
  return n ? s : NULL;
}

char *pt__node_text(pt_xfile *f, TSNode n)
{
  uint32_t a = ts_node_start_byte(n), b = pt__node_end(f, n);
  if (b > f->len)
    b = (uint32_t)f->len;
  if (a > b)
    a = b;
  return pt_arena_strndup(&f->r->arena, f->src + a, b - a);
}
