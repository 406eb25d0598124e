/* The bearer token's file (pt/server.h, docs/http-api.md "Bearer token"):
 * read, checked, or made with a new random token when missing. The token
 * itself never goes into a message or the log. */
#include <string.h>

#include "pt/buf.h"
#include "pt/error.h"
#include "pt/server.h"
#include "pt/sys/secret.h"

/* A file this large cannot hold a token, so it is not read whole. */
#define PT_TOKEN_FILE_MAX 4096

/* RFC 6750's b64token: ALPHA DIGIT - . _ ~ + / then optional '='s. */
static int is_token_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || strchr("-._~+/", c) != NULL;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The token of text: surrounding white space dropped, then checked. */
static int parse(const char *path, const char *text, size_t len,
                 char out[PT_TOKEN_MAX + 1])
{
  while (len && is_space(*text)) {
    text++;
    len--;
  }
  while (len && is_space(text[len - 1]))
    len--;
  if (len < PT_TOKEN_MIN)
    return PT_ERR(PT_EINVAL, "%s holds %s: a token is %d to %d characters "
                  "(delete the file to have a new one made)", path,
                  len ? "too short a token" : "no token", PT_TOKEN_MIN,
                  PT_TOKEN_MAX);
  if (len > PT_TOKEN_MAX)
    return PT_ERR(PT_EINVAL, "%s holds a token longer than %d characters",
                  path, PT_TOKEN_MAX);
  size_t n = 0;
  while (n < len && is_token_char(text[n]))
    n++;
  while (n < len && text[n] == '=')
    n++;
  if (n < len)
    return PT_ERR(PT_EINVAL, "%s: a token is one line of letters, digits and "
                  "- . _ ~ + / (then '='s); character %zu is not", path, n + 1);
  memcpy(out, text, len);
  out[len] = '\0';
  return 0;
}

/* 32 bytes from the OS's generator, as 64 hex digits and a newline. */
static int make(const char *path, const char *also_account,
                char out[PT_TOKEN_MAX + 1])
{
  unsigned char raw[32];
  char text[2 * sizeof raw + 2];
  static const char hex[] = "0123456789abcdef";
  int rc = pt_secret_random(raw, sizeof raw);
  for (size_t i = 0; rc == 0 && i < sizeof raw; i++) {
    text[2 * i] = hex[raw[i] >> 4];
    text[2 * i + 1] = hex[raw[i] & 15];
  }
  text[2 * sizeof raw] = '\n';
  text[2 * sizeof raw + 1] = '\0';
  if (rc == 0)
    rc = pt_secret_create(path, text, 2 * sizeof raw + 1, also_account);
  if (rc == 0)
    rc = parse(path, text, 2 * sizeof raw, out);
  memset(raw, 0, sizeof raw);
  memset(text, 0, sizeof text);
  return rc;
}

int pt_server_token_file(const char *path, const char *also_account,
                         char out[PT_TOKEN_MAX + 1], int *is_created)
{
  pt_buf b = PT_BUF_INIT;
  *is_created = 0;
  int rc = pt_secret_read(path, PT_TOKEN_FILE_MAX, &b);
  if (rc == PT_ENOTFOUND) {
    pt_error_clear();
    rc = make(path, also_account, out);
    if (rc == PT_EEXISTS) { /* another process made it first: take that */
      pt_error_clear();
      rc = pt_secret_read(path, PT_TOKEN_FILE_MAX, &b);
    } else {
      *is_created = rc == 0;
    }
  }
  if (rc == 0 && !*is_created)
    rc = parse(path, b.ptr ? b.ptr : "", b.len, out);
  if (b.ptr)
    memset(b.ptr, 0, b.len);
  pt_buf_fini(&b);
  return rc;
}
