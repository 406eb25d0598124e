/* Console text of the CLI (cli_console.h): which decorations the console
 * can show, and singular or plural. NO_COLOR is https://no-color.org. */
#include <stdlib.h>
#include <string.h>

#include "cli_console.h"
#include "pt/sys/term.h"

static const pt_cli_glyphs utf8 = {"✓ ", "↓ ", "└─", "ℹ ", "📁 ", "⚠ ", "→"};
static const pt_cli_glyphs plain = {"", "", "-", "", "", "", "->"};

static int wants_plain(void)
{
  const char *no_color = getenv("NO_COLOR");
  const char *term = getenv("TERM");
  return (no_color && *no_color) || (term && strcmp(term, "dumb") == 0) ||
         !pt_term_is_utf8();
}

const pt_cli_glyphs *pt__cli_glyphs(void)
{
  static const pt_cli_glyphs *chosen;
  if (!chosen)
    chosen = wants_plain() ? &plain : &utf8;
  return chosen;
}

const char *pt__cli_plural(size_t n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}
