/* Keeping the resolver's tables true a file at a time (resolve.h,
 * "patches"): the live index adds, replaces and removes one file's
 * definitions and bases, and asks which files read something that
 * changed, instead of building the tables over every definition again.
 * Chains keep the order a fresh build gives them (walk order, that is path
 * byte order, then source order), so every rule sees what it would see in
 * a fresh run. What changed is a set of the hashes resolution records
 * (resolve.c): a name whose candidates differ, a key whose entity differs,
 * a type whose bases differ, a base name whose files differ. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

static int mark(pt__deps *changed, char tag, const void *s, size_t n)
{
  return pt__deps_add(changed, pt__deps_hash(tag, s, n)) == 0
             ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

/* Entity i leaves or joins the members of its enclosing type named as it
 * is (resolve.h, pt__deps_member_tag). */
static int mark_members(pt__deps *changed, const pt_resolver *rs, size_t i)
{
  const ent_info *in = &rs->info[i];
  const char *name = rs->ents[i].name;
  if (in->encl == NO_ID)
    return 0;
  return pt__deps_add(changed, pt__deps_member_hash(in->fam, name, strlen(name),
                                                    rs->qn_hash[in->encl])) == 0
             ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
  return need <= *cap ? 0 : pt_array_grow(v, cap, need, size);
}

/* ---- setting up -------------------------------------------------------- */

/* Each file's entities in source order (walk order makes them follow one
 * another), and the file of each path. */
int pt__resolver_record(pt_resolver *rs)
{
  pt_free(rs->parent); /* patches change what a key names */
  rs->parent = NULL;
  rs->rfiles = pt_calloc(rs->n_files + 1, sizeof *rs->rfiles);
  rs->cap_file_at = rs->n_paths + 1;
  rs->file_at = pt_malloc(rs->cap_file_at * sizeof *rs->file_at);
  size_t *count = pt_calloc(rs->n_files + 1, sizeof *count);
  int rc = rs->rfiles && rs->file_at && count ? 0
                                              : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < rs->cap_file_at; i++)
    rs->file_at[i] = NONE;
  for (size_t f = 0; rc == 0 && f < rs->n_files; f++)
    rs->file_at[pt__resolve_path_id(rs, rs->files[f].path)] = f;
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    size_t f = rs->file_at[rs->info[i].file];
    if (f == NONE) {
      rc = PT_ERR(PT_EINVAL, "%s: an entity of no indexed file", rs->ents[i].key);
      break;
    }
    rs->info[i].pos = (uint32_t)count[f]++;
  }
  for (size_t f = 0; rc == 0 && f < rs->n_files; f++)
    if (!(rs->rfiles[f].ents = pt_malloc((count[f] + 1) * sizeof(size_t))))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    res_file *rf = &rs->rfiles[rs->file_at[rs->info[i].file]];
    rf->ents[rf->n_ents++] = i;
  }
  pt_free(count);
  return rc;
}

int pt__resolver_can_patch(const pt_resolver *rs)
{
  return rs && rs->rfiles && rs->owns_arrays;
}

size_t pt__resolver_n_files(const pt_resolver *rs)
{
  return rs->n_files;
}

const char *pt__resolver_file_path(const pt_resolver *rs, size_t i)
{
  return rs->rfiles[i].dead ? NULL : rs->files[i].path;
}

/* ---- chains in walk order ---------------------------------------------- */

/* Does entity a come before entity b in a fresh run's order? */
static int before(const pt_resolver *rs, size_t a, size_t b)
{
  int c = strcmp(rs->path_text[rs->info[a].file], rs->path_text[rs->info[b].file]);
  return c ? c < 0 : rs->info[a].pos < rs->info[b].pos;
}

static int chain_link(pt_resolver *rs, size_t i)
{
  const char *name = rs->ents[i].name;
  size_t len = strlen(name), head, *next = rs->next_same_name;
  pt_strmap *m = &rs->by_name[rs->info[i].fam];
  if (!pt_strmap_get(m, name, len, &head) || head == NONE || before(rs, i, head)) {
    next[i] = pt_strmap_get(m, name, len, &head) ? head : NONE;
    int rc = pt_strmap_put(m, name, len, i);
    if (rc == 0)
      pt__group_free_chain(rs, i);
    return rc;
  }
  size_t p = head;
  while (next[p] != NONE && !before(rs, i, next[p]))
    p = next[p];
  next[i] = next[p];
  next[p] = i;
  pt__group_free_chain(rs, head);
  return 0;
}

static int chain_unlink(pt_resolver *rs, size_t i)
{
  const char *name = rs->ents[i].name;
  size_t len = strlen(name), head, *next = rs->next_same_name;
  pt_strmap *m = &rs->by_name[rs->info[i].fam];
  if (!pt_strmap_get(m, name, len, &head))
    return 0;
  if (head == i) {
    int rc = pt_strmap_put(m, name, len, next[i]);
    if (rc == 0)
      pt__group_free_chain(rs, next[i]);
    return rc;
  }
  for (size_t p = head; p != NONE; p = next[p])
    if (next[p] == i) {
      next[p] = next[i];
      break;
    }
  pt__group_free_chain(rs, head);
  return 0;
}

/* Counts a definition of name in or out; whether some family defines
 * the name at all (what pt__resolve_has_name reads) changed when the
 * count leaves or reaches 0: then it is marked. */
static int count_name(pt_resolver *rs, const char *name, int delta,
                      pt__deps *changed)
{
  size_t n = 0, len = strlen(name);
  pt_strmap_get(&rs->names, name, len, &n);
  size_t now = delta > 0 ? n + 1 : n - (n > 0);
  int rc = pt_strmap_put(&rs->names, name, len, now);
  if (rc == 0 && (n == 0) != (now == 0))
    rc = mark(changed, 'n', name, len);
  return rc;
}

/* ---- files -------------------------------------------------------------- */

static int file_chain_unlink(pt_resolver *rs, size_t f)
{
  const char *b = pt__path_base(rs->files[f].path);
  size_t len = strlen(b), head, *next = rs->next_same_base;
  if (!pt_strmap_get(&rs->by_base, b, len, &head))
    return 0;
  if (head == f)
    return pt_strmap_put(&rs->by_base, b, len, next[f]);
  for (size_t p = head; p != NONE; p = next[p])
    if (next[p] == f) {
      next[p] = next[f];
      break;
    }
  return 0;
}

/* Include resolution counts the files of a base name, in any order. */
static int file_chain_link(pt_resolver *rs, size_t f)
{
  const char *b = pt__path_base(rs->files[f].path);
  size_t len = strlen(b), head;
  rs->next_same_base[f] =
      pt_strmap_get(&rs->by_base, b, len, &head) ? head : NONE;
  return pt_strmap_put(&rs->by_base, b, len, f);
}

/* The path's id, made when new (path must live as long as rs). */
static int path_id(pt_resolver *rs, const char *path, uint32_t *out)
{
  size_t id, len = strlen(path);
  int rc = pt_strmap_put_new(&rs->paths, path, len, rs->n_paths, &id);
  if (rc == 0 && id == rs->n_paths) {
    rc = grow((void **)&rs->path_text, &rs->cap_paths, rs->n_paths + 1,
              sizeof *rs->path_text);
    size_t had = rs->cap_file_at;
    if (rc == 0)
      rc = grow((void **)&rs->file_at, &rs->cap_file_at, rs->n_paths + 1,
                sizeof *rs->file_at);
    for (size_t i = had; rc == 0 && i < rs->cap_file_at; i++)
      rs->file_at[i] = NONE;
    if (rc == 0)
      rs->path_text[rs->n_paths++] = path;
    if (rc == 0)
      rc = pt__tails_add_path(rs, (uint32_t)id);
    if (rc == 0)
      rc = pt__modpaths_add_path(rs, (uint32_t)id);
  }
  *out = (uint32_t)id;
  return rc;
}

/* A file the tables have not got (or had and lost): its index in *out. */
static int add_file(pt_resolver *rs, const char *path, pt_lang lang,
                    pt__deps *changed, size_t *out)
{
  uint32_t id;
  int rc = path_id(rs, path, &id);
  size_t f = rc == 0 ? rs->file_at[id] : NONE;
  if (rc == 0 && f == NONE) {
    size_t n = rs->n_files + 1, cap = rs->cap_files, cap2 = rs->cap_files,
           cap3 = rs->cap_files;
    pt_file_record *files = (pt_file_record *)rs->files;
    rc = grow((void **)&files, &cap, n + 1, sizeof *files);
    if (rc == 0) {
      rs->files = files;
      rc = grow((void **)&rs->rfiles, &cap2, n + 1, sizeof *rs->rfiles);
    }
    if (rc == 0)
      rc = grow((void **)&rs->next_same_base, &cap3, n + 1, sizeof(size_t));
    if (rc == 0) {
      rs->cap_files = cap < cap2 ? (cap < cap3 ? cap : cap3) : (cap2 < cap3 ? cap2 : cap3);
      f = rs->n_files++;
      memset(&files[f], 0, sizeof files[f]);
      memset(&rs->rfiles[f], 0, sizeof rs->rfiles[f]);
      files[f].path = path;
      files[f].lang = lang;
      rs->rfiles[f].dead = 1;
      rs->file_at[id] = f;
    }
  }
  if (rc == 0 && rs->rfiles[f].dead) {
    rs->rfiles[f].dead = 0;
    rc = file_chain_link(rs, f);
    if (rc == 0)
      rc = mark(changed, 'f', pt__path_base(path), strlen(pt__path_base(path)));
  }
  *out = f;
  return rc;
}

/* ---- entities ----------------------------------------------------------- */

/* What the rules read of an entity, compared for a file's old and new
 * definitions of one name (its name and file are the group's). */
static int same_entity(const pt_entity *a, span ea, const pt_entity *b, span eb)
{
  return !strcmp(a->key, b->key) && !strcmp(a->qualname, b->qualname) &&
         a->kind == b->kind && a->lang == b->lang &&
         !a->signature == !b->signature &&
         (!a->signature || !strcmp(a->signature, b->signature)) &&
         !a->parent_key == !b->parent_key &&
         (!a->parent_key || !strcmp(a->parent_key, b->parent_key)) &&
         ea.n == eb.n && (!ea.n || !memcmp(ea.s, eb.s, ea.n)) &&
         !ea.s == !eb.s;
}

/* A JavaScript or TypeScript file's `export default` definition i comes
 * (to: i) or goes (to: NONE), for its default imports (resolve_pick.c). */
static int set_default(pt_resolver *rs, size_t i, size_t to, pt__deps *changed)
{
  const pt_entity *e = &rs->ents[i];
  size_t now, len = strlen(e->file_path);
  if (!pt__resolve_is_default(e))
    return 0;
  int has = pt_strmap_get(&rs->defaults, e->file_path, len, &now);
  if (to == NONE ? !has || now != i : has && now != NONE)
    return 0;
  int rc = pt_strmap_put(&rs->defaults, e->file_path, len, to);
  return rc == 0 ? mark(changed, 'D', e->file_path, len) : rc;
}

/* Entity i leaves (sign -1) or joins (+1) its chain: what an attrs read
 * sees of it is logged for pt__resolver_flush_attrs, or its name's attrs
 * tag marked at once when the log cannot grow. */
static int log_attrs(pt_resolver *rs, size_t i, int sign, pt__deps *changed)
{
  const ent_info *in = &rs->info[i];
  const char *name = rs->ents[i].name;
  if (grow((void **)&rs->attr_log, &rs->cap_attr_log, rs->n_attr_log + 1,
           sizeof *rs->attr_log) != 0) {
    pt_error_clear();
    return mark(changed, pt__deps_attrs_tag(in->fam), name, strlen(name));
  }
  rs->attr_log[rs->n_attr_log++] = (pt__attr_change){
      name, in->nid, in->qn, in->fam, in->kind, in->ar_lo, in->ar_hi,
      (int8_t)sign};
  return 0;
}

static int cmp_attr(const void *pa, const void *pb)
{
  const pt__attr_change *a = pa, *b = pb;
#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
  CMP(fam); CMP(nid); CMP(qn); CMP(kind); CMP(ar_lo); CMP(ar_hi); CMP(sign);
#undef CMP
  return 0;
}

static int same_attrs(const pt__attr_change *a, const pt__attr_change *b)
{
  return a->fam == b->fam && a->nid == b->nid && a->qn == b->qn &&
         a->kind == b->kind && a->ar_lo == b->ar_lo && a->ar_hi == b->ar_hi;
}

int pt__resolver_flush_attrs(pt_resolver *rs, pt__deps *changed)
{
  pt__attr_change *v = rs->attr_log;
  size_t n = rs->n_attr_log;
  int rc = 0;
  if (n > 1)
    qsort(v, n, sizeof *v, cmp_attr);
  /* a name's run (family, name); within it each set of equal attrs must
   * have left as often as it joined */
  for (size_t a = 0, b; rc == 0 && a < n; a = b) {
    int differ = 0;
    for (b = a; b < n && v[b].fam == v[a].fam && v[b].nid == v[a].nid;) {
      long net = 0;
      size_t e = b;
      for (; e < n && same_attrs(&v[e], &v[b]); e++)
        net += v[e].sign;
      differ |= net != 0;
      b = e;
    }
    if (differ)
      rc = mark(changed, pt__deps_attrs_tag(v[a].fam), v[a].name,
                strlen(v[a].name));
  }
  rs->n_attr_log = 0;
  return rc;
}

static int remove_entity(pt_resolver *rs, size_t i, pt__deps *changed)
{
  const pt_entity *e = &rs->ents[i];
  size_t at, kl = strlen(e->key);
  pt__group_unlink(rs, i);
  int rc = chain_unlink(rs, i);
  if (rc == 0)
    rc = count_name(rs, e->name, -1, changed);
  if (rc == 0 && pt_strmap_get(&rs->by_key, e->key, kl, &at) && at == i)
    rc = pt_strmap_put(&rs->by_key, e->key, kl, NONE);
  if (rc == 0)
    rc = mark(changed, pt__deps_chain_tag(rs->info[i].fam), e->name,
              strlen(e->name));
  if (rc == 0) rc = mark_members(changed, rs, i);
  if (rc == 0) rc = log_attrs(rs, i, -1, changed);
  if (rc == 0) rc = mark(changed, 'k', e->key, kl);
  if (rc == 0) rc = set_default(rs, i, NONE, changed);
  rs->info[i].pos = NO_ID;
  return rc;
}

/* Room for one more entity in every array indexed by entity. */
static int entity_room(pt_resolver *rs)
{
  size_t n = rs->n_ents + 1, cap = rs->cap_ents;
  if (n >= NO_ID)
    return PT_ERR(PT_ENOMEM, "too many definitions to resolve");
  int rc = pt__group_room(rs, n + 1);
  if (rc || n < cap)
    return rc;
  size_t c1 = cap, c2 = cap, c3 = cap, c4 = cap;
  pt_entity *ents = (pt_entity *)rs->ents;
  rc = pt_array_grow((void **)&ents, &c1, n + 1, sizeof *ents);
  if (rc == 0) {
    rs->ents = ents;
    rc = pt_array_grow((void **)&rs->info, &c2, n + 1, sizeof *rs->info);
  }
  if (rc == 0)
    rc = pt_array_grow((void **)&rs->encl, &c3, n + 1, sizeof *rs->encl);
  if (rc == 0)
    rc = pt_array_grow((void **)&rs->next_same_name, &c4, n + 1, sizeof(size_t));
  if (rc == 0) {
    size_t m = c1 < c2 ? c1 : c2;
    m = m < c3 ? m : c3;
    rs->cap_ents = m < c4 ? m : c4;
  }
  return rc;
}

/* Appends e (strings live as long as rs) as a new entity, not yet in any
 * table: its index in *out. */
static int append_entity(pt_resolver *rs, const pt_entity *e, size_t *out)
{
  int rc = entity_room(rs);
  if (rc)
    return rc;
  size_t i = rs->n_ents++;
  ((pt_entity *)rs->ents)[i] = *e;
  memset(&rs->info[i], 0, sizeof rs->info[i]);
  rs->encl[i] = (span){NULL, 0};
  rs->next_same_name[i] = NONE;
  *out = i;
  return pt_strmap_put(&rs->by_key, e->key, strlen(e->key), i);
}

/* A base list head (NONE) for every qualified-name id, and room for its
 * hash (place_entity sets it). */
static int base_heads(pt_resolver *rs)
{
  size_t n = rs->qnames.n;
  if (n <= rs->n_base_head)
    return 0;
  uint32_t *qh = pt_realloc(rs->qn_hash, (n + 1) * sizeof *qh);
  if (qh)
    rs->qn_hash = qh;
  size_t *bh = qh ? pt_realloc(rs->base_head, (n + 1) * sizeof *bh) : NULL;
  if (!bh)
    return PT_ERR(PT_ENOMEM, "out of memory");
  rs->base_head = bh;
  for (size_t i = rs->n_base_head; i < n; i++)
    bh[i] = NONE;
  rs->n_base_head = n;
  return 0;
}

/* The ids of entity i (file path id f, at source position pos), and its
 * place in the chain of its name. */
static int place_entity(pt_resolver *rs, size_t i, uint32_t f, size_t pos,
                        span encl, pt__deps *changed)
{
  const pt_entity *e = &rs->ents[i];
  ent_info *in = &rs->info[i];
  const char *p = rs->path_text[f];
  in->fam = pt__resolve_family(e->lang);
  in->kind = (uint8_t)e->kind;
  pt__resolve_arity_of(e, in);
  in->file = f;
  in->pos = (uint32_t)pos;
  in->ql = (uint32_t)strlen(e->qualname);
  in->qn = in->encl = NO_ID;
  rs->encl[i] = encl;
  int rc = in->fam < PT_LANG__COUNT
               ? pt__resolve_intern(&rs->dirs, p, pt__path_dir_len(p), &in->dir)
               : PT_ERR(PT_EINVAL, "%s: unknown language", e->key);
  if (rc == 0)
    rc = pt__resolve_intern(&rs->qnames, e->qualname, in->ql, &in->qn);
  if (rc == 0 && encl.s)
    rc = pt__resolve_intern(&rs->qnames, encl.s, encl.n, &in->encl);
  if (rc == 0)
    rc = pt__resolve_intern(&rs->name_ids, e->name, strlen(e->name), &in->nid);
  if (rc == 0)
    rc = base_heads(rs);
  if (rc == 0) {
    rs->qn_hash[in->qn] = (uint32_t)pt_strmap_hash(e->qualname, in->ql);
    if (encl.s)
      rs->qn_hash[in->encl] = (uint32_t)pt_strmap_hash(encl.s, encl.n);
  }
  if (rc == 0) rc = chain_link(rs, i);
  if (rc == 0) rc = pt__group_link(rs, i);
  if (rc == 0) rc = count_name(rs, e->name, 1, changed);
  if (rc == 0)
    rc = mark(changed, pt__deps_chain_tag(in->fam), e->name, strlen(e->name));
  if (rc == 0) rc = mark_members(changed, rs, i);
  if (rc == 0) rc = log_attrs(rs, i, 1, changed);
  if (rc == 0) rc = mark(changed, 'k', e->key, strlen(e->key));
  if (rc == 0) rc = set_default(rs, i, i, changed);
  return rc;
}

/* The file's entities leave every table. */
static int drop_file(pt_resolver *rs, size_t f, pt__deps *changed)
{
  res_file *rf = &rs->rfiles[f];
  const char *b = pt__path_base(rs->files[f].path);
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < rf->n_ents; k++)
    rc = remove_entity(rs, rf->ents[k], changed);
  if (rc == 0) rc = file_chain_unlink(rs, f);
  if (rc == 0) rc = mark(changed, 'f', b, strlen(b));
  rf->n_ents = 0;
  rf->dead = 1;
  pt__resolver_keep_deps(rs, 0, f, NULL);
  return rc;
}

/* One definition of a file, for grouping by name. */
typedef struct def {
  const char *name;
  size_t pos;                /* source order */
  size_t idx;                /* the entity (old) or the new array's index */
} def;

static int cmp_def(const void *pa, const void *pb)
{
  const def *a = pa, *b = pb;
  int c = strcmp(a->name, b->name);
  return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

/* The enclosing types of the new definitions: a parent is looked for
 * among them, else in another file (never among the file's old ones). */
static int new_encls(const pt_resolver *rs, size_t f, const pt_entity *ents,
                     size_t n, span *out)
{
  pt_strmap keys = PT_STRMAP_INIT;
  int rc = 0;
  for (size_t j = 0; rc == 0 && j < n; j++)
    rc = pt_strmap_put(&keys, ents[j].key, strlen(ents[j].key), j);
  for (size_t j = 0; rc == 0 && j < n; j++) {
    const pt_entity *parent = NULL;
    const char *pk = ents[j].parent_key;
    size_t at;
    if (pk && pt_strmap_get(&keys, pk, strlen(pk), &at))
      parent = &ents[at];
    else if (pk && pt_strmap_get(&rs->by_key, pk, strlen(pk), &at) &&
             at != NONE && pt__resolve_file_of(rs, rs->info[at].file) != f)
      parent = &rs->ents[at];
    out[j] = pt__resolve_encl(&ents[j], parent);
  }
  pt_strmap_fini(&keys);
  return rc;
}

/* Sorted by name, then source order. */
static def *sorted_defs(const pt_resolver *rs, const size_t *old, size_t n_old,
                        const pt_entity *ents, size_t n)
{
  def *d = pt_malloc((n_old + n + 1) * sizeof *d);
  if (!d)
    return NULL;
  for (size_t k = 0; k < n_old; k++)
    d[k] = (def){rs->ents[old[k]].name, rs->info[old[k]].pos, old[k]};
  for (size_t j = 0; j < n; j++)
    d[n_old + j] = (def){ents[j].name, j, j};
  if (n_old > 1)
    qsort(d, n_old, sizeof *d, cmp_def);
  if (n > 1)
    qsort(d + n_old, n, sizeof *d, cmp_def);
  return d;
}

/* Compares the file's old and new definitions name by name: a name whose
 * definitions are the same, in the same order, keeps its entities (their
 * indexes go to idx[j]); any other name's old ones leave the tables and
 * its new ones are left NONE in idx, to be added. */
static int match_names(pt_resolver *rs, const def *o, size_t n_old,
                       const def *w, size_t n, const pt_entity *ents,
                       const span *encl, size_t *idx, pt__deps *changed)
{
  size_t a = 0, b = 0;
  int rc = 0;
  while (rc == 0 && (a < n_old || b < n)) {
    const char *name = a < n_old && (b == n || strcmp(o[a].name, w[b].name) <= 0)
                           ? o[a].name : w[b].name;
    size_t a1 = a, b1 = b;
    while (a1 < n_old && !strcmp(o[a1].name, name))
      a1++;
    while (b1 < n && !strcmp(w[b1].name, name))
      b1++;
    int same = a1 - a == b1 - b;
    for (size_t k = 0; same && k < a1 - a; k++)
      same = same_entity(&rs->ents[o[a + k].idx], rs->encl[o[a + k].idx],
                         &ents[w[b + k].idx], encl[w[b + k].idx]);
    for (size_t k = 0; k < b1 - b; k++)
      idx[w[b + k].idx] = same ? o[a + k].idx : NONE;
    for (size_t k = a; !same && rc == 0 && k < a1; k++)
      rc = remove_entity(rs, o[k].idx, changed);
    a = a1;
    b = b1;
  }
  return rc;
}

/* The new definitions in place: kept ones take their new strings and
 * positions, new ones are added (all keys first: a parent may be new). */
static int place_defs(pt_resolver *rs, size_t f, const pt_entity *ents,
                      size_t n, const span *encl, size_t *idx,
                      pt__deps *changed)
{
  uint32_t pid;
  size_t id;
  int rc = pt_strmap_get(&rs->paths, rs->files[f].path,
                         strlen(rs->files[f].path), &id)
               ? 0 : PT_ERR(PT_EINVAL, "%s: no path id", rs->files[f].path);
  pid = (uint32_t)id;
  unsigned char *fresh = pt_calloc(n + 1, 1);
  if (rc == 0 && !fresh)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t j = 0; rc == 0 && j < n; j++) {
    if (idx[j] != NONE) {
      ((pt_entity *)rs->ents)[idx[j]] = ents[j];
      rs->info[idx[j]].pos = (uint32_t)j;
      rs->encl[idx[j]] = encl[j];
    } else {
      fresh[j] = 1;
      rc = append_entity(rs, &ents[j], &idx[j]);
    }
  }
  for (size_t j = 0; rc == 0 && j < n; j++)
    if (fresh[j])
      rc = place_entity(rs, idx[j], pid, j, encl[j], changed);
  pt_free(fresh);
  return rc;
}

int pt__resolver_set_file(pt_resolver *rs, const char *path, pt_lang lang,
                          const pt_entity *ents, size_t n, int gone,
                          pt__deps *changed)
{
  size_t id, f = NONE;
  if (pt_strmap_get(&rs->paths, path, strlen(path), &id))
    f = pt__resolve_file_of(rs, (uint32_t)id);
  if (gone)
    return f == NONE || rs->rfiles[f].dead ? 0 : drop_file(rs, f, changed);
  int rc = add_file(rs, path, lang, changed, &f);
  res_file *rf = rc == 0 ? &rs->rfiles[f] : NULL;
  span *encl = rc == 0 ? pt_calloc(n + 1, sizeof *encl) : NULL;
  size_t *idx = rc == 0 ? pt_malloc((n + 1) * sizeof *idx) : NULL;
  def *d = rc == 0 ? sorted_defs(rs, rf->ents, rf->n_ents, ents, n) : NULL;
  if (rc == 0 && (!encl || !idx || !d))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    rc = new_encls(rs, f, ents, n, encl);
  if (rc == 0)
    rc = match_names(rs, d, rf->n_ents, d + rf->n_ents, n, ents, encl, idx,
                     changed);
  if (rc == 0)
    rc = place_defs(rs, f, ents, n, encl, idx, changed);
  if (rc == 0) {
    pt_free(rf->ents);
    rf->ents = idx;
    rf->n_ents = n;
    idx = NULL;
  }
  pt_free(d);
  pt_free(idx);
  pt_free(encl);
  return rc;
}

/* ---- bases -------------------------------------------------------------- */

/* Takes the bases file f noted out of their lists: its nodes below hi
 * (its range's end before the new ones). */
static void unlink_bases(pt_resolver *rs, size_t f, size_t lo, size_t hi)
{
  for (size_t k = lo; k < hi; k++) {
    base_node *b = &rs->base_nodes[k];
    if (b->removed || b->file != f)
      continue;
    b->removed = 2; /* just now: compared, then 1 */
    uint32_t q = rs->info[b->type].qn;
    size_t *at = &rs->base_head[q];
    while (*at != NONE && *at != k)
      at = &rs->base_nodes[*at].next;
    if (*at == k)
      *at = b->next;
    b->removed = 1;
  }
}

/* Whether the bases f noted for qualified name q are the same before
 * (its nodes in [first_old, old_hi) removed just now) and after (its
 * nodes from n_old on), in order. */
static int same_bases(const pt_resolver *rs, size_t f, uint32_t q,
                      size_t first_old, size_t old_hi, size_t n_old)
{
  size_t n = rs->n_base_nodes, x = first_old, y = n_old;
  for (;;) {
    while (x < old_hi && (rs->base_nodes[x].file != f ||
                          rs->base_nodes[x].removed != 2 ||
                          rs->info[rs->base_nodes[x].type].qn != q))
      x++;
    while (y < n && (rs->base_nodes[y].file != f ||
                     rs->info[rs->base_nodes[y].type].qn != q))
      y++;
    if (x >= old_hi || y == n)
      return x >= old_hi && y == n;
    const base_node *a = &rs->base_nodes[x], *b = &rs->base_nodes[y];
    if (a->type != b->type || a->base != b->base || a->field != b->field ||
        a->field_how != b->field_how)
      return 0;
    x++;
    y++;
  }
}

/* Marks each qualified name whose bases noted by f differ: old ones are
 * the removed nodes of f in [first_old, old_hi), new ones those from
 * n_old on (old_hi <= n_old: f's range before them; none of f's lie
 * between). */
static int mark_changed_bases(pt_resolver *rs, size_t f, size_t first_old,
                              size_t old_hi, size_t n_old, pt__deps *changed)
{
  int rc = 0;
  const size_t range[2][2] = {{first_old, old_hi}, {n_old, rs->n_base_nodes}};
  for (int r = 0; r < 2; r++)
    for (size_t k = range[r][0]; rc == 0 && k < range[r][1]; k++) {
      const base_node *b = &rs->base_nodes[k];
      if (b->file != f || (r == 0 && b->removed != 2))
        continue;
      uint32_t q = rs->info[b->type].qn;
      if (!same_bases(rs, f, q, first_old, old_hi, n_old))
        rc = mark(changed, 'b', &rs->qn_hash[q], sizeof *rs->qn_hash);
    }
  for (size_t k = first_old; k < old_hi; k++)
    if (rs->base_nodes[k].removed == 2)
      rs->base_nodes[k].removed = 1;
  return rc;
}

/* f's bases noted again: its nodes, found in its range (not among all the
 * tables' nodes: a rename of a Python codec resolves 259 files that read
 * its classes' names, each of which was a pass over every node), leave
 * their lists, the new ones join them, and the names whose bases differ
 * are marked. */
int pt__resolver_renote_bases(pt_resolver *rs, const char *path, pt_lang lang,
                              const pt_raw_ref *refs, size_t n_refs, int gone,
                              pt__deps *changed)
{
  size_t id, f = NONE, n_old = rs->n_base_nodes, first_old = n_old;
  if (pt_strmap_get(&rs->paths, path, strlen(path), &id))
    f = pt__resolve_file_of(rs, (uint32_t)id);
  if (f == NONE)
    return 0;
  size_t lo = rs->rfiles[f].base_lo, hi = rs->rfiles[f].base_hi;
  for (size_t k = lo; k < hi && first_old == n_old; k++)
    if (rs->base_nodes[k].file == f && !rs->base_nodes[k].removed)
      first_old = k;
  unlink_bases(rs, f, lo, hi);
  rs->rfiles[f].base_lo = rs->rfiles[f].base_hi = 0; /* the new ones set it */
  int rc = 0;
  pt__deps now = {0};
  if (!gone) {
    pt__deps_record(&now);
    rc = pt__resolver_note_bases(rs, path, lang, refs, n_refs);
    pt__deps_record(NULL);
    if (rc == 0)
      rc = pt__deps_seal(&now);
  }
  pt__resolver_keep_deps(rs, 1, f, rc == 0 ? &now : NULL);
  pt__deps_fini(&now);
  if (rc == 0)
    rc = mark_changed_bases(rs, f, first_old, hi, n_old, changed);
  return rc;
}

/* ---- who read what changed ---------------------------------------------- */

static int meets(const pt__deps *a, const pt__deps *b)
{
  if (a->n > b->n) {
    const pt__deps *t = a;
    a = b;
    b = t;
  }
  for (size_t i = 0; i < a->n; i++)
    if (pt__deps_has(b, a->v[i]))
      return 1;
  return 0;
}

int pt__resolver_reads(const pt_resolver *rs, const char *path, int bases,
                       const pt__deps *changed)
{
  size_t id, f = NONE;
  if (pt_strmap_get(&rs->paths, path, strlen(path), &id))
    f = pt__resolve_file_of(rs, (uint32_t)id);
  if (f == NONE || rs->rfiles[f].dead)
    return 1;
  return meets(pt__resolver_file_deps(rs, f, bases), changed);
}

int pt__resolver_file_reads(const pt_resolver *rs, size_t f, int bases,
                            const pt__deps *changed)
{
  if (rs->rfiles[f].dead)
    return 0;
  return meets(pt__resolver_file_deps(rs, f, bases), changed);
}

const pt__deps *pt__resolver_file_deps(const pt_resolver *rs, size_t f,
                                       int bases)
{
  return bases ? &rs->rfiles[f].bdeps : &rs->rfiles[f].deps;
}
