/* The condition variable of pt/sys/thread.h: a signal wakes a waiter, a
 * timed wait ends by itself at its deadline (on pt_clock_ns's clock). */
#include <string.h>

#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "test_support.h"

typedef struct flag {
  pt_mutex *mu;
  pt_cond *cv;
  int is_set;
} flag;

static void set_later(void *payload)
{
  flag *f = payload;
  pt_sleep_ms(20);
  pt_mutex_lock(f->mu);
  f->is_set = 1;
  pt_cond_signal(f->cv);
  pt_mutex_unlock(f->mu);
}

/* Without a deadline only the signal can end the wait: a lost signal
 * hangs the test (CTest's timeout). */
static void cond_signal__wakes_a_waiter_without_a_deadline(void **state)
{
  flag f = {NULL, NULL, 0};
  pt_thread *t = NULL;
  assert_int_equal(pt_mutex_new(&f.mu), 0);
  assert_int_equal(pt_cond_new(&f.cv), 0);
  pt_mutex_lock(f.mu);
  assert_int_equal(pt_thread_start(set_later, &f, &t), 0);
  while (!f.is_set)
    pt_cond_wait_until(f.cv, f.mu, UINT64_MAX);
  pt_mutex_unlock(f.mu);
  pt_thread_join(t);
  pt_cond_free(f.cv);
  pt_mutex_free(f.mu);
}

/* Unsignalled, a timed wait returns, and not before its deadline once
 * the caller waits again after an early (spurious) return; a deadline in
 * the past returns at once. */
static void cond_wait_until__ends_by_itself_at_the_deadline(void **state)
{
  pt_mutex *mu = NULL;
  pt_cond *cv = NULL;
  assert_int_equal(pt_mutex_new(&mu), 0);
  assert_int_equal(pt_cond_new(&cv), 0);
  pt_mutex_lock(mu);
  pt_cond_wait_until(cv, mu, 0);
  uint64_t deadline = pt_clock_ns() + 30 * (uint64_t)1000000;
  unsigned waits = 0;
  while (pt_clock_ns() < deadline && waits < 1000) {
    pt_cond_wait_until(cv, mu, deadline);
    waits++;
  }
  pt_mutex_unlock(mu);
  assert_true(pt_clock_ns() >= deadline);
  assert_true(waits < 1000); /* it slept: no return at once every time */
  pt_cond_free(cv);
  pt_mutex_free(mu);
}

static void cond_free__accepts_null(void **state)
{
  pt_cond_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(cond_signal__wakes_a_waiter_without_a_deadline),
    cmocka_unit_test(cond_wait_until__ends_by_itself_at_the_deadline),
    cmocka_unit_test(cond_free__accepts_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
