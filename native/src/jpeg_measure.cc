#include "jpeg_measure.h"

#include "thumbnail.h"

#ifdef PF_HAVE_LIBJPEG
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#endif

// The internal headers (from the same package) give the inverse-DCT table the chroma shortcut below replaces.
#define JPEG_INTERNALS
#include <jpeglib.h>
extern "C" {
#include <jdct.h>
}

#include "jpeg_errors.h"

namespace {

// A warning (corrupt or truncated data, which libjpeg would paper over with grey) is an error here.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level < 0) OnJpegError(cinfo);
}

void InitErrors(jpeg_decompress_struct* cinfo, JpegErrors* err) {
  cinfo->err = jpeg_std_error(&err->pub);
  err->pub.error_exit = OnJpegError;
  err->pub.emit_message = OnMessage;
  err->message[0] = 0;
}

// After the longjmp: frees the decoder and hands back libjpeg's message.
bool Failed(jpeg_decompress_struct* cinfo, JpegErrors* err, char* message) {
  jpeg_destroy_decompress(cinfo);
  snprintf(message, JMSG_LENGTH_MAX, "%s", err->message);
  return false;
}

void Open(jpeg_decompress_struct* cinfo, const uint8_t* data, size_t size) {
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(cinfo, TRUE);
}

// floor(p / d) as (p * Reciprocal(d)) >> 32: exact for 0 <= p < 2^16 and 1 <= d <= 2^16 (the error of the rounded-up
// reciprocal, p / 2^32, stays below 1 / d).
inline uint64_t Reciprocal(int d) { return (uint64_t{1} << 32) / static_cast<uint64_t>(d) + 1; }
inline int Div(int p, uint64_t reciprocal) { return static_cast<int>((static_cast<uint64_t>(p) * reciprocal) >> 32); }

inline uint8_t Clamp(int v) { return v < 0 ? 0 : (v > 255 ? 255 : static_cast<uint8_t>(v)); }

// libjpeg's jdcolor.c YCbCr -> RGB (16-bit fixed point, rounded).
inline void ToRgb(int y, int cb, int cr, uint8_t* out) {
  cb -= 128;
  cr -= 128;
  out[0] = Clamp(y + ((91881 * cr + 32768) >> 16));
  out[1] = Clamp(y + ((-22554 * cb - 46802 * cr + 32768) >> 16));
  out[2] = Clamp(y + ((116130 * cb + 32768) >> 16));
}

// colour.ts's HSV in the same double arithmetic, so both engines give the same sums.
inline void AddHsv(const uint8_t* rgb, ColourSums* c) {
  const int r = rgb[0], g = rgb[1], b = rgb[2];
  const int v = r > g ? (r > b ? r : b) : (g > b ? g : b);
  const int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
  const int diff = v - mn;
  const double s = v == 0 ? 0 : static_cast<double>(static_cast<int64_t>((255.0 * diff) / v + 0.5));
  double h = 0;
  if (diff > 0) {
    h = v == r ? (60.0 * (g - b)) / diff : v == g ? 120 + (60.0 * (b - r)) / diff : 240 + (60.0 * (r - g)) / diff;
    if (h < 0) h += 360;
    h = static_cast<double>(static_cast<int64_t>(h / 2 + 0.5));
  }
  c->n++;
  c->hSum += h;
  c->sSum += s;
  c->vSum += v;
  if (h >= 85 && h <= 135) c->blue++;
  if (h <= 35) c->warm++;
  if (h >= 30 && h <= 85) c->green++;
}

// The chroma planes' inverse DCT, reduced to the DC term: each 8x8 block becomes its mean, exactly what libjpeg's
// DCT-domain 1/8 decode outputs for that block (jidctred.c's 1x1 case), written over the block so the raw plane keeps
// its layout. Colour needs no more than 1/8 resolution, and this skips the full chroma IDCT (a third to half of all
// blocks of a 4:2:0 or 4:2:2 photo).
void DcOnlyIdct(j_decompress_ptr, jpeg_component_info* compptr, JCOEFPTR coef, JSAMPARRAY out, JDIMENSION col) {
  const ISLOW_MULT_TYPE* quant = static_cast<const ISLOW_MULT_TYPE*>(compptr->dct_table);
  const int dc = static_cast<int>(coef[0]) * quant[0];
  const uint8_t v = Clamp(((dc + 4) >> 3) + 128);
  for (int r = 0; r < 8; r++) memset(out[r] + col, v, 8);
}

// The sums of the 8x8 blocks of 8 rows (rows[0..7], each readable 16 bytes past block blocksWide - 1): psadbw adds
// 8 bytes at once where SSE2 is there.
void BlockSums(const JSAMPROW* rows, int blocksWide, uint32_t* sums) {
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
  const __m128i zero = _mm_setzero_si128();
  for (int b = 0; b < blocksWide; b += 2) {
    __m128i acc = zero;
    for (int r = 0; r < 8; r++) acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[r] + 8 * b)), zero));
    sums[b] = static_cast<uint32_t>(_mm_cvtsi128_si32(acc));
    sums[b + 1] = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(acc, 8)));
  }
#else
  for (int b = 0; b < blocksWide; b++) {
    uint32_t s = 0;
    for (int r = 0; r < 8; r++) {
      for (int x = 8 * b; x < 8 * b + 8; x++) s += rows[r][x];
    }
    sums[b] = s;
  }
#endif
}

// Everything allocated outside the setjmp frame, so the error path frees exactly what was allocated.
struct Scratch {
  uint8_t* ring;       // luma rows, a ring of ringRows
  uint8_t* chroma[2];  // one iMCU row of each chroma plane
  uint32_t* blockSums;  // per 8x8 luma block of one block row
};

constexpr int kMaxRows = 64;  // rows of one iMCU row: 8 x max_v_samp_factor (at most 4)

bool Decode(const uint8_t* data, size_t size, int width, int height, int colourStep, JpegMeasure* out,
            LumaKernels* kernels, Scratch* scratch, char* message) {
  jpeg_decompress_struct cinfo;
  JpegErrors err;
  InitErrors(&cinfo, &err);
  if (setjmp(err.jump)) return Failed(&cinfo, &err, message);
  Open(&cinfo, data, size);
  const int comps = cinfo.num_components;
  const bool colour = cinfo.jpeg_color_space == JCS_YCbCr && comps == 3;
  bool ok = static_cast<int>(cinfo.image_width) == width && static_cast<int>(cinfo.image_height) == height &&
            (colour || (cinfo.jpeg_color_space == JCS_GRAYSCALE && comps == 1));
  for (int c = 0; ok && c < comps; c++) {
    const jpeg_component_info& ci = cinfo.comp_info[c];
    // Each component's blocks must tile the 8x8 luma blocks of the preview (every common sampling does).
    ok = cinfo.max_h_samp_factor <= 4 && cinfo.max_v_samp_factor <= 4 && cinfo.max_h_samp_factor % ci.h_samp_factor == 0 &&
         cinfo.max_v_samp_factor % ci.v_samp_factor == 0 && (c == 0 ? ci.h_samp_factor == cinfo.max_h_samp_factor && ci.v_samp_factor == cinfo.max_v_samp_factor : true);
  }
  if (!ok) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, JMSG_LENGTH_MAX, "not a %dx%d YCbCr or grayscale JPEG with a supported sampling", width, height);
    return false;
  }
  cinfo.raw_data_out = TRUE;
  cinfo.out_color_space = cinfo.jpeg_color_space;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = FALSE;
  jpeg_start_decompress(&cinfo);
  // The output pass is set up (its IDCT methods chosen) and no block decoded yet: chroma gets the DC-only IDCT.
  for (int c = 1; c < comps; c++) cinfo.idct->inverse_DCT[c] = DcOnlyIdct;

  const int maxH = cinfo.max_h_samp_factor, maxV = cinfo.max_v_samp_factor;
  const int rowsPerCall = 8 * maxV;
  const size_t stride = static_cast<size_t>(cinfo.comp_info[0].width_in_blocks) * 8 + 64;
  const int ringMask = 2 * kMaxRows - 1;
  const int pw = out->previewWidth, ph = out->previewHeight;
  JSAMPROW rowPtrs[3][kMaxRows];
  JSAMPARRAY planes[3] = {rowPtrs[0], rowPtrs[1], rowPtrs[2]};
  size_t cstride[3] = {stride, 0, 0};
  for (int c = 1; c < comps; c++) {
    cstride[c] = static_cast<size_t>(cinfo.comp_info[c].width_in_blocks) * 8 + 64;
    for (int i = 0; i < 8 * cinfo.comp_info[c].v_samp_factor; i++) rowPtrs[c][i] = scratch->chroma[c - 1] + i * cstride[c];
  }
  const RowSource ring{scratch->ring, stride, ringMask};
  // A chroma component's row or column of luma position p is p * samp / maxSamp = p / (maxSamp / samp) (the ratio is
  // a whole number, checked above), by multiplication: an integer division per sampled pixel was a third of this loop.
  struct Ratios {
    uint64_t h, v;
  } div[3] = {};
  for (int c = 1; c < comps; c++) {
    div[c] = {Reciprocal(maxH / cinfo.comp_info[c].h_samp_factor), Reciprocal(maxV / cinfo.comp_info[c].v_samp_factor)};
  }
  ColourSums colourSums = out->colour;
  uint8_t* preview = out->pixels;
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y0 = static_cast<int>(cinfo.output_scanline);
    for (int i = 0; i < rowsPerCall; i++) rowPtrs[0][i] = scratch->ring + static_cast<size_t>((y0 + i) & ringMask) * stride;
    jpeg_read_raw_data(&cinfo, planes, rowsPerCall);
    const int last = (y0 + rowsPerCall < height ? y0 + rowsPerCall : height) - 1;

    // Colour statistics: every colourStep-th pixel of every colourStep-th row, with the chroma of its block.
    for (int y = (y0 + colourStep - 1) / colourStep * colourStep; y <= last; y += colourStep) {
      const uint8_t* yr = rowPtrs[0][y - y0];
      if (colour) {
        const uint8_t* cbr = rowPtrs[1][Div(y - y0, div[1].v)];
        const uint8_t* crr = rowPtrs[2][Div(y - y0, div[2].v)];
        for (int x = 0; x < width; x += colourStep) {
          uint8_t rgb[3];
          ToRgb(yr[x], cbr[Div(x, div[1].h)], crr[Div(x, div[2].h)], rgb);
          AddHsv(rgb, &colourSums);
        }
      } else {
        for (int x = 0; x < width; x += colourStep) {
          const uint8_t rgb[3] = {yr[x], yr[x], yr[x]};
          AddHsv(rgb, &colourSums);
        }
      }
    }

    // Preview: each 8x8 luma block averaged (the sum of its 64 pixels, rounded), with the chroma of the block covering
    // it (constant over the block: its DC term, from the IDCT above).
    for (int j = 0; j < maxV && y0 / 8 + j < ph; j++) {
      uint8_t* dst = preview + static_cast<size_t>(y0 / 8 + j) * pw * 3;
      uint32_t* blocks = scratch->blockSums;
      BlockSums(rowPtrs[0] + 8 * j, pw, blocks);
      if (colour) {
        const uint8_t* cbr = rowPtrs[1][Div(8 * j, div[1].v)];
        const uint8_t* crr = rowPtrs[2][Div(8 * j, div[2].v)];
        for (int px = 0; px < pw; px++) {
          ToRgb(static_cast<int>((blocks[px] + 32) >> 6), cbr[Div(8 * px, div[1].h)], crr[Div(8 * px, div[2].h)], dst + 3 * px);
        }
      } else {
        for (int px = 0; px < pw; px++) dst[3 * px] = dst[3 * px + 1] = dst[3 * px + 2] = static_cast<uint8_t>((blocks[px] + 32) >> 6);
      }
    }

    kernels->RowsReady(last, ring);
  }
  out->colour = colourSums;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

bool Floor(const uint8_t* data, size_t size, int mode, std::vector<uint8_t>* keep, JSAMPROW* rowOut, char* message) {
  jpeg_decompress_struct cinfo;
  JpegErrors err;
  InitErrors(&cinfo, &err);
  if (setjmp(err.jump)) return Failed(&cinfo, &err, message);
  Open(&cinfo, data, size);
  cinfo.dct_method = JDCT_ISLOW;
  if (mode != kFloorColourEighth) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else {
    cinfo.out_color_space = JCS_RGB;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 8;
  }
  jpeg_start_decompress(&cinfo);
  // The library's own C inverse DCT instead of the SIMD one (jsimd_postflight.c), for the comparison.
  if (mode == kFloorLumaPlainIdct) cinfo.idct->inverse_DCT[0] = jpeg_idct_islow;
  const size_t rowBytes = static_cast<size_t>(cinfo.output_width) * cinfo.output_components;
  if (keep) keep->resize(rowBytes * cinfo.output_height);
  *rowOut = static_cast<JSAMPROW>(malloc(rowBytes));
  while (cinfo.output_scanline < cinfo.output_height) {
    const size_t y = cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, rowOut, 1);
    if (keep) memcpy(keep->data() + y * rowBytes, *rowOut, rowBytes);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

}  // namespace

extern "C" int jsimd_can_idct_islow(void);

const char* JpegDecoderName() {
  return jsimd_can_idct_islow() ? "libjpeg-turbo " PF_LIBJPEG_VERSION " (SSE2 inverse DCT)" : "libjpeg-turbo " PF_LIBJPEG_VERSION;
}

// The scratch memory of one libuv thread, kept from photo to photo: fresh half-megabyte buffers for every photo cost
// page faults and their zeroing (a few % of a measurement). Grows to the largest photo the thread has measured.
struct ThreadScratch {
  uint8_t* ring = nullptr;
  uint8_t* chroma[2] = {nullptr, nullptr};
  uint32_t* blockSums = nullptr;
  size_t stride = 0, previewWidth = 0;
  // The preview when only the thumbnail leaves the addon (it is encoded from here and not handed to JavaScript).
  std::vector<uint8_t> preview;
  ~ThreadScratch() { Release(); }
  void Release() {
    free(ring);
    free(chroma[0]);
    free(chroma[1]);
    free(blockSums);
    ring = chroma[0] = chroma[1] = nullptr;
    blockSums = nullptr;
    stride = previewWidth = 0;
  }
  bool Fit(size_t wantStride, size_t wantPreviewWidth) {
    if (ring && wantStride <= stride && wantPreviewWidth <= previewWidth) return true;
    Release();
    ring = static_cast<uint8_t*>(malloc(wantStride * 2 * kMaxRows));
    chroma[0] = static_cast<uint8_t*>(malloc(wantStride * kMaxRows));
    chroma[1] = static_cast<uint8_t*>(malloc(wantStride * kMaxRows));
    blockSums = static_cast<uint32_t*>(malloc(sizeof(uint32_t) * (wantPreviewWidth + 1)));
    if (!ring || !chroma[0] || !chroma[1] || !blockSums) {
      Release();
      return false;
    }
    stride = wantStride;
    previewWidth = wantPreviewWidth;
    return true;
  }
};

thread_local ThreadScratch threadScratch;

bool MeasureJpeg(const uint8_t* data, size_t size, int width, int height, int colourStep, const ThumbnailRequest& thumb,
                 JpegMeasure* out, std::string* error) {
  char message[JMSG_LENGTH_MAX] = {0};
  out->previewWidth = (width + 7) / 8;
  out->previewHeight = (height + 7) / 8;
  out->previewBytes = static_cast<size_t>(out->previewWidth) * out->previewHeight * 3;
  // Every pixel is written by the decode (no zeroing); on failure the preview is thrown away. With a thumbnail
  // asked for, the preview stays in this thread's scratch memory and only the thumbnail's bytes leave.
  bool ok = true;
  if (thumb.width > 0) {
    if (threadScratch.preview.size() < out->previewBytes) threadScratch.preview.resize(out->previewBytes);
    out->pixels = threadScratch.preview.data();
  } else {
    out->preview.reset(new (std::nothrow) uint8_t[out->previewBytes]);
    out->pixels = out->preview.get();
    ok = out->pixels != nullptr;
  }
  out->colour = ColourSums{};
  // Luma ring: twice the largest iMCU row, enough for the kernels' 5 rows above and 4 below.
  const size_t stride = (static_cast<size_t>(width) + 7) / 8 * 8 + 64 + 64;
  LumaKernels kernels(width, height);
  ok = ok && threadScratch.Fit(stride, static_cast<size_t>(out->previewWidth));
  if (!ok) snprintf(message, sizeof(message), "out of memory");
  Scratch scratch{threadScratch.ring, {threadScratch.chroma[0], threadScratch.chroma[1]}, threadScratch.blockSums};
  if (ok) ok = Decode(data, size, width, height, colourStep, out, &kernels, &scratch, message);
  if (ok) kernels.Finish(&out->sums);
  if (!ok) {
    *error = message;
    return false;
  }
  if (thumb.width > 0) {
    uint8_t* jpeg = nullptr;
    size_t bytes = 0;
    if (!EncodeThumbnail(out->pixels, out->previewWidth, out->previewHeight, thumb.width, thumb.height, thumb.quality, &jpeg, &bytes, error)) {
      return false;
    }
    out->thumbnail.reset(jpeg);
    out->thumbnailBytes = bytes;
    out->pixels = nullptr;
  }
  return true;
}

bool DecodeFloor(const uint8_t* data, size_t size, int mode, std::vector<uint8_t>* keep, std::string* error) {
  char message[JMSG_LENGTH_MAX] = {0};
  JSAMPROW row = nullptr;
  const bool ok = Floor(data, size, mode, keep, &row, message);
  free(row);
  if (!ok) *error = message;
  return ok;
}

#else

const char* JpegDecoderName() { return nullptr; }

bool MeasureJpeg(const uint8_t*, size_t, int, int, int, const ThumbnailRequest&, JpegMeasure*, std::string* error) {
  *error = "built without a JPEG decoder";
  return false;
}

bool DecodeFloor(const uint8_t*, size_t, int, std::vector<uint8_t>*, std::string* error) {
  *error = "built without a JPEG decoder";
  return false;
}

#endif
