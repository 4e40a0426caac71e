// The JPEG fast path: one decode of the photo's own luma and chroma planes (libjpeg raw data: no upsampling, no colour
// conversion) feeds the pixel kernels row by row through a small ring buffer, HSV statistics of a sparse sample of
// pixels, and a 1/8-scale colour preview made of 8x8 block means (what libjpeg's DCT-domain 1/8 decode computes, the
// DC term of each block) for the thumbnail. No full-size image exists at any time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kernels.h"

// HSV statistics (OpenCV's 8-bit conventions) of every step-th pixel of every step-th row; the TypeScript twin is
// src-main/quality/colour.ts, which divides these sums the same way.
struct ColourSums {
  int64_t n, blue, warm, green;
  double hSum, sSum, vSum;
};

struct FreeDeleter {
  void operator()(uint8_t* p) const { free(p); }
};

struct JpegMeasure {
  KernelSums sums;
  ColourSums colour;
  std::unique_ptr<uint8_t[]> preview;  // RGB, previewWidth x previewHeight (none when a thumbnail was asked for)
  uint8_t* pixels = nullptr;           // where the decode writes the preview
  size_t previewBytes = 0;
  int previewWidth = 0, previewHeight = 0;
  std::unique_ptr<uint8_t, FreeDeleter> thumbnail;  // JPEG bytes, when asked for
  size_t thumbnailBytes = 0;
};

// A thumbnail to make from the preview in the same call (width 0: none; then the preview itself is handed back).
struct ThumbnailRequest {
  int width = 0, height = 0, quality = 80;
};

// Null when the addon was built without a JPEG decoder; else which one, for the engine's log line and app.info.
const char* JpegDecoderName();

// Refuses (false, with a reason) anything but a width x height baseline/progressive YCbCr or grayscale JPEG, and any
// corrupt or truncated data (libjpeg would fill it with grey, which measures as smooth terrain).
bool MeasureJpeg(const uint8_t* data, size_t size, int width, int height, int colourStep, const ThumbnailRequest& thumb,
                 JpegMeasure* out, std::string* error);

// The benchmark's floors, decoded with the same library and discarded row by row (kept in `keep` when it is given):
// full-size luma only (what `djpeg -grayscale` does) with the addon's inverse DCT (SIMD where the CPU has it) or with
// the library's plain C one, or colour at 1/8 scale in the DCT domain.
constexpr int kFloorLuma = 0, kFloorColourEighth = 1, kFloorLumaPlainIdct = 2;
bool DecodeFloor(const uint8_t* data, size_t size, int mode, std::vector<uint8_t>* keep, std::string* error);
