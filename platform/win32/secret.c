/* pt/sys/secret.h on Windows: BCryptGenRandom for random bytes; a secret
 * file gets a protected DACL (no inherited entries) for the current user,
 * Administrators, SYSTEM and one more account if asked, is written under a
 * temporary name with that DACL and moved to its name without replacing
 * anything, so it appears whole or not at all. */
#include "error_win32.h"
#include <aclapi.h>
#include <bcrypt.h>

#include <string.h>

#include "pt/alloc.h"
#include "pt/error.h"
#include "pt/sys/fs.h"
#include "pt/sys/proc.h"
#include "pt/sys/secret.h"
#include "utf16.h"

int pt_secret_random(void *out, size_t size)
{
  unsigned char *p = out;
  while (size > 0) {
    ULONG n = size > 0x10000000u ? 0x10000000u : (ULONG)size;
    NTSTATUS st = BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st < 0)
      return PT_ERR(PT_EIO, "cannot read the system's random generator "
                    "(BCryptGenRandom: status 0x%08lx)", (unsigned long)st);
    p += n;
    size -= n;
  }
  return 0;
}

/* The SIDs the DACL grants: the user of this process's token (in user),
 * two well-known ones, and also_account's. */
typedef struct grants {
  BYTE user[SECURITY_MAX_SID_SIZE];
  BYTE admins[SECURITY_MAX_SID_SIZE];
  BYTE system[SECURITY_MAX_SID_SIZE];
  BYTE other[SECURITY_MAX_SID_SIZE];
  int has_other;
} grants;

static int token_user(BYTE *out)
{
  HANDLE tok = NULL;
  BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  DWORD need = 0;
  int rc = 0;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
    return pt__error_from_win32(GetLastError(), "cannot read the user of",
                                "this process");
  if (!GetTokenInformation(tok, TokenUser, buf, sizeof buf, &need) ||
      !CopySid(SECURITY_MAX_SID_SIZE, out, ((TOKEN_USER *)buf)->User.Sid))
    rc = pt__error_from_win32(GetLastError(), "cannot read the user of",
                              "this process");
  CloseHandle(tok);
  return rc;
}

static int find_grants(const char *also_account, grants *g)
{
  DWORD n = SECURITY_MAX_SID_SIZE;
  memset(g, 0, sizeof *g);
  int rc = token_user(g->user);
  if (rc == 0 && !CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL,
                                     g->admins, &n))
    rc = pt__error_from_win32(GetLastError(), "cannot name", "Administrators");
  n = SECURITY_MAX_SID_SIZE;
  if (rc == 0 && !CreateWellKnownSid(WinLocalSystemSid, NULL, g->system, &n))
    rc = pt__error_from_win32(GetLastError(), "cannot name", "SYSTEM");
  if (rc == 0 && also_account) {
    wchar_t *w = NULL, domain[256];
    DWORD size = SECURITY_MAX_SID_SIZE, dsize = 256;
    SID_NAME_USE use;
    rc = pt__utf16_from_utf8(also_account, &w);
    if (rc == 0 &&
        !LookupAccountNameW(NULL, w, g->other, &size, domain, &dsize, &use))
      rc = pt__error_from_win32(GetLastError(), "cannot find the account",
                                also_account);
    g->has_other = rc == 0;
    pt_free(w);
  }
  return rc;
}

/* A protected DACL: full control for the user, Administrators and SYSTEM,
 * read for the other account. *acl is LocalFree'd by the caller. */
static int make_dacl(grants *g, ACL **acl)
{
  EXPLICIT_ACCESS_W ea[4];
  BYTE *sids[4] = {g->user, g->admins, g->system, g->other};
  ULONG n = g->has_other ? 4 : 3;
  memset(ea, 0, sizeof ea);
  for (ULONG i = 0; i < n; i++) {
    ea[i].grfAccessPermissions = i < 3 ? GENERIC_ALL : GENERIC_READ;
    ea[i].grfAccessMode = SET_ACCESS;
    ea[i].grfInheritance = NO_INHERITANCE;
    ea[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    ea[i].Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    ea[i].Trustee.ptstrName = (LPWSTR)sids[i];
  }
  DWORD err = SetEntriesInAclW(n, ea, NULL, acl);
  return err ? pt__error_from_win32(err, "cannot build the access list of",
                                    "a secret file")
             : 0;
}

static int write_new(const wchar_t *w, const char *path, SECURITY_ATTRIBUTES *sa,
                     const void *data, size_t size)
{
  HANDLE h = CreateFileW(w, GENERIC_WRITE, 0, sa, CREATE_NEW,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return pt__error_from_win32(GetLastError(), "cannot create", path);
  DWORD put = 0;
  int rc = 0;
  if (size > 0xffffffffu ||
      !WriteFile(h, data, (DWORD)size, &put, NULL) || put != size ||
      !FlushFileBuffers(h))
    rc = pt__error_from_win32(GetLastError(), "cannot write", path);
  CloseHandle(h);
  return rc;
}

int pt_secret_create(const char *path, const void *data, size_t size,
                     const char *also_account)
{
  grants g;
  ACL *acl = NULL;
  SECURITY_DESCRIPTOR sd;
  SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
  wchar_t *w = NULL, *wtmp = NULL;
  char tmp[4096];
  int rc = find_grants(also_account, &g);
  if (rc == 0)
    rc = make_dacl(&g, &acl);
  if (rc == 0 && (!InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) ||
                  !SetSecurityDescriptorDacl(&sd, TRUE, acl, FALSE) ||
                  !SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED,
                                                SE_DACL_PROTECTED)))
    rc = pt__error_from_win32(GetLastError(), "cannot secure", path);
  pt_snprintf(tmp, sizeof tmp, "%s.tmp-%lu", path, pt_process_id());
  if (rc == 0)
    rc = pt__utf16_path(path, &w);
  if (rc == 0)
    rc = pt__utf16_path(tmp, &wtmp);
  if (rc == 0)
    rc = write_new(wtmp, tmp, &sa, data, size);
  /* no MOVEFILE_REPLACE_EXISTING: a file made meanwhile wins */
  if (rc == 0 && !MoveFileExW(wtmp, w, MOVEFILE_WRITE_THROUGH))
    rc = pt__error_from_win32(GetLastError(), "cannot create", path);
  if (wtmp)
    DeleteFileW(wtmp);
  pt_free(w);
  pt_free(wtmp);
  if (acl)
    LocalFree(acl);
  return rc;
}

int pt_secret_read(const char *path, size_t max, pt_buf *out)
{
  pt_fs_stat st;
  int rc = pt_fs_stat_path(path, &st);
  if (rc == 0 && st.type != PT_FS_FILE)
    rc = PT_ERR(PT_EINVAL, "%s is not a regular file", path);
  if (rc == 0 && st.size > max)
    rc = PT_ERR(PT_EINVAL, "%s is larger than %zu bytes", path, max);
  if (rc == 0)
    rc = pt_fs_read_file(path, out);
  if (rc == 0 && out->len > max)
    rc = PT_ERR(PT_EINVAL, "%s is larger than %zu bytes", path, max);
  return rc;
}
