/* The systemd user unit of unit_text.h, and the service name rule both
 * unit kinds share. Quoting follows systemd.syntax(7) and the ExecStart=
 * rules of systemd.service(5): a word holding anything but plain path
 * characters is double-quoted with C escapes, '%' (specifiers) becomes
 * "%%" and, in arguments, '$' (variable expansion) "$$", quoted or not. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "unit_text.h"

int pt__unit_check_name(const char *name)
{
  size_t len = name ? strlen(name) : 0;
  if (len == 0 || len > 64)
    return PT_ERR(PT_EINVAL, "a service name has 1 to 64 characters");
  if (name[0] == '.' || name[0] == '-')
    return PT_ERR(PT_EINVAL, "service name '%s' starts with '%c'", name,
                  name[0]);
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return PT_ERR(PT_EINVAL, "service name '%s': only letters, digits, "
                    "'.', '_' and '-' are allowed", name);
  }
  return 0;
}

int pt__unit_systemd_file(const char *name, pt_buf *out)
{
  return pt_buf_printf(out, "parseltongue-%s.service", name);
}

static int check_text(const char *what, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return PT_ERR(PT_EINVAL, "%s holds a control character (0x%02x), "
                    "which a unit file cannot carry", what, *p);
  return 0;
}

static int is_plain(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || strchr("/._,:+=@-", c) != NULL;
}

/* '%' is doubled everywhere, '$' in arguments only: systemd expands
 * variables in the arguments but takes the program's path as it is. Only a
 * quoted word takes escapes. */
static int put_word(pt_buf *b, const char *s, int is_program)
{
  int quote = *s == '\0';
  for (const char *p = s; *p; p++)
    if (!is_plain(*p) && *p != '%' && *p != '$')
      quote = 1;
  int rc = quote ? pt_buf_putc(b, '"') : 0;
  for (const char *p = s; rc == 0 && *p; p++) {
    if (*p == '%' || (*p == '$' && !is_program))
      rc = pt_buf_putc(b, *p);
    else if (quote && (*p == '"' || *p == '\\'))
      rc = pt_buf_putc(b, '\\');
    if (rc == 0)
      rc = pt_buf_putc(b, *p);
  }
  if (rc == 0 && quote)
    rc = pt_buf_putc(b, '"');
  return rc;
}

/* Description= expands specifiers but takes no quotes or escapes. */
static int put_description(pt_buf *b, const char *root)
{
  int rc = pt_buf_puts(b, "Description=Parseltongue code graph of ");
  for (const char *p = root; rc == 0 && *p; p++)
    rc = *p == '%' ? pt_buf_puts(b, "%%") : pt_buf_putc(b, *p);
  return rc == 0 ? pt_buf_putc(b, '\n') : rc;
}

static int put_exec(pt_buf *b, const pt_unit_spec *u)
{
  char port[16];
  pt_snprintf(port, sizeof port, "%u", u->port);
  const char *words[] = {u->program, "serve", "--db", u->db, "--root",
                         u->root, "--port", port};
  int rc = pt_buf_puts(b, "ExecStart=");
  for (size_t i = 0; rc == 0 && i < sizeof words / sizeof *words; i++) {
    if (i)
      rc = pt_buf_putc(b, ' ');
    if (rc == 0)
      rc = put_word(b, words[i], i == 0);
  }
  return rc == 0 ? pt_buf_putc(b, '\n') : rc;
}

int pt__unit_systemd(const pt_unit_spec *u, pt_buf *out)
{
  int rc = pt__unit_check_name(u->name);
  if (rc == 0)
    rc = check_text("the program's path", u->program);
  /* systemd refuses these in the program's path, however quoted. */
  if (rc == 0 && strpbrk(u->program, "\"'\\"))
    rc = PT_ERR(PT_EINVAL, "systemd cannot run a program whose path holds a "
                "quote or a backslash (%s): install parseltongue in another "
                "folder", u->program);
  if (rc == 0)
    rc = check_text("the folder's path", u->root);
  if (rc == 0)
    rc = check_text("the engine spec", u->db);
  if (rc == 0)
    rc = pt_buf_printf(out,
        "# Parseltongue service \"%s\", written by 'parseltongue service "
        "install';\n# 'parseltongue service uninstall --name %s' removes "
        "it.\n[Unit]\n", u->name, u->name);
  if (rc == 0)
    rc = put_description(out, u->root);
  if (rc == 0)
    rc = pt_buf_puts(out, "\n[Service]\nType=exec\n");
  if (rc == 0)
    rc = put_exec(out, u);
  /* SIGTERM makes serve write its final backup: give it time. */
  if (rc == 0)
    rc = pt_buf_puts(out, "Restart=on-failure\nRestartSec=5\n"
                     "TimeoutStopSec=120\n\n[Install]\n"
                     "WantedBy=default.target\n");
  return rc;
}

static int push_word(pt_buf *w, char ***v, size_t *n, size_t *cap)
{
  int rc = pt_array_grow((void **)v, cap, *n + 1, sizeof **v);
  char *s = rc == 0 ? pt_strndup(w->ptr ? w->ptr : "", w->len) : NULL;
  if (rc == 0 && !s)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    (*v)[(*n)++] = s;
  pt_buf_clear(w);
  return rc;
}

/* One word of an ExecStart= line from *p: '%%' (and '$$' in arguments)
 * undoubled, quotes and the escapes put_word writes undone. */
static int read_word(const char **p, pt_buf *w, int is_program)
{
  const char *s = *p;
  int quoted = *s == '"', rc = 0;
  s += quoted;
  while (rc == 0 && *s && *s != '\n' && (quoted ? *s != '"' : *s != ' ')) {
    if ((*s == '%' || (*s == '$' && !is_program)) && s[1] == *s)
      s++;
    else if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
      s++;
    rc = pt_buf_putc(w, *s++);
  }
  if (rc == 0 && quoted && *s++ != '"')
    rc = PT_ERR(PT_EPARSE, "ExecStart=: a quote is not closed");
  *p = s;
  return rc;
}

int pt__unit_systemd_args(const char *text, char ***out, size_t *n_out)
{
  const char *p = strstr(text, "\nExecStart=");
  pt_buf w = PT_BUF_INIT;
  size_t cap = 0;
  *out = NULL;
  *n_out = 0;
  int rc = p ? 0 : PT_ERR(PT_EPARSE, "the unit has no ExecStart= line");
  p = p ? p + strlen("\nExecStart=") : p;
  while (rc == 0 && *p && *p != '\n') {
    rc = read_word(&p, &w, *n_out == 0);
    if (rc == 0)
      rc = push_word(&w, out, n_out, &cap);
    while (*p == ' ')
      p++;
  }
  pt_buf_fini(&w);
  if (rc) {
    pt_strv_free(*out, *n_out);
    *out = NULL;
    *n_out = 0;
  }
  return rc;
}
