/* The directory walk (pt/walk.h): which files are indexed, which are
 * ignored and why, on small trees built in temporary folders. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* symlink, chdir, getcwd */
#endif
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#define chdir _chdir
#define getcwd _getcwd
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/walk.h"
#include "test_support.h"

#define MAX_SIZE 4096u

/* One line per record: "F path", "I path reason" or "E message", files
 * first, each group in result order. */
static char *summary(const pt_walk_result *r)
{
  pt_buf b = PT_BUF_INIT;
  for (size_t i = 0; i < r->n_files; i++)
    assert_int_equal(pt_buf_printf(&b, "F %s\n", r->files[i].path), 0);
  for (size_t i = 0; i < r->n_ignored; i++)
    assert_int_equal(pt_buf_printf(&b, "I %s %s\n", r->ignored[i].path,
                                   r->ignored[i].reason), 0);
  for (size_t i = 0; i < r->n_errors; i++)
    assert_int_equal(pt_buf_printf(&b, "E %s\n", r->errors[i]), 0);
  return b.ptr ? pt_buf_detach(&b) : pt_strdup("");
}

static char *walk_skip(const char *root, const char *const *skip,
                       size_t n_skip)
{
  pt_walk_opts o = {root, MAX_SIZE, skip, n_skip};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), 0);
  char *s = summary(r);
  pt_walk_result_free(r);
  return s;
}

static char *walk(const char *root)
{
  return walk_skip(root, NULL, 0);
}

static char *join(const char *dir, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  assert_int_equal(pt_buf_printf(&b, "%s/%s", dir, rel), 0);
  return pt_buf_detach(&b);
}

#define ASSERT_WALK(root, expected)                                            \
  do {                                                                         \
    char *got_ = walk(root);                                                   \
    assert_string_equal(got_, expected);                                       \
    pt_free(got_);                                                             \
  } while (0)

static void walk__lists_files_sorted_by_relative_path(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "b.rs", "");
  pt_test_write(d, "a/z.py", "");
  pt_test_write(d, "a.go", "");
  pt_test_write(d, "a/b/c.js", "");
  ASSERT_WALK(d, "F a.go\nF a/b/c.js\nF a/z.py\nF b.rs\n");
  pt_free(d);
}

static void walk__records_size_grammar_and_absolute_root(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "src/lib.rs", "fn main() {}\n");
  pt_walk_opts o = {d, MAX_SIZE, NULL, 0};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), 0);
  assert_int_equal(r->n_files, 1);
  assert_int_equal(r->files[0].size, 13);
  assert_int_equal(r->files[0].grammar, PT_GRAMMAR_RUST);
  assert_true(r->root_abs[0] == '/' || r->root_abs[1] == ':');
  assert_true(pt_str_ends_with(r->root_abs, strrchr(d, '/')));
  pt_walk_result_free(r);
  pt_free(d);
}

static void walk__relative_and_absolute_roots_agree(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "src/main.rs", "");
  pt_test_write(d, ".gitignore", "/out\n");
  pt_test_write(d, "out/gen.rs", "");
  char *absolute = walk(d);
  char *dotted = join(d, "./src/../");
  char *via_dots = walk(dotted);
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof cwd));
  char *slash = strrchr(d, '/');
  *slash = '\0';
  assert_int_equal(chdir(d), 0);
  *slash = '/';
  char *relative = walk(slash + 1);
  assert_int_equal(chdir(cwd), 0);
  assert_string_equal(absolute, "F src/main.rs\nI .gitignore no_parser\n"
                                "I out/ gitignore\n");
  assert_string_equal(relative, absolute);
  assert_string_equal(via_dots, absolute);
  pt_free(relative);
  pt_free(via_dots);
  pt_free(dotted);
  pt_free(absolute);
  pt_free(d);
}

static void walk__default_excludes_match_components_not_substrings(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "src/build_info.rs", "");
  pt_test_write(d, "distance.py", "");
  pt_test_write(d, "targets.go", "");
  pt_test_write(d, ".github/ci.js", "");
  pt_test_write(d, "build/x.rs", "");
  pt_test_write(d, "build/deep/y.rs", "");
  ASSERT_WALK(d, "F .github/ci.js\nF distance.py\nF src/build_info.rs\n"
                 "F targets.go\nI build/ default_exclude\n");
  pt_free(d);
}

static void walk__each_default_exclude_recorded_once(void **state)
{
  char *d = pt_test_tmpdir("walk");
  const char *names[] = {".git", "node_modules", "target", "build", "dist",
                         "__pycache__", ".venv", "venv", ".hg", ".svn"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *rel = join(names[i], "sub/x.py");
    pt_test_write(d, rel, "");
    pt_free(rel);
  }
  pt_test_write(d, "app/node_modules/lib/index.js", "");
  ASSERT_WALK(d, "I .git/ default_exclude\nI .hg/ default_exclude\n"
                 "I .svn/ default_exclude\nI .venv/ default_exclude\n"
                 "I __pycache__/ default_exclude\n"
                 "I app/node_modules/ default_exclude\n"
                 "I build/ default_exclude\nI dist/ default_exclude\n"
                 "I node_modules/ default_exclude\n"
                 "I target/ default_exclude\nI venv/ default_exclude\n");
  pt_free(d);
}

static void walk__root_inside_an_excluded_name_is_walked(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "build/app/main.rs", "");
  char *root = join(d, "build/app");
  ASSERT_WALK(root, "F main.rs\n");
  pt_free(root);
  pt_free(d);
}

static void walk__workspace_folders_are_default_excluded(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "parseltongue20250101120000/analysis.db/x.py", "");
  pt_test_write(d, "parseltongue2025/keep.py", "");
  pt_test_write(d, "parseltongue202501011200001/keep.py", "");
  /* a second run in the same second: "-2" (cli/cli_index.c) */
  pt_test_write(d, "parseltongue20250101120000-2/analysis.db/x.py", "");
  pt_test_write(d, "parseltongue20250101120000-/keep.py", "");
  pt_test_write(d, "parseltongue20250101120000-2a/keep.py", "");
  ASSERT_WALK(d, "F parseltongue2025/keep.py\n"
                 "F parseltongue20250101120000-/keep.py\n"
                 "F parseltongue20250101120000-2a/keep.py\n"
                 "F parseltongue202501011200001/keep.py\n"
                 "I parseltongue20250101120000-2/ default_exclude\n"
                 "I parseltongue20250101120000/ default_exclude\n");
  pt_free(d);
}

static void walk__skip_paths_are_neither_walked_nor_recorded(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "ws/analysis.db/x.py", "");
  pt_test_write(d, "db.rs", "");
  pt_test_write(d, "keep.rs", "");
  char *ws = join(d, "ws/");
  char *db = join(d, "db.rs");
  char *missing = join(d, "not-yet/created.db");
  const char *skip[] = {ws, db, missing, "/elsewhere/entirely"};
  char *got = walk_skip(d, skip, 4);
  assert_string_equal(got, "F keep.rs\n");
  pt_free(got);
  pt_free(missing);
  pt_free(db);
  pt_free(ws);
  pt_free(d);
}

static void walk__gitignore_negation_reincludes_a_file(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "*.gen.rs\n!keep.gen.rs\n");
  pt_test_write(d, "a.gen.rs", "");
  pt_test_write(d, "keep.gen.rs", "");
  pt_test_write(d, "sub/b.gen.rs", "");
  ASSERT_WALK(d, "F keep.gen.rs\nI .gitignore no_parser\n"
                 "I a.gen.rs gitignore\nI sub/b.gen.rs gitignore\n");
  pt_free(d);
}

static void walk__gitignore_dir_only_rule_spares_files(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "out/\n");
  pt_test_write(d, "out/a.rs", "");
  pt_test_write(d, "src/out/b.rs", "");
  pt_test_write(d, "lib/out", "");
  ASSERT_WALK(d, "I .gitignore no_parser\nI lib/out no_parser\n"
                 "I out/ gitignore\nI src/out/ gitignore\n");
  pt_free(d);
}

static void walk__file_below_excluded_dir_cannot_be_reincluded(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "gen/\n!gen/keep.rs\n");
  pt_test_write(d, "gen/keep.rs", "");
  pt_test_write(d, "gen/other.rs", "");
  ASSERT_WALK(d, "I .gitignore no_parser\nI gen/ gitignore\n");
  pt_free(d);
}

static void walk__trailing_double_star_excludes_contents(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "gen/**\n!gen/keep.rs\n");
  pt_test_write(d, "gen/keep.rs", "");
  pt_test_write(d, "gen/other.rs", "");
  pt_test_write(d, "gen/sub/x.rs", "");
  ASSERT_WALK(d, "F gen/keep.rs\nI .gitignore no_parser\n"
                 "I gen/other.rs gitignore\nI gen/sub/ gitignore\n");
  pt_free(d);
}

static void walk__nested_gitignore_applies_to_its_subtree(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "pkg/.gitignore", "*.py\n/local.rs\n");
  pt_test_write(d, "pkg/a.py", "");
  pt_test_write(d, "pkg/local.rs", "");
  pt_test_write(d, "pkg/deep/local.rs", "");
  pt_test_write(d, "pkg/deep/b.py", "");
  pt_test_write(d, "top.py", "");
  pt_test_write(d, "local.rs", "");
  ASSERT_WALK(d, "F local.rs\nF pkg/deep/local.rs\nF top.py\n"
                 "I pkg/.gitignore no_parser\nI pkg/a.py gitignore\n"
                 "I pkg/deep/b.py gitignore\nI pkg/local.rs gitignore\n");
  pt_free(d);
}

static void walk__gitignore_above_the_root_is_not_read(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "*.rs\n");
  pt_test_write(d, "app/main.rs", "");
  char *root = join(d, "app");
  ASSERT_WALK(root, "F main.rs\n");
  pt_free(root);
  pt_free(d);
}

static void walk__parseltongueignore_excludes_and_reincludes(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "generated/\n");
  pt_test_write(d, ".parseltongueignore", "!generated/\nfixtures/\n");
  pt_test_write(d, "generated/api.ts", "");
  pt_test_write(d, "fixtures/sample.py", "");
  ASSERT_WALK(d, "F generated/api.ts\nI .gitignore no_parser\n"
                 "I .parseltongueignore no_parser\n"
                 "I fixtures/ parseltongueignore\n");
  pt_free(d);
}

static void walk__nested_repository_is_recorded_not_entered(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".git/HEAD", "");
  pt_test_write(d, "vendor/lib/.git/HEAD", "");
  pt_test_write(d, "vendor/lib/x.rs", "");
  pt_test_write(d, "submod/.git", "gitdir: ../.git/modules/submod\n");
  pt_test_write(d, "submod/y.rs", "");
  pt_test_write(d, "main.rs", "");
  ASSERT_WALK(d, "F main.rs\nI .git/ default_exclude\n"
                 "I submod/ nested_repo\nI vendor/lib/ nested_repo\n");
  pt_free(d);
}

static void walk__symlinks_are_recorded_not_followed(void **state)
{
#ifdef _WIN32
  skip();
#else
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "real/a.rs", "");
  char *dir_link = join(d, "linked");
  char *file_link = join(d, "b.rs");
  assert_int_equal(symlink("real", dir_link), 0);
  assert_int_equal(symlink("real/a.rs", file_link), 0);
  ASSERT_WALK(d, "F real/a.rs\nI b.rs symlink\nI linked symlink\n");
  pt_free(file_link);
  pt_free(dir_link);
  pt_free(d);
#endif
}

static void walk__files_above_the_size_limit_are_too_large(void **state)
{
  char *d = pt_test_tmpdir("walk");
  char big[MAX_SIZE + 2];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  pt_test_write(d, "big.py", big);
  big[MAX_SIZE] = '\0';
  pt_test_write(d, "limit.py", big);
  ASSERT_WALK(d, "F limit.py\nI big.py too_large\n");
  pt_free(d);
}

static void walk__files_without_a_grammar_are_no_parser(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "README.md", "");
  pt_test_write(d, "Makefile", "");
  pt_test_write(d, ".eslintrc.js", "");
  pt_test_write(d, ".config/tool.py", "");
  ASSERT_WALK(d, "F .config/tool.py\nF .eslintrc.js\n"
                 "I Makefile no_parser\nI README.md no_parser\n");
  pt_free(d);
}

static void walk__too_deep_folder_is_an_error_and_walk_goes_on(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_buf rel = PT_BUF_INIT;
  for (int i = 0; i < 260; i++)
    assert_int_equal(pt_buf_puts(&rel, "d/"), 0);
  assert_int_equal(pt_buf_puts(&rel, "x.rs"), 0);
  pt_test_write(d, rel.ptr, "");
  pt_test_write(d, "z.rs", "");
  pt_walk_opts o = {d, MAX_SIZE, NULL, 0};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), 0);
  assert_int_equal(r->n_files, 1);
  assert_string_equal(r->files[0].path, "z.rs");
  assert_int_equal(r->n_errors, 1);
  assert_true(pt_str_starts_with(r->errors[0], "[WALK_ERROR] d/d/"));
  assert_non_null(strstr(r->errors[0], "/d/: more than 256 nested folders"));
  pt_walk_result_free(r);
  pt_buf_fini(&rel);
  pt_free(d);
}

static void walk__unreadable_folder_is_an_error_and_walk_goes_on(void **state)
{
#ifdef _WIN32
  skip();
#else
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "locked/a.rs", "");
  pt_test_write(d, "open.rs", "");
  char *locked = join(d, "locked");
  assert_int_equal(chmod(locked, 0), 0);
  pt_walk_opts o = {d, MAX_SIZE, NULL, 0};
  pt_walk_result *r = NULL;
  int rc = pt_walk(&o, &r);
  assert_int_equal(chmod(locked, 0755), 0);
  assert_int_equal(rc, 0);
  size_t n_errors = r->n_errors;
  char *got = summary(r);
  pt_walk_result_free(r);
  pt_free(locked);
  pt_free(d);
  if (n_errors == 0) {
    pt_free(got);
    skip(); /* running as root: permissions do not apply */
  }
  assert_true(pt_str_starts_with(got, "F open.rs\nE [WALK_ERROR] locked/: "));
  pt_free(got);
#endif
}

static void walk__missing_root_is_notfound(void **state)
{
  char *d = pt_test_tmpdir("walk");
  char *missing = join(d, "nope");
  pt_walk_opts o = {missing, MAX_SIZE, NULL, 0};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), PT_ENOTFOUND);
  assert_null(r);
  assert_non_null(strstr(pt_error_last()->message, "folder not found"));
  assert_non_null(strstr(pt_error_last()->message, missing));
  pt_free(missing);
  pt_free(d);
}

static void walk__root_that_is_a_file_is_einval(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, "f.rs", "");
  char *file = join(d, "f.rs");
  pt_walk_opts o = {file, MAX_SIZE, NULL, 0};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), PT_EINVAL);
  assert_null(r);
  assert_non_null(strstr(pt_error_last()->message, "not a folder"));
  pt_free(file);
  pt_free(d);
}

static void walk__out_of_memory_returns_enomem(void **state)
{
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "*.log\n");
  pt_test_write(d, "sub/.parseltongueignore", "x.py\n");
  pt_test_write(d, "sub/x.py", "");
  pt_test_write(d, "sub/y.py", "");
  pt_test_write(d, "build/z.rs", "");
  char *skip_path = join(d, "db");
  const char *skip[] = {skip_path};
  char *want = walk_skip(d, skip, 1);
  for (unsigned long n = 1;; n++) {
    pt_walk_opts o = {d, MAX_SIZE, skip, 1};
    pt_walk_result *r = NULL;
    pt_alloc_fail_after(n);
    int rc = pt_walk(&o, &r);
    pt_alloc_fail_after(0);
    if (rc == 0) {
      char *got = summary(r);
      assert_string_equal(got, want);
      pt_free(got);
      pt_walk_result_free(r);
      break;
    }
    assert_int_equal(rc, PT_ENOMEM);
    assert_null(r);
  }
  pt_free(want);
  pt_free(skip_path);
  pt_free(d);
}

/* The records of a whole walk's summary at or below rel, in its order. */
static char *summary_at(const char *whole, const char *rel)
{
  pt_buf b = PT_BUF_INIT;
  size_t len = strlen(rel);
  for (const char *line = whole; *line;) {
    const char *end = strchr(line, '\n');
    const char *path = line + 2;
    int at = line[0] != 'E' && !strncmp(path, rel, len) &&
             (path[len] == ' ' || path[len] == '\n' || path[len] == '/');
    if (at)
      assert_int_equal(pt_buf_put(&b, line, (size_t)(end - line + 1)), 0);
    line = end + 1;
  }
  return b.ptr ? pt_buf_detach(&b) : pt_strdup("");
}

/* Every entry (and every folder on the way, and paths not there) walked
 * alone lists what the whole walk lists at or below it; below a folder
 * the walk does not enter, it is not walked. */
static void walk__an_entry_alone_lists_what_the_whole_walk_does(void **state)
{
  (void)state;
  char *d = pt_test_tmpdir("walk");
  pt_test_write(d, ".gitignore", "*.log\n/gen/\n!keep.log\n");
  pt_test_write(d, "src/a.rs", "fn a() {}\n");
  pt_test_write(d, "src/notes.txt", "x\n");
  pt_test_write(d, "src/x.log", "x\n");
  pt_test_write(d, "src/keep.log", "x\n");
  pt_test_write(d, "src/sub/.parseltongueignore", "skip.py\n");
  pt_test_write(d, "src/sub/skip.py", "");
  pt_test_write(d, "src/sub/deep/skip.py", "");
  pt_test_write(d, "src/sub/deep/ok.py", "");
  pt_test_write(d, "src/build/x.rs", "");
  pt_test_write(d, "src/repo/.git/HEAD", "x\n");
  pt_test_write(d, "src/repo/r.py", "");
  pt_test_write(d, "gen/g.py", "");
  pt_test_write(d, "big.py", "# 0123456789012345678901234567890123456789\n");
  pt_test_write(d, "node_modules/m.js", "");
  pt_test_write(d, "empty/.keep", "");
  char *skip = join(d, "src/skipped");
  pt_test_write(d, "src/skipped/s.py", "");
  const char *const skips[] = {skip};
  pt_walk_opts o = {d, 40, skips, 1};
  pt_walk_result *r = NULL;
  assert_int_equal(pt_walk(&o, &r), 0);
  char *whole = summary(r);
  pt_walk_result_free(r);
  static const char *const has[] = {
      "I src/keep.log no_parser\n", "I src/x.log gitignore\n", "I src/notes.txt no_parser\n",
      "I src/sub/deep/skip.py parseltongueignore\n", "I src/build/ default_exclude\n",
      "I src/repo/ nested_repo\n", "I gen/ gitignore\n", "I big.py too_large\n",
      "F src/sub/deep/ok.py\n"};
  for (size_t i = 0; i < sizeof has / sizeof *has; i++)
    assert_non_null(strstr(whole, has[i]));
  assert_null(strstr(whole, "skipped"));
  static const char *const entries[] = {
      "src", "src/a.rs", "src/notes.txt", "src/x.log", "src/keep.log",
      "src/sub", "src/sub/skip.py", "src/sub/deep", "src/sub/deep/skip.py",
      "src/sub/deep/ok.py", "src/sub/.parseltongueignore", "src/build",
      "src/repo", "gen", "big.py", "node_modules", "empty", "empty/.keep",
      "src/skipped", "src/none.py", "none", ".gitignore"};
  for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
    int walked = 0;
    assert_int_equal(pt_walk_entry(&o, entries[i], &walked, &r), 0);
    assert_int_equal(walked, 1);
    char *got = summary(r), *want = summary_at(whole, entries[i]);
    if (!strcmp(entries[i], "src/skipped"))
      assert_string_equal(got, ""); /* neither walked nor recorded */
    assert_string_equal(got, want);
    pt_free(got);
    pt_free(want);
    pt_walk_result_free(r);
  }
  static const char *const below[] = {
      "src/build/x.rs", "src/repo/r.py", "gen/g.py", "node_modules/m.js",
      "src/skipped/s.py", "src/x.log/y.py", "big.py/x.py", "none/x.py"};
  for (size_t i = 0; i < sizeof below / sizeof *below; i++) {
    int walked = 1;
    assert_int_equal(pt_walk_entry(&o, below[i], &walked, &r), 0);
    assert_int_equal(walked, 0);
    assert_int_equal(r->n_files + r->n_ignored + r->n_errors, 0);
    pt_walk_result_free(r);
  }
  pt_free(whole);
  pt_free(skip);
  pt_free(d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(walk__lists_files_sorted_by_relative_path),
    cmocka_unit_test(walk__records_size_grammar_and_absolute_root),
    cmocka_unit_test(walk__relative_and_absolute_roots_agree),
    cmocka_unit_test(walk__default_excludes_match_components_not_substrings),
    cmocka_unit_test(walk__each_default_exclude_recorded_once),
    cmocka_unit_test(walk__root_inside_an_excluded_name_is_walked),
    cmocka_unit_test(walk__workspace_folders_are_default_excluded),
    cmocka_unit_test(walk__skip_paths_are_neither_walked_nor_recorded),
    cmocka_unit_test(walk__gitignore_negation_reincludes_a_file),
    cmocka_unit_test(walk__gitignore_dir_only_rule_spares_files),
    cmocka_unit_test(walk__file_below_excluded_dir_cannot_be_reincluded),
    cmocka_unit_test(walk__trailing_double_star_excludes_contents),
    cmocka_unit_test(walk__nested_gitignore_applies_to_its_subtree),
    cmocka_unit_test(walk__gitignore_above_the_root_is_not_read),
    cmocka_unit_test(walk__parseltongueignore_excludes_and_reincludes),
    cmocka_unit_test(walk__nested_repository_is_recorded_not_entered),
    cmocka_unit_test(walk__symlinks_are_recorded_not_followed),
    cmocka_unit_test(walk__files_above_the_size_limit_are_too_large),
    cmocka_unit_test(walk__files_without_a_grammar_are_no_parser),
    cmocka_unit_test(walk__too_deep_folder_is_an_error_and_walk_goes_on),
    cmocka_unit_test(walk__unreadable_folder_is_an_error_and_walk_goes_on),
    cmocka_unit_test(walk__missing_root_is_notfound),
    cmocka_unit_test(walk__root_that_is_a_file_is_einval),
    cmocka_unit_test(walk__out_of_memory_returns_enomem),
    cmocka_unit_test(walk__an_entry_alone_lists_what_the_whole_walk_does),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
