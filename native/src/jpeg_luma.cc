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

// One entropy-decoding pass (the bulk of the cost): rows come out as YCbCr, Y is copied to gray and the sampled
// pixels are converted to RGB with libjpeg's own fixed-point formulas. Plain C data only between setjmp/longjmp.
bool DecodeOnce(const uint8_t* data, size_t size, int width, int height, uint8_t* gray, uint8_t* rgb, int step,
                char* message) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  JSAMPROW row = nullptr;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnError;
  err.pub.emit_message = OnMessage;
  err.message[0] = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(row);
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
  row = static_cast<JSAMPROW>(malloc(static_cast<size_t>(width) * comps));
  uint8_t* out = rgb;
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y = static_cast<int>(cinfo.output_scanline);
    jpeg_read_scanlines(&cinfo, &row, 1);
    uint8_t* g = gray + static_cast<size_t>(y) * width;
    if (comps == 1) {
      memcpy(g, row, width);
    } else {
      for (int x = 0; x < width; x++) g[x] = row[3 * x];
    }
    if (y % step != 0) continue;
    for (int x = 0; x < width; x += step, out += 3) {
      const int Y = row[comps * x];
      if (comps == 1) {
        out[0] = out[1] = out[2] = static_cast<uint8_t>(Y);
        continue;
      }
      const int cb = row[3 * x + 1] - 128, cr = row[3 * x + 2] - 128;
      // libjpeg's jdcolor.c constants (16-bit fixed point, rounded).
      out[0] = Clamp(Y + ((91881 * cr + 32768) >> 16));
      out[1] = Clamp(Y + ((-22554 * cb - 46802 * cr + 32768) >> 16));
      out[2] = Clamp(Y + ((116130 * cb + 32768) >> 16));
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(row);
  return true;
}

}  // namespace

bool JpegLumaAvailable() { return true; }

bool DecodeJpegLuma(const uint8_t* data, size_t size, int width, int height, uint8_t* gray, uint8_t* rgb, int step,
                    std::string* error) {
  char message[JMSG_LENGTH_MAX];
  if (!DecodeOnce(data, size, width, height, gray, rgb, step, message)) {
    *error = message;
    return false;
  }
  return true;
}

#else

bool JpegLumaAvailable() { return false; }

bool DecodeJpegLuma(const uint8_t*, size_t, int, int, uint8_t*, uint8_t*, int, std::string* error) {
  *error = "built without libjpeg";
  return false;
}

#endif
