/* Debouncing and coalescing of file events for the live index. Editors
 * save through temporary files and renames, builds touch many files at
 * once: events are held per path until the path has been quiet for a
 * while, and only its last state counts. Pure logic on a caller-supplied
 * clock, so it is tested with a fake one; not thread-safe (one owner). */
#ifndef PT_DEBOUNCE_H
#define PT_DEBOUNCE_H

#include <stddef.h>
#include <stdint.h>

typedef enum pt_debounce_kind {
  PT_DEBOUNCE_CHANGED,   /* created or modified: reindex the path */
  PT_DEBOUNCE_REMOVED,   /* deleted or renamed away: drop the path */
  PT_DEBOUNCE_RESCAN     /* events were lost: rescan the whole root */
} pt_debounce_kind;

typedef struct pt_debounce_item {
  char *path;            /* owned by the batch; "" for RESCAN */
  pt_debounce_kind kind;
  int is_dir;
  unsigned n_events;     /* how many events this item coalesced */
} pt_debounce_item;

typedef struct pt_debounce_batch {
  pt_debounce_item *items; /* owned; in path order, a RESCAN alone */
  size_t n_items;
} pt_debounce_batch;

typedef struct pt_debounce pt_debounce;

/* quiet_ns: a path is released once it has had no event for this long;
 * max_delay_ns: ... or once its first held event is this old, so a file
 * written continuously is still indexed. */
int pt_debounce_new(uint64_t quiet_ns, uint64_t max_delay_ns, pt_debounce **out);
void pt_debounce_free(pt_debounce *d);
/* settle_ns (at most quiet_ns, which it is until set): how long a path
 * whose last event was final (pt_debounce_add_final) must be quiet. */
void pt_debounce_set_settle(pt_debounce *d, uint64_t settle_ns);

/* Records an event at time now. A later event for the same path replaces
 * its kind (the last state counts); a RESCAN replaces everything held. */
int pt_debounce_add(pt_debounce *d, const char *path, pt_debounce_kind kind,
                    int is_dir, uint64_t now);
/* The same for an event after which the file is complete (its writer
 * closed it, or it was moved or deleted): held while it is the path's
 * last event, the path is due after settle_ns of quiet instead of
 * quiet_ns; a later ordinary event (more writes) puts it back on
 * quiet_ns. */
int pt_debounce_add_final(pt_debounce *d, const char *path,
                          pt_debounce_kind kind, uint64_t now);
/* Copies into *out (empty when none), in path order, the held files
 * whose last event was final and changed them (written and closed, or
 * moved there) that no earlier call gave since that event: files whose
 * contents are settled, which the caller may read ahead of their update
 * (the live index extracts them while they wait). They stay held. None
 * while a RESCAN is held. */
int pt_debounce_ahead(pt_debounce *d, pt_debounce_batch *out);
/* Moves the paths that are due at `now` into *out (empty when none). */
int pt_debounce_take(pt_debounce *d, uint64_t now, pt_debounce_batch *out);
void pt_debounce_batch_fini(pt_debounce_batch *b);
/* When the next held path falls due, or UINT64_MAX when nothing is held. */
uint64_t pt_debounce_next_due(const pt_debounce *d);
/* Paths held now. */
size_t pt_debounce_pending(const pt_debounce *d);

#endif
