/* What `service install` resolves and builds before it writes a unit, and
 * what `status` reads back (posix_service.h): the root and the name, the
 * database spec, the first index of a new database, the installed unit's
 * command line and the health endpoint's answer (pt_net_request). */
#include <stdlib.h>
#include <string.h>

#include "posix_service.h"
#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/ingest.h"
#include "pt/store.h"
#include "pt/sys/fs.h"
#include "pt/sys/net.h"
#include "unit_text.h"

/* The root's last component, with what a name cannot hold made '-'. */
static int name_from_root(const char *root, char **out)
{
  const char *base = strrchr(root, '/');
  base = base && base[1] ? base + 1 : "root";
  char *s = pt_strdup(base[0] == '.' || base[0] == '-' ? base + 1 : base);
  if (!s)
    return PT_ERR(PT_ENOMEM, "out of memory");
  for (char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
      *c = '-';
  if (strlen(s) > 64)
    s[64] = '\0';
  *out = s;
  return pt__unit_check_name(s);
}

int pt__svc_install_prepare(const char *root, const char *name,
                            svc_install *out)
{
  pt_fs_stat st;
  memset(out, 0, sizeof *out);
  int rc = pt_fs_realpath(root, &out->root);
  if (rc == PT_ENOTFOUND || (rc == 0 && pt_fs_stat_path(out->root, &st) == 0 &&
                             st.type != PT_FS_DIR))
    rc = PT_ERR(PT_ENOTFOUND, "%s is not a folder", root);
  if (rc == 0 && name) {
    rc = pt__unit_check_name(name);
    if (rc == 0 && !(out->name = pt_strdup(name)))
      rc = PT_ERR(PT_ENOMEM, "out of memory");
  } else if (rc == 0) {
    rc = name_from_root(out->root, &out->name);
    if (rc)
      rc = PT_ERR(PT_EINVAL, "cannot make a service name of %s: give one "
                  "with --name", out->root);
  }
  if (rc == 0)
    rc = pt__posix_exe_path(&out->exe);
  if (rc)
    pt__svc_install_fini(out);
  return rc;
}

int pt__svc_install_db(svc_install *in, const char *db, const svc_paths *p)
{
  pt_store_spec sp;
  pt_buf b = PT_BUF_INIT;
  char *abs = NULL;
  int rc = 0;
  if (!db) {
    rc = pt_buf_printf(&b, "sqlite:%s/analysis.db", p->data_dir);
  } else if ((rc = pt_store_spec_parse(db, &sp)) == 0) {
    if (sp.engine == PT_ENGINE_MEM)
      rc = PT_ERR(PT_EINVAL, "--db mem keeps nothing between starts: give "
                  "sqlite:PATH or rocksdb:PATH");
    /* The service starts in another folder: make a relative path absolute
     * through its folder, which must exist (pt_fs_realpath). */
    else if (sp.path[0] != '/')
      rc = pt_fs_realpath(".", &abs);
    if (rc == 0)
      rc = pt_buf_printf(&b, "%s:%s%s%s", sp.engine == PT_ENGINE_SQLITE ?
                         "sqlite" : "rocksdb", abs ? abs : "", abs ? "/" : "",
                         sp.path);
  }
  if (rc == 0 && !(in->db = pt_buf_detach(&b)))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  pt_free(abs);
  pt_buf_fini(&b);
  return rc;
}

void pt__svc_install_fini(svc_install *in)
{
  if (!in)
    return;
  pt_free(in->root);
  pt_free(in->name);
  pt_free(in->db);
  pt_free(in->exe);
  memset(in, 0, sizeof *in);
}

static int index_into(const svc_install *in, const char *folder, FILE *out)
{
  char *skip[2] = {NULL, NULL};
  size_t n_skip = 0;
  pt_ingest_opts o;
  pt_ingest_stats st;
  pt_graph *g = NULL;
  pt_store *store = NULL;
  memset(&o, 0, sizeof o);
  memset(&st, 0, sizeof st);
  int rc = pt_fs_mkdir_p(folder);
  if (rc == 0)
    rc = pt_store_skip_paths(NULL, in->db, skip, &n_skip);
  o.root = in->root;
  o.skip = (const char *const *)skip;
  o.n_skip = n_skip;
  o.keep_reads = 1; /* the store keeps each file's reads, as pt01's */
  if (rc == 0) {
    fprintf(out, "Indexing %s into %s...\n", in->root, in->db);
    fflush(out);
    rc = pt_ingest(&o, &g, &st);
  }
  if (rc == 0)
    rc = pt_store_open(in->db, &store);
  if (rc == 0)
    rc = pt_store_save(store, g);
  if (rc == 0)
    fprintf(out, "  %zu files, %zu entities, %zu edges\n", st.processed_files,
            st.n_entities, st.n_edges);
  pt_store_close(store);
  pt_graph_free(g);
  pt_ingest_stats_fini(&st);
  pt_free(skip[0]);
  pt_free(skip[1]);
  return rc;
}

int pt__svc_first_index(const svc_install *in, const svc_paths *p, FILE *out)
{
  pt_store_spec sp;
  pt_fs_stat st;
  int rc = pt_fs_mkdir_p(p->data_dir);
  if (rc == 0)
    rc = pt_store_spec_parse(in->db, &sp);
  if (rc)
    return rc;
  if (pt_fs_stat_path(sp.path, &st) == 0) {
    fprintf(out, "Using the index in %s\n", in->db);
    return 0;
  }
  pt_error_clear();
  const char *slash = strrchr(sp.path, '/');
  char *folder = pt_strndup(sp.path, (size_t)(slash - sp.path));
  rc = folder ? index_into(in, folder, out) : PT_ERR(PT_ENOMEM,
                                                     "out of memory");
  pt_free(folder);
  return rc;
}

static const char *word_after(char **v, size_t n, const char *flag)
{
  for (size_t i = 0; i + 1 < n; i++)
    if (!strcmp(v[i], flag))
      return v[i + 1];
  return NULL;
}

int pt__svc_read_unit(const svc_paths *p, svc_unit_info *out)
{
  pt_buf text = PT_BUF_INIT;
  char **v = NULL;
  size_t n = 0;
  unsigned long long port = 0;
  memset(out, 0, sizeof *out);
  int rc = pt__svc_require_installed(p);
  if (rc == 0)
    rc = pt_fs_read_file(p->unit_path, &text);
  if (rc == 0)
    rc = pt__posix_is_launchd() ? pt__unit_launchd_args(text.ptr, &v, &n)
                                : pt__unit_systemd_args(text.ptr, &v, &n);
  const char *root = word_after(v, n, "--root"), *db = word_after(v, n, "--db");
  const char *port_s = word_after(v, n, "--port");
  if (rc == 0 && (!root || !db || !port_s || pt_parse_u64(port_s, &port) ||
                  port == 0 || port > 65535))
    rc = PT_ERR(PT_EPARSE, "%s does not run 'parseltongue serve --db ENGINE "
                "--root DIR --port N': was it edited?", p->unit_path);
  if (rc == 0 && (!(out->root = pt_strdup(root)) || !(out->db = pt_strdup(db))))
    rc = PT_ERR(PT_ENOMEM, "out of memory");
  out->port = (unsigned)port;
  if (rc)
    pt__svc_unit_info_fini(out);
  pt_strv_free(v, n);
  pt_buf_fini(&text);
  return rc;
}

void pt__svc_unit_info_fini(svc_unit_info *i)
{
  if (!i)
    return;
  pt_free(i->root);
  pt_free(i->db);
  memset(i, 0, sizeof *i);
}

/* The port of the installed service name; 0 when its unit is unreadable. */
static unsigned unit_port(const char *name)
{
  svc_paths p;
  svc_unit_info info;
  unsigned port = 0;
  memset(&info, 0, sizeof info);
  if (pt__svc_paths_init(name, &p) == 0 && pt__svc_read_unit(&p, &info) == 0)
    port = info.port;
  pt_error_clear();
  pt__svc_unit_info_fini(&info);
  pt__svc_paths_fini(&p);
  return port;
}

int pt__svc_refuse_port_taken(unsigned port)
{
  pt_buf list = PT_BUF_INIT;
  size_t n = 0;
  int rc = pt__svc_list_installed(&list, &n);
  /* Names hold no ',' or ' ' (pt__unit_check_name): the list splits. */
  for (char *name = list.ptr; rc == 0 && name && *name;) {
    char *end = strstr(name, ", ");
    if (end)
      *end = '\0';
    if (unit_port(name) == port)
      rc = PT_ERR(PT_EEXISTS, "port %u is the port of service '%s': give "
                  "this one another with --port", port, name);
    name = end ? end + 2 : NULL;
  }
  pt_buf_fini(&list);
  return rc;
}

/* The status code and the body of an HTTP response, NULL if it is none. */
static const char *http_body(const char *resp, int *status)
{
  const char *body = strstr(resp, "\r\n\r\n");
  if (strncmp(resp, "HTTP/1.", 7) != 0 || !strchr(resp, ' ') || !body)
    return NULL;
  *status = (int)strtol(strchr(resp, ' ') + 1, NULL, 10);
  return body + 4;
}

int pt__svc_print_health(unsigned port, FILE *out)
{
  char req[128], resp[8192];
  const char *body = NULL;
  size_t len = 0;
  int status = 0;
  pt_snprintf(req, sizeof req, "GET /server-health-check-status HTTP/1.0\r\n"
              "Host: 127.0.0.1:%u\r\n\r\n", port);
  int rc = pt_net_request("127.0.0.1", port, req, 2000, resp, sizeof resp,
                          &len);
  if (rc == 0 && !(body = http_body(resp, &status)))
    rc = PT_ERR(PT_EIO, "127.0.0.1:%u does not answer HTTP", port);
  if (rc == 0)
    fprintf(out, "health:  HTTP %d %s\n", status, body ? body : "");
  else
    fprintf(out, "health:  no answer (%s)\n", pt_error_last()->message);
  if (rc == 0 && status != 200)
    rc = PT_EIO;
  pt_error_clear();
  return rc;
}
