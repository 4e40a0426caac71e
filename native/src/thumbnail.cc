#include "thumbnail.h"

bool ThumbnailFits(int width, int height, int outWidth, int outHeight, int quality) {
  // At most 7 input pixels per output pixel along each axis (a Tap holds 8 weights): a 320 px thumbnail from a preview
  // of up to 2 240 px, i.e. photos up to 17 920 px wide.
  return outWidth >= 1 && outHeight >= 1 && outWidth <= width && outHeight <= height && width <= 7 * outWidth &&
         height <= 7 * outHeight && quality >= 1 && quality <= 100;
}

#ifdef PF_HAVE_LIBJPEG
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <jpeglib.h>

#include "jpeg_errors.h"

namespace {

// The input pixels an output pixel covers along one axis, with the share of each (area averaging: the weights of
// one output pixel add up to 1).
struct Tap {
  int first, count;
  float weights[8];
};

std::vector<Tap> Taps(int in, int out) {
  std::vector<Tap> taps(out);
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; o++) {
    const double a = o * scale, b = (o + 1) * scale;
    Tap& t = taps[o];
    t.first = static_cast<int>(a);
    t.count = 0;
    for (int i = t.first; i < b && i < in && t.count < 8; i++) {
      const double lo = i > a ? i : a, hi = i + 1 < b ? i + 1 : b;
      t.weights[t.count++] = static_cast<float>((hi - lo) / scale);
    }
  }
  return taps;
}

// One output row: the covered input rows averaged into `acc` (3 floats a column), each first averaged along x.
void ScaleRow(const uint8_t* rgb, int width, const std::vector<Tap>& xs, const Tap& ty, float* acc, float* row, uint8_t* out) {
  const size_t ow = xs.size();
  for (size_t i = 0; i < 3 * ow; i++) acc[i] = 0;
  for (int k = 0; k < ty.count; k++) {
    const uint8_t* in = rgb + static_cast<size_t>(ty.first + k) * width * 3;
    for (size_t x = 0; x < ow; x++) {
      const Tap& t = xs[x];
      float r = 0, g = 0, b = 0;
      for (int j = 0; j < t.count; j++) {
        const uint8_t* p = in + 3 * (t.first + j);
        r += t.weights[j] * p[0];
        g += t.weights[j] * p[1];
        b += t.weights[j] * p[2];
      }
      row[3 * x] = r;
      row[3 * x + 1] = g;
      row[3 * x + 2] = b;
    }
    for (size_t i = 0; i < 3 * ow; i++) acc[i] += ty.weights[k] * row[i];
  }
  for (size_t i = 0; i < 3 * ow; i++) {
    const float v = acc[i] + 0.5f;
    out[i] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

bool Encode(const uint8_t* rgb, int width, int height, int outWidth, int outHeight, int quality, uint8_t** jpeg,
            unsigned long* size, std::vector<float>* scratch, std::vector<uint8_t>* line, char* message) {
  jpeg_compress_struct cinfo;
  JpegErrors err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    snprintf(message, JMSG_LENGTH_MAX, "%s", err.message);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, jpeg, size);
  cinfo.image_width = static_cast<JDIMENSION>(outWidth);
  cinfo.image_height = static_cast<JDIMENSION>(outHeight);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const std::vector<Tap> xs = Taps(width, outWidth), ys = Taps(height, outHeight);
  float* acc = scratch->data();
  float* row = acc + 3 * outWidth;
  JSAMPROW rows[1] = {line->data()};
  for (int y = 0; y < outHeight; y++) {
    ScaleRow(rgb, width, xs, ys[y], acc, row, line->data());
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

bool EncodeThumbnail(const uint8_t* rgb, int width, int height, int outWidth, int outHeight, int quality, uint8_t** jpeg,
                     size_t* size, std::string* error) {
  if (!ThumbnailFits(width, height, outWidth, outHeight, quality)) {
    *error = "thumbnail size or quality out of range";
    return false;
  }
  // Allocated here, outside the setjmp frame: the vectors free themselves whatever happens inside.
  std::vector<float> scratch(static_cast<size_t>(outWidth) * 6);
  std::vector<uint8_t> line(static_cast<size_t>(outWidth) * 3);
  char message[JMSG_LENGTH_MAX] = {0};
  unsigned char* out = nullptr;
  unsigned long outSize = 0;
  if (!Encode(rgb, width, height, outWidth, outHeight, quality, &out, &outSize, &scratch, &line, message)) {
    // Only out of memory gets here (the pixels are ours); the destination's buffer may already have been replaced
    // inside libjpeg, so it is not freed through a pointer that may be stale.
    *error = message;
    return false;
  }
  *jpeg = out;
  *size = outSize;
  return true;
}

#else

bool EncodeThumbnail(const uint8_t*, int, int, int, int, int, uint8_t**, size_t*, std::string* error) {
  *error = "built without a JPEG codec";
  return false;
}

#endif
