/* pt/sys/secret.h on Windows: a secret file's DACL is protected (nothing
 * inherited from a folder that Users may read, as %ProgramData%'s are) and
 * grants exactly the current user, Administrators, SYSTEM and the extra
 * account asked for. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>
#include <string.h>

#include "pt/alloc.h"
#include "pt/buf.h"
#include "pt/sys/secret.h"
#include "test_support.h"

static void sid_of_user(BYTE *out)
{
  HANDLE tok = NULL;
  BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  DWORD need = 0;
  assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok));
  assert_true(GetTokenInformation(tok, TokenUser, buf, sizeof buf, &need));
  assert_true(CopySid(SECURITY_MAX_SID_SIZE, out, ((TOKEN_USER *)buf)->User.Sid));
  CloseHandle(tok);
}

static void well_known(WELL_KNOWN_SID_TYPE t, BYTE *out)
{
  DWORD n = SECURITY_MAX_SID_SIZE;
  assert_true(CreateWellKnownSid(t, NULL, out, &n));
}

/* Whether the DACL has an allowing entry for sid. */
static int grants(ACL *acl, PSID sid)
{
  for (DWORD i = 0; i < acl->AceCount; i++) {
    ACCESS_ALLOWED_ACE *ace = NULL;
    assert_true(GetAce(acl, i, (void **)&ace));
    if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
        EqualSid((PSID)&ace->SidStart, sid))
      return 1;
  }
  return 0;
}

/* Wine answers every file's access list with a default one made from its
 * Unix mode (two entries, not protected), whatever the file was created
 * with, so the list can only be read back on Windows (docs/windows-service.md,
 * "What wine could not show"). */
static int is_wine(void)
{
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

static void secret_create__grants_only_the_owner_admins_system_and_account(
    void **state)
{
  if (is_wine())
    skip();
  char *dir = pt_test_tmpdir("secret_acl");
  pt_buf path = PT_BUF_INIT;
  pt_buf_printf(&path, "%s/tok", dir);
  assert_int_equal(pt_secret_create(path.ptr, "0123456789abcdef\n", 17,
                                    "NT AUTHORITY\\LocalService"), 0);
  wchar_t wpath[1024];
  MultiByteToWideChar(CP_UTF8, 0, path.ptr, -1, wpath, 1024);
  ACL *acl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  assert_int_equal(GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT,
                                         DACL_SECURITY_INFORMATION, NULL, NULL,
                                         &acl, NULL, &sd), ERROR_SUCCESS);
  SECURITY_DESCRIPTOR_CONTROL ctl = 0;
  DWORD rev = 0;
  assert_true(GetSecurityDescriptorControl(sd, &ctl, &rev));
  assert_true(ctl & SE_DACL_PROTECTED);
  assert_non_null(acl);
  BYTE user[SECURITY_MAX_SID_SIZE], admins[SECURITY_MAX_SID_SIZE],
      sys[SECURITY_MAX_SID_SIZE], svc[SECURITY_MAX_SID_SIZE],
      users[SECURITY_MAX_SID_SIZE], everyone[SECURITY_MAX_SID_SIZE];
  sid_of_user(user);
  well_known(WinBuiltinAdministratorsSid, admins);
  well_known(WinLocalSystemSid, sys);
  well_known(WinLocalServiceSid, svc);
  well_known(WinBuiltinUsersSid, users);
  well_known(WinWorldSid, everyone);
  assert_int_equal(acl->AceCount, 4);
  assert_true(grants(acl, user));
  assert_true(grants(acl, admins));
  assert_true(grants(acl, sys));
  assert_true(grants(acl, svc));
  assert_false(grants(acl, users));
  assert_false(grants(acl, everyone));
  LocalFree(sd);
  pt_buf_fini(&path);
  pt_free(dir);
}

static void secret_read__reads_what_create_wrote(void **state)
{
  char *dir = pt_test_tmpdir("secret_read");
  pt_buf path = PT_BUF_INIT, got = PT_BUF_INIT;
  pt_buf_printf(&path, "%s/tok", dir);
  assert_int_equal(pt_secret_create(path.ptr, "abc", 3, NULL), 0);
  assert_int_equal(pt_secret_read(path.ptr, 64, &got), 0);
  assert_int_equal(got.len, 3);
  assert_memory_equal(got.ptr, "abc", 3);
  pt_buf_fini(&got);
  pt_buf_fini(&path);
  pt_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(
          secret_create__grants_only_the_owner_admins_system_and_account),
      cmocka_unit_test(secret_read__reads_what_create_wrote),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
