// The two per-pixel loops of kernels.cc in AVX2, 32 pixels a step: compiled on its own with -mavx2 (/arch:AVX2) and
// called only when the CPU says it has AVX2 (kernels.cc checks once). Integer sums, so any order of addition gives
// exactly the SSE2 and plain C results; the callers finish the columns left over with those.
#include "kernels_simd.h"

#ifdef PF_KERNELS_AVX2
#include <immintrin.h>

namespace {

inline __m256i Load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

inline int64_t Sum32(__m256i v) {
  alignas(32) int32_t l[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), v);
  return static_cast<int64_t>(l[0]) + l[1] + l[2] + l[3] + l[4] + l[5] + l[6] + l[7];
}

inline int64_t Sum64(__m256i v) {
  alignas(32) int64_t l[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), v);
  return l[0] + l[1] + l[2] + l[3];
}

// Bytes widened to 16 bits, the low or high 8 of each 128-bit half (which pixel lands where does not matter: sums).
template <bool kHigh>
inline __m256i Widen(__m256i v) {
  const __m256i z = _mm256_setzero_si256();
  return kHigh ? _mm256_unpackhi_epi8(v, z) : _mm256_unpacklo_epi8(v, z);
}

template <bool kHigh>
inline __m256i Laplacian16(__m256i u, __m256i d, __m256i l, __m256i r, __m256i c) {
  return _mm256_sub_epi16(_mm256_add_epi16(_mm256_add_epi16(Widen<kHigh>(u), Widen<kHigh>(d)), _mm256_add_epi16(Widen<kHigh>(l), Widen<kHigh>(r))),
                          _mm256_slli_epi16(Widen<kHigh>(c), 2));
}

}  // namespace

int LaplacianAvx2(const uint8_t* u, const uint8_t* c, const uint8_t* d, int a, int b, int64_t* sum, int64_t* sq) {
  const __m256i ones = _mm256_set1_epi16(1);
  int64_t s = 0, q = 0;
  // Chunks of at most 2048 columns: each 32-bit lane adds 4 squares (<= 1020^2) a step, 64 steps at most.
  while (b - a >= 32) {
    const int end = a + ((b - a) & ~31) < a + 2048 ? a + ((b - a) & ~31) : a + 2048;
    __m256i vs = _mm256_setzero_si256(), vq = _mm256_setzero_si256();
    for (; a < end; a += 32) {
      const __m256i cu = Load(u + a), cd = Load(d + a), cl = Load(c + a - 1), cr = Load(c + a + 1), cc = Load(c + a);
      const __m256i lo = Laplacian16<false>(cu, cd, cl, cr, cc), hi = Laplacian16<true>(cu, cd, cl, cr, cc);
      vs = _mm256_add_epi32(vs, _mm256_add_epi32(_mm256_madd_epi16(lo, ones), _mm256_madd_epi16(hi, ones)));
      vq = _mm256_add_epi32(vq, _mm256_add_epi32(_mm256_madd_epi16(lo, lo), _mm256_madd_epi16(hi, hi)));
    }
    s += Sum32(vs);
    q += Sum32(vq);
  }
  *sum += s;
  *sq += q;
  return a;
}

int BlurAvx2(const uint8_t* c, const uint8_t* up, const uint8_t* up5, const uint8_t* down4, int start, int end, BlurSums* out) {
  const __m256i z = _mm256_setzero_si256(), ones = _mm256_set1_epi16(1);
  __m256i sdH = z, sdV = z;
  auto absdiff = [](__m256i p, __m256i q) { return _mm256_sub_epi8(_mm256_max_epu8(p, q), _mm256_min_epu8(p, q)); };
  // max(9 d - b, 0) in 16 bits (9 x 255 at most), pairs added into 32-bit lanes.
  auto kept = [&](__m256i d, __m256i b) {
    const __m256i dl = Widen<false>(d), dh = Widen<true>(d);
    const __m256i el = _mm256_max_epi16(_mm256_sub_epi16(_mm256_add_epi16(_mm256_slli_epi16(dl, 3), dl), Widen<false>(b)), z);
    const __m256i eh = _mm256_max_epi16(_mm256_sub_epi16(_mm256_add_epi16(_mm256_slli_epi16(dh, 3), dh), Widen<true>(b)), z);
    return _mm256_add_epi32(_mm256_madd_epi16(el, ones), _mm256_madd_epi16(eh, ones));
  };
  // The kept sums flushed every 65 536 columns (each lane gains 4 x 2 295 a step: < 2^31).
  while (start + 32 <= end) {
    const int stop = start + 65536 < end ? start + 65536 : end;
    __m256i skH = z, skV = z;
    for (; start + 32 <= stop; start += 32) {
      const __m256i p = Load(c + start);
      const __m256i dh = absdiff(p, Load(c + start - 1));
      const __m256i dv = absdiff(p, Load(up + start));
      sdH = _mm256_add_epi64(sdH, _mm256_sad_epu8(dh, z));
      sdV = _mm256_add_epi64(sdV, _mm256_sad_epu8(dv, z));
      skH = _mm256_add_epi32(skH, kept(dh, absdiff(Load(c + start + 4), Load(c + start - 5))));
      skV = _mm256_add_epi32(skV, kept(dv, absdiff(Load(down4 + start), Load(up5 + start))));
    }
    out->kH += Sum32(skH);
    out->kV += Sum32(skV);
  }
  out->dH += Sum64(sdH);
  out->dV += Sum64(sdV);
  return start;
}

#endif
