// The kernels' wider SIMD loops, each in its own file compiled for that instruction set (kernels_avx2.cc) and chosen
// at run time by kernels.cc. Each handles the columns it can from `a` (or `start`) on and returns where it stopped;
// the SSE2 and plain loops finish the rest. PF_KERNELS_AVX2 is defined by binding.gyp on x64 builds.
#pragma once
#include <cstdint>

struct BlurSums {
  int64_t dH, kH, dV, kV;
};

#ifdef PF_KERNELS_AVX2
// Laplacian sums of columns a.. (see kernels.cc Segment): whole steps of 32 while they fit before b.
int LaplacianAvx2(const uint8_t* u, const uint8_t* c, const uint8_t* d, int a, int b, int64_t* sum, int64_t* sq);
// Blur-effect sums of columns start.. (see kernels.cc Target): whole steps of 32 while they fit before end.
int BlurAvx2(const uint8_t* c, const uint8_t* up, const uint8_t* up5, const uint8_t* down4, int start, int end, BlurSums* out);
#endif
