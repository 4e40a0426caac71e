#include "jpeg_luma.h"

#ifdef PF_HAVE_LIBJPEG
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <jpeglib.h>

namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnError(j_common_ptr cinfo) {
  ErrorManager* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

// A warning (corrupt or truncated data, which libjpeg would paper over with gray) is an error here.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level < 0) OnError(cinfo);
}

inline uint8_t Clamp(int v) { return v < 0 ? 0 : (v > 255 ? 255 : static_cast<uint8_t>(v)); }

inline void ToRgb(int y, int cb, int cr, uint8_t* out) {
  // libjpeg's jdcolor.c constants (16-bit fixed point, rounded).
  out[0] = Clamp(y + ((91881 * cr + 32768) >> 16));
  out[1] = Clamp(y + ((-22554 * cb - 46802 * cr + 32768) >> 16));
  out[2] = Clamp(y + ((116130 * cb + 32768) >> 16));
}

// Buffers live outside the setjmp frame so the error path frees exactly what was allocated.
struct Scratch {
  JSAMPROW row;
  uint32_t* sums;
};

// One entropy-decoding pass (the bulk of the cost): rows come out as YCbCr, Y is copied to gray, the sampled pixels
// are converted to RGB with libjpeg's own fixed-point formulas, and step x step blocks are averaged (in YCbCr, then
// converted) into `preview`: a properly filtered small colour image the thumbnail is made from, so the photo is
// entropy-decoded once for both. Plain C data only between setjmp/longjmp.
bool DecodeOnce(const uint8_t* data, size_t size, int width, int height, uint8_t* gray, uint8_t* rgb,
                uint8_t* preview, int step, Scratch* scratch, char* message) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnError;
  err.pub.emit_message = OnMessage;
  err.message[0] = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, JMSG_LENGTH_MAX, "%s", err.message);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  const bool colour = cinfo.jpeg_color_space == JCS_YCbCr;
  if (static_cast<int>(cinfo.image_width) != width || static_cast<int>(cinfo.image_height) != height ||
      (!colour && cinfo.jpeg_color_space != JCS_GRAYSCALE)) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, JMSG_LENGTH_MAX, "not a %dx%d YCbCr or grayscale JPEG", width, height);
    return false;
  }
  cinfo.out_color_space = colour ? JCS_YCbCr : JCS_GRAYSCALE;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  const int comps = cinfo.output_components;
  const int blocks = (width + step - 1) / step;
  JSAMPROW row = scratch->row;
  uint32_t* sums = scratch->sums;
  uint8_t* out = rgb;
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y = static_cast<int>(cinfo.output_scanline);
    jpeg_read_scanlines(&cinfo, &row, 1);
    uint8_t* g = gray + static_cast<size_t>(y) * width;
    for (int bx = 0, x = 0; bx < blocks; bx++) {
      const int end = x + step < width ? x + step : width;
      uint32_t s0 = 0, s1 = 0, s2 = 0;
      for (; x < end; x++) {
        const uint8_t* px = row + comps * x;
        g[x] = px[0];
        s0 += px[0];
        if (comps == 3) {
          s1 += px[1];
          s2 += px[2];
        }
      }
      sums[3 * bx] += s0;
      sums[3 * bx + 1] += s1;
      sums[3 * bx + 2] += s2;
    }
    if (y % step == 0) {
      for (int x = 0; x < width; x += step, out += 3) {
        const uint8_t* px = row + comps * x;
        if (comps == 1) out[0] = out[1] = out[2] = px[0];
        else ToRgb(px[0], px[1] - 128, px[2] - 128, out);
      }
    }
    if (y % step == step - 1 || y == height - 1) {
      const int rows = y % step + 1;
      uint8_t* p = preview + static_cast<size_t>(y / step) * blocks * 3;
      for (int bx = 0; bx < blocks; bx++, p += 3) {
        const int cols = (bx + 1) * step <= width ? step : width - bx * step;
        const uint32_t n = static_cast<uint32_t>(rows * cols);
        const int yy = static_cast<int>((sums[3 * bx] + n / 2) / n);
        if (comps == 1) p[0] = p[1] = p[2] = static_cast<uint8_t>(yy);
        else ToRgb(yy, static_cast<int>((sums[3 * bx + 1] + n / 2) / n) - 128, static_cast<int>((sums[3 * bx + 2] + n / 2) / n) - 128, p);
      }
      memset(sums, 0, sizeof(uint32_t) * 3 * blocks);
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

}  // namespace

bool JpegLumaAvailable() { return true; }

bool DecodeJpegLuma(const uint8_t* data, size_t size, int width, int height, uint8_t* gray, uint8_t* rgb,
                    uint8_t* preview, int step, std::string* error) {
  char message[JMSG_LENGTH_MAX];
  const int blocks = (width + step - 1) / step;
  Scratch scratch{static_cast<JSAMPROW>(malloc(static_cast<size_t>(width) * 3)),
                  static_cast<uint32_t*>(calloc(static_cast<size_t>(blocks) * 3, sizeof(uint32_t)))};
  const bool ok = scratch.row && scratch.sums && DecodeOnce(data, size, width, height, gray, rgb, preview, step, &scratch, message);
  if (!scratch.row || !scratch.sums) snprintf(message, JMSG_LENGTH_MAX, "out of memory");
  free(scratch.row);
  free(scratch.sums);
  if (!ok) *error = message;
  return ok;
}

#else

bool JpegLumaAvailable() { return false; }

bool DecodeJpegLuma(const uint8_t*, size_t, int, int, uint8_t*, uint8_t*, uint8_t*, int, std::string* error) {
  *error = "built without libjpeg";
  return false;
}

#endif
