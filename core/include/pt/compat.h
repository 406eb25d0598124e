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

/* A hint that *p is read soon (a hash map's slot ahead of its lookup);
 * nothing where the compiler has no such builtin. */
#if defined(__GNUC__) || defined(__clang__)
#define PT_PREFETCH(p) __builtin_prefetch(p)
#else
#define PT_PREFETCH(p) ((void)(p))
#endif

/* The x86-64 SHA instructions (base/sha256_x86.c): GCC compiles one
 * function for them (target) and tells whether the CPU has them
 * (__builtin_cpu_supports, which clang 14 cannot ask about "sha"). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && \
    defined(__x86_64__)
#define PT_X86_SHA 1
#define PT_TARGET_X86_SHA __attribute__((target("sha,sse4.1")))
#else
#define PT_X86_SHA 0
#endif

#endif
