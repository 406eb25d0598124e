/* SHA-256's compression function on the x86 SHA extensions (sha256.h):
 * about five times the portable code's speed on the entities' text. Built
 * only where pt/compat.h says the compiler can target them in one
 * function; elsewhere, and on a CPU without them, there is no such
 * function and the portable one runs. <immintrin.h> is the compiler's
 * own header of those instructions, not the OS's. */
#include "base/sha256.h"
#include "pt/compat.h"

#if PT_X86_SHA
#include <immintrin.h>

/* The instructions keep the state as ABEF and CDGH, four rounds per
 * message word group: sha256rnds2 does two, msg1 and msg2 extend the
 * message schedule four words at a time. */
PT_TARGET_X86_SHA
static void blocks_x86(uint32_t st[8], const unsigned char *p, size_t n)
{
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
                                      0x0405060700010203ULL);
  __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)st), 0xb1);
  __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(st + 4)), 0x1b);
  __m128i abef = _mm_alignr_epi8(dcba, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, dcba, 0xf0);
  for (; n > 0; n--, p += 64) {
    __m128i abef_in = abef, cdgh_in = cdgh;
    __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), swap);
    __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), swap);
    __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), swap);
    __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), swap);
    for (int i = 0; i < 16; i++) {
      __m128i wk = _mm_add_epi32(m0, _mm_loadu_si128((const __m128i *)(pt__sha256_k + 4 * i)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
      /* words 16 on: W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2]) */
      __m128i next = _mm_sha256msg2_epu32(
          _mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4)),
          m3);
      m0 = m1;
      m1 = m2;
      m2 = m3;
      m3 = next;
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
  _mm_storeu_si128((__m128i *)st, _mm_blend_epi16(feba, dchg, 0xf0));
  _mm_storeu_si128((__m128i *)(st + 4), _mm_alignr_epi8(dchg, feba, 8));
}

pt__sha256_blocks_fn *pt__sha256_blocks_hw(void)
{
  /* libgcc reads CPUID once, before main; this only tests its bits */
  if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1"))
    return blocks_x86;
  return NULL;
}

#else

pt__sha256_blocks_fn *pt__sha256_blocks_hw(void)
{
  return NULL;
}

#endif
