/* A hidden node of one child (most are a supertype's: `expression`,
 * `statement`) read as that child in its place, as tree-sitter's own
 * iteration gives it, for the walk (tree_walk.c) and the matcher's
 * children (query_match.c). Reads tree-sitter's private headers
 * (lib/src); its version is pinned by package-lock.json. */
#ifndef PT_EXTRACT_TREE_HIDDEN_H
#define PT_EXTRACT_TREE_HIDDEN_H

#include <stdint.h>

#include "language.h"
#include "subtree.h"

/* The field tree-sitter gives child `structural` of a node of production
 * production_id: the first that is not inherited, or 0. */
static inline TSFieldId pt__field_at(const TSLanguage *lang,
                                     uint16_t production_id,
                                     uint32_t structural)
{
  const TSFieldMapEntry *map, *end;
  ts_language_field_map(lang, production_id, &map, &end);
  for (; map < end; map++)
    if (!map->inherited && map->child_index == structural)
      return map->field_id;
  return 0;
}

/* kid, or, while it is a hidden node of one child and *alias is 0, that
 * child: the node read in its place, at its position. *alias becomes the
 * alias the hidden node's production gives the child; with field, *field
 * the child's field there when that production names one. *n_hops counts
 * the hidden nodes passed through. */
static inline const Subtree *pt__hidden_in_place(const TSLanguage *lang,
                                                 const Subtree *kid,
                                                 TSSymbol *alias,
                                                 TSFieldId *field,
                                                 uint64_t *n_hops)
{
  while (!*alias && !ts_subtree_visible(*kid) &&
         ts_subtree_child_count(*kid) == 1) {
    const Subtree *only = ts_subtree_children(*kid);
    if (!ts_subtree_extra(*only)) {
      uint16_t production = kid->ptr->production_id;
      const TSSymbol *as = ts_language_alias_sequence(lang, production);
      *alias = as ? as[0] : 0;
      TSFieldId in = field ? pt__field_at(lang, production, 0) : 0;
      if (in)
        *field = in;
    }
    kid = only;
    (*n_hops)++;
  }
  return kid;
}

#endif
