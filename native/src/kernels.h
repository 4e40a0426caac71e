// Pixel kernels over an 8-bit gray image; the TypeScript twin is src-main/quality/kernels.ts.
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

void ComputeKernelSums(const uint8_t* gray, int width, int height, KernelSums* out);
