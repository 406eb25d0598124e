/* Debouncing and coalescing of file events, on a fake clock. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/debounce.h"
#include "pt/error.h"
#include "test_support.h"

#define MS 1000000ull

static pt_debounce *d;

static int setup(void **state)
{
  return pt_debounce_new(50 * MS, 250 * MS, &d);
}

static int teardown(void **state)
{
  pt_debounce_free(d);
  d = NULL;
  return 0;
}

static void debounce__holds_a_path_until_it_is_quiet(void **state)
{
  pt_debounce_batch b;
  assert_int_equal(pt_debounce_add(d, "src/a.c", PT_DEBOUNCE_CHANGED, 0, 1000 * MS), 0);
  assert_int_equal(pt_debounce_take(d, 1049 * MS, &b), 0);
  assert_int_equal(b.n_items, 0);
  assert_int_equal(pt_debounce_next_due(d), 1050 * MS);
  assert_int_equal(pt_debounce_take(d, 1050 * MS, &b), 0);
  assert_int_equal(b.n_items, 1);
  assert_string_equal(b.items[0].path, "src/a.c");
  assert_int_equal(b.items[0].kind, PT_DEBOUNCE_CHANGED);
  pt_debounce_batch_fini(&b);
  assert_int_equal(pt_debounce_pending(d), 0);
  assert_int_equal(pt_debounce_next_due(d), UINT64_MAX);
}

/* An editor's save: write, then remove and rename over it. */
static void debounce__coalesces_a_burst_and_keeps_the_last_state(void **state)
{
  pt_debounce_batch b;
  pt_debounce_add(d, "a.py", PT_DEBOUNCE_CHANGED, 0, 0);
  pt_debounce_add(d, "a.py", PT_DEBOUNCE_REMOVED, 0, 10 * MS);
  pt_debounce_add(d, "a.py", PT_DEBOUNCE_CHANGED, 0, 20 * MS);
  pt_debounce_add(d, "b.py", PT_DEBOUNCE_CHANGED, 0, 20 * MS);
  pt_debounce_add(d, "b.py", PT_DEBOUNCE_REMOVED, 0, 30 * MS);
  assert_int_equal(pt_debounce_pending(d), 2);
  assert_int_equal(pt_debounce_take(d, 100 * MS, &b), 0);
  assert_int_equal(b.n_items, 2);
  assert_string_equal(b.items[0].path, "a.py");
  assert_int_equal(b.items[0].kind, PT_DEBOUNCE_CHANGED);
  assert_int_equal(b.items[0].n_events, 3);
  assert_string_equal(b.items[1].path, "b.py");
  assert_int_equal(b.items[1].kind, PT_DEBOUNCE_REMOVED);
  pt_debounce_batch_fini(&b);
}

static void debounce__releases_a_busy_path_after_the_maximum_delay(void **state)
{
  pt_debounce_batch b;
  uint64_t t = 0;
  for (; t < 250 * MS; t += 20 * MS) {
    pt_debounce_add(d, "log.c", PT_DEBOUNCE_CHANGED, 0, t);
    assert_int_equal(pt_debounce_take(d, t, &b), 0);
    assert_int_equal(b.n_items, 0);
  }
  pt_debounce_add(d, "log.c", PT_DEBOUNCE_CHANGED, 0, t);
  assert_int_equal(pt_debounce_take(d, t, &b), 0);
  assert_int_equal(b.n_items, 1);
  pt_debounce_batch_fini(&b);
}

static void debounce__releases_due_paths_in_path_order_and_keeps_the_rest(void **state)
{
  pt_debounce_batch b;
  pt_debounce_add(d, "z.go", PT_DEBOUNCE_CHANGED, 0, 0);
  pt_debounce_add(d, "a.go", PT_DEBOUNCE_CHANGED, 0, 0);
  pt_debounce_add(d, "m.go", PT_DEBOUNCE_CHANGED, 0, 0);
  pt_debounce_add(d, "late.go", PT_DEBOUNCE_CHANGED, 0, 40 * MS);
  assert_int_equal(pt_debounce_take(d, 60 * MS, &b), 0);
  assert_int_equal(b.n_items, 3);
  assert_string_equal(b.items[0].path, "a.go");
  assert_string_equal(b.items[1].path, "m.go");
  assert_string_equal(b.items[2].path, "z.go");
  pt_debounce_batch_fini(&b);
  assert_int_equal(pt_debounce_pending(d), 1);
  assert_int_equal(pt_debounce_next_due(d), 90 * MS);
  /* a released path that changes again is held afresh */
  pt_debounce_add(d, "a.go", PT_DEBOUNCE_REMOVED, 0, 70 * MS);
  assert_int_equal(pt_debounce_take(d, 120 * MS, &b), 0);
  assert_int_equal(b.n_items, 2);
  assert_string_equal(b.items[0].path, "a.go");
  assert_int_equal(b.items[0].kind, PT_DEBOUNCE_REMOVED);
  assert_string_equal(b.items[1].path, "late.go");
  pt_debounce_batch_fini(&b);
}

static void debounce__rescan_replaces_everything_held(void **state)
{
  pt_debounce_batch b;
  pt_debounce_add(d, "a.rs", PT_DEBOUNCE_CHANGED, 0, 0);
  pt_debounce_add(d, "", PT_DEBOUNCE_RESCAN, 1, 10 * MS);
  pt_debounce_add(d, "b.rs", PT_DEBOUNCE_CHANGED, 0, 20 * MS);
  assert_int_equal(pt_debounce_pending(d), 1);
  assert_int_equal(pt_debounce_take(d, 70 * MS, &b), 0);
  assert_int_equal(b.n_items, 1);
  assert_int_equal(b.items[0].kind, PT_DEBOUNCE_RESCAN);
  assert_int_equal(b.items[0].n_events, 2);
  pt_debounce_batch_fini(&b);
  assert_int_equal(pt_debounce_pending(d), 0);
}

static void debounce__out_of_memory_is_returned_not_crashed(void **state)
{
  for (unsigned long n = 1; n < 40; n++) {
    pt_debounce *x = NULL;
    pt_debounce_batch b = {NULL, 0};
    pt_alloc_fail_after(n);
    int rc = pt_debounce_new(MS, MS, &x);
    if (rc == 0) rc = pt_debounce_add(x, "a", PT_DEBOUNCE_CHANGED, 0, 0);
    if (rc == 0) rc = pt_debounce_add(x, "b", PT_DEBOUNCE_CHANGED, 0, 0);
    if (rc == 0) rc = pt_debounce_take(x, 10 * MS, &b);
    pt_alloc_fail_after(0);
    assert_true(rc == 0 || rc == PT_ENOMEM);
    pt_debounce_batch_fini(&b);
    pt_debounce_free(x);
    pt_error_clear();
  }
}

/* A path whose last event was final (its writer closed it, or it moved or
 * went) is due after the settle time instead of the quiet time. */
static void debounce__final_event_is_due_after_the_settle_time(void **state)
{
  pt_debounce_batch b;
  pt_debounce_set_settle(d, 10 * MS);
  assert_int_equal(pt_debounce_add(d, "a.c", PT_DEBOUNCE_CHANGED, 0, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add_final(d, "a.c", PT_DEBOUNCE_CHANGED, 1002 * MS), 0);
  assert_int_equal(pt_debounce_next_due(d), 1012 * MS);
  assert_int_equal(pt_debounce_take(d, 1011 * MS, &b), 0);
  assert_int_equal(b.n_items, 0);
  assert_int_equal(pt_debounce_take(d, 1012 * MS, &b), 0);
  assert_int_equal(b.n_items, 1);
  assert_string_equal(b.items[0].path, "a.c");
  assert_int_equal(b.items[0].n_events, 2);
  pt_debounce_batch_fini(&b);
}

/* A rename's two paths, both final, leave in one batch. */
static void debounce__renamed_paths_settle_together(void **state)
{
  pt_debounce_batch b;
  pt_debounce_set_settle(d, 10 * MS);
  assert_int_equal(pt_debounce_add_final(d, "a.c", PT_DEBOUNCE_REMOVED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add_final(d, "b.c", PT_DEBOUNCE_CHANGED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_take(d, 1010 * MS, &b), 0);
  assert_int_equal(b.n_items, 2);
  assert_int_equal(b.items[0].kind, PT_DEBOUNCE_REMOVED);
  assert_int_equal(b.items[1].kind, PT_DEBOUNCE_CHANGED);
  pt_debounce_batch_fini(&b);
}

/* More writes after a close: the path waits the quiet time again. */
static void debounce__a_write_after_a_final_event_waits_the_quiet_time(void **state)
{
  pt_debounce_batch b;
  pt_debounce_set_settle(d, 10 * MS);
  assert_int_equal(pt_debounce_add_final(d, "a.c", PT_DEBOUNCE_CHANGED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add(d, "a.c", PT_DEBOUNCE_CHANGED, 0, 1005 * MS), 0);
  assert_int_equal(pt_debounce_take(d, 1015 * MS, &b), 0);
  assert_int_equal(b.n_items, 0);
  assert_int_equal(pt_debounce_next_due(d), 1055 * MS);
  assert_int_equal(pt_debounce_take(d, 1055 * MS, &b), 0);
  assert_int_equal(b.n_items, 1);
  pt_debounce_batch_fini(&b);
}

/* Without a settle time set, a final event waits the quiet time too. */
/* A held file whose last event was final and changed it (written and
 * closed, or moved there) is given once to be extracted ahead of its
 * update; not one removed, still being written, or a folder; given again
 * after a new final event, and the ones given stay held until due. */
static void debounce__gives_finished_files_ahead_once(void **state)
{
  pt_debounce_batch a, b;
  pt_debounce_set_settle(d, 10 * MS);
  assert_int_equal(pt_debounce_add_final(d, "src/new.py", PT_DEBOUNCE_CHANGED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add_final(d, "src/old.py", PT_DEBOUNCE_REMOVED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add(d, "src/busy.c", PT_DEBOUNCE_CHANGED, 0, 1000 * MS), 0);
  assert_int_equal(pt_debounce_add(d, "src/dir", PT_DEBOUNCE_CHANGED, 1, 1000 * MS), 0);
  assert_int_equal(pt_debounce_ahead(d, &a), 0);
  assert_int_equal(a.n_items, 1);
  assert_string_equal(a.items[0].path, "src/new.py");
  assert_int_equal(a.items[0].kind, PT_DEBOUNCE_CHANGED);
  pt_debounce_batch_fini(&a);
  assert_int_equal(pt_debounce_ahead(d, &a), 0);
  assert_int_equal(a.n_items, 0); /* once */
  assert_int_equal(pt_debounce_pending(d), 4);
  /* written again and closed: given again; the busy one closed: given */
  assert_int_equal(pt_debounce_add_final(d, "src/new.py", PT_DEBOUNCE_CHANGED, 1005 * MS), 0);
  assert_int_equal(pt_debounce_add_final(d, "src/busy.c", PT_DEBOUNCE_CHANGED, 1005 * MS), 0);
  assert_int_equal(pt_debounce_ahead(d, &a), 0);
  assert_int_equal(a.n_items, 2);
  assert_string_equal(a.items[0].path, "src/busy.c");
  assert_string_equal(a.items[1].path, "src/new.py");
  pt_debounce_batch_fini(&a);
  /* written once more without a close: not given until closed */
  assert_int_equal(pt_debounce_add(d, "src/new.py", PT_DEBOUNCE_CHANGED, 0, 1006 * MS), 0);
  assert_int_equal(pt_debounce_ahead(d, &a), 0);
  assert_int_equal(a.n_items, 0);
  assert_int_equal(pt_debounce_take(d, 1015 * MS, &b), 0);
  assert_int_equal(b.n_items, 2); /* old.py and busy.c, settled */
  pt_debounce_batch_fini(&b);
  /* a rescan held: nothing is given */
  assert_int_equal(pt_debounce_add(d, "", PT_DEBOUNCE_RESCAN, 1, 1020 * MS), 0);
  assert_int_equal(pt_debounce_add_final(d, "src/c.py", PT_DEBOUNCE_CHANGED, 1020 * MS), 0);
  assert_int_equal(pt_debounce_ahead(d, &a), 0);
  assert_int_equal(a.n_items, 0);
}

static void debounce__settle_defaults_to_the_quiet_time(void **state)
{
  pt_debounce_batch b;
  assert_int_equal(pt_debounce_add_final(d, "a.c", PT_DEBOUNCE_CHANGED, 1000 * MS), 0);
  assert_int_equal(pt_debounce_take(d, 1049 * MS, &b), 0);
  assert_int_equal(b.n_items, 0);
  assert_int_equal(pt_debounce_take(d, 1050 * MS, &b), 0);
  assert_int_equal(b.n_items, 1);
  pt_debounce_batch_fini(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(debounce__final_event_is_due_after_the_settle_time, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__renamed_paths_settle_together, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__a_write_after_a_final_event_waits_the_quiet_time, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__settle_defaults_to_the_quiet_time, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__gives_finished_files_ahead_once, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__holds_a_path_until_it_is_quiet, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__coalesces_a_burst_and_keeps_the_last_state, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__releases_a_busy_path_after_the_maximum_delay, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__releases_due_paths_in_path_order_and_keeps_the_rest, setup, teardown),
    cmocka_unit_test_setup_teardown(debounce__rescan_replaces_everything_held, setup, teardown),
    cmocka_unit_test(debounce__out_of_memory_is_returned_not_crashed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
