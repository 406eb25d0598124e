/* The compiled queries (pt_queries, core/src/extract/extract.c): each
 * grammar's is compiled once, on first use, under a lock of its own, so
 * a thread that wants one grammar's query is not held up while another
 * thread compiles another's (C++'s takes half a second). */
#include <string.h>

#include "extract/extract_int.h"
#include "pt/extract.h"
#include "pt/sys/proc.h"
#include "pt/sys/thread.h"
#include "test_support.h"

static const char rust_src[] = "fn answer() -> u32 { 42 }\n";

typedef struct job {
  pt_queries *q;
  pt_mutex *mu;
  pt_cond *cv;
  int rc, is_done;
  size_t n_entities;
} job;

static void extract_rust(void *payload)
{
  job *j = payload;
  pt_extractor *x = NULL;
  pt_file_result *r = NULL;
  int rc = pt_extractor_new(j->q, &x);
  if (rc == 0)
    rc = pt_extract_file(x, PT_GRAMMAR_RUST, "src/lib.rs", rust_src,
                         strlen(rust_src), &r);
  pt_mutex_lock(j->mu);
  j->rc = rc;
  j->n_entities = r ? r->n_entities : 0;
  j->is_done = 1;
  pt_cond_signal(j->cv);
  pt_mutex_unlock(j->mu);
  pt_file_result_free(r);
  pt_extractor_free(x);
}

/* C++'s lock is held as a compile holds it; a Rust file is extracted on
 * another thread meanwhile. Under one lock for every grammar it would
 * wait until C++'s is let go: the deadline (far beyond a compile) tells
 * that apart, and the lock is let go either way before the join. */
static void queries__one_grammar_compiling_holds_up_no_other(void **state)
{
  (void)state;
  job j;
  memset(&j, 0, sizeof j);
  assert_int_equal(pt_queries_new(&j.q), 0);
  assert_int_equal(pt_mutex_new(&j.mu), 0);
  assert_int_equal(pt_cond_new(&j.cv), 0);
  pt_mutex_lock(j.q->mu[PT_GRAMMAR_CPP]);
  pt_thread *t = NULL;
  assert_int_equal(pt_thread_start(extract_rust, &j, &t), 0);
  uint64_t deadline = pt_clock_ns() + 60ull * 1000000000ull;
  pt_mutex_lock(j.mu);
  while (!j.is_done && pt_clock_ns() < deadline)
    pt_cond_wait_until(j.cv, j.mu, deadline);
  int was_done = j.is_done;
  pt_mutex_unlock(j.mu);
  pt_mutex_unlock(j.q->mu[PT_GRAMMAR_CPP]);
  pt_thread_join(t);
  assert_true(was_done);
  assert_int_equal(j.rc, 0);
  assert_int_equal(j.n_entities, 1);
  assert_int_equal(j.q->state[PT_GRAMMAR_RUST], 1);
  assert_int_equal(j.q->state[PT_GRAMMAR_CPP], 0); /* never asked for */
  pt_cond_free(j.cv);
  pt_mutex_free(j.mu);
  pt_queries_free(j.q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(queries__one_grammar_compiling_holds_up_no_other),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
