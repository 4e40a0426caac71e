// Pixel kernels over 8-bit luma rows, computed as the rows arrive (from a decoder, or from a whole gray image);
// the TypeScript twin is src-main/quality/kernels.ts and both give the same exact integer sums.
#pragma once
#include <cstddef>
#include <cstdint>

constexpr int kGrid = 4;

struct KernelSums {
  int64_t cellCount[kGrid * kGrid];
  int64_t cellSum[kGrid * kGrid];
  int64_t cellSq[kGrid * kGrid];
  int64_t wholeSum;
  int64_t wholeSq;
  int64_t histogram[256];
  // Horizontal differences, horizontal kept x9, vertical differences, vertical kept x9.
  int64_t blur[4];
};

// Which per-pixel loops run: kBase is SSE2 on x86-64 (plain C elsewhere), kAvx2 the AVX2 ones where the addon was
// built with them and the CPU has AVX2. Every level gives the same exact sums.
enum class SimdLevel { kBase = 0, kAvx2 = 1 };
SimdLevel BestSimdLevel();
const char* SimdLevelName(SimdLevel level);

// Where row y of the image is: a whole image (mask all ones) or a ring of 2^k rows (mask 2^k - 1).
struct RowSource {
  const uint8_t* base;
  size_t stride;
  int mask;
  const uint8_t* operator()(int y) const { return base + static_cast<size_t>(y & mask) * stride; }
};

// Rows a target row reads around itself: the blur sums look 5 rows up and 4 down, the Laplacian 1 each way.
constexpr int kRowsAbove = 5;
constexpr int kRowsBelow = 4;

// One pass, row by row: call Row(y, rows) for y = 0..height-1 in order, each once rows 0..min(y + kRowsBelow,
// height - 1) can be read through `rows` (and rows from y - kRowsAbove on are still there); then Finish().
class LumaKernels {
 public:
  LumaKernels(int width, int height, SimdLevel level = BestSimdLevel());
  // Adds every target row that the rows up to `lastReady` complete.
  void RowsReady(int lastReady, const RowSource& rows);
  void Finish(KernelSums* out);

 private:
  void Target(int t, const RowSource& rows);
  int width_, height_, next_ = 0;
  SimdLevel level_;
  int xs_[kGrid + 1], ys_[kGrid + 1];
  KernelSums sums_{};
  uint32_t hist_[4][256] = {};
  int64_t histFlushed_[256] = {};
  int64_t histPending_ = 0;
};

void ComputeKernelSums(const uint8_t* gray, int width, int height, KernelSums* out, SimdLevel level = BestSimdLevel());
