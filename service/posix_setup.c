/* The files of a POSIX user service (posix_service.h): where its unit and
 * data folder are, what `install` resolves before writing anything, the
 * first index of a new database, and reading an installed unit back for
 * `status`. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix_service.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "unit_text.h"

unsigned long pt__posix_uid(void)
{
  return (unsigned long)getuid();
}

/* $VAR when set and absolute (as the XDG spec asks), else $HOME/fallback. */
static int base_dir(const char *var, const char *fallback, pt_buf *out)
{
  const char *v = var ? getenv(var) : NULL;
  const char *home = getenv("HOME");
  if (v && v[0] == '/')
    return pt_buf_puts(out, v);
  if (!home || home[0] != '/')
    return PT_ERR(PT_EINVAL, "HOME is not set to an absolute path: cannot "
                  "tell where user services live");
  return pt_buf_printf(out, "%s/%s", home, fallback);
}

static int launchd_paths(const char *name, svc_paths *p, pt_buf *b)
{
  int rc = pt__unit_launchd_label(name, b);
  if (rc == 0 && !(p->unit_name = pt_buf_detach(b)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (rc = base_dir(NULL, "Library/LaunchAgents", b)) == 0)
    p->unit_dir = pt_buf_detach(b);
  if (rc == 0 && (rc = base_dir(NULL, "Library/Application Support/"
                                "Parseltongue", b)) == 0)
    rc = pt_buf_printf(b, "/%s", name);
  if (rc == 0)
    p->data_dir = pt_buf_detach(b);
  if (rc == 0 && (rc = base_dir(NULL, "Library/Logs/Parseltongue", b)) == 0)
    rc = pt_buf_printf(b, "/%s.log", name);
  if (rc == 0)
    p->log_path = pt_buf_detach(b);
  if (rc == 0)
    rc = pt_buf_printf(b, "%s/%s.plist", p->unit_dir, p->unit_name);
  return rc;
}

static int systemd_paths(const char *name, svc_paths *p, pt_buf *b)
{
  int rc = pt__unit_systemd_file(name, b);
  if (rc == 0 && !(p->unit_name = pt_buf_detach(b)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (rc = base_dir("XDG_CONFIG_HOME", ".config", b)) == 0)
    rc = pt_buf_puts(b, "/systemd/user");
  if (rc == 0)
    p->unit_dir = pt_buf_detach(b);
  if (rc == 0 && (rc = base_dir("XDG_DATA_HOME", ".local/share", b)) == 0)
    rc = pt_buf_printf(b, "/parseltongue/%s", name);
  if (rc == 0)
    p->data_dir = pt_buf_detach(b);
  if (rc == 0)
    rc = pt_buf_printf(b, "%s/%s", p->unit_dir, p->unit_name);
  return rc;
}

int pt__svc_paths_init(const char *name, svc_paths *out)
{
  pt_buf b = PT_BUF_INIT;
  memset(out, 0, sizeof *out);
  int rc = pt__unit_check_name(name);
  if (rc == 0)
    rc = pt__posix_is_launchd() ? launchd_paths(name, out, &b)
                                : systemd_paths(name, out, &b);
  if (rc == 0 && !(out->unit_path = pt_buf_detach(&b)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc == 0 && (!out->unit_dir || !out->data_dir))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  if (rc)
    pt__svc_paths_fini(out);
  pt_buf_fini(&b);
  return rc;
}

void pt__svc_paths_fini(svc_paths *p)
{
  if (!p)
    return;
  pt_free(p->unit_dir);
  pt_free(p->unit_path);
  pt_free(p->unit_name);
  pt_free(p->data_dir);
  pt_free(p->log_path);
  memset(p, 0, sizeof *p);
}

static int is_there(const char *path)
{
  pt_fs_stat st;
  int rc = pt_fs_stat_path(path, &st);
  pt_error_clear();
  return rc == 0;
}

int pt__svc_refuse_taken(const svc_paths *p)
{
  if (is_there(p->unit_path))
    return PT_ERR(PT_EEXISTS, "a service of that name is installed already "
                  "(%s): remove it with 'parseltongue service uninstall "
                  "--name NAME' or choose another --name", p->unit_path);
  return 0;
}

typedef struct name_list {
  pt_buf *list;
  size_t n;
  const char *prefix, *suffix;
} name_list;

static int on_unit(const char *file, pt_fs_type type, void *payload)
{
  name_list *l = payload;
  size_t len = strlen(file), pre = strlen(l->prefix), suf = strlen(l->suffix);
  if (type != PT_FS_FILE || len <= pre + suf ||
      !pt_str_starts_with(file, l->prefix) ||
      !pt_str_ends_with(file, l->suffix))
    return 0;
  l->n++;
  return pt_buf_printf(l->list, "%s%.*s", l->list->len ? ", " : "",
                       (int)(len - pre - suf), file + pre);
}

int pt__svc_list_installed(pt_buf *list, size_t *n)
{
  svc_paths p;
  int rc = pt__svc_paths_init("x", &p);
  name_list l = {list, 0, pt__posix_is_launchd() ? "com.parseltongue." :
                 "parseltongue-", pt__posix_is_launchd() ? ".plist" :
                 ".service"};
  if (rc == 0 && is_there(p.unit_dir))
    rc = pt_fs_list_dir(p.unit_dir, on_unit, &l);
  *n = l.n;
  pt__svc_paths_fini(&p);
  return rc;
}

int pt__svc_require_installed(const svc_paths *p)
{
  if (is_there(p->unit_path))
    return 0;
  pt_buf list = PT_BUF_INIT;
  size_t n = 0;
  int rc = pt__svc_list_installed(&list, &n);
  if (rc == 0)
    rc = PT_ERR(PT_ENOTFOUND, "no service is installed as %s (installed: %s)",
                p->unit_path, n ? pt_buf_cstr(&list) : "none");
  pt_buf_fini(&list);
  return rc;
}

int pt__svc_pick_name(const char *given, char **out)
{
  pt_buf list = PT_BUF_INIT;
  size_t n = 0;
  int rc = given ? pt__unit_check_name(given)
                 : pt__svc_list_installed(&list, &n);
  if (rc == 0 && !given && n == 0)
    rc = PT_ERR(PT_ENOTFOUND, "no service is installed");
  if (rc == 0 && !given && n > 1)
    rc = PT_ERR(PT_EINVAL, "several services are installed (%s): name one "
                "with --name", pt_buf_cstr(&list));
  if (rc == 0 && !(*out = pt_strdup(given ? given : pt_buf_cstr(&list))))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  pt_buf_fini(&list);
  return rc;
}
