/* What a file's imports bind (resolve_int.h, docs/extraction.md
 * "Resolution"): in Rust, Java, C# and PHP each import becomes a binding of
 * the name the file uses (its alias, else its last segment) to the dotted
 * path it names, or a glob of a module's or class's members; and whether a
 * definition sits at such a path. Made once per file from its import
 * references; resolve_pick.c decides names through them before any lookup
 * by name alone. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "resolve_int.h"

int pt__use_lang(pt_lang l)
{
  return l == PT_LANG_RUST || l == PT_LANG_JAVA || l == PT_LANG_CSHARP ||
         l == PT_LANG_PHP;
}

/* The length of the module prefix of a path that names where a Rust
 * module's items live: "src/a/b.rs" -> "src/a/b", "src/a/mod.rs",
 * "src/lib.rs", "src/main.rs" -> their folder. */
static size_t rust_module_len(const char *path)
{
  const char *base = pt__path_base(path), *dot = strrchr(base, '.');
  size_t bl = dot ? (size_t)(dot - base) : strlen(base);
  if ((bl == 3 && (!strncmp(base, "mod", 3) || !strncmp(base, "lib", 3))) ||
      (bl == 4 && !strncmp(base, "main", 4)))
    return pt__path_dir_len(path);
  return (size_t)(base - path) + bl;
}

/* The part of an entity's file path that its path starts with, as a
 * length of the path (its folders in Java, where packages are folders,
 * and Rust's module files): 0 in C# and PHP, whose qualified names hold
 * their namespaces. */
size_t pt__use_prefix_len(pt_lang lang, const char *path)
{
  if (lang == PT_LANG_RUST)
    return rust_module_len(path);
  if (lang == PT_LANG_JAVA)
    return pt__path_dir_len(path);
  return 0;
}

size_t pt__use_prefix_len_of(const pt_resolver *rs, pt_lang lang, uint32_t p)
{
  if (lang == PT_LANG_RUST)
    return rs->path_rmod[p];
  if (lang == PT_LANG_JAVA)
    return rs->path_dlen[p];
  return 0;
}

/* Does p (n bytes, '/' between folders) end with the dotted w (wl
 * bytes), at a segment's start? */
static int ends_with_dotted(const char *p, size_t n, const char *w, size_t wl)
{
  if (wl > n)
    return 0;
  const char *t = p + n - wl;
  for (size_t k = 0; k < wl; k++)
    if (t[k] != w[k] && !(t[k] == '/' && w[k] == '.'))
      return 0;
  return wl == n || t[-1] == '/';
}

/* Does the module path path[0..pl) end with the dotted w (wl bytes), and
 * for PT_USE_CRATE the rest of it a folder around the file at importer? */
int pt__use_module_at(const char *path, size_t pl, const char *w, size_t wl,
                      int how, const char *importer)
{
  if (!ends_with_dotted(path, pl, w, wl))
    return 0;
  size_t head = pl > wl ? pl - wl - 1 : 0;
  return how != PT_USE_CRATE || head == 0 ||
         (strncmp(importer, path, head) == 0 && importer[head] == '/');
}

int pt__use_fits(const pt_resolver *rs, pt_lang lang, size_t i,
                 const char *want, size_t wl, int how, const char *importer)
{
  const char *q = rs->ents[i].qualname;
  size_t ql = rs->info[i].ql, head;
  if (how == PT_USE_EXACT)
    return ql == wl && memcmp(q, want, wl) == 0;
  uint32_t f = rs->info[i].file;
  const char *path = rs->path_text[f];
  size_t pl = pt__use_prefix_len_of(rs, lang, f);
  if (ql >= wl) {
    if (memcmp(q + ql - wl, want, wl) != 0 ||
        (ql != wl && q[ql - wl - 1] != '.'))
      return 0;
    if (how != PT_USE_CRATE)
      return 1;
    if (ql != wl)
      return 0; /* what comes before want holds part of its name */
    head = pl;
  } else {
    /* the qualified name is the want's tail; its head ends the file's
     * module or package path */
    size_t w1 = wl - ql - 1;
    return want[w1] == '.' && memcmp(want + wl - ql, q, ql) == 0 &&
           pt__use_module_at(path, pl, want, w1, how, importer);
  }
  /* crate::x: what comes before x is a folder around the importing file
   * (its crate's root) */
  return head == 0 || (strncmp(importer, path, head) == 0 &&
                       importer[head] == '/');
}

/* Appends s (n bytes) with each separator (:: . \) written as '.'. */
static int put_dotted(pt_buf *b, const char *s, size_t n)
{
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    if (s[k] == ':' && k + 1 < n && s[k + 1] == ':') {
      rc = pt_buf_putc(b, '.');
      k++;
    } else {
      rc = pt_buf_putc(b, s[k] == '\\' ? '.' : s[k]);
    }
  }
  return rc;
}

/* Does the dotted d start with segment w? */
static int starts_with_seg(const char *d, const char *w)
{
  size_t n = strlen(w);
  return strncmp(d, w, n) == 0 && (d[n] == '.' || d[n] == '\0');
}

/* A Rust path made absolute: `self::x` and `super::x` from the module
 * of the importing file (and of the inline `mod` it is written in),
 * `crate::x` from the crate's root (kept as x, found in a folder around
 * the file), a standard library's path as it is. *anchored: the path says
 * where it is, so a definition found nowhere there is none of the
 * workspace's (2: a module around the file's, whose private items it
 * sees; 3: from the crate's root). */
static int rust_absolute(const pt_resolver *rs, pt__resolve_ctx *c,
                         const char *from_key, const char *d, pt_buf *out,
                         int *anchored)
{
  static const char *const std_roots[] = {"std", "core", "alloc", NULL};
  *anchored = 0;
  for (int k = 0; std_roots[k]; k++)
    if (starts_with_seg(d, std_roots[k]))
      *anchored = 1;
  if (starts_with_seg(d, "crate")) {
    *anchored = 3;
    return pt_buf_put(out, d + (d[5] ? 6 : 5), strlen(d + (d[5] ? 6 : 5)));
  }
  if (!starts_with_seg(d, "self") && !starts_with_seg(d, "super"))
    return pt_buf_put(out, d, strlen(d));
  *anchored = 2; /* and the module's private items are in view */
  const char *path = c->file != NO_ID ? rs->path_text[c->file] : "";
  size_t ml = rust_module_len(path);
  int rc = pt_buf_put(out, path, ml);
  for (size_t k = 0; rc == 0 && k < out->len; k++)
    if (out->ptr[k] == '/')
      out->ptr[k] = '.';
  size_t from = pt__resolve_key(rs, c, from_key);
  if (rc == 0 && from != NONE && rs->ents[from].kind == PT_KIND_MODULE)
    rc = pt_buf_printf(out, "%s%s", out->len ? "." : "",
                       rs->ents[from].qualname);
  if (starts_with_seg(d, "self"))
    d += d[4] ? 5 : 4;
  while (rc == 0 && starts_with_seg(d, "super")) {
    while (out->len && out->ptr[out->len - 1] != '.')
      out->len--;
    if (out->len)
      out->len--;
    if (out->ptr)
      out->ptr[out->len] = '\0';
    d += d[5] ? 6 : 5;
  }
  if (rc == 0 && *d)
    rc = pt_buf_printf(out, "%s%s", out->len ? "." : "", d);
  return rc;
}

/* The dotted path import r names into out (its glob's module or class
 * for a glob), and how it binds: *glob, *claims (a name it binds is that
 * path's or no workspace definition's; Rust's 2 and 3 as rust_absolute's
 * *anchored). 0 with out empty when r binds nothing (C#'s `using A.B;` of
 * a namespace). */
static int import_path(const pt_resolver *rs, pt__resolve_ctx *c,
                       pt_lang lang, const pt_raw_ref *r, pt_buf *out,
                       int *glob, int *claims)
{
  const char *m = r->module;
  size_t ml = strlen(m), nl = strlen(r->name);
  pt_buf d = PT_BUF_INIT;
  *glob = ml > 1 && m[ml - 1] == '*';
  *claims = 0;
  pt_buf_clear(out);
  if (lang == PT_LANG_CSHARP && !*glob && !r->scope)
    return 0;
  while (*m == '\\' || *m == ':') {
    m++;
    ml--;
  }
  if (*glob) {
    ml--;
    while (ml && (m[ml - 1] == '.' || m[ml - 1] == ':'))
      ml--;
  }
  int rc = put_dotted(&d, m, ml);
  /* a group's module is the prefix its names follow (`use a\{B, C}`) */
  int whole = *glob || (ml >= nl && memcmp(m + ml - nl, r->name, nl) == 0 &&
                        (ml == nl || m[ml - nl - 1] == ':' ||
                         m[ml - nl - 1] == '.' || m[ml - nl - 1] == '\\'));
  if (rc == 0 && !whole && d.len)
    rc = pt_buf_putc(&d, '.');
  if (rc == 0 && !whole)
    rc = pt_buf_puts(&d, r->name);
  if (rc == 0 && d.len) {
    if (lang == PT_LANG_RUST)
      rc = rust_absolute(rs, c, r->from_key, d.ptr, out, claims);
    else
      rc = pt_buf_put(out, d.ptr, d.len);
  }
  if (!*glob && lang != PT_LANG_RUST)
    *claims = 1;
  pt_buf_fini(&d);
  return rc;
}

static int push_bind(pt__resolve_ctx *c, const char *local, const pt_buf *p,
                     int glob, int claims)
{
  if (pt_array_grow((void **)&c->binds, &c->cap_binds, c->n_binds + 1,
                    sizeof *c->binds) != 0)
    return PT_ERR(PT_ENOMEM, "out of memory");
  char *path = pt_malloc(p->len + 1);
  if (!path)
    return PT_ERR(PT_ENOMEM, "out of memory");
  memcpy(path, p->ptr, p->len);
  path[p->len] = '\0';
  const char *tail = strrchr(path, '.');
  pt__use *b = &c->binds[c->n_binds++];
  b->local = glob ? NULL : local;
  b->path = path;
  b->len = p->len;
  b->tail = tail ? (size_t)(tail + 1 - path) : 0;
  b->glob = (uint8_t)glob;
  b->claims = claims != 0;
  b->sees_private = claims == 2;
  b->crate_rel = claims == 3;
  return 0;
}

void pt__use_clear(pt__resolve_ctx *c)
{
  for (size_t i = 0; i < c->n_binds; i++)
    pt_free(c->binds[i].path);
  c->n_binds = 0;
}

int pt__use_begin(const pt_resolver *rs, pt__resolve_ctx *c, pt_lang lang,
                  const pt_raw_ref *refs, size_t n_refs)
{
  pt__use_clear(c);
  if (!pt__use_lang(lang))
    return 0;
  int rc = 0, glob, claims;
  pt_buf p = PT_BUF_INIT;
  for (size_t i = 0; rc == 0 && i < n_refs; i++) {
    const pt_raw_ref *r = &refs[i];
    if (r->kind != PT_REF_IMPORT || !r->module)
      continue;
    rc = import_path(rs, c, lang, r, &p, &glob, &claims);
    if (rc == 0 && p.len)
      rc = push_bind(c, r->scope ? r->scope : r->name, &p, glob, claims);
  }
  pt_buf_fini(&p);
  return rc;
}

int pt__use_of_import(const pt_resolver *rs, pt__resolve_ctx *c,
                      pt_lang lang, const pt_raw_ref *r, pt_buf *out,
                      int *claims, int *how)
{
  int glob, rc = import_path(rs, c, lang, r, out, &glob, claims);
  *how = lang == PT_LANG_PHP ? PT_USE_EXACT
         : *claims == 3      ? PT_USE_CRATE
                             : PT_USE_SUFFIX;
  return rc;
}

const pt__use *pt__use_local(const pt__resolve_ctx *c, const char *name,
                             size_t len)
{
  for (size_t i = c->n_binds; i-- > 0;) {
    const char *l = c->binds[i].local;
    /* the first byte tells most bindings apart without a call */
    if (l && (len == 0 || l[0] == name[0]) && strncmp(l, name, len) == 0 &&
        l[len] == '\0')
      return &c->binds[i];
  }
  return NULL;
}
