/* The launchd agent property list of unit_text.h (launchd.plist(5)): the
 * same `parseltongue serve` command as the systemd unit, as an argument
 * array, so no shell quoting is involved; only XML escaping. */
#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "unit_text.h"

int pt__unit_launchd_label(const char *name, pt_buf *out)
{
  return pt_buf_printf(out, "com.parseltongue.%s", name);
}

/* XML 1.0 allows tab, newline and carriage return among the control
 * characters, but launchd's paths never need them: refuse all. */
static int put_string(pt_buf *b, const char *indent, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return PT_ERR(PT_EINVAL, "'%s' holds a control character (0x%02x), "
                    "which a property list cannot carry", s, *p);
  int rc = pt_buf_printf(b, "%s<string>", indent);
  for (const char *p = s; rc == 0 && *p; p++) {
    switch (*p) {
    case '&': rc = pt_buf_puts(b, "&amp;"); break;
    case '<': rc = pt_buf_puts(b, "&lt;"); break;
    case '>': rc = pt_buf_puts(b, "&gt;"); break;
    case '"': rc = pt_buf_puts(b, "&quot;"); break;
    case '\'': rc = pt_buf_puts(b, "&apos;"); break;
    default: rc = pt_buf_putc(b, *p); break;
    }
  }
  return rc == 0 ? pt_buf_puts(b, "</string>\n") : rc;
}

static int put_arguments(pt_buf *b, const pt_unit_spec *u)
{
  char port[16];
  pt_snprintf(port, sizeof port, "%u", u->port);
  const char *words[] = {u->program, "serve", "--db", u->db, "--root",
                         u->root, "--port", port};
  int rc = pt_buf_puts(b, "  <key>ProgramArguments</key>\n  <array>\n");
  for (size_t i = 0; rc == 0 && i < sizeof words / sizeof *words; i++)
    rc = put_string(b, "    ", words[i]);
  return rc == 0 ? pt_buf_puts(b, "  </array>\n") : rc;
}

static int put_logs(pt_buf *b, const char *log_path)
{
  int rc = pt_buf_puts(b, "  <key>StandardOutPath</key>\n");
  if (rc == 0)
    rc = put_string(b, "  ", log_path);
  if (rc == 0)
    rc = pt_buf_puts(b, "  <key>StandardErrorPath</key>\n");
  if (rc == 0)
    rc = put_string(b, "  ", log_path);
  return rc;
}

int pt__unit_launchd(const pt_unit_spec *u, pt_buf *out)
{
  pt_buf label = PT_BUF_INIT;
  int rc = pt__unit_check_name(u->name);
  if (rc == 0)
    rc = pt__unit_launchd_label(u->name, &label);
  if (rc == 0)
    rc = pt_buf_puts(out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<!-- Written by 'parseltongue service install'; 'parseltongue "
        "service uninstall' removes it. -->\n"
        "<plist version=\"1.0\">\n<dict>\n  <key>Label</key>\n");
  if (rc == 0)
    rc = put_string(out, "  ", pt_buf_cstr(&label));
  if (rc == 0)
    rc = put_arguments(out, u);
  /* Restarted after a crash, not after a clean stop (launchctl bootout). */
  if (rc == 0)
    rc = pt_buf_puts(out, "  <key>RunAtLoad</key>\n  <true/>\n"
                     "  <key>KeepAlive</key>\n  <dict>\n"
                     "    <key>SuccessfulExit</key>\n    <false/>\n"
                     "  </dict>\n  <key>ProcessType</key>\n"
                     "  <string>Background</string>\n");
  if (rc == 0 && u->log_path)
    rc = put_logs(out, u->log_path);
  if (rc == 0)
    rc = pt_buf_puts(out, "</dict>\n</plist>\n");
  pt_buf_fini(&label);
  return rc;
}

static int unescape(const char *s, size_t len, pt_buf *w)
{
  static const char *const ents[][2] = {{"&amp;", "&"}, {"&lt;", "<"},
      {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < len;) {
    size_t k = 0;
    while (k < 5 && strncmp(s + i, ents[k][0], strlen(ents[k][0])) != 0)
      k++;
    rc = pt_buf_putc(w, k < 5 ? ents[k][1][0] : s[i]);
    i += k < 5 ? strlen(ents[k][0]) : 1;
  }
  return rc;
}

static int push_string(pt_buf *w, char ***v, size_t *n, size_t *cap)
{
  int rc = pt_array_grow((void **)v, cap, *n + 1, sizeof **v);
  char *s = rc == 0 ? pt_strndup(pt_buf_cstr(w), w->len) : NULL;
  if (rc == 0 && !s)
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0)
    (*v)[(*n)++] = s;
  pt_buf_clear(w);
  return rc;
}

int pt__unit_launchd_args(const char *text, char ***out, size_t *n_out)
{
  const char *p = strstr(text, "<key>ProgramArguments</key>");
  const char *end = p ? strstr(p, "</array>") : NULL;
  pt_buf w = PT_BUF_INIT;
  size_t cap = 0;
  *out = NULL;
  *n_out = 0;
  int rc = end ? 0 : PT_ERR(PT_EPARSE, "the property list has no "
                            "ProgramArguments array");
  while (rc == 0 && (p = strstr(p, "<string>")) != NULL && p < end) {
    p += strlen("<string>");
    const char *close = strstr(p, "</string>");
    if (!close || close > end)
      rc = PT_ERR(PT_EPARSE, "ProgramArguments: a <string> is not closed");
    if (rc == 0)
      rc = unescape(p, (size_t)(close - p), &w);
    if (rc == 0)
      rc = push_string(&w, out, n_out, &cap);
    p = close;
  }
  pt_buf_fini(&w);
  if (rc) {
    pt_strv_free(*out, *n_out);
    *out = NULL;
    *n_out = 0;
  }
  return rc;
}
