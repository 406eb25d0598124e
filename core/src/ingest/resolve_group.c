/* Sub-chains of the chains of same-named entities (resolve_int.h,
 * "groups"): the entities of one name and family that share a folder, an
 * enclosing type, the qualifier segment before their name or their
 * qualified name, in the order of the name's chain. A rule that looks
 * only at one folder, one type or one qualifier walks its group instead
 * of every entity of the name, so a name defined in every copy of a
 * vendored tree costs a reference what one copy's definitions cost.
 * Beside them, each chain's non-methods are linked (rs->next_free): a
 * name that no method can be (a bare name, an import, a name after a
 * package's qualifier) walks them alone; most of a popular Rust name's
 * candidates are methods (fmt, new, from). And each name keeps the kinds
 * its entities have had: a reference no kind of its name can answer
 * (a type named where the name is only a function, a module) walks none,
 * and counts its non-methods (a walk over them against one over the
 * folders an import names: resolve_pick.c, import_tier).
 * Built with the tables, kept right by the patches (resolve_upkeep.c). */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

static uint64_t slot_hash(uint8_t type, uint8_t fam, uint32_t nid, uint32_t x)
{
  uint64_t h = ((uint64_t)nid << 32 | x) ^ ((uint64_t)(type * 16u + fam) << 56);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53u;
  h ^= h >> 33;
  return h;
}

/* The slot of the key, or the empty slot where it goes. */
static pt__grp_slot *slot_at(const pt__grp_map *m, uint8_t type, uint8_t fam,
                             uint32_t nid, uint32_t x)
{
  size_t mask = m->cap - 1;
  for (size_t i = (size_t)slot_hash(type, fam, nid, x) & mask;; i = (i + 1) & mask) {
    pt__grp_slot *s = &m->slots[i];
    if (s->nid1 == 0 ||
        (s->nid1 == nid + 1 && s->x == x && s->type == type && s->fam == fam))
      return s;
  }
}

/* The map with room for cap slots (a power of two, more than it has). */
static int grow_to(pt__grp_map *m, size_t cap)
{
  pt__grp_slot *old = m->slots;
  size_t old_cap = m->cap;
  m->slots = pt_calloc_written(cap, sizeof *m->slots); /* probed first */
  if (!m->slots) {
    m->slots = old;
    return PT_ERR(PT_ENOMEM, "out of memory");
  }
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].nid1)
      *slot_at(m, old[i].type, old[i].fam, old[i].nid1 - 1, old[i].x) = old[i];
  pt_free(old);
  return 0;
}

static int grow_map(pt__grp_map *m)
{
  return grow_to(m, m->cap ? m->cap * 2 : 1024);
}

/* Room for n groups in all, without growing on the way (each growth
 * writes a new map and moves every group into it). */
static int reserve_map(pt__grp_map *m, size_t n)
{
  size_t cap = m->cap ? m->cap : 1024;
  while ((n + 1) * 2 > cap)
    cap *= 2;
  return cap == m->cap ? 0 : grow_to(m, cap);
}

/* The slot of the key, made (empty: head NO_ID) when new. */
static int slot_make(pt__grp_map *m, uint8_t type, uint8_t fam, uint32_t nid,
                     uint32_t x, pt__grp_slot **out)
{
  if ((m->n + 1) * 2 > m->cap && grow_map(m) != 0)
    return PT_ENOMEM;
  pt__grp_slot *s = slot_at(m, type, fam, nid, x);
  if (s->nid1 == 0) {
    s->nid1 = nid + 1;
    s->x = x;
    s->type = type;
    s->fam = fam;
    s->head = s->tail = NO_ID;
    m->n++;
  }
  *out = s;
  return 0;
}

uint32_t pt__group_first(const pt_resolver *rs, int type, uint8_t fam,
                         uint32_t nid, uint32_t x)
{
  if (x == NO_ID || !rs->groups.cap)
    return NO_ID;
  const pt__grp_slot *s = slot_at(&rs->groups, (uint8_t)type, fam, nid, x);
  return s->nid1 ? s->head : NO_ID;
}

/* The qualifier segment before the name of entity i: "B" of "a.B.f" for f
 * (of [s, s + n)), or 0 when no '.' comes right before the name's length
 * at the end of its qualified name. scope_fits() fits a qualifier only to
 * an entity whose segment is the qualifier's last one. */
static int seg_of(const pt_resolver *rs, size_t i, const char **s, size_t *n)
{
  const char *q = rs->ents[i].qualname;
  size_t ql = rs->info[i].ql, nl = strlen(rs->ents[i].name);
  if (!q || ql < nl + 1 || q[ql - nl - 1] != '.')
    return 0;
  size_t end = ql - nl - 1, start = end;
  while (start > 0 && q[start - 1] != '.')
    start--;
  *s = q + start;
  *n = end - start;
  return 1;
}

uint32_t pt__group_seg_id(const pt_resolver *rs, const char *s, size_t n)
{
  size_t id;
  return pt_strmap_get(&rs->segs, s, n, &id) ? (uint32_t)id : NO_ID;
}

/* The key of entity i in the groups of type. */
static int key_of(pt_resolver *rs, size_t i, int type, uint32_t *x)
{
  const ent_info *in = &rs->info[i];
  const char *s;
  size_t n;
  switch (type) {
  case PT_GRP_DIR:
    *x = in->dir;
    return 0;
  case PT_GRP_ENCL:
    *x = in->encl;
    return 0;
  case PT_GRP_QN:
    *x = in->qn;
    return 0;
  default:
    *x = NO_ID;
    return seg_of(rs, i, &s, &n) ? pt__resolve_intern(&rs->segs, s, n, x) : 0;
  }
}

/* The place found for a new entity is the one chain_link
 * (resolve_upkeep.c) finds in the whole chain, walking from the head with
 * the same test. */
int pt__group_before(const pt_resolver *rs, size_t a, size_t b)
{
  if (!rs->rfiles) /* a fresh build: index order */
    return a < b;
  int c = strcmp(rs->path_text[rs->info[a].file],
                 rs->path_text[rs->info[b].file]);
  return c ? c < 0 : rs->info[a].pos < rs->info[b].pos;
}

/* Entity i's kind joins its name's, and a non-method counts in its
 * name's (the arrays grow with the name ids a patch makes). */
static int note_kind(pt_resolver *rs, size_t i)
{
  uint32_t nid = rs->info[i].nid;
  size_t had = rs->cap_name_kinds;
  if (nid >= had) {
    size_t cap = had;
    if (pt_array_grow((void **)&rs->name_free, &cap, (size_t)nid + 1,
                      sizeof *rs->name_free) != 0 ||
        pt_array_grow((void **)&rs->name_kinds, &rs->cap_name_kinds, cap,
                      sizeof *rs->name_kinds) != 0)
      return PT_ENOMEM;
    if (rs->cap_name_kinds > cap) /* name_free's room to match */
      rs->cap_name_kinds = cap;
    memset(rs->name_kinds + had, 0,
           (rs->cap_name_kinds - had) * sizeof *rs->name_kinds);
    memset(rs->name_free + had, 0,
           (rs->cap_name_kinds - had) * sizeof *rs->name_free);
  }
  rs->name_kinds[nid] |= 1u << rs->info[i].kind;
  if (rs->info[i].kind != PT_KIND_METHOD)
    rs->name_free[nid]++;
  return 0;
}

uint32_t pt__group_name_free(const pt_resolver *rs, uint32_t nid)
{
  return nid < rs->cap_name_kinds ? rs->name_free[nid] : 0;
}

uint32_t pt__group_name_kinds(const pt_resolver *rs, uint32_t nid)
{
  return nid < rs->cap_name_kinds ? rs->name_kinds[nid] : 0;
}

int pt__group_link(pt_resolver *rs, size_t i)
{
  if (note_kind(rs, i) != 0)
    return PT_ENOMEM;
  for (int t = 0; t < PT_GRP__COUNT; t++) {
    uint32_t x, *next = rs->gnext[t];
    int rc = key_of(rs, i, t, &x);
    pt__grp_slot *s;
    next[i] = NO_ID;
    if (rc == 0 && x != NO_ID)
      rc = slot_make(&rs->groups, (uint8_t)t, rs->info[i].fam, rs->info[i].nid,
                     x, &s);
    if (rc)
      return rc;
    if (x == NO_ID)
      continue;
    if (s->head == NO_ID || pt__group_before(rs, i, s->head)) {
      next[i] = s->head;
      s->head = (uint32_t)i;
      if (next[i] == NO_ID)
        s->tail = (uint32_t)i;
      continue;
    }
    uint32_t p = rs->rfiles ? s->head : s->tail; /* a fresh build appends */
    while (next[p] != NO_ID && !pt__group_before(rs, i, next[p]))
      p = next[p];
    next[i] = next[p];
    next[p] = (uint32_t)i;
    if (next[i] == NO_ID)
      s->tail = (uint32_t)i;
  }
  return 0;
}

void pt__group_unlink(pt_resolver *rs, size_t i)
{
  uint32_t nid = rs->info[i].nid;
  if (rs->info[i].kind != PT_KIND_METHOD && nid < rs->cap_name_kinds &&
      rs->name_free[nid] > 0)
    rs->name_free[nid]--;
  for (int t = 0; t < PT_GRP__COUNT; t++) {
    uint32_t x, *next = rs->gnext[t];
    const char *s;
    size_t n;
    if (t == PT_GRP_SEG)
      x = seg_of(rs, i, &s, &n) ? pt__group_seg_id(rs, s, n) : NO_ID;
    else
      key_of(rs, i, t, &x);
    if (x == NO_ID || !rs->groups.cap)
      continue;
    pt__grp_slot *g = slot_at(&rs->groups, (uint8_t)t, rs->info[i].fam,
                              rs->info[i].nid, x);
    if (!g->nid1)
      continue;
    uint32_t prev = NO_ID;
    for (uint32_t p = g->head; p != NO_ID; prev = p, p = next[p])
      if (p == i) {
        if (prev == NO_ID)
          g->head = next[p];
        else
          next[prev] = next[p];
        if (g->tail == i)
          g->tail = prev;
        break;
      }
    next[i] = NO_ID;
  }
}

uint32_t pt__group_free_first(const pt_resolver *rs, size_t head)
{
  if (head == NONE)
    return NO_ID;
  return rs->info[head].kind != PT_KIND_METHOD ? (uint32_t)head
                                               : rs->next_free[head];
}

void pt__group_free_chain(pt_resolver *rs, size_t head)
{
  /* from each of the members since the last non-method (itself
   * included) to the next non-method, each member set once */
  size_t from = head;
  for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
    if (i == head || rs->info[i].kind == PT_KIND_METHOD)
      continue;
    for (; from != i; from = rs->next_same_name[from])
      rs->next_free[from] = (uint32_t)i;
  }
  for (; from != NONE; from = rs->next_same_name[from])
    rs->next_free[from] = NO_ID;
}

int pt__group_room(pt_resolver *rs, size_t n)
{
  if (n <= rs->cap_gnext)
    return 0;
  size_t cap = rs->cap_gnext * 2 > n ? rs->cap_gnext * 2 : n;
  for (int t = 0; t <= PT_GRP__COUNT; t++) {
    uint32_t **at = t < PT_GRP__COUNT ? &rs->gnext[t] : &rs->next_free;
    uint32_t *v = pt_realloc(*at, cap * sizeof *v);
    if (!v)
      return PT_ERR(PT_ENOMEM, "out of memory");
    *at = v;
  }
  rs->cap_gnext = cap;
  return 0;
}

int pt__group_build(pt_resolver *rs)
{
  if (rs->n_ents >= NO_ID)
    return PT_ERR(PT_ENOMEM, "too many definitions to resolve");
  int rc = pt__group_room(rs, rs->n_ents + 1);
  size_t n_names = rs->name_ids.n + 1;
  if (rc == 0) {
    rs->name_kinds = pt_calloc(n_names, sizeof *rs->name_kinds);
    rs->name_free = pt_calloc(n_names, sizeof *rs->name_free);
    rs->cap_name_kinds = rs->name_kinds && rs->name_free ? n_names : 0;
    if (!rs->name_kinds || !rs->name_free)
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  /* once a sixteenth of the entities are in, the map (and the segments')
   * gets room for half the groups they foretell: a build of hundreds of
   * thousands of groups then grows once or twice more, not twenty times
   * (each growth writes a new map and moves every group into it). Half,
   * as groups come slower than definitions where names repeat (copies of
   * a tree, common names): a map sized for the whole foretelling could
   * be several times what they need. Only the map's size depends on it,
   * never a group. */
  size_t sample = rs->n_ents / 16;
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    rc = pt__group_link(rs, i);
    if (rc == 0 && i + 1 == sample && sample >= 4096) {
      double scale = 0.5 * (double)rs->n_ents / (double)sample;
      rc = reserve_map(&rs->groups, (size_t)((double)rs->groups.n * scale));
      if (rc == 0)
        rc = pt_strmap_reserve(&rs->segs, (size_t)((double)rs->segs.n * scale));
    }
  }
  /* a fresh build chains each name in index order (resolve.c, chain()),
   * so the next member's link is made before its own */
  for (size_t i = rs->n_ents; rc == 0 && i-- > 0;) {
    size_t j = rs->next_same_name[i];
    rs->next_free[i] = j == NONE ? NO_ID
                       : rs->info[j].kind != PT_KIND_METHOD ? (uint32_t)j
                                                            : rs->next_free[j];
  }
  return rc;
}

void pt__group_fini(pt_resolver *rs)
{
  pt_free(rs->name_kinds);
  pt_free(rs->name_free);
  pt_free(rs->next_free);
  for (int t = 0; t < PT_GRP__COUNT; t++)
    pt_free(rs->gnext[t]);
  pt_free(rs->groups.slots);
  pt_strmap_fini(&rs->segs);
  pt_strmap_fini(&rs->name_ids);
}
