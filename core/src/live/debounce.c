/* Debouncing and coalescing of file events (pt/debounce.h): a map from
 * path to its held state; due paths leave in path order. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/debounce.h"
#include "pt/error.h"
#include "pt/strmap.h"

typedef struct held {
  char *path;              /* owned */
  pt_debounce_kind kind;
  int is_dir;
  int is_final;            /* its last event was final: settle, not quiet */
  unsigned n_events;
  uint64_t first, last;
  int live;                /* 0 once taken (the slot is reused) */
  int given;               /* given ahead since its last event */
} held;

struct pt_debounce {
  uint64_t quiet, max_delay, settle;
  held *v;                 /* owned */
  size_t n, cap;
  pt_strmap index;         /* path -> slot; keys borrowed from v[].path */
  int rescan;              /* a RESCAN is held: everything else dropped */
  uint64_t rescan_first, rescan_last;
  unsigned rescan_events;
};

int pt_debounce_new(uint64_t quiet_ns, uint64_t max_delay_ns, pt_debounce **out)
{
  pt_debounce *d = pt_calloc(1, sizeof *d);
  if (!d)
    return PT_ERR(PT_ENOMEM, "out of memory");
  d->quiet = d->settle = quiet_ns;
  d->max_delay = max_delay_ns < quiet_ns ? quiet_ns : max_delay_ns;
  *out = d;
  return 0;
}

void pt_debounce_set_settle(pt_debounce *d, uint64_t settle_ns)
{
  d->settle = settle_ns < d->quiet ? settle_ns : d->quiet;
}

static void drop_all(pt_debounce *d)
{
  for (size_t i = 0; i < d->n; i++)
    pt_free(d->v[i].path);
  d->n = 0;
  pt_strmap_fini(&d->index);
}

void pt_debounce_free(pt_debounce *d)
{
  if (!d)
    return;
  drop_all(d);
  pt_free(d->v);
  pt_free(d);
}

/* The strmap cannot delete, so taken slots stay (not live) until the map
 * is rebuilt; compacting keeps memory bounded by what is held. */
static int compact(pt_debounce *d)
{
  size_t w = 0;
  pt_strmap_fini(&d->index);
  for (size_t r = 0; r < d->n; r++) {
    if (!d->v[r].live) {
      pt_free(d->v[r].path);
      continue;
    }
    d->v[w++] = d->v[r];
  }
  d->n = w;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < d->n; i++)
    rc = pt_strmap_put(&d->index, d->v[i].path, strlen(d->v[i].path), i);
  return rc;
}

static int add(pt_debounce *d, const char *path, pt_debounce_kind kind,
               int is_dir, int is_final, uint64_t now)
{
  if (kind == PT_DEBOUNCE_RESCAN) {
    if (!d->rescan)
      d->rescan_first = now;
    d->rescan = 1;
    d->rescan_last = now;
    d->rescan_events++;
    drop_all(d);
    return 0;
  }
  if (d->rescan) { /* the rescan will see this path anyway */
    d->rescan_events++;
    return 0;
  }
  size_t slot;
  if (pt_strmap_get(&d->index, path, strlen(path), &slot) && d->v[slot].live) {
    held *h = &d->v[slot];
    h->kind = kind;
    h->is_dir = is_dir;
    h->is_final = is_final;
    h->given = 0;
    h->last = now;
    h->n_events++;
    return 0;
  }
  int rc = pt_array_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v);
  char *copy = rc == 0 ? pt_strdup(path) : NULL;
  if (rc == 0 && !copy)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0) {
    held h = {copy, kind, is_dir, is_final, 1, now, now, 1, 0};
    d->v[d->n] = h;
    rc = pt_strmap_put(&d->index, copy, strlen(copy), d->n);
    if (rc == 0)
      d->n++;
    else
      pt_free(copy);
  }
  return rc;
}

int pt_debounce_add(pt_debounce *d, const char *path, pt_debounce_kind kind,
                    int is_dir, uint64_t now)
{
  return add(d, path, kind, is_dir, 0, now);
}

int pt_debounce_add_final(pt_debounce *d, const char *path,
                          pt_debounce_kind kind, uint64_t now)
{
  return add(d, path, kind, 0, kind != PT_DEBOUNCE_RESCAN, now);
}

static int due(const pt_debounce *d, uint64_t first, uint64_t last,
               uint64_t quiet, uint64_t now)
{
  return now - last >= quiet || now - first >= d->max_delay;
}

/* How long held path h must be quiet. */
static uint64_t quiet_of(const pt_debounce *d, const held *h)
{
  return h->is_final ? d->settle : d->quiet;
}

static int cmp_item(const void *a, const void *b)
{
  return strcmp(((const pt_debounce_item *)a)->path,
                ((const pt_debounce_item *)b)->path);
}

int pt_debounce_take(pt_debounce *d, uint64_t now, pt_debounce_batch *out)
{
  memset(out, 0, sizeof *out);
  if (d->rescan) {
    if (!due(d, d->rescan_first, d->rescan_last, d->quiet, now))
      return 0;
    out->items = pt_calloc(1, sizeof *out->items);
    char *empty = pt_strdup("");
    if (!out->items || !empty) {
      pt_free(out->items);
      pt_free(empty);
      out->items = NULL;
      return PT_ERR(PT_ENOMEM, "out of memory");
    }
    out->items[0] = (pt_debounce_item){empty, PT_DEBOUNCE_RESCAN, 1, d->rescan_events};
    out->n_items = 1;
    d->rescan = 0;
    d->rescan_events = 0;
    return 0;
  }
  size_t n_due = 0;
  for (size_t i = 0; i < d->n; i++)
    n_due += d->v[i].live &&
             due(d, d->v[i].first, d->v[i].last, quiet_of(d, &d->v[i]), now);
  if (n_due == 0)
    return 0;
  out->items = pt_calloc(n_due, sizeof *out->items);
  if (!out->items)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < d->n; i++) {
    held *h = &d->v[i];
    if (!h->live || !due(d, h->first, h->last, quiet_of(d, h), now))
      continue;
    out->items[out->n_items++] = (pt_debounce_item){h->path, h->kind, h->is_dir,
                                                    h->n_events};
    h->path = NULL; /* moved to the batch */
    h->live = 0;
  }
  qsort(out->items, out->n_items, sizeof *out->items, cmp_item);
  return compact(d);
}

static int is_ahead(const held *h)
{
  return h->live && !h->given && h->is_final && !h->is_dir &&
         h->kind == PT_DEBOUNCE_CHANGED;
}

int pt_debounce_ahead(pt_debounce *d, pt_debounce_batch *out)
{
  memset(out, 0, sizeof *out);
  size_t n = 0;
  for (size_t i = 0; !d->rescan && i < d->n; i++)
    n += is_ahead(&d->v[i]);
  if (n == 0)
    return 0;
  out->items = pt_calloc(n, sizeof *out->items);
  if (!out->items)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (size_t i = 0; i < d->n; i++) {
    held *h = &d->v[i];
    if (!is_ahead(h))
      continue;
    char *copy = pt_strdup(h->path);
    if (!copy) {
      pt_debounce_batch_fini(out);
      return PT_ERR(PT_ENOMEM, "out of memory");
    }
    out->items[out->n_items++] = (pt_debounce_item){copy, h->kind, 0, h->n_events};
  }
  for (size_t i = 0; i < d->n; i++) /* given once all are copied */
    d->v[i].given |= is_ahead(&d->v[i]);
  qsort(out->items, out->n_items, sizeof *out->items, cmp_item);
  return 0;
}

void pt_debounce_batch_fini(pt_debounce_batch *b)
{
  if (!b)
    return;
  for (size_t i = 0; i < b->n_items; i++)
    pt_free(b->items[i].path);
  pt_free(b->items);
  memset(b, 0, sizeof *b);
}

uint64_t pt_debounce_next_due(const pt_debounce *d)
{
  uint64_t next = UINT64_MAX;
  if (d->rescan) {
    uint64_t a = d->rescan_last + d->quiet, b = d->rescan_first + d->max_delay;
    return a < b ? a : b;
  }
  for (size_t i = 0; i < d->n; i++) {
    if (!d->v[i].live)
      continue;
    uint64_t a = d->v[i].last + quiet_of(d, &d->v[i]);
    uint64_t b = d->v[i].first + d->max_delay;
    uint64_t t = a < b ? a : b;
    if (t < next)
      next = t;
  }
  return next;
}

size_t pt_debounce_pending(const pt_debounce *d)
{
  size_t n = d->rescan;
  for (size_t i = 0; i < d->n; i++)
    n += d->v[i].live;
  return n;
}
