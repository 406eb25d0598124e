/* fuzz_support.h: the fixture graph and the JSON check. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "fuzz_support.h"
#include "pt/error.h"
#include "pt/ingest.h"

static pt_graph *graph;

const pt_graph *pt_fuzz_graph(void)
{
  if (graph)
    return graph;
  pt_ingest_opts o = {PT_FUZZ_FIXTURES "/lang/c", 1, 0, NULL, 0, NULL, NULL,
                      0, NULL, 0};
  pt_ingest_stats st;
  if (pt_ingest(&o, &graph, &st) != 0) {
    fprintf(stderr, "fuzz: cannot index the fixtures: %s\n",
            pt_error_last()->message);
    abort();
  }
  pt_ingest_stats_fini(&st);
  return graph;
}

void pt_fuzz_check_json(const char *text, size_t len, const char *what)
{
  const char *end = NULL;
  cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!v || (size_t)(end - text) != len) {
    fprintf(stderr, "fuzz: %s is not one JSON value: %.*s\n", what,
            (int)(len > 2000 ? 2000 : len), text);
    abort();
  }
  cJSON_Delete(v);
}
