/* pt_diff_git: the diff of a work tree against a revision, from the git
 * program (pt/sys/run.h: no shell), for diff analysis without a posted
 * diff. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/analysis.h"
#include "pt/error.h"
#include "pt/sys/run.h"

#define GIT_TIMEOUT_MS 60000

int pt_diff_git(const char *root, const char *rev, size_t max, char **out,
                size_t *len)
{
  *out = NULL;
  *len = 0;
  if (!rev || !*rev)
    return PT_ERR(PT_EINVAL, "'base' is empty: name a revision");
  if (rev[0] == '-')
    return PT_ERR(PT_EINVAL, "'base' %s starts with '-': name a revision",
                  rev);
  for (const unsigned char *c = (const unsigned char *)rev; *c; c++)
    if (*c <= ' ' || *c == 0x7f)
      return PT_ERR(PT_EINVAL,
                    "'base' has a blank or control character: name a "
                    "revision");
  const char *argv[] = {"git",          "-C",          root,
                        "-c",           "core.quotePath=false",
                        "diff",         "--no-color",  "--no-ext-diff",
                        "--relative",   rev,           "--",
                        NULL};
  pt_run_opts o = {argv, NULL, max, GIT_TIMEOUT_MS};
  pt_run_result r;
  int rc = pt_run(&o, &r);
  if (rc == PT_ENOTFOUND)
    return PT_ERR(PT_ENOTSUPPORTED, "git is not available (not found in "
                  "PATH): post the diff instead");
  if (rc)
    return rc;
  if (r.exit_code != 0) {
    size_t n = strcspn(r.err, "\r\n");
    rc = n ? PT_ERR(PT_EINVAL, "git diff %s: %.*s", rev, (int)n, r.err)
           : PT_ERR(PT_EINVAL, "git diff %s failed (exit status %d)", rev,
                    r.exit_code);
  } else if (r.is_truncated) {
    rc = PT_ERR(PT_EINVAL, "git diff %s is longer than %zu bytes: post a "
                "smaller diff", rev, max);
  } else {
    *out = r.out;
    *len = r.out_len;
    r.out = NULL;
  }
  pt_run_result_fini(&r);
  return rc;
}
