/* Reference resolution (resolve.h). A reference names a target; among the
 * indexed entities of the same language family with that name and a
 * fitting kind, the first tier that has candidates decides:
 *   1. the qualifier names the target's type (Foo::new, self.m(), A.f())
 *   2. the same enclosing type as the caller
 *   3. the same file
 *   4. a file the referring file imports
 *   5. the same directory
 *   6. the whole language
 * Tiers 1-3 take the first candidate in index order; tiers 2-3 apply only
 * to unqualified references (a receiver such as obj in obj.m() says nothing
 * about the caller's own type or file). Tiers 4-6 need one candidate, where
 * overloads and a namespace spread over files (same kind and qualified
 * name) count as one; else the reference stays an unresolved placeholder.
 * A package qualifier (io.Reader, with io imported) admits only files of
 * that package; super/parent/base never name the caller's own type; imports
 * prefer types over same-named constructors. */
#include <string.h>

#include "graph/key.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/strmap.h"
#include "resolve.h"

struct pt_resolver {
  const pt_entity *ents;
  size_t n_ents;
  size_t *next_same_name;    /* chain of entities sharing a name, or SIZE_MAX */
  const char **encl;         /* by entity: qualname of its enclosing type */
  pt_strmap by_name;         /* name -> first entity index */
  pt_strmap by_key;          /* key -> entity index */
  const pt_file_record *files;
  size_t n_files;
  size_t *next_same_base;    /* chain of files sharing a base name */
  pt_strmap by_base;         /* file base name -> first file index */
  pt_buf scratch;
  const char **imports;      /* the current file's normalised import modules */
  size_t n_imports, cap_imports;
};

#define NONE ((size_t)-1)

static const char *enclosing_type(const pt_resolver *rs, const char *from);

static const char *base_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static int chain(pt_strmap *m, size_t *next, const char *key, size_t i)
{
  size_t head;
  int rc = pt_strmap_put_new(m, key, strlen(key), i, &head);
  if (rc)
    return rc;
  if (head == i)
    next[i] = NONE;
  else {
    /* append at the tail so chains keep index order */
    size_t t = head;
    while (next[t] != NONE)
      t = next[t];
    next[t] = i;
    next[i] = NONE;
  }
  return 0;
}

int pt__resolver_new(const pt_graph *g, pt_resolver **out)
{
  return pt__resolver_new_arrays(pt_graph_entities(g), pt_graph_n_entities(g),
                                 pt_graph_files(g), pt_graph_n_files(g), out);
}

int pt__resolver_has_key(const pt_resolver *rs, const char *key)
{
  return pt_strmap_get(&rs->by_key, key, strlen(key), NULL);
}

int pt__resolver_new_arrays(const pt_entity *ents, size_t n_ents,
                            const pt_file_record *files, size_t n_files,
                            pt_resolver **out)
{
  pt_resolver *rs = pt_calloc(1, sizeof *rs);
  if (!rs)
    return PT_ERR(PT_ENOMEM, "out of memory");
  rs->ents = ents;
  rs->n_ents = n_ents;
  rs->files = files;
  rs->n_files = n_files;
  rs->next_same_name = pt_malloc((rs->n_ents + 1) * sizeof(size_t));
  rs->next_same_base = pt_malloc((rs->n_files + 1) * sizeof(size_t));
  int rc = rs->next_same_name && rs->next_same_base
               ? 0 : PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++) {
    rc = chain(&rs->by_name, rs->next_same_name, rs->ents[i].name, i);
    if (rc == 0)
      rc = pt_strmap_put(&rs->by_key, rs->ents[i].key, strlen(rs->ents[i].key), i);
  }
  for (size_t i = 0; rc == 0 && i < rs->n_files; i++)
    rc = chain(&rs->by_base, rs->next_same_base, base_name(rs->files[i].path), i);
  rs->encl = pt_calloc(rs->n_ents + 1, sizeof *rs->encl);
  if (rc == 0 && !rs->encl)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < rs->n_ents; i++)
    rs->encl[i] = enclosing_type(rs, rs->ents[i].key);
  if (rc) {
    pt__resolver_free(rs);
    return rc;
  }
  *out = rs;
  return 0;
}

void pt__resolver_rebase(pt_resolver *rs, const pt_entity *ents,
                         const pt_file_record *files)
{
  rs->ents = ents;
  rs->files = files;
}

void pt__resolver_free(pt_resolver *rs)
{
  if (!rs)
    return;
  pt_free(rs->next_same_name);
  pt_free(rs->next_same_base);
  pt_free(rs->encl);
  pt_strmap_fini(&rs->by_name);
  pt_strmap_fini(&rs->by_key);
  pt_strmap_fini(&rs->by_base);
  pt_buf_fini(&rs->scratch);
  for (size_t i = 0; i < rs->n_imports; i++)
    pt_free((void *)rs->imports[i]);
  pt_free(rs->imports);
  pt_free(rs);
}

static int family(pt_lang l)
{
  if (l == PT_LANG_CPP)
    return PT_LANG_C;
  if (l == PT_LANG_TYPESCRIPT)
    return PT_LANG_JAVASCRIPT;
  return (int)l;
}

static int kind_fits(pt_ref_kind r, pt_kind k)
{
  switch (r) {
  case PT_REF_CALL:
    return k == PT_KIND_FUNCTION || k == PT_KIND_METHOD || k == PT_KIND_CLASS ||
           k == PT_KIND_STRUCT;
  case PT_REF_NEW:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT;
  case PT_REF_TYPE:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
           k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_TYPEDEF;
  case PT_REF_EXTENDS:
    return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_INTERFACE ||
           k == PT_KIND_TRAIT;
  case PT_REF_IMPLEMENTS: /* Ruby mixes modules in */
    return k == PT_KIND_INTERFACE || k == PT_KIND_TRAIT || k == PT_KIND_CLASS ||
           k == PT_KIND_MODULE;
  case PT_REF_IMPORT:
    return k != PT_KIND_IMPL;
  default:
    return 0;
  }
}

static size_t dir_len(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? (size_t)(s - path) : 0;
}

/* "./a/b", "a.b", "crate::a::b", "..mod" -> "a/b", "a/b", "a/b", "mod". */
static char *normalize_module(const char *m)
{
  pt_buf b = PT_BUF_INIT;
  while (*m == '.' || *m == '/' || *m == '@' || *m == '~')
    m++;
  static const char *const roots[] = {"crate::", "self::", "super::", NULL};
  for (int i = 0; roots[i]; i++)
    if (strncmp(m, roots[i], strlen(roots[i])) == 0)
      m += strlen(roots[i]);
  for (const char *p = m; *p; p++) {
    if (p[0] == ':' && p[1] == ':') {
      pt_buf_putc(&b, '/');
      p++;
    } else if (*p == '.' || *p == '\\') {
      pt_buf_putc(&b, '/');
    } else {
      pt_buf_putc(&b, *p);
    }
  }
  return pt_buf_detach(&b);
}

/* Path comparison where '.' and '/' match each other: C# and Java folders
 * are often named after namespaces ("Acme.Shapes/"). */
static int seg_eq(const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i] && !((a[i] == '.' || a[i] == '/') && (b[i] == '.' || b[i] == '/')))
      return 0;
  return 1;
}

/* Does the candidate's file (without extension) or folder end with the
 * normalised module path, or (Go and Java packages: "example.com/geo/shapes")
 * does the module path end with the candidate's folder name? */
static int file_matches_module(const char *path, const char *mod)
{
  size_t ml = strlen(mod);
  if (!ml)
    return 0;
  const char *dot = strrchr(base_name(path), '.');
  size_t stem = dot ? (size_t)(dot - path) : strlen(path);
  size_t dl = dir_len(path);
  for (int pass = 0; pass < 2; pass++) {
    size_t n = pass == 0 ? stem : dl;
    if (n >= ml && seg_eq(path + n - ml, mod, ml) &&
        (n == ml || path[n - ml - 1] == '/'))
      return 1;
  }
  const char *folder = path + dl;
  while (folder > path && folder[-1] != '/')
    folder--;
  size_t fl = (size_t)(path + dl - folder);
  return fl && ml > fl && seg_eq(mod + ml - fl, folder, fl) &&
         mod[ml - fl - 1] == '/';
}

/* Is scope the last segment of a module the current file imports (a
 * package qualifier such as Go's io.Reader or Python's os.path)? */
static int scope_is_import(const pt_resolver *rs, const char *scope)
{
  size_t sl = strlen(scope);
  for (size_t k = 0; k < rs->n_imports; k++) {
    const char *m = rs->imports[k];
    size_t ml = strlen(m);
    if (ml >= sl && strcmp(m + ml - sl, scope) == 0 &&
        (ml == sl || m[ml - sl - 1] == '/'))
      return 1;
  }
  return 0;
}

static int is_type_kind(pt_kind k)
{
  return k == PT_KIND_CLASS || k == PT_KIND_STRUCT || k == PT_KIND_ENUM ||
         k == PT_KIND_TRAIT || k == PT_KIND_INTERFACE || k == PT_KIND_TYPEDEF ||
         k == PT_KIND_MODULE || k == PT_KIND_NAMESPACE;
}

static int is_self_word(const char *s)
{
  static const char *const words[] = {"self", "this", "Self", "cls", "static",
                                      NULL};
  for (int i = 0; words[i]; i++)
    if (strcmp(s, words[i]) == 0)
      return 1;
  return 0;
}

/* super.m(), parent::m(), base.M(): a method of a base class, never of
 * the caller's own type. */
static int is_base_word(const char *s)
{
  return !strcmp(s, "super") || !strcmp(s, "parent") || !strcmp(s, "base") ||
         !strcmp(s, "super()");
}

/* The qualified name of the type that encloses entity key `from`, or NULL. */
static const char *enclosing_type(const pt_resolver *rs, const char *from)
{
  size_t i;
  if (!from || !pt_strmap_get(&rs->by_key, from, strlen(from), &i))
    return NULL;
  const pt_entity *e = &rs->ents[i];
  if (e->kind != PT_KIND_METHOD && e->kind != PT_KIND_FUNCTION)
    return e->qualname;
  if (!e->parent_key || !pt_strmap_get(&rs->by_key, e->parent_key,
                                       strlen(e->parent_key), &i))
    return NULL;
  return rs->ents[i].qualname;
}

/* Does qualname end with "<scope>.<name>" (scope with :: or . separators)? */
static int scope_fits(const char *qualname, const char *scope, const char *name)
{
  char *want = normalize_module(scope);
  if (!want)
    return 0;
  for (char *p = want; *p; p++)
    if (*p == '/')
      *p = '.';
  size_t ql = strlen(qualname), wl = strlen(want), nl = strlen(name);
  int ok = ql >= wl + 1 + nl && memcmp(qualname + ql - nl - 1 - wl, want, wl) == 0 &&
           qualname[ql - nl - 1] == '.' &&
           (ql == wl + 1 + nl || qualname[ql - nl - 2 - wl] == '.');
  pt_free(want);
  return ok;
}

typedef struct tier_hit {
  size_t first;
  size_t count;
  int one_group;   /* every candidate has the first one's kind and qualname */
} tier_hit;

/* Candidates that are one thing count once: overloads (Circle.scale twice,
 * same qualified name and file), a namespace spread over files (same kind
 * and qualified name), and a C type with its typedef (struct List and
 * `typedef struct List List`, same qualified name), where the definition
 * itself is preferred to the alias. */
static void tier_add(const pt_resolver *rs, tier_hit *t, size_t i)
{
  if (t->count++ == 0) {
    t->first = i;
    t->one_group = 1;
    return;
  }
  const pt_entity *a = &rs->ents[t->first], *b = &rs->ents[i];
  if (strcmp(a->qualname, b->qualname) != 0) {
    t->one_group = 0;
    return;
  }
  int alias = a->kind == PT_KIND_TYPEDEF || b->kind == PT_KIND_TYPEDEF;
  if (a->kind != b->kind && !alias && strcmp(a->file_path, b->file_path) != 0)
    t->one_group = 0;
  else if (a->kind == PT_KIND_TYPEDEF && b->kind != PT_KIND_TYPEDEF)
    t->first = i;
}

/* Whether entity i may be the target of r at all. */
static int eligible(const pt_resolver *rs, size_t i, pt_lang lang,
                    const pt_raw_ref *r, int types_only)
{
  const pt_entity *e = &rs->ents[i];
  if (family(e->lang) != family(lang) || !kind_fits(r->kind, e->kind))
    return 0;
  if (types_only && !is_type_kind(e->kind))
    return 0;
  /* a type does not extend or implement itself, and `typedef struct T T`
   * names the struct, not the typedef */
  if ((r->kind == PT_REF_EXTENDS || r->kind == PT_REF_IMPLEMENTS ||
       (r->kind == PT_REF_TYPE && e->kind == PT_KIND_TYPEDEF)) &&
      strcmp(e->key, r->from_key) == 0)
    return 0;
  return 1;
}

/* Imports prefer types: `import a.Circle` names the class, not its
 * constructor Circle.Circle. */
static int wants_types_only(const pt_resolver *rs, size_t head, pt_lang lang,
                            const pt_raw_ref *r)
{
  if (r->kind != PT_REF_IMPORT)
    return 0;
  for (size_t i = head; i != NONE; i = rs->next_same_name[i])
    if (eligible(rs, i, lang, r, 1))
      return 1;
  return 0;
}

static size_t pick(pt_resolver *rs, const char *path, pt_lang lang,
                   const pt_raw_ref *r)
{
  size_t head;
  if (!pt_strmap_get(&rs->by_name, r->name, strlen(r->name), &head))
    return NONE;
  const char *caller_type = enclosing_type(rs, r->from_key);
  const char *scope = r->scope;
  int foreign = 0;     /* a receiver or qualifier that is not the caller */
  int base = scope && is_base_word(scope);
  if (scope && is_self_word(scope))
    scope = caller_type;
  else if (scope) {
    foreign = 1;
    if (base)
      scope = NULL;
  }
  /* a package qualifier: only the files of that package can hold it */
  int package = foreign && !base && scope_is_import(rs, r->scope);
  int types_only = wants_types_only(rs, head, lang, r);
  tier_hit t[6];
  memset(t, 0, sizeof t);
  size_t dl = dir_len(path);
  for (size_t i = head; i != NONE; i = rs->next_same_name[i]) {
    if (!eligible(rs, i, lang, r, types_only))
      continue;
    const pt_entity *e = &rs->ents[i];
    int same_type = caller_type && e->parent_key && rs->encl[i] &&
                    strcmp(rs->encl[i], caller_type) == 0;
    if (base && same_type)
      continue;
    int imported = 0;
    for (size_t k = 0; k < rs->n_imports && !imported; k++)
      imported = file_matches_module(e->file_path, rs->imports[k]);
    if (scope && scope_fits(e->qualname, scope, e->name))
      tier_add(rs, &t[0], i);
    if (package && !imported)
      continue;
    /* an unknown receiver (obj.m()) says nothing about the caller's own
     * type or file: those tiers are only for unqualified references */
    if (same_type && !foreign)
      tier_add(rs, &t[1], i);
    if (!foreign && strcmp(e->file_path, path) == 0)
      tier_add(rs, &t[2], i);
    /* which method obj.m() calls depends on obj's type, which we do not
     * know: only a method unique in the whole language is taken */
    int guess = foreign && !package && e->kind == PT_KIND_METHOD;
    if (imported && !guess)
      tier_add(rs, &t[3], i);
    if (!guess && dir_len(e->file_path) == dl && memcmp(e->file_path, path, dl) == 0)
      tier_add(rs, &t[4], i);
    tier_add(rs, &t[5], i);
  }
  for (int k = 0; k < 6; k++) {
    int first_wins = k < 3;
    if (t[k].count && (first_wins || t[k].one_group))
      return t[k].first;
  }
  return NONE;
}

/* dir/inc with "." and ".." segments folded; NULL when it climbs above the
 * root. Caller frees. */
static char *join_normalized(const char *path, size_t dl, const char *inc)
{
  pt_buf b = PT_BUF_INIT;
  if (dl && (pt_buf_put(&b, path, dl) || pt_buf_putc(&b, '/')))
    return NULL;
  for (const char *p = inc; *p;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (b.len == 0) {
        pt_buf_fini(&b);
        return NULL;
      }
      b.len--; /* the trailing '/' */
      while (b.len && b.ptr[b.len - 1] != '/')
        b.len--;
      b.ptr[b.len] = '\0';
    } else if (n && !(n == 1 && p[0] == '.')) {
      pt_buf_put(&b, p, n);
      if (slash)
        pt_buf_putc(&b, '/');
    }
    p += n + (slash ? 1 : 0);
  }
  return pt_buf_detach(&b);
}

/* An #include resolves to an indexed file: the path relative to the
 * includer first, else the only file whose path ends with the included
 * path (an include folder), "./" and "../" prefixes left out. */
static size_t pick_file(pt_resolver *rs, const char *path, const char *inc)
{
  size_t head, found = NONE, n = 0;
  if (!pt_strmap_get(&rs->by_base, base_name(inc), strlen(base_name(inc)), &head))
    return NONE;
  char *rel = join_normalized(path, dir_len(path), inc);
  while (inc[0] == '.' && (inc[1] == '/' || (inc[1] == '.' && inc[2] == '/')))
    inc += inc[1] == '/' ? 2 : 3;
  size_t il = strlen(inc);
  for (size_t i = head; i != NONE; i = rs->next_same_base[i]) {
    const char *fp = rs->files[i].path;
    size_t fl = strlen(fp);
    if (rel && strcmp(fp, rel) == 0) {
      found = i;
      n = 1;
      break;
    }
    if (fl >= il && strcmp(fp + fl - il, inc) == 0 &&
        (fl == il || fp[fl - il - 1] == '/')) {
      found = i;
      n++;
    }
  }
  pt_free(rel);
  return n == 1 ? found : NONE;
}

static int is_interface(pt_kind k)
{
  return k == PT_KIND_INTERFACE || k == PT_KIND_TRAIT;
}

/* Where the syntax cannot tell a base class from an interface (C# and
 * Swift base lists name both the same way), the resolved target can:
 * a class or struct taking an interface or trait implements it, one taking
 * a class extends it. Interfaces extending interfaces stay Extends. */
static pt_edge_type inheritance_type(const pt_resolver *rs, const pt_raw_ref *r,
                                     const pt_entity *target, pt_edge_type type)
{
  size_t from;
  if (r->kind != PT_REF_EXTENDS && r->kind != PT_REF_IMPLEMENTS)
    return type;
  if (!pt_strmap_get(&rs->by_key, r->from_key, strlen(r->from_key), &from) ||
      is_interface(rs->ents[from].kind))
    return type;
  if (is_interface(target->kind))
    return PT_EDGE_IMPLEMENTS;
  if (target->kind == PT_KIND_CLASS || target->kind == PT_KIND_STRUCT)
    return PT_EDGE_EXTENDS;
  return type;
}

static const char *placeholder_token(pt_ref_kind k)
{
  switch (k) {
  case PT_REF_CALL: case PT_REF_NEW: return "fn";
  case PT_REF_IMPORT: case PT_REF_INCLUDE: return "module";
  case PT_REF_IMPLEMENTS: return "trait";
  default: return "class";
  }
}

static int collect_imports(pt_resolver *rs, const pt_raw_ref *refs, size_t n)
{
  for (size_t i = 0; i < rs->n_imports; i++)
    pt_free((void *)rs->imports[i]);
  rs->n_imports = 0;
  for (size_t i = 0; i < n; i++) {
    if (refs[i].kind != PT_REF_IMPORT || !refs[i].module)
      continue;
    int rc = pt_array_grow((void **)&rs->imports, &rs->cap_imports,
                           rs->n_imports + 1, sizeof *rs->imports);
    if (rc)
      return rc;
    const char *m = normalize_module(refs[i].module);
    if (!m)
      return PT_ERR(PT_ENOMEM, "out of memory");
    rs->imports[rs->n_imports++] = m;
  }
  return 0;
}

int pt__resolve_file(pt_resolver *rs, pt_graph *g, const char *path, pt_lang lang,
                     const pt_raw_ref *refs, size_t n_refs)
{
  int rc = collect_imports(rs, refs, n_refs);
  for (size_t i = 0; rc == 0 && i < n_refs; i++) {
    const pt_raw_ref *r = &refs[i];
    pt_edge e = {r->from_key, NULL, path, pt_ref_edge_type(r->kind), r->line, 0};
    pt_buf_clear(&rs->scratch);
    if (r->kind == PT_REF_INCLUDE) {
      size_t f = pick_file(rs, path, r->name);
      if (f != NONE) {
        rc = pt__key_file(&rs->scratch, rs->files[f].lang, rs->files[f].path);
        e.resolved = 1;
      }
    } else {
      size_t t = pick(rs, path, lang, r);
      if (t != NONE) {
        e.to_key = rs->ents[t].key;
        e.resolved = 1;
        e.type = inheritance_type(rs, r, &rs->ents[t], e.type);
      }
    }
    if (rc == 0 && !e.to_key && !e.resolved)
      rc = pt__key_placeholder(&rs->scratch, lang, placeholder_token(r->kind), r->name);
    if (rc == 0 && !e.to_key)
      e.to_key = rs->scratch.ptr;
    /* from_key and path are the graph's own (pt__resolve_file's
     * contract); so is an entity's key, but not a key made in scratch */
    if (rc == 0)
      rc = pt_graph_add_edge_interned(g, &e, e.to_key != rs->scratch.ptr);
  }
  return rc;
}
