// N-API binding: the kernels, the JPEG measurement and MD5 run on the libuv pool (AsyncWorker) over the caller's own
// buffers, which are referenced (not copied) until the work completes.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "jpeg_measure.h"
#include "kernels.h"
#include "md5.h"
#include "thumbnail.h"

namespace {

bool ReadArgs(const Napi::CallbackInfo& info, size_t count, std::string* error) {
  if (info.Length() < count) {
    *error = "missing arguments";
    return false;
  }
  return true;
}

Napi::Value Reject(Napi::Env env, const std::string& message) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(Napi::Error::New(env, message).Value());
  return deferred.Promise();
}

// Holds the typed arrays alive while the worker thread reads or writes them.
class BufferWorker : public Napi::AsyncWorker {
 public:
  explicit BufferWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  uint8_t* Hold(Napi::Uint8Array array) {
    held_.push_back(Napi::Persistent(array.As<Napi::Object>()));
    return array.Data();
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }
  Napi::Promise::Deferred deferred_;

 private:
  std::vector<Napi::ObjectReference> held_;
};

Napi::Array ToArray(Napi::Env env, const int64_t* values, size_t n) {
  Napi::Array a = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) a.Set(i, Napi::Number::New(env, static_cast<double>(values[i])));
  return a;
}

Napi::Object SumsObject(Napi::Env env, const KernelSums& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cellCount", ToArray(env, s.cellCount, kGrid * kGrid));
  o.Set("cellSum", ToArray(env, s.cellSum, kGrid * kGrid));
  o.Set("cellSq", ToArray(env, s.cellSq, kGrid * kGrid));
  o.Set("wholeSum", Napi::Number::New(env, static_cast<double>(s.wholeSum)));
  o.Set("wholeSq", Napi::Number::New(env, static_cast<double>(s.wholeSq)));
  o.Set("histogram", ToArray(env, s.histogram, 256));
  o.Set("blurSums", ToArray(env, s.blur, 4));
  return o;
}

class KernelWorker : public BufferWorker {
 public:
  KernelWorker(Napi::Env env, Napi::Uint8Array gray, int width, int height, SimdLevel level)
      : BufferWorker(env), gray_(Hold(gray)), width_(width), height_(height), level_(level) {}
  void Execute() override { ComputeKernelSums(gray_, width_, height_, &sums_, level_); }
  void OnOK() override { deferred_.Resolve(SumsObject(Env(), sums_)); }

 private:
  const uint8_t* gray_;
  int width_, height_;
  SimdLevel level_;
  KernelSums sums_{};
};

// The SIMD levels this build and CPU can run, the best last (what the kernels use unless told otherwise).
std::vector<SimdLevel> SimdLevels() {
  std::vector<SimdLevel> levels{SimdLevel::kBase};
  if (BestSimdLevel() == SimdLevel::kAvx2) levels.push_back(SimdLevel::kAvx2);
  return levels;
}

// kernelSums(gray: Uint8Array, width: number, height: number, simd?: string): Promise<KernelSums>; `simd` (one of
// the addon's `simd` names) picks the loops, for the tests that hold every level to the same sums.
Napi::Value KernelSumsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string error;
  if (!ReadArgs(info, 3, &error) || !info[0].IsTypedArray()) return Reject(env, "kernelSums(gray, width, height)");
  Napi::Uint8Array gray = info[0].As<Napi::Uint8Array>();
  const int64_t w = info[1].As<Napi::Number>().Int64Value();
  const int64_t h = info[2].As<Napi::Number>().Int64Value();
  if (w <= 0 || h <= 0 || w > INT32_MAX || h > INT32_MAX || static_cast<int64_t>(gray.ByteLength()) < w * h) {
    return Reject(env, "gray buffer smaller than width x height");
  }
  SimdLevel level = BestSimdLevel();
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    const std::string name = info[3].ToString().Utf8Value();
    bool found = false;
    for (SimdLevel l : SimdLevels()) {
      if (name == SimdLevelName(l)) {
        level = l;
        found = true;
      }
    }
    if (!found) return Reject(env, "kernelSums: this build or CPU has no " + name + " loops");
  }
  auto* worker = new KernelWorker(env, gray, static_cast<int>(w), static_cast<int>(h), level);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class MeasureWorker : public BufferWorker {
 public:
  MeasureWorker(Napi::Env env, Napi::Uint8Array jpeg, int width, int height, int colourStep, ThumbnailRequest thumb)
      : BufferWorker(env), size_(jpeg.ByteLength()), jpeg_(Hold(jpeg)), width_(width), height_(height),
        colourStep_(colourStep), thumb_(thumb), result_(new JpegMeasure()) {}
  void Execute() override {
    std::string error;
    if (!MeasureJpeg(jpeg_, size_, width_, height_, colourStep_, thumb_, result_.get(), &error)) SetError(error);
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("sums", SumsObject(env, result_->sums));
    const ColourSums& c = result_->colour;
    Napi::Object colour = Napi::Object::New(env);
    colour.Set("n", Napi::Number::New(env, static_cast<double>(c.n)));
    colour.Set("hSum", Napi::Number::New(env, c.hSum));
    colour.Set("sSum", Napi::Number::New(env, c.sSum));
    colour.Set("vSum", Napi::Number::New(env, c.vSum));
    colour.Set("blue", Napi::Number::New(env, static_cast<double>(c.blue)));
    colour.Set("warm", Napi::Number::New(env, static_cast<double>(c.warm)));
    colour.Set("green", Napi::Number::New(env, static_cast<double>(c.green)));
    o.Set("colour", colour);
    o.Set("previewWidth", Napi::Number::New(env, result_->previewWidth));
    o.Set("previewHeight", Napi::Number::New(env, result_->previewHeight));
    // The preview or the thumbnail moves into a Buffer (copied only where external memory is not allowed, as in
    // Electron).
    if (result_->thumbnail) {
      uint8_t* jpeg = result_->thumbnail.release();
      o.Set("thumbnail", Napi::Buffer<uint8_t>::NewOrCopy(env, jpeg, result_->thumbnailBytes, [](Napi::Env, uint8_t* p) { free(p); }));
    } else {
      uint8_t* pixels = result_->preview.release();
      o.Set("preview", Napi::Buffer<uint8_t>::NewOrCopy(env, pixels, result_->previewBytes,
                                                        [](Napi::Env, uint8_t* p) { delete[] p; }));
    }
    deferred_.Resolve(o);
  }

 private:
  size_t size_;
  const uint8_t* jpeg_;
  int width_, height_, colourStep_;
  ThumbnailRequest thumb_;
  std::unique_ptr<JpegMeasure> result_;
};

// measureJpeg(jpeg, width, height, colourStep, thumbWidth?, thumbHeight?, thumbQuality?): Promise<{ sums, colour,
// previewWidth, previewHeight, and preview (RGB) or, with a thumbnail size, thumbnail (JPEG bytes) }>. The thumbnail
// is the preview scaled to that size (at most the preview's, at least a seventh of it) and encoded here.
Napi::Value MeasureJpegAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string error;
  if (!ReadArgs(info, 4, &error) || !info[0].IsTypedArray()) return Reject(env, "measureJpeg(jpeg, width, height, colourStep)");
  const int64_t w = info[1].As<Napi::Number>().Int64Value();
  const int64_t h = info[2].As<Napi::Number>().Int64Value();
  const int64_t step = info[3].As<Napi::Number>().Int64Value();
  if (w <= 0 || h <= 0 || w > 65535 || h > 65535 || step < 1 || step > 256) return Reject(env, "image dimensions out of range");
  ThumbnailRequest thumb;
  if (info.Length() > 5 && info[4].IsNumber() && info[5].IsNumber()) {
    thumb.width = info[4].As<Napi::Number>().Int32Value();
    thumb.height = info[5].As<Napi::Number>().Int32Value();
    if (info.Length() > 6 && info[6].IsNumber()) thumb.quality = info[6].As<Napi::Number>().Int32Value();
    if (!ThumbnailFits(static_cast<int>((w + 7) / 8), static_cast<int>((h + 7) / 8), thumb.width, thumb.height, thumb.quality)) {
      return Reject(env, "thumbnail size or quality out of range");
    }
  }
  auto* worker = new MeasureWorker(env, info[0].As<Napi::Uint8Array>(), static_cast<int>(w), static_cast<int>(h), static_cast<int>(step), thumb);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class FloorWorker : public BufferWorker {
 public:
  FloorWorker(Napi::Env env, Napi::Uint8Array jpeg, int mode, bool keep)
      : BufferWorker(env), size_(jpeg.ByteLength()), jpeg_(Hold(jpeg)), mode_(mode),
        pixels_(keep ? new std::vector<uint8_t>() : nullptr) {}
  ~FloorWorker() override { delete pixels_; }
  void Execute() override {
    std::string error;
    if (!DecodeFloor(jpeg_, size_, mode_, pixels_, &error)) SetError(error);
  }
  void OnOK() override {
    if (!pixels_) {
      deferred_.Resolve(Env().Undefined());
      return;
    }
    std::vector<uint8_t>* pixels = pixels_;
    pixels_ = nullptr;
    deferred_.Resolve(Napi::Buffer<uint8_t>::NewOrCopy(Env(), pixels->data(), pixels->size(),
                                                       [](Napi::Env, uint8_t*, std::vector<uint8_t>* v) { delete v; }, pixels));
  }

 private:
  size_t size_;
  const uint8_t* jpeg_;
  int mode_;
  std::vector<uint8_t>* pixels_;
};

// decodeFloor(jpeg, mode, keep?): Promise<Buffer | undefined>; the benchmark's bare decodes: mode 0 = full-size luma
// (the addon's inverse DCT, SIMD where the CPU has it), 1 = colour at 1/8, 2 = full-size luma with the library's plain
// C inverse DCT. With keep = true the decoded pixels come back (tests compare the two luma decodes byte for byte).
Napi::Value DecodeFloorAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string error;
  if (!ReadArgs(info, 2, &error) || !info[0].IsTypedArray()) return Reject(env, "decodeFloor(jpeg, mode, keep?)");
  const int mode = info[1].As<Napi::Number>().Int32Value();
  if (mode != kFloorLuma && mode != kFloorColourEighth && mode != kFloorLumaPlainIdct) return Reject(env, "decodeFloor: mode is 0, 1 or 2");
  const bool keep = info.Length() > 2 && info[2].ToBoolean().Value();
  auto* worker = new FloorWorker(env, info[0].As<Napi::Uint8Array>(), mode, keep);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class Md5Worker : public BufferWorker {
 public:
  Md5Worker(Napi::Env env, Napi::Uint8Array bytes) : BufferWorker(env), size_(bytes.ByteLength()), bytes_(Hold(bytes)) {}
  void Execute() override { Md5Hex(bytes_, size_, hex_); }
  void OnOK() override { deferred_.Resolve(Napi::String::New(Env(), hex_)); }

 private:
  size_t size_;
  const uint8_t* bytes_;
  char hex_[33];
};

// md5(bytes): Promise<string>, lowercase hex.
Napi::Value Md5Async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) return Reject(env, "md5(bytes)");
  auto* worker = new Md5Worker(env, info[0].As<Napi::Uint8Array>());
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("kernelSums", Napi::Function::New(env, KernelSumsAsync));
  exports.Set("md5", Napi::Function::New(env, Md5Async));
  const std::vector<SimdLevel> levels = SimdLevels();
  Napi::Array simd = Napi::Array::New(env, levels.size());
  for (size_t i = 0; i < levels.size(); i++) simd.Set(i, Napi::String::New(env, SimdLevelName(levels[i])));
  exports.Set("simd", simd);
  const char* decoder = JpegDecoderName();
  if (decoder) {
    exports.Set("measureJpeg", Napi::Function::New(env, MeasureJpegAsync));
    exports.Set("decodeFloor", Napi::Function::New(env, DecodeFloorAsync));
    exports.Set("decoder", Napi::String::New(env, decoder));
  }
  return exports;
}

}  // namespace

NODE_API_MODULE(postflight_quality, Init)
