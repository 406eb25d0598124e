/* Command-line arguments that several subcommands take (commands.h):
 * --parse-budget-ms, read the same way by index, serve and mcp. */
#include "commands.h"
#include "pt/buf.h"
#include "pt/extract.h"

int pt__cli_parse_budget(int argc, char **argv, int *i, FILE *err)
{
  unsigned long long n = 0;
  const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
  if (!v || pt_parse_u64(v, &n) != 0) {
    fprintf(err, "error: --parse-budget-ms takes a whole number of "
            "milliseconds (0: no budget)%s%s%s\n", v ? ", got '" : "",
            v ? v : "", v ? "'" : "");
    return PT_EXIT_USAGE;
  }
  pt_extract_set_default_parse_budget(n);
  (*i)++;
  return 0;
}
