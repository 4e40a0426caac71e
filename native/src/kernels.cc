#include "kernels.h"

#include <cstdlib>
#include <cstring>

namespace {

// OpenCV's BORDER_REFLECT_101 inside [lo, hi).
inline int Reflect101(int i, int lo, int hi) {
  if (hi - lo == 1) return lo;
  if (i < lo) return 2 * lo - i;
  if (i >= hi) return 2 * (hi - 1) - i;
  return i;
}

inline int LaplacianAt(const uint8_t* g, int w, int x, int y, int x0, int x1, int y0, int y1) {
  const uint8_t* row = g + static_cast<size_t>(y) * w;
  const uint8_t* up = g + static_cast<size_t>(Reflect101(y - 1, y0, y1)) * w;
  const uint8_t* down = g + static_cast<size_t>(Reflect101(y + 1, y0, y1)) * w;
  return up[x] + down[x] + row[Reflect101(x - 1, x0, x1)] + row[Reflect101(x + 1, x0, x1)] - 4 * row[x];
}

void CellEdges(int n, int* edges) {
  const int step = n / kGrid;
  for (int i = 0; i < kGrid; i++) edges[i] = i * step;
  edges[kGrid] = n;
}

// Interior rows of a cell: no border cases, so the compiler can vectorise the row loop.
void InteriorSums(const uint8_t* g, int w, int x0, int x1, int y0, int y1, int64_t* sum, int64_t* sq) {
  int64_t s = 0, q = 0;
  for (int y = y0 + 1; y < y1 - 1; y++) {
    const uint8_t* c = g + static_cast<size_t>(y) * w;
    const uint8_t* u = c - w;
    const uint8_t* d = c + w;
    int64_t rs = 0, rq = 0;
    for (int x = x0 + 1; x < x1 - 1; x++) {
      const int32_t v = u[x] + d[x] + c[x - 1] + c[x + 1] - 4 * c[x];
      rs += v;
      rq += v * v;
    }
    s += rs;
    q += rq;
  }
  *sum = s;
  *sq = q;
}

void Histogram(const uint8_t* g, size_t n, int64_t* hist) {
  // Four sub-histograms avoid store-to-load stalls on runs of equal pixels.
  uint32_t* h = static_cast<uint32_t*>(calloc(4 * 256, sizeof(uint32_t)));
  int64_t acc[256] = {0};
  size_t i = 0;
  while (i < n) {
    // Flush before a uint32 bin could overflow.
    const size_t end = (n - i > (1u << 30)) ? i + (1u << 30) : n;
    for (; i + 4 <= end; i += 4) {
      h[g[i]]++;
      h[256 + g[i + 1]]++;
      h[512 + g[i + 2]]++;
      h[768 + g[i + 3]]++;
    }
    for (; i < end; i++) h[g[i]]++;
    for (int v = 0; v < 256; v++) {
      acc[v] += static_cast<int64_t>(h[v]) + h[256 + v] + h[512 + v] + h[768 + v];
    }
    memset(h, 0, 4 * 256 * sizeof(uint32_t));
  }
  free(h);
  memcpy(hist, acc, sizeof(acc));
}

void BlurSums(const uint8_t* g, int w, int h, int64_t* out) {
  int64_t dH = 0, kH = 0, dV = 0, kV = 0;
  const size_t sw = static_cast<size_t>(w);
  for (int y = 5; y < h - 4; y++) {
    const uint8_t* c = g + y * sw;
    int64_t rdH = 0, rkH = 0, rdV = 0, rkV = 0;
    for (int x = 5; x < w - 4; x++) {
      const int32_t p = c[x];
      const int32_t dh = abs(p - c[x - 1]);
      const int32_t dv = abs(p - c[x - sw]);
      const int32_t bh = abs(c[x + 4] - c[x - 5]);
      const int32_t bv = abs(c[x + 4 * sw] - c[x - 5 * sw]);
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
  out[0] = dH;
  out[1] = kH;
  out[2] = dV;
  out[3] = kV;
}

}  // namespace

void ComputeKernelSums(const uint8_t* g, int w, int h, KernelSums* out) {
  int xs[kGrid + 1], ys[kGrid + 1];
  CellEdges(w, xs);
  CellEdges(h, ys);
  out->wholeSum = 0;
  out->wholeSq = 0;
  for (int cy = 0; cy < kGrid; cy++) {
    const int y0 = ys[cy], y1 = ys[cy + 1];
    for (int cx = 0; cx < kGrid; cx++) {
      const int x0 = xs[cx], x1 = xs[cx + 1];
      const int k = cy * kGrid + cx;
      int64_t s = 0, q = 0;
      InteriorSums(g, w, x0, x1, y0, y1, &s, &q);
      int64_t ws = s, wq = q;
      // The cell's ring: cell-local borders for the cell, image borders for the whole image.
      auto ring = [&](int x, int y) {
        const int64_t c = LaplacianAt(g, w, x, y, x0, x1, y0, y1);
        const int64_t i = LaplacianAt(g, w, x, y, 0, w, 0, h);
        s += c;
        q += c * c;
        ws += i;
        wq += i * i;
      };
      if (x1 > x0 && y1 > y0) {
        for (int x = x0; x < x1; x++) {
          ring(x, y0);
          if (y1 - 1 > y0) ring(x, y1 - 1);
        }
        for (int y = y0 + 1; y < y1 - 1; y++) {
          ring(x0, y);
          if (x1 - 1 > x0) ring(x1 - 1, y);
        }
      }
      out->cellCount[k] = static_cast<int64_t>(x1 - x0) * (y1 - y0);
      out->cellSum[k] = s;
      out->cellSq[k] = q;
      out->wholeSum += ws;
      out->wholeSq += wq;
    }
  }
  Histogram(g, static_cast<size_t>(w) * h, out->histogram);
  BlurSums(g, w, h, out->blur);
}
