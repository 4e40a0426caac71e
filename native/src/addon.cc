// N-API binding: the kernels and the luma decode run on the libuv pool (AsyncWorker) over the caller's own
// buffers, which are referenced (not copied) until the work completes.
#include <napi.h>

#include <string>
#include <vector>

#include "jpeg_luma.h"
#include "kernels.h"

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

class KernelWorker : public BufferWorker {
 public:
  KernelWorker(Napi::Env env, Napi::Uint8Array gray, int width, int height)
      : BufferWorker(env), gray_(Hold(gray)), width_(width), height_(height) {}
  void Execute() override { ComputeKernelSums(gray_, width_, height_, &sums_); }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("cellCount", ToArray(env, sums_.cellCount, kGrid * kGrid));
    o.Set("cellSum", ToArray(env, sums_.cellSum, kGrid * kGrid));
    o.Set("cellSq", ToArray(env, sums_.cellSq, kGrid * kGrid));
    o.Set("wholeSum", Napi::Number::New(env, static_cast<double>(sums_.wholeSum)));
    o.Set("wholeSq", Napi::Number::New(env, static_cast<double>(sums_.wholeSq)));
    o.Set("histogram", ToArray(env, sums_.histogram, 256));
    o.Set("blurSums", ToArray(env, sums_.blur, 4));
    deferred_.Resolve(o);
  }

 private:
  const uint8_t* gray_;
  int width_, height_;
  KernelSums sums_{};
};

// kernelSums(gray: Uint8Array, width: number, height: number): Promise<KernelSums>
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
  auto* worker = new KernelWorker(env, gray, static_cast<int>(w), static_cast<int>(h));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class LumaWorker : public BufferWorker {
 public:
  LumaWorker(Napi::Env env, Napi::Uint8Array jpeg, int width, int height, int step, Napi::Uint8Array gray,
             Napi::Uint8Array rgb, Napi::Uint8Array preview)
      : BufferWorker(env), size_(jpeg.ByteLength()), jpeg_(Hold(jpeg)), width_(width), height_(height), step_(step),
        gray_(Hold(gray)), rgb_(Hold(rgb)), preview_(Hold(preview)) {}
  void Execute() override {
    std::string error;
    if (!DecodeJpegLuma(jpeg_, size_, width_, height_, gray_, rgb_, preview_, step_, &error)) SetError(error);
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

 private:
  size_t size_;
  const uint8_t* jpeg_;
  int width_, height_, step_;
  uint8_t* gray_;
  uint8_t* rgb_;
  uint8_t* preview_;
};

// decodeJpegLuma(jpeg, width, height, step, gray, rgb, preview): Promise<void>; gray holds width*height bytes, rgb
// and preview 3*ceil(width/step)*ceil(height/step) each.
Napi::Value DecodeJpegLumaAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string error;
  if (!ReadArgs(info, 7, &error) || !info[0].IsTypedArray() || !info[4].IsTypedArray() || !info[5].IsTypedArray() ||
      !info[6].IsTypedArray()) {
    return Reject(env, "decodeJpegLuma(jpeg, width, height, step, gray, rgb, preview)");
  }
  const int64_t w = info[1].As<Napi::Number>().Int64Value();
  const int64_t h = info[2].As<Napi::Number>().Int64Value();
  const int64_t step = info[3].As<Napi::Number>().Int64Value();
  Napi::Uint8Array gray = info[4].As<Napi::Uint8Array>();
  Napi::Uint8Array rgb = info[5].As<Napi::Uint8Array>();
  Napi::Uint8Array preview = info[6].As<Napi::Uint8Array>();
  const int64_t small = 3 * ((w + step - 1) / step) * ((h + step - 1) / step);
  if (w <= 0 || h <= 0 || w > 65535 || h > 65535 || step < 1 || step > 64 ||
      static_cast<int64_t>(gray.ByteLength()) < w * h || static_cast<int64_t>(rgb.ByteLength()) < small ||
      static_cast<int64_t>(preview.ByteLength()) < small) {
    return Reject(env, "output buffers smaller than the image");
  }
  auto* worker = new LumaWorker(env, info[0].As<Napi::Uint8Array>(), static_cast<int>(w), static_cast<int>(h),
                                static_cast<int>(step), gray, rgb, preview);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("kernelSums", Napi::Function::New(env, KernelSumsAsync));
  exports.Set("decodeJpegLuma", Napi::Function::New(env, DecodeJpegLumaAsync));
  exports.Set("jpegLuma", Napi::Boolean::New(env, JpegLumaAvailable()));
  return exports;
}

}  // namespace

NODE_API_MODULE(postflight_quality, Init)
