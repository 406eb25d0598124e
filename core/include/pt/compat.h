/* Compiler differences, and only those: the one place core may test for a
 * compiler. Everything else in core is plain C11. */
#ifndef PT_COMPAT_H
#define PT_COMPAT_H

#if defined(_MSC_VER)
#define PT_THREAD_LOCAL __declspec(thread)
#define PT_PRINTF(fmt_idx, arg_idx)
#elif defined(__MINGW32__)
/* MinGW builds define __USE_MINGW_ANSI_STDIO=1 (CMakeLists.txt), so the
 * printf family is C99's (%zu, %lld), which "printf" (msvcrt's) is not. */
#define PT_THREAD_LOCAL _Thread_local
#define PT_PRINTF(fmt_idx, arg_idx) \
  __attribute__((format(gnu_printf, fmt_idx, arg_idx)))
#else
#define PT_THREAD_LOCAL _Thread_local
#define PT_PRINTF(fmt_idx, arg_idx) \
  __attribute__((format(printf, fmt_idx, arg_idx)))
#endif

#endif
