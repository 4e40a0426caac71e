#include "kernels.h"

#include <cstdlib>
#include <cstring>

#include "kernels_simd.h"

// SSE2 (every x86-64 CPU) for the two per-pixel loops; other CPUs run the plain loops, which compilers vectorise less
// well (SSE2 has no 32-bit multiply, so v * v in 32 bits is slow there; pmaddwd on 16-bit values is one instruction).
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#define PF_KERNELS_SSE2 1
#include <emmintrin.h>
#endif

namespace {

bool CpuHasAvx2() {
#if defined(PF_KERNELS_AVX2) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

// OpenCV's BORDER_REFLECT_101 inside [lo, hi).
inline int Reflect101(int i, int lo, int hi) {
  if (hi - lo == 1) return lo;
  if (i < lo) return 2 * lo - i;
  if (i >= hi) return 2 * (hi - 1) - i;
  return i;
}

void CellEdges(int n, int* edges) {
  const int step = n / kGrid;
  for (int i = 0; i < kGrid; i++) edges[i] = i * step;
  edges[kGrid] = n;
}

#ifdef PF_KERNELS_SSE2
inline __m128i Load(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

inline int64_t Sum32(__m128i v) {
  alignas(16) int32_t l[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(l), v);
  return static_cast<int64_t>(l[0]) + l[1] + l[2] + l[3];
}

inline int64_t Sum64(__m128i v) {
  alignas(16) int64_t l[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(l), v);
  return l[0] + l[1];
}

// The Laplacian of 8 pixels in 16 bits (-1020..1020), from the bytes widened by `unpack`.
template <bool kHigh>
inline __m128i Laplacian8(__m128i u, __m128i d, __m128i l, __m128i r, __m128i c) {
  const __m128i z = _mm_setzero_si128();
  auto w = [&](__m128i v) { return kHigh ? _mm_unpackhi_epi8(v, z) : _mm_unpacklo_epi8(v, z); };
  return _mm_sub_epi16(_mm_add_epi16(_mm_add_epi16(w(u), w(d)), _mm_add_epi16(w(l), w(r))), _mm_slli_epi16(w(c), 2));
}
#endif

// Laplacian sums of x in [a, b) with the given rows above and below and plain horizontal neighbours (the caller keeps
// a >= 1 and b <= width - 1). Chunks of 2048 keep the 32-bit accumulators exact (at most 2048 x 1020^2 per lane).
inline void Segment(SimdLevel level, const uint8_t* u, const uint8_t* c, const uint8_t* d, int a, int b, int64_t* sum, int64_t* sq) {
  int64_t s = 0, q = 0;
#ifdef PF_KERNELS_AVX2
  if (level == SimdLevel::kAvx2) a = LaplacianAvx2(u, c, d, a, b, &s, &q);
#else
  (void)level;
#endif
#ifdef PF_KERNELS_SSE2
  const __m128i ones = _mm_set1_epi16(1);
  while (b - a >= 16) {
    const int end = a + ((b - a) & ~15) < a + 2048 ? a + ((b - a) & ~15) : a + 2048;
    __m128i vs = _mm_setzero_si128(), vq = _mm_setzero_si128();
    for (; a < end; a += 16) {
      const __m128i cu = Load(u + a), cd = Load(d + a), cl = Load(c + a - 1), cr = Load(c + a + 1), cc = Load(c + a);
      const __m128i lo = Laplacian8<false>(cu, cd, cl, cr, cc), hi = Laplacian8<true>(cu, cd, cl, cr, cc);
      vs = _mm_add_epi32(vs, _mm_add_epi32(_mm_madd_epi16(lo, ones), _mm_madd_epi16(hi, ones)));
      vq = _mm_add_epi32(vq, _mm_add_epi32(_mm_madd_epi16(lo, lo), _mm_madd_epi16(hi, hi)));
    }
    s += Sum32(vs);
    q += Sum32(vq);
  }
#endif
  for (int x0 = a; x0 < b; x0 += 2048) {
    const int x1 = b - x0 > 2048 ? x0 + 2048 : b;
    int32_t rs = 0;
    uint32_t rq = 0;
    for (int x = x0; x < x1; x++) {
      const int32_t v = u[x] + d[x] + c[x - 1] + c[x + 1] - 4 * c[x];
      rs += v;
      rq += static_cast<uint32_t>(v * v);
    }
    s += rs;
    q += rq;
  }
  *sum += s;
  *sq += q;
}

inline int LaplacianAt(const uint8_t* u, const uint8_t* c, const uint8_t* d, int x, int x0, int x1) {
  return u[x] + d[x] + c[Reflect101(x - 1, x0, x1)] + c[Reflect101(x + 1, x0, x1)] - 4 * c[x];
}

}  // namespace

SimdLevel BestSimdLevel() {
  static const SimdLevel best = CpuHasAvx2() ? SimdLevel::kAvx2 : SimdLevel::kBase;
  return best;
}

const char* SimdLevelName(SimdLevel level) {
#ifdef PF_KERNELS_SSE2
  return level == SimdLevel::kAvx2 ? "avx2" : "sse2";
#else
  return level == SimdLevel::kAvx2 ? "avx2" : "c";
#endif
}

LumaKernels::LumaKernels(int width, int height, SimdLevel level) : width_(width), height_(height), level_(level) {
  CellEdges(width, xs_);
  CellEdges(height, ys_);
  for (int cy = 0; cy < kGrid; cy++) {
    for (int cx = 0; cx < kGrid; cx++) {
      sums_.cellCount[cy * kGrid + cx] = static_cast<int64_t>(xs_[cx + 1] - xs_[cx]) * (ys_[cy + 1] - ys_[cy]);
    }
  }
}

void LumaKernels::RowsReady(int lastReady, const RowSource& rows) {
  // Target row t needs rows up to t + kRowsBelow (or the last row).
  const int limit = lastReady >= height_ - 1 ? height_ : lastReady - kRowsBelow + 1;
  for (; next_ < limit; next_++) Target(next_, rows);
}

void LumaKernels::Target(int t, const RowSource& rows) {
  const int w = width_, h = height_;
  const uint8_t* c = rows(t);

  // Histogram: four sub-histograms avoid store-to-load stalls on runs of equal pixels; flushed before a bin could
  // overflow.
  int x = 0;
  for (; x + 4 <= w; x += 4) {
    hist_[0][c[x]]++;
    hist_[1][c[x + 1]]++;
    hist_[2][c[x + 2]]++;
    hist_[3][c[x + 3]]++;
  }
  for (; x < w; x++) hist_[0][c[x]]++;
  histPending_ += w;
  if (histPending_ > (1 << 30)) {
    for (int v = 0; v < 256; v++) histFlushed_[v] += static_cast<int64_t>(hist_[0][v]) + hist_[1][v] + hist_[2][v] + hist_[3][v];
    memset(hist_, 0, sizeof(hist_));
    histPending_ = 0;
  }

  // Laplacian: the cell's own reflect-101 borders for its sums, the image's for the whole-image sums; they differ
  // only on a cell's first and last rows and columns.
  int cy = 0;
  while (cy < kGrid - 1 && t >= ys_[cy + 1]) cy++;
  const int y0 = ys_[cy], y1 = ys_[cy + 1];
  const uint8_t* ui = rows(Reflect101(t - 1, 0, h));
  const uint8_t* di = rows(Reflect101(t + 1, 0, h));
  const uint8_t* uc = rows(Reflect101(t - 1, y0, y1));
  const uint8_t* dc = rows(Reflect101(t + 1, y0, y1));
  const bool sameRows = uc == ui && dc == di;
  for (int cx = 0; cx < kGrid; cx++) {
    const int x0 = xs_[cx], x1 = xs_[cx + 1];
    if (x1 <= x0) continue;
    const int k = cy * kGrid + cx;
    int64_t s = 0, q = 0, ws = 0, wq = 0;
    // Columns x0 + 1 .. x1 - 2 have their horizontal neighbours inside the cell (and the image).
    const int a = x0 + 1, b = x1 - 1;
    if (b > a) {
      Segment(level_, uc, c, dc, a, b, &s, &q);
      if (sameRows) {
        ws += s;
        wq += q;
      } else {
        Segment(level_, ui, c, di, a, b, &ws, &wq);
      }
    }
    auto edge = [&](int ex) {
      const int64_t lc = LaplacianAt(uc, c, dc, ex, x0, x1);
      const int64_t li = LaplacianAt(ui, c, di, ex, 0, w);
      s += lc;
      q += lc * lc;
      ws += li;
      wq += li * li;
    };
    edge(x0);
    if (x1 - 1 > x0) edge(x1 - 1);
    sums_.cellSum[k] += s;
    sums_.cellSq[k] += q;
    sums_.wholeSum += ws;
    sums_.wholeSq += wq;
  }

  // Blur-effect sums (rows 5 .. h - 5, columns 5 .. w - 5).
  if (t >= 5 && t < h - 4) {
    const uint8_t* up = rows(t - 1);
    const uint8_t* up5 = rows(t - 5);
    const uint8_t* down4 = rows(t + 4);
    int64_t dH = 0, kH = 0, dV = 0, kV = 0;
    int start = 5;
#ifdef PF_KERNELS_AVX2
    if (level_ == SimdLevel::kAvx2) {
      BlurSums wide{0, 0, 0, 0};
      start = BlurAvx2(c, up, up5, down4, start, w - 4, &wide);
      dH += wide.dH;
      kH += wide.kH;
      dV += wide.dV;
      kV += wide.kV;
    }
#endif
#ifdef PF_KERNELS_SSE2
    // 16 columns at a time: byte differences by max - min, their sums by psadbw, the kept parts in 16 bits
    // (9 x 255 at most) summed by pmaddwd into 32-bit lanes, flushed every 65 536 columns (< 2^31 per lane).
    {
      const __m128i z = _mm_setzero_si128(), ones = _mm_set1_epi16(1);
      __m128i sdH = z, sdV = z, skH = z, skV = z;
      auto absdiff = [](__m128i p, __m128i q) { return _mm_sub_epi8(_mm_max_epu8(p, q), _mm_min_epu8(p, q)); };
      auto kept = [&](__m128i d, __m128i b) {
        const __m128i dl = _mm_unpacklo_epi8(d, z), dh = _mm_unpackhi_epi8(d, z);
        const __m128i el = _mm_max_epi16(_mm_sub_epi16(_mm_add_epi16(_mm_slli_epi16(dl, 3), dl), _mm_unpacklo_epi8(b, z)), z);
        const __m128i eh = _mm_max_epi16(_mm_sub_epi16(_mm_add_epi16(_mm_slli_epi16(dh, 3), dh), _mm_unpackhi_epi8(b, z)), z);
        return _mm_add_epi32(_mm_madd_epi16(el, ones), _mm_madd_epi16(eh, ones));
      };
      while (start + 16 <= w - 4) {
        const int end = start + 65536 < w - 4 ? start + 65536 : w - 4;
        for (; start + 16 <= end; start += 16) {
          const __m128i p = Load(c + start);
          const __m128i dh = absdiff(p, Load(c + start - 1));
          const __m128i dv = absdiff(p, Load(up + start));
          sdH = _mm_add_epi64(sdH, _mm_sad_epu8(dh, z));
          sdV = _mm_add_epi64(sdV, _mm_sad_epu8(dv, z));
          skH = _mm_add_epi32(skH, kept(dh, absdiff(Load(c + start + 4), Load(c + start - 5))));
          skV = _mm_add_epi32(skV, kept(dv, absdiff(Load(down4 + start), Load(up5 + start))));
        }
        kH += Sum32(skH);
        kV += Sum32(skV);
        skH = skV = z;
      }
      dH += Sum64(sdH);
      dV += Sum64(sdV);
    }
#endif
    for (int x0 = start; x0 < w - 4; x0 += 2048) {
      const int x1 = w - 4 - x0 > 2048 ? x0 + 2048 : w - 4;
      int32_t rdH = 0, rkH = 0, rdV = 0, rkV = 0;
      for (int xx = x0; xx < x1; xx++) {
        const int32_t p = c[xx];
        const int32_t dh = abs(p - c[xx - 1]);
        const int32_t dv = abs(p - up[xx]);
        const int32_t bh = abs(c[xx + 4] - c[xx - 5]);
        const int32_t bv = abs(down4[xx] - up5[xx]);
        rdH += dh;
        rdV += dv;
        const int32_t eh = 9 * dh - bh;
        const int32_t ev = 9 * dv - bv;
        rkH += eh > 0 ? eh : 0;
        rkV += ev > 0 ? ev : 0;
      }
      dH += rdH;
      kH += rkH;
      dV += rdV;
      kV += rkV;
    }
    sums_.blur[0] += dH;
    sums_.blur[1] += kH;
    sums_.blur[2] += dV;
    sums_.blur[3] += kV;
  }
}

void LumaKernels::Finish(KernelSums* out) {
  for (int v = 0; v < 256; v++) {
    sums_.histogram[v] = histFlushed_[v] + hist_[0][v] + hist_[1][v] + hist_[2][v] + hist_[3][v];
  }
  *out = sums_;
}

void ComputeKernelSums(const uint8_t* gray, int width, int height, KernelSums* out, SimdLevel level) {
  LumaKernels k(width, height, level);
  k.RowsReady(height - 1, RowSource{gray, static_cast<size_t>(width), -1});
  k.Finish(out);
}
