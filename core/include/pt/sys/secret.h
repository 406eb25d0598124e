/* Secrets: random bytes from the operating system's CSPRNG, and small files
 * that only their owner may read (the HTTP server's bearer token,
 * docs/http-api.md "Bearer token"). */
#ifndef PT_SYS_SECRET_H
#define PT_SYS_SECRET_H

#include <stddef.h>

#include "pt/buf.h"

/* Fills out with size bytes from the OS's cryptographic generator
 * (getrandom; BCryptGenRandom). PT_EIO when it cannot. */
int pt_secret_random(void *out, size_t size);

/* Creates path, which must not exist (PT_EEXISTS), holding data, readable
 * and writable by its owner only: mode 0600 on POSIX; on Windows a
 * protected DACL granting the current user, the Administrators group, the
 * SYSTEM account and, when also_account is not NULL, that account (a name
 * as LookupAccountName takes it: "NT AUTHORITY\\LocalService"), and no one
 * else. The file is flushed before it returns; on failure nothing is left. */
int pt_secret_create(const char *path, const void *data, size_t size,
                     const char *also_account);

/* Reads a secret file of at most max bytes into out (replacing it).
 * PT_ENOTFOUND when missing. On POSIX, a file that is not a regular file,
 * or that its group or others may read or write, is refused with
 * PT_EINVAL and a message saying how to fix it (chmod 600); Windows'
 * ACLs are not checked. */
int pt_secret_read(const char *path, size_t max, pt_buf *out);

#endif
