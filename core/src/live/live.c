/* The live index (pt/live.h): watcher events -> debounce -> one cached
 * re-ingest of the root -> compare with the current graph -> write through
 * -> publish. Two locks: `mu` guards the debounce, the counters and the
 * stop flag (held briefly, also by the watcher's thread); `update_mu`
 * serialises whole updates between the background thread and
 * pt_live_reindex. The background thread sleeps on `wake` until something
 * is due: whoever gives it work signals it. */
#include <stdlib.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/debounce.h"
#include "pt/error.h"
#include "pt/live.h"
#include "pt/log.h"
#include "pt/sys/fs.h"
#include "pt/sys/heap.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "pt/sys/watch.h"

#define MS ((uint64_t)1000000)

struct pt_live {
  pt_live_opts o;
  char *root;                 /* owned: absolute, '/' */
  char **watch_skip;          /* owned: root-relative skip paths */
  size_t n_watch_skip;
  pt_ingest_cache *cache;     /* owned; under update_mu */
  const pt_graph *cur;        /* the current graph; under update_mu */
  const pt_graph *to_compact; /* under update_mu: the first index's graph,
                                 whose results the cache holds as extracted
                                 until the worker starts or an update
                                 comes first */
  const pt_graph *to_seed;    /* under update_mu: the adopted graph, whose
                                 files go into the cache before the first
                                 update (not at adoption: the server is
                                 ready sooner) */
  pt_graph *owned;            /* cur, when there is no publisher */
  int scan_pending;           /* under mu: the next pass re-indexes all
                                 (adopted, or changes held while paused) */
  const char *scan_what;      /* under mu: that pass's cause, for the log */
  pt_mutex *update_mu;
  pt_mutex *mu;
  pt_cond *wake;              /* with mu: the worker has something to do */
  pt_cond *fresh;             /* with mu: busy went back to 0 */
  pt_debounce *deb;           /* under mu */
  int stop;                   /* under mu */
  int started;                /* under update_mu: pt_live_start ran */
  int closed;                 /* under update_mu: pt_live_stop ran */
  int stopped;                /* pt_live_stop was called (caller's thread) */
  int save_pending;           /* under mu: SQLite backup due at save_due */
  uint64_t save_due;          /* under mu: UINT64_MAX = not before the
                                 next change (or never, once refused) */
  int trim_pending;           /* under mu: free heap pages go back at
                                 trim_due (changes quiet that long) */
  uint64_t trim_due;
  int spares_dropped;         /* under mu: the quiet trim dropped the arrays
                                 of the next patch; the next change seen
                                 makes them again (remake_spares) */
  unsigned save_tries;        /* under mu: failed attempts since the last
                                 change */
  int save_refused;           /* under mu: the store refused the backup (a
                                 newer index is there): no more attempts */
  pt_live_status st;          /* under mu */
  uint64_t generation;        /* under mu: of the current graph, 1 first */
  time_t published;           /* under mu: when it became current */
  int busy;                   /* under mu: changes taken, not yet published */
  int n_waiters;              /* under mu: in pt_live_wait_fresh */
  pt_watch *watch;
  pt_thread *thread;
};

static void set_error(pt_live *lv, const char *what)
{
  pt_mutex_lock(lv->mu);
  pt_snprintf(lv->st.last_error, sizeof lv->st.last_error, "%s: %s", what,
              pt_error_last()->message);
  pt_mutex_unlock(lv->mu);
  if (lv->o.log) {
    fprintf(lv->o.log, "[FileWatcher] %s failed: %s\n", what,
            pt_error_last()->message);
    fflush(lv->o.log);
  }
  pt_error_clear();
}

/* The reindex endpoint's view of one file's changes (partial when the
 * count fails, as before: the caller reports the error instead). */
static int file_delta(const pt_graph *old, const pt_graph *now, const char *path,
                      pt_live_delta *d)
{
  pt_graph_file_changes c;
  int rc = pt_graph_count_file_changes(old, now, path, &c);
  d->in_index_before = c.in_before;
  d->in_index_after = c.in_after;
  d->hash_changed = c.hash_changed;
  d->entities_before = c.entities_before;
  d->entities_after = c.entities_after;
  d->entities_added = c.entities_added;
  d->entities_removed = c.entities_removed;
  d->entities_modified = c.entities_modified;
  d->edges_added = c.edges_added;
  d->edges_removed = c.edges_removed;
  return rc;
}

/* ---- updates -------------------------------------------------------------- */

static void seed(pt_live *lv, const pt_graph *g);
static void compact(pt_live *lv, const pt_graph *g);

/* Under update_mu, before anything reads or marks the cache: the first
 * index's results are compacted now, once. */
static void compact_if_due(pt_live *lv)
{
  if (lv->to_compact)
    compact(lv, lv->to_compact);
  lv->to_compact = NULL;
}

/* Under update_mu, before anything reads or marks the cache: an adopted
 * graph's files go in now, once (and a first index's are compacted). */
static void seed_if_due(pt_live *lv)
{
  if (lv->to_seed)
    seed(lv, lv->to_seed);
  lv->to_seed = NULL;
  compact_if_due(lv);
}

static void publish(pt_live *lv, pt_graph *g)
{
  pt_mutex_lock(lv->mu); /* before the publisher reads it for g */
  lv->generation += lv->cur != NULL;
  lv->published = time(NULL);
  pt_mutex_unlock(lv->mu);
  lv->cur = g;
  if (lv->o.publish) {
    lv->o.publish(g, lv->o.payload);
  } else {
    pt_graph_free(lv->owned);
    lv->owned = g;
  }
}

/* Writes g through to the store: RocksDB at once (only what differs), a
 * whole-file store (SQLite) once updates pause. */
static void write_through(pt_live *lv, const pt_graph *old, const pt_graph *g)
{
  if (!lv->o.store)
    return;
  if (old && pt_store_can_update(lv->o.store)) {
    if (pt_store_update(lv->o.store, old, g) != 0) {
      pt_mutex_lock(lv->mu);
      lv->st.failed_saves++;
      pt_cond_broadcast(lv->fresh); /* pt_live_wait_failed_saves */
      pt_mutex_unlock(lv->mu);
      set_error(lv, "write-through");
      return;
    }
    pt_mutex_lock(lv->mu);
    lv->st.saves++;
    lv->st.last_save = time(NULL);
    pt_mutex_unlock(lv->mu);
    return;
  }
  pt_mutex_lock(lv->mu);
  lv->save_pending = 1;
  if (!lv->save_refused) {
    lv->save_due = pt_clock_ns() + (uint64_t)lv->o.save_delay_ms * MS;
    lv->save_tries = 0;
  }
  pt_cond_signal(lv->wake); /* a new due time (from a reindex request) */
  pt_mutex_unlock(lv->mu);
}

/* A pass that changed nothing (an ignored file, the server's own log in
 * the root) is noise in the "[FileWatcher]" log, and writing it to a log
 * file in the root would cause the next pass: the core log has it, at
 * INFO (serve -v). */
static void log_unchanged(const char *what, size_t n_parsed, uint64_t t0)
{
  pt_log(PT_LOG_INFO, "[FileWatcher] %s: index unchanged, %zu file(s) parsed "
         "(%.0f ms)", what, n_parsed, (double)(pt_clock_ns() - t0) / 1e6);
}

/* Under update_mu: the arrays the next patch of the current graph fills
 * are made now, while nothing waits (after a start or a full pass, and
 * when a change is seen after the quiet trim dropped them), so that patch
 * does not fault fresh pages in (short of memory, the patch makes them
 * itself). */
static void make_spares(pt_live *lv)
{
  size_t made = 0;
  uint64_t t0 = pt_clock_ns();
  if (!lv->cur)
    return;
  if (pt_graph_prepare_patch(lv->cur, &made) != 0)
    pt_error_clear();
  else if (made)
    pt_log(PT_LOG_INFO, "[FileWatcher] %.0f MB made for the next patch (%.0f ms)",
           (double)made / 1e6, (double)(pt_clock_ns() - t0) / 1e6);
  pt_mutex_lock(lv->mu);
  lv->st.spares_made++;
  pt_mutex_unlock(lv->mu);
}

/* Under update_mu: make_spares, and the publisher makes what it makes
 * ahead (the server: its name index). */
static void prepare_patch(pt_live *lv)
{
  if (!lv->cur)
    return;
  make_spares(lv);
  if (lv->o.prepare)
    lv->o.prepare(lv->o.payload);
}

/* Under update_mu: re-ingests with the cache, and when the graph changed,
 * writes it through and publishes it. `what` names the cause in the log. */
/* What an update, a write-through (RocksDB) or a backup save (SQLite)
 * freed in pieces goes back to the system once changes have been quiet
 * for trim_delay_ms (trim_now), not at once: the next update of a burst
 * would fault the same pages in again (20 to 30 ms of its 100 on the
 * several tree). */
static void trim_later(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  lv->trim_pending = 1;
  lv->trim_due = pt_clock_ns() + (uint64_t)lv->o.trim_delay_ms * MS;
  pt_cond_signal(lv->wake); /* a new due time (from a reindex request) */
  pt_mutex_unlock(lv->mu);
}

static int run_update(pt_live *lv, const char *what, const char *delta_path,
                      pt_live_delta *d)
{
  uint64_t t0 = pt_clock_ns();
  pt_ingest_opts o = {lv->root, lv->o.n_threads, lv->o.max_file_size,
                      lv->o.skip, lv->o.n_skip, NULL, NULL, 0, lv->cache, 0};
  pt_ingest_stats st;
  pt_graph *g = NULL;
  size_t ahead = pt_ingest_cache_ahead_taken(lv->cache);
  /* most edits keep a file's definitions: patch the current graph */
  int rc = lv->cur ? pt_ingest_patch(&o, lv->cur, &g, &st) : PT_EAGAIN;
  ahead = pt_ingest_cache_ahead_taken(lv->cache) - ahead;
  int patched = rc == 0;
  if (rc == PT_EAGAIN) {
    pt_error_clear();
    rc = pt_ingest(&o, &g, &st);
  }
  if (rc) {
    set_error(lv, "reindex");
    return rc;
  }
  const pt_graph *old = lv->cur;
  size_t extracted = st.processed_files - st.reused_files;
  pt_mutex_lock(lv->mu);
  lv->st.files_parsed += extracted;
  lv->st.files_ahead += ahead;
  pt_mutex_unlock(lv->mu);
  if (!g && old) { /* the patch found nothing to change */
    if (delta_path && d)
      rc = file_delta(old, old, delta_path, d);
    pt_ingest_stats_fini(&st);
    if (d)
      d->elapsed_ns = pt_clock_ns() - t0;
    log_unchanged(what, extracted, t0);
    return rc;
  }
  size_t n_errors = st.n_errors;
  pt_ingest_stats_fini(&st);
  if (delta_path && d)
    rc = file_delta(old, g, delta_path, d);
  if (rc == 0 && old && pt_graph_equal(old, g)) {
    pt_graph_free(g);
    trim_later(lv); /* a whole graph's worth */
    log_unchanged(what, extracted, t0);
    if (d)
      d->elapsed_ns = pt_clock_ns() - t0;
    return 0;
  }
  if (rc) {
    pt_graph_free(g);
    set_error(lv, "reindex");
    return rc;
  }
  pt_graph_changes ch;
  pt_graph_lineage ln;
  if (pt_graph_lineage_of(g, &ln) && ln.base == old)
    ch = ln.changes; /* counted by the patch, from the changed files */
  else
    pt_graph_count_changes(old, g, &ch);
  write_through(lv, old, g);
  publish(lv, g);
  uint64_t dt = pt_clock_ns() - t0;
  pt_mutex_lock(lv->mu);
  lv->spares_dropped = 0; /* the old graph's arrays are the spares now */
  pt_mutex_unlock(lv->mu);
  if (!patched)
    prepare_patch(lv); /* a new pool: its spares are none */
  if (d)
    d->elapsed_ns = dt;
  pt_mutex_lock(lv->mu);
  lv->st.updates++;
  lv->st.patches += patched;
  lv->st.files_reindexed += extracted;
  lv->st.files_removed += ch.files_removed;
  lv->st.last_update = time(NULL);
  pt_mutex_unlock(lv->mu);
  if (lv->o.log) {
    fprintf(lv->o.log, "[FileWatcher] %s: %zu file(s) re-extracted%s, %zu removed, "
            "entities +%zu -%zu, now %zu entities and %zu edges%s (%.0f ms)\n",
            what, extracted, patched ? " (patched)" : "", ch.files_removed,
            ch.entities_added, ch.entities_removed,
            pt_graph_n_entities(g),
            pt_graph_n_edges(g), n_errors ? ", some files failed (see "
            "/ingestion-diagnostics-coverage-report)" : "", (double)dt / 1e6);
    fflush(lv->o.log);
  }
  trim_later(lv);
  return 0;
}

/* Marks the batch's changed paths dirty and updates once. */
static int is_paused(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  int paused = lv->st.paused;
  pt_mutex_unlock(lv->mu);
  return paused;
}

/* Under update_mu, when an update must wait for pt_live_resume. */
static void hold_for_resume(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  lv->scan_pending = 1;
  lv->scan_what = "changes made while paused";
  pt_mutex_unlock(lv->mu);
}

static void apply_batch(pt_live *lv, const pt_debounce_batch *b)
{
  char what[160];
  int rescan = 0;
  pt_mutex_lock(lv->update_mu);
  seed_if_due(lv);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < b->n_items; i++) {
    const pt_debounce_item *it = &b->items[i];
    if (it->kind == PT_DEBOUNCE_RESCAN)
      rescan = 1; /* the walk compares sizes and mtimes of everything */
    else /* removed paths too: the patch shortcut must see them go */
      rc = pt_ingest_cache_mark_dirty(lv->cache, it->path);
  }
  if (rescan)
    pt_snprintf(what, sizeof what, "rescan of the whole root");
  else if (b->n_items == 1)
    pt_snprintf(what, sizeof what, "%s %s",
                b->items[0].kind == PT_DEBOUNCE_REMOVED ? "removed" : "changed",
                b->items[0].path);
  else
    pt_snprintf(what, sizeof what, "%zu paths changed (%s, ...)", b->n_items,
                b->items[0].path);
  if (rc)
    set_error(lv, "reindex");
  else if (is_paused(lv)) /* taken just before a pause: marked, held */
    hold_for_resume(lv);
  else
    run_update(lv, what, NULL, NULL);
  pt_mutex_unlock(lv->update_mu);
}

/* The whole-root pass (an adopted graph's first, or the catch-up after a
 * pause): the walk finds what changed by size and mtime, the dirty marks
 * the rest. */
static void scan_now(pt_live *lv, const char *what)
{
  pt_mutex_lock(lv->update_mu);
  if (is_paused(lv)) {
    hold_for_resume(lv);
  } else {
    seed_if_due(lv);
    run_update(lv, what, NULL, NULL);
    pt_mutex_lock(lv->mu);
    lv->st.root_passes++;
    pt_mutex_unlock(lv->mu);
  }
  pt_mutex_unlock(lv->update_mu);
}

/* A failed backup. A store that refuses it (PT_EEXISTS: another program
 * saved a newer index there) is never tried again: overwriting would lose
 * that index, and only the user knows which one to keep. Anything else (a
 * scanner holding the file) is tried again every save_retry_ms, at most
 * SAVE_TRIES times, then not before the next change. Logged on the first
 * failure and when giving up, not at every attempt. Under mu. */
#define SAVE_TRIES 12

static void save_failed(pt_live *lv, int rc, char *msg, size_t size)
{
  const char *why = pt_error_last()->message;
  lv->st.failed_saves++;
  pt_cond_broadcast(lv->fresh); /* pt_live_wait_failed_saves */
  lv->save_tries++;
  lv->save_due = UINT64_MAX;
  *msg = 0;
  if (rc == PT_EEXISTS) {
    lv->save_refused = 1;
    lv->st.saves_stopped = 1;
    pt_snprintf(msg, size, "backup refused: %s; backups stop until the "
                "server is restarted (changes are served, not saved)", why);
  } else if (lv->save_tries < SAVE_TRIES) {
    lv->save_due = pt_clock_ns() + (uint64_t)lv->o.save_retry_ms * MS;
    if (lv->save_tries == 1)
      pt_snprintf(msg, size, "backup failed: %s; trying again every %u ms, "
                  "%d times at most", why, lv->o.save_retry_ms,
                  SAVE_TRIES - 1);
  } else {
    pt_snprintf(msg, size, "backup failed %d times: %s; the next change "
                "tries again", SAVE_TRIES, why);
  }
  pt_snprintf(lv->st.last_error, sizeof lv->st.last_error, "backup: %s", why);
}

/* Writes the backup now; on failure the reason goes to the status's
 * last_error (the thread's error is cleared) and the code is returned. */
static int save_now(pt_live *lv)
{
  char msg[512] = "";
  pt_mutex_lock(lv->update_mu);
  int rc = lv->cur ? pt_store_save(lv->o.store, lv->cur) : 0;
  pt_mutex_unlock(lv->update_mu);
  pt_mutex_lock(lv->mu);
  if (rc == 0) {
    lv->st.saves++;
    lv->st.last_save = time(NULL);
    lv->save_pending = 0;
    lv->save_tries = 0;
  } else {
    save_failed(lv, rc, msg, sizeof msg);
  }
  pt_mutex_unlock(lv->mu);
  if (rc && *msg && lv->o.log) {
    fprintf(lv->o.log, "[FileWatcher] %s\n", msg);
    fflush(lv->o.log);
  }
  if (rc)
    pt_error_clear();
  else if (lv->o.log) {
    fprintf(lv->o.log, "[FileWatcher] saved the index to %s\n",
            pt_store_name(lv->o.store));
    fflush(lv->o.log);
  }
  return rc;
}

static void on_event(const pt_watch_event *ev, void *payload)
{
  pt_live *lv = payload;
  pt_debounce_kind k = ev->kind == PT_WATCH_RESCAN    ? PT_DEBOUNCE_RESCAN
                       : ev->kind == PT_WATCH_REMOVED ? PT_DEBOUNCE_REMOVED
                                                      : PT_DEBOUNCE_CHANGED;
  pt_mutex_lock(lv->mu);
  lv->st.events_seen++;
  uint64_t now = pt_clock_ns();
  int rc = ev->is_final && !ev->is_dir
               ? pt_debounce_add_final(lv->deb, ev->path, k, now)
               : pt_debounce_add(lv->deb, ev->path, k, ev->is_dir, now);
  if (rc != 0) {
    /* out of memory: forget the held paths, rescan everything */
    pt_error_clear();
    pt_debounce_add(lv->deb, "", PT_DEBOUNCE_RESCAN, 1, pt_clock_ns());
    pt_error_clear();
  }
  pt_cond_signal(lv->wake);
  pt_mutex_unlock(lv->mu);
}

static void lv_idle(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  lv->busy = 0;
  pt_cond_broadcast(lv->fresh);
  pt_mutex_unlock(lv->mu);
}

/* The free pages the updates and saves since the last trim left go back
 * (2 to 10 ms on the several tree; a backup save's string ids and
 * SQLite's page cache, about 110 MB), changes quiet since trim_due; and
 * with them the arrays kept for the next patch (125 MB on the several
 * tree), which the next change makes again (remake_spares). */
static void trim_now(pt_live *lv)
{
  pt_mutex_lock(lv->update_mu);
  size_t dropped = lv->cur ? pt_graph_drop_spares(lv->cur) : 0;
  pt_mutex_unlock(lv->update_mu);
  pt_sys_heap_trim();
  pt_mutex_lock(lv->mu);
  lv->st.heap_trims++;
  lv->spares_dropped |= dropped > 0;
  lv->st.spares_dropped += dropped > 0;
  pt_mutex_unlock(lv->mu);
}

/* The arrays of the next patch, dropped by the quiet trim (trim_now), made
 * again as soon as a change is seen, on a thread of their own: beside the
 * change's debounce wait, parse and resolution, where made on this thread
 * before them they would put their making (125 MB on the several tree,
 * 50 to 100 ms) in front of the change; its patch waits for them only
 * where it takes them. Without a thread, made here. */
static void remake_spares(pt_live *lv)
{
  pt_mutex_lock(lv->update_mu);
  if (lv->cur && pt_graph_prepare_patch_start(lv->cur) == 0) {
    pt_mutex_lock(lv->mu);
    lv->st.spares_made++;
    pt_mutex_unlock(lv->mu);
  } else {
    pt_error_clear();
    make_spares(lv);
  }
  pt_mutex_unlock(lv->update_mu);
}

/* Under mu: whether a trim waits for trim_due (a backup save to come goes
 * first, since it frees more). */
static int trim_waits(const pt_live *lv)
{
  return lv->trim_pending && !(lv->save_pending && !lv->save_refused) &&
         (lv->st.paused || pt_debounce_pending(lv->deb) == 0);
}

/* Under mu: when the worker has something to do next without being told
 * (a held path falls due, a backup is due), or UINT64_MAX. Paused, held
 * paths wait for the resume; a backup waits for the held paths' update. */
static uint64_t next_due(const pt_live *lv)
{
  uint64_t due = lv->st.paused ? UINT64_MAX : pt_debounce_next_due(lv->deb);
  if (lv->save_pending && lv->save_due < due &&
      (lv->st.paused || pt_debounce_pending(lv->deb) == 0))
    due = lv->save_due;
  if (trim_waits(lv) && lv->trim_due < due)
    due = lv->trim_due;
  return due;
}

/* The files of a batch (finished, their paths settling) extracted ahead
 * of the patch that takes them: the update thread waits for the paths to
 * settle (10 ms after a rename or a close), and the patch then does not
 * parse them on its serial path (a heavy rename's parse was a tenth of
 * its update thread). The patch takes a result only for the bytes it
 * reads (ingest_ahead.c). */
static void extract_ahead(pt_live *lv, const pt_debounce_batch *b)
{
  pt_mutex_lock(lv->update_mu);
  pt_ingest_opts o = {lv->root, lv->o.n_threads, lv->o.max_file_size,
                      lv->o.skip, lv->o.n_skip, NULL, NULL, 0, lv->cache, 0};
  for (size_t i = 0; lv->cur && i < b->n_items; i++)
    if (pt_ingest_extract_ahead(&o, lv->cache, b->items[i].path) != 0)
      pt_error_clear(); /* out of memory: the patch extracts it */
  pt_mutex_unlock(lv->update_mu);
}

static void worker(void *payload)
{
  pt_live *lv = payload;
  pt_mutex_lock(lv->update_mu);
  compact_if_due(lv);
  prepare_patch(lv); /* the graph served from the start */
  pt_mutex_unlock(lv->update_mu);
  for (;;) {
    pt_debounce_batch b = {NULL, 0};
    pt_mutex_lock(lv->mu);
    int stop = lv->stop, run = !stop && !lv->st.paused;
    const char *scan = run && lv->scan_pending ? lv->scan_what : NULL;
    lv->scan_pending &= !scan;
    uint64_t now = pt_clock_ns();
    /* paused: events stay in the debounce until resume */
    int rc = run && !scan ? pt_debounce_take(lv->deb, now, &b) : 0;
    lv->busy = scan || b.n_items; /* pending until published */
    int save = !stop && lv->save_pending && now >= lv->save_due &&
               (lv->st.paused || pt_debounce_pending(lv->deb) == 0);
    int trim = !stop && !save && trim_waits(lv) && now >= lv->trim_due;
    lv->trim_pending &= !trim;
    /* a change seen (held, or taken when the thread came late) */
    int remake = !stop && !scan && !rc && lv->spares_dropped &&
                 !lv->st.paused &&
                 (b.n_items || pt_debounce_pending(lv->deb) > 0);
    lv->spares_dropped &= !remake;
    /* files finished (closed or moved there) while their paths settle */
    pt_debounce_batch ahead = {NULL, 0};
    if (run && !scan && !rc && !b.n_items && !save && !trim && !remake &&
        pt_debounce_ahead(lv->deb, &ahead) != 0)
      pt_error_clear(); /* out of memory: they are extracted in the patch */
    if (ahead.n_items) {
      pt_mutex_unlock(lv->mu);
      extract_ahead(lv, &ahead);
      pt_debounce_batch_fini(&ahead);
      continue;
    }
    if (!stop && !scan && !rc && !b.n_items && !save && !trim && !remake) {
      /* nothing to do: sleep until told or until the next due time (no
       * polling: an idle server uses no CPU) */
      pt_cond_wait_until(lv->wake, lv->mu, next_due(lv));
      lv->st.wakeups++;
      pt_mutex_unlock(lv->mu);
      continue;
    }
    pt_mutex_unlock(lv->mu);
    if (stop)
      break;
    if (remake)
      remake_spares(lv);
    if (scan)
      scan_now(lv, scan);
    else if (rc)
      set_error(lv, "debounce");
    else if (b.n_items)
      apply_batch(lv, &b);
    else if (save)
      save_now(lv);
    else if (trim)
      trim_now(lv);
    pt_debounce_batch_fini(&b);
    if (rc)
      pt_sleep_ms(10); /* out of memory: let it pass before trying again */
    lv_idle(lv);
  }
}

/* ---- life cycle ----------------------------------------------------------- */

int pt_live_new(const pt_live_opts *o, pt_live **out)
{
  if (!o || !o->root || !out)
    return PT_ERR(PT_EINVAL, "pt_live_new: NULL argument");
  pt_live *lv = pt_calloc(1, sizeof *lv);
  if (!lv)
    return PT_ERR(PT_ENOMEM, "out of memory");
  lv->o = *o;
  if (!lv->o.quiet_ms) lv->o.quiet_ms = 50;
  if (!lv->o.max_delay_ms) lv->o.max_delay_ms = 1000;
  if (!lv->o.settle_ms) lv->o.settle_ms = 10;
  if (!lv->o.save_delay_ms) lv->o.save_delay_ms = 1000;
  if (!lv->o.save_retry_ms) lv->o.save_retry_ms = 5000;
  if (!lv->o.trim_delay_ms) lv->o.trim_delay_ms = 5000;
  int rc = pt_fs_realpath(o->root, &lv->root);
  if (rc == 0 && o->n_skip &&
      !(lv->watch_skip = pt_calloc(o->n_skip, sizeof *lv->watch_skip)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  size_t rl = rc ? 0 : strlen(lv->root);
  for (size_t i = 0; rc == 0 && i < o->n_skip; i++) {
    const char *s = o->skip[i];
    if (strncmp(s, lv->root, rl) == 0 && s[rl] == '/' && s[rl + 1] &&
        !(lv->watch_skip[lv->n_watch_skip++] = pt_strdup(s + rl + 1)))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  }
  if (rc == 0) rc = pt_ingest_cache_new(&lv->cache);
  if (rc == 0) rc = pt_mutex_new(&lv->mu);
  if (rc == 0) rc = pt_mutex_new(&lv->update_mu);
  if (rc == 0) rc = pt_cond_new(&lv->wake);
  if (rc == 0) rc = pt_cond_new(&lv->fresh);
  if (rc == 0)
    rc = pt_debounce_new((uint64_t)lv->o.quiet_ms * MS,
                         (uint64_t)lv->o.max_delay_ms * MS, &lv->deb);
  if (rc == 0)
    pt_debounce_set_settle(lv->deb, (uint64_t)lv->o.settle_ms * MS);
  lv->st.root = lv->root;
  lv->st.backend = "";
  lv->generation = 1;
  lv->published = time(NULL);
  if (rc) {
    pt_live_free(lv);
    return rc;
  }
  *out = lv;
  return 0;
}

/* Under update_mu, once the worker starts or an update comes, after a
 * first index: the cache's results, each a copy of its file's entity code
 * and references, become ones that borrow the graph's strings, as a loaded
 * graph's seed makes them (the several tree's server once compacted:
 * 1,614 -> 1,253 to 1,298 MB). A cache left as it was serves the same. */
static void compact(pt_live *lv, const pt_graph *g)
{
  size_t n = 0;
  uint64_t t0 = pt_clock_ns();
  if (pt_ingest_cache_compact(lv->cache, g, &n) != 0) {
    pt_log(PT_LOG_WARN, "[FileWatcher] parse results kept as extracted: %s",
           pt_error_last()->message);
    pt_error_clear();
  }
  pt_sys_heap_trim();
  pt_mutex_lock(lv->mu);
  lv->st.files_compacted = n;
  pt_mutex_unlock(lv->mu);
  pt_log(PT_LOG_INFO, "[FileWatcher] %zu of %zu files' parse results kept "
         "as the graph's (%.0f ms)", n, pt_graph_n_files(g),
         (double)(pt_clock_ns() - t0) / 1e6);
}

int pt_live_index(pt_live *lv, const pt_graph **out, pt_ingest_stats *stats)
{
  pt_ingest_opts o = {lv->root, lv->o.n_threads, lv->o.max_file_size,
                      lv->o.skip, lv->o.n_skip, lv->o.progress,
                      lv->o.progress_payload, 0, lv->cache, 0};
  pt_graph *g = NULL;
  pt_mutex_lock(lv->update_mu);
  int rc = pt_ingest(&o, &g, stats);
  if (rc == 0) {
    write_through(lv, NULL, g);
    publish(lv, g);
    *out = g;
    lv->to_compact = g;
  }
  pt_mutex_unlock(lv->update_mu);
  return rc;
}

/* Under update_mu: the adopted graph's files go into the empty cache, so
 * the first update parses only the files that changed since the graph was
 * made. Without it (an index of an older format, out of memory) that
 * update parses everything, as a first index does. The graph is still
 * the current one: only an update replaces it. */
static void seed(pt_live *lv, const pt_graph *g)
{
  size_t n = 0;
  uint64_t t0 = pt_clock_ns();
  if (pt_ingest_cache_seed(lv->cache, g, &n) != 0) {
    pt_log(PT_LOG_WARN, "[FileWatcher] cannot reuse the loaded index: %s; "
           "the first update parses every file", pt_error_last()->message);
    pt_error_clear();
  }
  pt_log(PT_LOG_INFO, "[FileWatcher] %zu of %zu files of the loaded index "
         "reusable without parsing (%.0f ms)", n, pt_graph_n_files(g),
         (double)(pt_clock_ns() - t0) / 1e6);
  pt_mutex_lock(lv->mu);
  lv->st.files_seeded = n;
  pt_mutex_unlock(lv->mu);
}

void pt_live_adopt_as_is(pt_live *lv, const pt_graph *g)
{
  pt_mutex_lock(lv->update_mu);
  lv->cur = g;
  lv->to_seed = g;
  pt_mutex_unlock(lv->update_mu);
}

void pt_live_adopt(pt_live *lv, const pt_graph *g)
{
  pt_mutex_lock(lv->update_mu);
  lv->cur = g;
  lv->to_seed = g;
  pt_mutex_lock(lv->mu);
  lv->scan_pending = 1;
  lv->scan_what = "initial scan";
  pt_cond_signal(lv->wake);
  pt_mutex_unlock(lv->mu);
  pt_mutex_unlock(lv->update_mu);
}

void pt_live_pause(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  lv->st.paused = 1;
  pt_mutex_unlock(lv->mu);
  /* an update under way ends; every later one checks the flag under
   * update_mu first */
  pt_mutex_lock(lv->update_mu);
  pt_mutex_unlock(lv->update_mu);
}

void pt_live_resume(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  lv->st.paused = 0;
  pt_cond_signal(lv->wake); /* the held changes are due */
  pt_mutex_unlock(lv->mu);
}

/* Takes the watcher out of reach of the status under mu, then stops it
 * outside mu (its last callbacks take mu). */
static void stop_watcher(pt_live *lv)
{
  pt_mutex_lock(lv->mu);
  pt_watch *w = lv->watch;
  lv->watch = NULL;
  lv->st.watch_running = 0;
  pt_mutex_unlock(lv->mu);
  pt_watch_stop(w);
}

/* Once: its events wait in the debounce until the worker runs. */
void pt_live_watch(pt_live *lv)
{
  pt_watch *w = NULL;
  pt_mutex_lock(lv->mu);
  lv->st.watch_enabled = 1;
  int has = lv->watch != NULL;
  pt_mutex_unlock(lv->mu);
  if (has)
    return;
  pt_watch_opts wo = {lv->root, (const char *const *)lv->watch_skip,
                      lv->n_watch_skip, 0};
  if (pt_watch_start(&wo, on_event, lv, &w) != 0) {
    set_error(lv, "watcher start");
    w = NULL;
  }
  /* the status is read by the server's threads: lv->watch changes under mu */
  pt_mutex_lock(lv->mu);
  lv->watch = w;
  lv->st.watch_running = w != NULL;
  pt_mutex_unlock(lv->mu);
}

int pt_live_start(pt_live *lv, int watch)
{
  if (watch) {
    pt_live_watch(lv);
  } else {
    stop_watcher(lv); /* one pt_live_watch started */
    pt_mutex_lock(lv->mu);
    lv->st.watch_enabled = 0;
    pt_mutex_unlock(lv->mu);
  }
  int rc = pt_thread_start(worker, lv, &lv->thread);
  if (rc) {
    stop_watcher(lv);
    return rc;
  }
  /* from here reindex requests run: what the caller set up before this
   * call (the publisher's target) is seen by them through update_mu */
  pt_mutex_lock(lv->update_mu);
  lv->started = 1;
  pt_mutex_unlock(lv->update_mu);
  return 0;
}

int pt_live_reindex(pt_live *lv, const char *rel, pt_live_delta *d)
{
  memset(d, 0, sizeof *d);
  pt_mutex_lock(lv->update_mu);
  int rc = lv->closed     ? PT_ERR(PT_EBUSY, "the server is shutting down")
           : !lv->started ? PT_ERR(PT_EBUSY, "the live index is starting")
           : is_paused(lv)
               ? PT_ERR(PT_EBUSY, "re-indexing is paused (resume the "
                                  "service to update the index)")
               : 0;
  if (rc == 0) {
    seed_if_due(lv);
    rc = pt_ingest_cache_mark_dirty(lv->cache, rel);
  }
  if (rc == 0) {
    char what[160];
    pt_snprintf(what, sizeof what, "reindex request for %s", rel);
    rc = run_update(lv, what, rel, d);
  }
  if (rc != 0 && !pt_error_last()->message[0]) {
    /* set_error moved the message to the status: the caller needs it */
    pt_mutex_lock(lv->mu);
    PT_ERR(rc, "%s", lv->st.last_error);
    pt_mutex_unlock(lv->mu);
  }
  pt_mutex_unlock(lv->update_mu);
  return rc;
}

const char *pt_live_root(const pt_live *lv)
{
  return lv->root;
}

const pt_graph *pt_live_graph(const pt_live *lv)
{
  return lv->cur;
}

void pt_live_get_status(pt_live *lv, pt_live_status *out)
{
  pt_mutex_lock(lv->mu);
  *out = lv->st;
  out->pending = pt_debounce_pending(lv->deb);
  out->waiters = (unsigned)lv->n_waiters;
  out->backend = lv->watch ? pt_watch_backend(lv->watch) : "";
  pt_mutex_unlock(lv->mu);
}

void pt_live_get_freshness(pt_live *lv, pt_live_freshness *out)
{
  pt_mutex_lock(lv->mu);
  out->generation = lv->generation;
  out->published = lv->published;
  out->last_update = lv->st.last_update;
  out->pending = pt_debounce_pending(lv->deb) + (size_t)lv->scan_pending +
                 (size_t)lv->busy;
  out->watching = lv->watch != NULL;
  out->paused = lv->st.paused;
  pt_mutex_unlock(lv->mu);
}

int pt_live_wait_fresh(pt_live *lv, unsigned timeout_ms, unsigned max_waiters,
                       pt_live_freshness *out)
{
  pt_mutex_lock(lv->mu);
  int full = lv->n_waiters >= (int)max_waiters;
  lv->n_waiters += !full;
  pt_mutex_unlock(lv->mu);
  if (full)
    return PT_ERR(PT_EBUSY, "%u requests already wait for the index: try "
                  "again in a moment", max_waiters);
  uint64_t end = pt_clock_ns() + (uint64_t)timeout_ms * MS;
  for (;;) {
    pt_live_get_freshness(lv, out);
    if (out->pending == 0 || pt_clock_ns() >= end)
      break;
    /* the worker wakes the waiters whenever it goes idle */
    pt_mutex_lock(lv->mu);
    if (lv->busy + pt_debounce_pending(lv->deb) + (size_t)lv->scan_pending)
      pt_cond_wait_until(lv->fresh, lv->mu, end);
    pt_mutex_unlock(lv->mu);
  }
  pt_mutex_lock(lv->mu);
  lv->n_waiters--;
  pt_mutex_unlock(lv->mu);
  return 0;
}

uint64_t pt_live_wait_failed_saves(pt_live *lv, uint64_t seen)
{
  pt_mutex_lock(lv->mu);
  while (!lv->stop && lv->st.failed_saves == seen)
    pt_cond_wait(lv->fresh, lv->mu);
  uint64_t n = lv->st.failed_saves;
  pt_mutex_unlock(lv->mu);
  return n;
}

int pt_live_stop(pt_live *lv)
{
  if (!lv || !lv->mu || !lv->update_mu || !lv->wake || !lv->fresh)
    return 0; /* never fully made: nothing runs */
  if (lv->stopped)
    return 0; /* the current graph may be gone: never touch it again */
  lv->stopped = 1;
  stop_watcher(lv); /* no event after this */
  pt_mutex_lock(lv->mu);
  lv->stop = 1;
  pt_cond_signal(lv->wake);
  pt_cond_broadcast(lv->fresh);
  pt_mutex_unlock(lv->mu);
  if (lv->thread)
    pt_thread_join(lv->thread);
  lv->thread = NULL;
  pt_mutex_lock(lv->update_mu);
  lv->closed = 1;
  pt_mutex_unlock(lv->update_mu);
  int rc = 0;
  /* a refused backup is not tried again: the reason is in last_error */
  if (lv->save_pending && lv->o.store &&
      (lv->save_refused || save_now(lv) != 0)) {
    pt_mutex_lock(lv->mu); /* the last changes could not reach the disk */
    rc = PT_ERR(PT_EIO, "the last changes were not saved: %s",
                lv->st.last_error);
    pt_mutex_unlock(lv->mu);
  }
  pt_mutex_lock(lv->update_mu);
  lv->cur = lv->owned; /* a published graph is its owner's from now on */
  pt_mutex_unlock(lv->update_mu);
  return rc;
}

void pt_live_free(pt_live *lv)
{
  if (!lv)
    return;
  pt_live_stop(lv);
  pt_debounce_free(lv->deb);
  pt_ingest_cache_free(lv->cache);
  pt_mutex_free(lv->mu);
  pt_mutex_free(lv->update_mu);
  pt_cond_free(lv->wake);
  pt_cond_free(lv->fresh);
  for (size_t i = 0; i < lv->n_watch_skip; i++)
    pt_free(lv->watch_skip[i]);
  pt_free(lv->watch_skip);
  pt_graph_free(lv->owned);
  pt_free(lv->root);
  pt_free(lv);
}
