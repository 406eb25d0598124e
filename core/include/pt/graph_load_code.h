/* A load's entity code kept once per file (graph_load_code.c): stores give
 * entities in key order, so a nested entity's code is held until
 * pt_graph_finish makes it a range of the enclosing entity's copy (or of
 * the entity a store names). */
#ifndef PT_GRAPH_LOAD_CODE_H
#define PT_GRAPH_LOAD_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "pt/graph.h"

/* Sets e's code and code_len to code's len bytes (up to a NUL among
 * them), e being the entity a load adds to g next with
 * pt_graph_add_entity_interned. Without a parent key: a NUL-terminated
 * copy in g's pool (code_len 0).
 * With one: held, e's code NULL until pt_graph_finish, which makes it a
 * range of the copy of the entity whose lines enclose e's in its file when
 * the bytes there are the same (extraction's one copy per file), else a
 * copy of its own. NULL code stays NULL. 0, or PT_ENOMEM. */
int pt_graph_load_code(pt_graph *g, pt_entity *e, const char *code,
                       size_t len);

/* Sets e's code, e being the entity a load adds to g next, to the len
 * bytes at `at` of the code of the entity whose key is `in` (interned in
 * g; a store keeps a nested entity's code so, once, in the entity whose
 * copy holds it), which the load adds too, before or after e. e's code is
 * NULL until pt_graph_finish, which fails with PT_EINVAL when no entity
 * of g with code has that key or its code is shorter than at + len.
 * 0, or PT_ENOMEM. */
int pt_graph_load_code_in(pt_graph *g, pt_entity *e, const char *in,
                          uint32_t at, uint32_t len);

#endif
