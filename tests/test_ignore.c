/* gitignore semantics (pt/ignore.h): the glob matcher, the parsing of one
 * ignore file, and the stack of .gitignore and .parseltongueignore files. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ignore.h"
#include "test_support.h"

static int glob(const char *pattern, const char *path)
{
  return pt_ignore_match_glob(pattern, strlen(pattern), path, strlen(path));
}

/* The verdict of a one-file rule list for path. */
static pt_ignore_verdict verdict(const char *text, const char *path,
                                 int is_dir)
{
  pt_ignore_list l;
  assert_int_equal(pt_ignore_list_parse(text, strlen(text), &l), 0);
  pt_ignore_verdict v = pt_ignore_list_match(&l, path, is_dir);
  pt_ignore_list_fini(&l);
  return v;
}

static void ignore_match__literal_matches_only_itself(void **state)
{
  assert_true(glob("main.rs", "main.rs"));
  assert_false(glob("main.rs", "main.rsx"));
  assert_false(glob("main.rs", "xmain.rs"));
  assert_false(glob("main.rs", "Main.rs"));
}

static void ignore_match__star_matches_any_run_within_a_name(void **state)
{
  assert_true(glob("*.log", "a.log"));
  assert_true(glob("*.log", ".log"));
  assert_true(glob("a*b*c", "axxbyybc"));
  assert_true(glob("*ab", "aab"));
  assert_false(glob("a*b*c", "axxbyy"));
}

static void ignore_match__star_does_not_cross_slash(void **state)
{
  assert_false(glob("*.log", "logs/a.log"));
  assert_false(glob("src/*.rs", "src/a/b.rs"));
  assert_true(glob("src/*.rs", "src/b.rs"));
  assert_true(glob("*/x", "a/x"));
}

static void ignore_match__question_matches_one_char_but_not_slash(void **state)
{
  assert_true(glob("a?c", "abc"));
  assert_false(glob("a?c", "ac"));
  assert_false(glob("a?c", "abbc"));
  assert_false(glob("a?c", "a/c"));
}

static void ignore_match__bracket_matches_ranges_and_sets(void **state)
{
  assert_true(glob("file[0-9].txt", "file7.txt"));
  assert_false(glob("file[0-9].txt", "filex.txt"));
  assert_true(glob("[abc]", "b"));
  assert_true(glob("[a-cx-z]", "y"));
  assert_false(glob("[a-cx-z]", "m"));
}

static void ignore_match__bracket_negation_with_bang_or_caret(void **state)
{
  assert_true(glob("[!0-9]x", "ax"));
  assert_false(glob("[!0-9]x", "5x"));
  assert_true(glob("[^0-9]x", "ax"));
  assert_false(glob("[^0-9]x", "5x"));
}

static void ignore_match__bracket_first_close_is_literal(void **state)
{
  assert_true(glob("[]a]", "]"));
  assert_true(glob("[]a]", "a"));
  assert_true(glob("[!]]", "x"));
  assert_false(glob("[!]]", "]"));
}

static void ignore_match__bracket_never_matches_slash(void **state)
{
  assert_false(glob("a[/]b", "a/b"));
  assert_false(glob("a[!x]b", "a/b"));
}

static void ignore_match__bracket_accepts_posix_classes(void **state)
{
  assert_true(glob("[[:digit:]]x", "4x"));
  assert_false(glob("[[:digit:]]x", "ax"));
  assert_true(glob("[[:upper:][:digit:]]", "Q"));
}

static void ignore_match__slash_in_bracket_stays_in_one_segment(void **state)
{
  assert_true(glob("[b/[a-]", "a"));
  assert_true(glob("[b/[a-]", "["));
  assert_false(glob("[b/[a-]", "a/"));
  assert_false(glob("[b/[a-]", "c"));
}

static void ignore_match__reversed_range_still_matches_its_start(void **state)
{
  assert_true(glob("[c-a]", "c"));
  assert_false(glob("[c-a]", "b"));
}

static void ignore_match__trailing_slash_leaves_an_empty_segment(void **state)
{
  assert_false(glob("foo/", "foo"));
  assert_false(glob("foo/", "foo/bar"));
}

static void ignore_match__unclosed_bracket_never_matches(void **state)
{
  assert_false(glob("a[bc", "a[bc"));
  assert_false(glob("a[bc", "ab"));
}

static void ignore_match__backslash_makes_metachar_literal(void **state)
{
  assert_true(glob("\\*.rs", "*.rs"));
  assert_false(glob("\\*.rs", "a.rs"));
  assert_true(glob("a\\?", "a?"));
  assert_false(glob("a\\?", "ab"));
  assert_true(glob("\\[x]", "[x]"));
}

static void ignore_match__trailing_backslash_never_matches(void **state)
{
  assert_false(glob("a\\", "a"));
  assert_false(glob("a\\", "a\\"));
}

static void ignore_match__leading_double_star_matches_any_depth(void **state)
{
  assert_true(glob("**/foo", "foo"));
  assert_true(glob("**/foo", "a/foo"));
  assert_true(glob("**/foo", "a/b/c/foo"));
  assert_false(glob("**/foo", "a/foox"));
  assert_true(glob("**/foo/bar", "x/foo/bar"));
  assert_false(glob("**/foo/bar", "x/foo/y/bar"));
}

static void ignore_match__double_star_matches_zero_or_more_dirs(void **state)
{
  assert_true(glob("a/**/b", "a/b"));
  assert_true(glob("a/**/b", "a/x/b"));
  assert_true(glob("a/**/b", "a/x/y/z/b"));
  assert_false(glob("a/**/b", "a/x/y/z/c"));
  assert_false(glob("a/**/b", "x/a/b"));
}

static void ignore_match__trailing_double_star_matches_below_only(void **state)
{
  assert_true(glob("abc/**", "abc/x"));
  assert_true(glob("abc/**", "abc/x/y/z"));
  assert_false(glob("abc/**", "abc"));
  assert_false(glob("abc/**", "abcd/x"));
}

static void ignore_match__lone_double_star_matches_everything(void **state)
{
  assert_true(glob("**", "a"));
  assert_true(glob("**", "a/b/c"));
}

static void ignore_match__double_star_inside_a_name_is_a_star(void **state)
{
  assert_true(glob("a**b", "axxb"));
  assert_false(glob("a**b", "a/b"));
  assert_false(glob("a**b", "ax/yb"));
  assert_true(glob("**.rs", "x.rs"));
  assert_false(glob("**.rs", "a/x.rs"));
}

static void ignore_match__several_double_stars_backtrack(void **state)
{
  assert_true(glob("**/a/**/b", "x/a/y/a/z/b"));
  assert_true(glob("**/a/**/b", "a/b"));
  assert_false(glob("**/a/**/b", "x/y/b"));
  assert_true(glob("**/a/**", "q/a/a"));
  assert_false(glob("**/a/**", "q/a"));
}

static void ignore_match__pathological_stars_finish(void **state)
{
  char text[2001];
  memset(text, 'a', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  assert_false(glob("*a*a*a*a*a*a*a*a*a*a*b", text));
  assert_true(glob("*a*a*a*a*a*a*a*a*a*a*", text));
}

static void ignore_parse__skips_blank_lines_and_comments(void **state)
{
  pt_ignore_list l;
  const char *text = "\n# a comment\n   \n*.log\n#another\n";
  assert_int_equal(pt_ignore_list_parse(text, strlen(text), &l), 0);
  assert_int_equal(l.n_rules, 1);
  assert_int_equal(l.rules[0].len, 5);
  assert_memory_equal(l.rules[0].pattern, "*.log", 5);
  pt_ignore_list_fini(&l);
}

static void ignore_parse__escaped_hash_and_bang_are_literal(void **state)
{
  assert_int_equal(verdict("\\#notes\n", "#notes", 0), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("\\!important\n", "!important", 0),
                   PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("\\!important\n", "important", 0), PT_IGNORE_NONE);
}

static void ignore_parse__trims_unescaped_trailing_spaces(void **state)
{
  assert_int_equal(verdict("a.txt   \n", "a.txt", 0), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("a b  \n", "a b", 0), PT_IGNORE_EXCLUDE);
}

static void ignore_parse__keeps_escaped_trailing_space(void **state)
{
  assert_int_equal(verdict("a\\ \n", "a ", 0), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("a\\ \n", "a", 0), PT_IGNORE_NONE);
}

static void ignore_parse__drops_crlf_and_bom(void **state)
{
  assert_int_equal(verdict("\xEF\xBB\xBF" "a.txt\r\nb.txt\r\n", "a.txt", 0),
                   PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("a.txt\r\nb.txt\r\n", "b.txt", 0),
                   PT_IGNORE_EXCLUDE);
}

static void ignore_parse__last_line_without_newline_counts(void **state)
{
  assert_int_equal(verdict("x\ny", "y", 0), PT_IGNORE_EXCLUDE);
}

static void ignore_parse__out_of_memory_returns_enomem(void **state)
{
  pt_ignore_list l;
  pt_alloc_fail_after(1);
  int rc = pt_ignore_list_parse("a\n", 2, &l);
  pt_alloc_fail_after(0);
  assert_int_equal(rc, PT_ENOMEM);
  assert_null(l.rules);
  assert_null(l.text);
}

static void ignore_list__later_negation_reincludes(void **state)
{
  assert_int_equal(verdict("*.log\n!keep.log\n", "keep.log", 0),
                   PT_IGNORE_INCLUDE);
  assert_int_equal(verdict("*.log\n!keep.log\n", "other.log", 0),
                   PT_IGNORE_EXCLUDE);
}

static void ignore_list__later_exclude_overrides_negation(void **state)
{
  assert_int_equal(verdict("!keep.log\n*.log\n", "keep.log", 0),
                   PT_IGNORE_EXCLUDE);
}

static void ignore_list__dir_only_rule_spares_files(void **state)
{
  assert_int_equal(verdict("out/\n", "out", 1), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("out/\n", "out", 0), PT_IGNORE_NONE);
  assert_int_equal(verdict("out/\n", "a/b/out", 1), PT_IGNORE_EXCLUDE);
}

static void ignore_list__name_pattern_matches_at_any_depth(void **state)
{
  assert_int_equal(verdict("*.gen.rs\n", "a/b/x.gen.rs", 0),
                   PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("tmp\n", "src/tmp", 1), PT_IGNORE_EXCLUDE);
}

static void ignore_list__leading_slash_anchors_to_base(void **state)
{
  assert_int_equal(verdict("/tmp\n", "tmp", 1), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("/tmp\n", "src/tmp", 1), PT_IGNORE_NONE);
}

static void ignore_list__middle_slash_anchors_to_base(void **state)
{
  assert_int_equal(verdict("doc/frotz\n", "doc/frotz", 0), PT_IGNORE_EXCLUDE);
  assert_int_equal(verdict("doc/frotz\n", "a/doc/frotz", 0), PT_IGNORE_NONE);
  assert_int_equal(verdict("doc/frotz/\n", "doc/frotz", 1), PT_IGNORE_EXCLUDE);
}

static void ignore_list__double_trailing_slash_matches_nothing(void **state)
{
  assert_int_equal(verdict("foo//\n", "foo", 1), PT_IGNORE_NONE);
}

static void ignore_list__bare_slash_and_bang_are_no_rules(void **state)
{
  pt_ignore_list l;
  assert_int_equal(pt_ignore_list_parse("/\n!\n", 4, &l), 0);
  assert_int_equal(l.n_rules, 0);
  pt_ignore_list_fini(&l);
}

static void ignore_stack__nested_file_applies_to_its_subtree_only(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", NULL, 0, NULL, 0), 0);
  assert_int_equal(pt_ignore_stack_push(&s, "sub/", "/x.rs\n", 6, NULL, 0), 0);
  assert_string_equal(pt_ignore_stack_check(&s, "sub/x.rs", 0), "gitignore");
  assert_null(pt_ignore_stack_check(&s, "sub/deeper/x.rs", 0));
  assert_null(pt_ignore_stack_check(&s, "x.rs", 0));
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__deeper_file_overrides_parent(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", "*.rs\n", 5, NULL, 0), 0);
  assert_int_equal(pt_ignore_stack_push(&s, "keep/", "!*.rs\n", 6, NULL, 0),
                   0);
  assert_null(pt_ignore_stack_check(&s, "keep/a.rs", 0));
  assert_string_equal(pt_ignore_stack_check(&s, "other/a.rs", 0), "gitignore");
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__parseltongueignore_reincludes(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", "gen/\n", 5, "!gen/\n", 6), 0);
  assert_null(pt_ignore_stack_check(&s, "gen", 1));
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__names_the_file_that_excluded(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", "a.py\n", 5, "b.py\n", 5), 0);
  assert_string_equal(pt_ignore_stack_check(&s, "a.py", 0), "gitignore");
  assert_string_equal(pt_ignore_stack_check(&s, "b.py", 0),
                      "parseltongueignore");
  assert_null(pt_ignore_stack_check(&s, "c.py", 0));
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__parent_ptignore_beats_child_gitignore(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", NULL, 0, "!*.gen.rs\n", 10),
                   0);
  assert_int_equal(pt_ignore_stack_push(&s, "sub/", "*.gen.rs\n", 9, NULL, 0),
                   0);
  assert_null(pt_ignore_stack_check(&s, "sub/x.gen.rs", 0));
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__pop_removes_the_innermost_rules(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", "*.go\n", 5, NULL, 0), 0);
  assert_int_equal(pt_ignore_stack_push(&s, "a/", "!*.go\n", 6, NULL, 0), 0);
  pt_ignore_stack_pop(&s);
  assert_string_equal(pt_ignore_stack_check(&s, "a/x.go", 0), "gitignore");
  pt_ignore_stack_fini(&s);
}

static void ignore_stack__push_out_of_memory_leaves_stack_intact(void **state)
{
  pt_ignore_stack s = PT_IGNORE_STACK_INIT;
  assert_int_equal(pt_ignore_stack_push(&s, "", "*.go\n", 5, NULL, 0), 0);
  for (unsigned long n = 1;; n++) {
    pt_alloc_fail_after(n);
    int rc = pt_ignore_stack_push(&s, "a/", "!*.go\n", 6, "x\n", 2);
    pt_alloc_fail_after(0);
    if (rc == 0)
      break;
    assert_int_equal(rc, PT_ENOMEM);
    assert_int_equal(s.n_frames, 1);
    assert_string_equal(pt_ignore_stack_check(&s, "a/x.go", 0), "gitignore");
  }
  assert_int_equal(s.n_frames, 2);
  assert_null(pt_ignore_stack_check(&s, "a/x.go", 0));
  pt_ignore_stack_fini(&s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ignore_match__literal_matches_only_itself),
    cmocka_unit_test(ignore_match__star_matches_any_run_within_a_name),
    cmocka_unit_test(ignore_match__star_does_not_cross_slash),
    cmocka_unit_test(ignore_match__question_matches_one_char_but_not_slash),
    cmocka_unit_test(ignore_match__bracket_matches_ranges_and_sets),
    cmocka_unit_test(ignore_match__bracket_negation_with_bang_or_caret),
    cmocka_unit_test(ignore_match__bracket_first_close_is_literal),
    cmocka_unit_test(ignore_match__bracket_never_matches_slash),
    cmocka_unit_test(ignore_match__bracket_accepts_posix_classes),
    cmocka_unit_test(ignore_match__slash_in_bracket_stays_in_one_segment),
    cmocka_unit_test(ignore_match__reversed_range_still_matches_its_start),
    cmocka_unit_test(ignore_match__trailing_slash_leaves_an_empty_segment),
    cmocka_unit_test(ignore_match__unclosed_bracket_never_matches),
    cmocka_unit_test(ignore_match__backslash_makes_metachar_literal),
    cmocka_unit_test(ignore_match__trailing_backslash_never_matches),
    cmocka_unit_test(ignore_match__leading_double_star_matches_any_depth),
    cmocka_unit_test(ignore_match__double_star_matches_zero_or_more_dirs),
    cmocka_unit_test(ignore_match__trailing_double_star_matches_below_only),
    cmocka_unit_test(ignore_match__lone_double_star_matches_everything),
    cmocka_unit_test(ignore_match__double_star_inside_a_name_is_a_star),
    cmocka_unit_test(ignore_match__several_double_stars_backtrack),
    cmocka_unit_test(ignore_match__pathological_stars_finish),
    cmocka_unit_test(ignore_parse__skips_blank_lines_and_comments),
    cmocka_unit_test(ignore_parse__escaped_hash_and_bang_are_literal),
    cmocka_unit_test(ignore_parse__trims_unescaped_trailing_spaces),
    cmocka_unit_test(ignore_parse__keeps_escaped_trailing_space),
    cmocka_unit_test(ignore_parse__drops_crlf_and_bom),
    cmocka_unit_test(ignore_parse__last_line_without_newline_counts),
    cmocka_unit_test(ignore_parse__out_of_memory_returns_enomem),
    cmocka_unit_test(ignore_list__later_negation_reincludes),
    cmocka_unit_test(ignore_list__later_exclude_overrides_negation),
    cmocka_unit_test(ignore_list__dir_only_rule_spares_files),
    cmocka_unit_test(ignore_list__name_pattern_matches_at_any_depth),
    cmocka_unit_test(ignore_list__leading_slash_anchors_to_base),
    cmocka_unit_test(ignore_list__middle_slash_anchors_to_base),
    cmocka_unit_test(ignore_list__double_trailing_slash_matches_nothing),
    cmocka_unit_test(ignore_list__bare_slash_and_bang_are_no_rules),
    cmocka_unit_test(ignore_stack__nested_file_applies_to_its_subtree_only),
    cmocka_unit_test(ignore_stack__deeper_file_overrides_parent),
    cmocka_unit_test(ignore_stack__parseltongueignore_reincludes),
    cmocka_unit_test(ignore_stack__names_the_file_that_excluded),
    cmocka_unit_test(ignore_stack__parent_ptignore_beats_child_gitignore),
    cmocka_unit_test(ignore_stack__pop_removes_the_innermost_rules),
    cmocka_unit_test(ignore_stack__push_out_of_memory_leaves_stack_intact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
