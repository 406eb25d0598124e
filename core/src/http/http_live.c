/* The live-index routes: POST /incremental-reindex-file-update (one file
 * now, confined to the indexed root), GET /file-watcher-status-check
 * (the watcher's state and true counters) and GET /wait-for-fresh. */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/lang.h"
#include "pt/live.h"
#include "pt/live_path.h"
#include "pt/sys/defaults.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"

/* "2026-11-25T23:10:57Z" from seconds since the epoch (thread-safe, unlike
 * gmtime): Howard Hinnant's civil-from-days. */
static void utc_text(time_t t, char out[64])
{
  long long s = (long long)t, days = s / 86400, rem = s % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(out, 64, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y + (m <= 2), m, d,
           rem / 3600, rem / 60 % 60, rem % 60);
}

int pt__h_watcher(pt_req *r)
{
  pt_live_status st;
  memset(&st, 0, sizeof st);
  if (r->st->live)
    pt_live_get_status(r->st->live, &st);
  size_t n_ext = 0;
  while (pt_lang_extension_at(n_ext))
    n_ext++;
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "file_watching_enabled_flag");
  pt_json_bool(j, st.watch_enabled);
  pt_json_key(j, "watcher_currently_running_flag");
  pt_json_bool(j, st.watch_running);
  pt_json_key(j, "watch_directory_path_value");
  pt_json_str(j, st.root);
  pt_json_key(j, "watcher_backend_name");
  pt_json_str(j, st.watch_running ? st.backend : NULL);
  pt_json_key(j, "watched_extensions_list_vec");
  pt_json_arr(j);
  for (size_t i = 0; i < n_ext; i++)
    pt_json_str(j, pt_lang_extension_at(i));
  pt_json_arr_end(j);
  pt_json_key(j, "events_processed_total_count");
  pt_json_uint(j, st.events_seen);
  pt_json_key(j, "files_reindexed_total_count");
  pt_json_uint(j, st.files_reindexed);
  pt_json_key(j, "files_removed_total_count");
  pt_json_uint(j, st.files_removed);
  pt_json_key(j, "index_updates_total_count");
  pt_json_uint(j, st.updates);
  pt_json_key(j, "index_patches_total_count");
  pt_json_uint(j, st.patches);
  pt_json_key(j, "store_writes_total_count");
  pt_json_uint(j, st.saves);
  pt_json_key(j, "store_writes_stopped");
  pt_json_bool(j, st.saves_stopped);
  pt_json_key(j, "pending_paths_count");
  pt_json_uint(j, st.pending);
  pt_json_key(j, "last_update_time_utc");
  char when[64];
  if (st.last_update) {
    utc_text(st.last_update, when);
    pt_json_str(j, when);
  } else {
    pt_json_null(j);
  }
  pt_json_key(j, "error_message_value_option");
  pt_json_str(j, st.last_error[0] ? st.last_error : NULL);
  pt_json_key(j, "status_message_text_value");
  char msg[640];
  if (!r->st->live)
    snprintf(msg, sizeof msg, "No live index: the server does not know the "
             "indexed folder (start it with --root DIR).");
  else if (st.watch_running)
    snprintf(msg, sizeof msg, "File watcher is running (%s). Monitoring %zu "
             "extensions in %s. %llu events processed, %llu files reindexed, "
             "%llu removed.", st.backend, n_ext, st.root,
             (unsigned long long)st.events_seen,
             (unsigned long long)st.files_reindexed,
             (unsigned long long)st.files_removed);
  else if (!st.watch_enabled)
    snprintf(msg, sizeof msg, "File watching is disabled (--no-watch); POST "
             "/incremental-reindex-file-update still updates the index.");
  else
    snprintf(msg, sizeof msg, "File watcher failed to start: %s",
             st.last_error[0] ? st.last_error : "unknown error");
  pt_json_str(j, msg);
  pt__resp_end(r);
  return 0;
}

/* ---- POST /incremental-reindex-file-update ------------------------------- */

static int reply_delta(pt_req *r, const char *rel, const pt_live_delta *d)
{
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "file_path");
  pt_json_str(j, rel);
  pt_json_key(j, "file_in_index");
  pt_json_bool(j, d->in_index_after);
  pt_json_key(j, "entities_before");
  pt_json_uint(j, d->entities_before);
  pt_json_key(j, "entities_after");
  pt_json_uint(j, d->entities_after);
  pt_json_key(j, "entities_added");
  pt_json_uint(j, d->entities_added);
  pt_json_key(j, "entities_removed");
  pt_json_uint(j, d->entities_removed);
  pt_json_key(j, "entities_modified");
  pt_json_uint(j, d->entities_modified);
  pt_json_key(j, "edges_added");
  pt_json_uint(j, d->edges_added);
  pt_json_key(j, "edges_removed");
  pt_json_uint(j, d->edges_removed);
  pt_json_key(j, "hash_changed");
  pt_json_bool(j, d->hash_changed);
  pt_json_key(j, "processing_time_ms"); /* whole ms, as the earlier tool */
  pt_json_uint(j, (d->elapsed_ns + 500000) / 1000000);
  pt__resp_end(r);
  return 0;
}

/* Refuses a path that fails pt_live_path_check, naming why. */
static int refuse(pt_req *r, const char *given, const char *root,
                  pt_live_path_verdict v)
{
  switch (v) {
  case PT_LIVE_PATH_DOTDOT:
    return pt__resp_error(r, 403, "Path '%s' leaves the indexed root %s "
                          "('..' is not allowed)", given, root);
  case PT_LIVE_PATH_OUTSIDE:
    return pt__resp_error(r, 403, "Path '%s' is outside the indexed root %s",
                          given, root);
  case PT_LIVE_PATH_LINK_OUT:
    return pt__resp_error(r, 403, "Path '%s' resolves outside the indexed "
                          "root %s (symbolic link)", given, root);
  case PT_LIVE_PATH_RESERVED:
    return pt__resp_error(r, 403, "Path '%s' is not a plain file name here "
                          "(a device name, a stream, a trailing dot or "
                          "space, or a character Windows refuses)", given);
  default:
    return pt__resp_error(r, 400, "Path is not a file: %s (the indexed root)",
                          given);
  }
}

/* Checks the path (nothing is read before it passes) and reindexes it. */
static int reindex(pt_req *r, pt_live *lv, const char *given, pt_buf *full)
{
  const char *root = pt_live_root(lv), *rel = NULL;
  pt_live_path_verdict v;
  int rc = pt_live_path_check(root, given, pt_defaults_windows_names(), full,
                              &rel, &v);
  if (rc != 0)
    return rc;
  if (v != PT_LIVE_PATH_OK)
    return refuse(r, given, root, v);
  pt_fs_stat fst;
  rc = pt_fs_stat_path(full->ptr, &fst);
  if (rc == 0 && fst.type == PT_FS_DIR)
    return pt__resp_error(r, 400, "Path is not a file: %s", given);
  if (rc == PT_ENOTFOUND && !pt_graph_find_file(r->st->g, rel))
    return pt__resp_error(r, 404, "File not found: %s", given);
  if (rc && rc != PT_ENOTFOUND)
    return pt__resp_error(r, 500, "Failed to read file: %s",
                          pt_error_last()->message);
  pt_error_clear();
  pt_live_delta d;
  rc = pt_live_reindex(lv, rel, &d);
  if (rc == PT_ENOMEM)
    return rc;
  if (rc == PT_EBUSY)
    return pt__resp_error(r, 503, "%s", pt_error_last()->message);
  if (rc)
    return pt__resp_error(r, 500, "Reindex failed: %s", pt_error_last()->message);
  return reply_delta(r, rel, &d);
}

int pt__h_reindex(pt_req *r)
{
  const char *given;
  if (pt__req_required(r, "path", &given) != 0)
    return 0;
  if (!r->st->live)
    return pt__resp_error(r, 503, "No live index: the server does not know "
                          "the indexed folder (start it with --root DIR)");
  pt_buf full = PT_BUF_INIT;
  int rc = reindex(r, r->st->live, given, &full);
  pt_buf_fini(&full);
  return rc;
}

/* GET /wait-for-fresh: returns once no change is pending (the graph served
 * from then on has them all), or when timeout_ms has passed, saying so. A
 * waiting request holds one of the server's threads, so at most half of
 * them (one per two processors, at least one) wait at once. */
int pt__h_wait_fresh(pt_req *r)
{
  uint64_t timeout;
  pt_live_freshness f = {r->st->generation, (time_t)r->st->published, 0, 0,
                         0, 0};
  if (pt__req_uint(r, "timeout_ms", PT_LIVE_WAIT_DEFAULT_MS,
                   PT_LIVE_WAIT_MAX_MS,
                   &timeout))
    return PT_EINVAL;
  uint64_t t0 = pt_clock_ns();
  unsigned waiters = pt_cpu_count() / 2 ? pt_cpu_count() / 2 : 1;
  if (r->st->live &&
      pt_live_wait_fresh(r->st->live, (unsigned)timeout, waiters, &f) != 0) {
    char msg[256];
    pt_snprintf(msg, sizeof msg, "%s", pt_error_last()->message);
    pt_error_clear();
    return pt__resp_error(r, 503, "%s", msg);
  }
  r->index_now = &f;
  pt_json *j = &r->json;
  pt__resp_begin(r);
  pt_json_key(j, "fresh");
  pt_json_bool(j, f.pending == 0);
  pt_json_key(j, "timed_out");
  pt_json_bool(j, f.pending > 0);
  pt_json_key(j, "waited_ms");
  pt_json_uint(j, (pt_clock_ns() - t0) / 1000000u);
  pt_json_key(j, "generation");
  pt_json_uint(j, f.generation);
  pt_json_key(j, "updated_unix");
  pt_json_int(j, (int64_t)f.published);
  pt_json_key(j, "pending_changes_count");
  pt_json_uint(j, f.pending);
  pt_json_key(j, "watching");
  pt_json_bool(j, f.watching);
  pt_json_key(j, "paused");
  pt_json_bool(j, f.paused);
  pt__resp_end(r);
  return 0;
}
