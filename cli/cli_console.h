/* Console text of the CLI (private to cli/): the UTF-8 decorations of the
 * earlier tool's lines or their plain ASCII forms, and singular or plural
 * nouns. */
#ifndef PT_CLI_CONSOLE_H
#define PT_CLI_CONSOLE_H

#include <stddef.h>

typedef struct pt_cli_glyphs {
  const char *ok;     /* "✓ " or "" */
  const char *down;   /* "↓ " or "" */
  const char *branch; /* "└─" or "-" */
  const char *info;   /* "ℹ " or "" */
  const char *folder; /* "📁 " or "" */
  const char *warn;   /* "⚠ " or "" */
  const char *arrow;  /* "→" or "->" */
} pt_cli_glyphs;

/* The plain ASCII set when NO_COLOR is set and not empty, TERM is "dumb",
 * or the console does not take UTF-8 (pt_term_is_utf8); else UTF-8.
 * Static; decided at the first call. */
const pt_cli_glyphs *pt__cli_glyphs(void);

/* one when n is 1, else many. */
const char *pt__cli_plural(size_t n, const char *one, const char *many);

#endif
