/* Ignore rules with git's gitignore semantics: the glob matcher, the rules
 * of one ignore file, and the per-directory stack of .gitignore and
 * .parseltongueignore files the walk keeps while it descends. Pure string
 * work: the walk reads the files and hands their text in. */
#ifndef PT_IGNORE_H
#define PT_IGNORE_H

#include <stddef.h>

#define PT_IGNORE_GITIGNORE "gitignore"
#define PT_IGNORE_PTIGNORE "parseltongueignore"

typedef enum pt_ignore_verdict {
  PT_IGNORE_NONE = 0,    /* no rule matched */
  PT_IGNORE_EXCLUDE,     /* the last matching rule excludes */
  PT_IGNORE_INCLUDE      /* the last matching rule is a "!" re-include */
} pt_ignore_verdict;

enum {
  PT_IGNORE_NEGATE = 1u,   /* "!pattern" */
  PT_IGNORE_DIR_ONLY = 2u, /* "pattern/" */
  PT_IGNORE_BASENAME = 4u  /* no '/' in the pattern: match the last name */
};

typedef struct pt_ignore_rule {
  const char *pattern;   /* borrowed from the list's text; not terminated */
  size_t len;            /* without "!", leading '/' and trailing '/' */
  unsigned flags;        /* PT_IGNORE_NEGATE | _DIR_ONLY | _BASENAME */
} pt_ignore_rule;

/* The rules of one ignore file, in file order. */
typedef struct pt_ignore_list {
  char *text;            /* owned, pt_malloc: the file's text */
  pt_ignore_rule *rules; /* owned, pt_malloc */
  size_t n_rules;
} pt_ignore_list;

#define PT_IGNORE_LIST_INIT {NULL, NULL, 0}

/* 1 when the glob matches the whole path, else 0. '*', '?' and "[...]"
 * (ranges, '!' or '^' negation, [:alpha:]-style classes) never match '/';
 * '\' makes the next character literal. A segment that is only stars (the
 * double star) matches zero or more folders when it leads the pattern or
 * sits between names, and one or more names when it ends the pattern, so
 * "a/" followed by a double star matches "a/x" and "a/x/y" but not "a"
 * (docs/ignore-rules.md has examples). A bracket left open or a trailing
 * '\' never matches. No recursion, no allocation. */
int pt_ignore_match_glob(const char *pattern, size_t pattern_len,
                         const char *path, size_t path_len);

/* Parses the text of an ignore file into out (which it initialises):
 * blank lines and '#' comments are skipped, unescaped trailing spaces and a
 * CR before the newline dropped, a UTF-8 BOM skipped. PT_ENOMEM on failure,
 * leaving out empty. Free with pt_ignore_list_fini. */
int pt_ignore_list_parse(const char *text, size_t len, pt_ignore_list *out);
void pt_ignore_list_fini(pt_ignore_list *l);

/* The list's verdict for path, relative to the ignore file's directory,
 * '/' separators, no trailing '/': the last matching rule wins. */
pt_ignore_verdict pt_ignore_list_match(const pt_ignore_list *l,
                                       const char *path, int is_dir);

/* The ignore files of one directory. base is root-relative and ends with
 * '/', or is "" for the root. */
typedef struct pt_ignore_frame {
  char *base;            /* owned, pt_malloc */
  size_t base_len;
  pt_ignore_list git;    /* .gitignore (may be empty) */
  pt_ignore_list pt;     /* .parseltongueignore (may be empty) */
} pt_ignore_frame;

typedef struct pt_ignore_stack {
  pt_ignore_frame *frames; /* owned, pt_malloc; outermost first */
  size_t n_frames;
  size_t cap;
} pt_ignore_stack;

#define PT_IGNORE_STACK_INIT {NULL, 0, 0}

void pt_ignore_stack_fini(pt_ignore_stack *s);
/* Adds the ignore files of directory base (texts may be NULL when the file
 * is absent). The frame applies to every path below base until popped.
 * PT_ENOMEM on failure, leaving the stack as it was. */
int pt_ignore_stack_push(pt_ignore_stack *s, const char *base,
                         const char *git_text, size_t git_len,
                         const char *pt_text, size_t pt_len);
/* Removes the innermost frame. */
void pt_ignore_stack_pop(pt_ignore_stack *s);
/* NULL when the root-relative path is not excluded, else the reason:
 * PT_IGNORE_GITIGNORE or PT_IGNORE_PTIGNORE (static strings). Among the
 * .gitignore files the deepest one with a matching rule decides, as git
 * does; then the .parseltongueignore files are asked the same way and,
 * when one of them matches, their verdict replaces git's (so "!" there
 * re-includes what .gitignore excluded). Parent directories are assumed
 * not excluded: the walk never descends into an excluded directory, which
 * is why a file cannot be re-included below one. */
const char *pt_ignore_stack_check(const pt_ignore_stack *s, const char *path,
                                  int is_dir);

#endif
