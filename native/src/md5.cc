#include "md5.h"

#include <cmath>
#include <cstring>

namespace {

// Per-round left rotations (RFC 1321 section 3.4).
constexpr int kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

struct Table {
  uint32_t k[64];
  Table() {
    // T[i] = floor(2^32 * |sin(i + 1)|), as the RFC defines it.
    for (int i = 0; i < 64; i++) k[i] = static_cast<uint32_t>(std::floor(std::fabs(std::sin(i + 1.0)) * 4294967296.0));
  }
};

const Table& Constants() {
  static const Table table;
  return table;
}

inline uint32_t Rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

// One 16-step round: F mixes b, c, d; the message word of step i is m[(start + stride * i) % 16].
template <typename F>
inline void Round(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d, const uint32_t* m, const uint32_t* k,
                  const int* shift, int start, int stride, F f) {
  for (int i = 0; i < 16; i++) {
    const uint32_t next = b + Rotl(a + f(b, c, d) + k[i] + m[(start + stride * i) & 15], shift[i & 3]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
}

void Block(uint32_t state[4], const uint8_t* block, const uint32_t* k) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = Load32(block + 4 * i);
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  Round(a, b, c, d, m, k, kShift, 0, 1, [](uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); });
  Round(a, b, c, d, m, k + 16, kShift + 16, 1, 5, [](uint32_t x, uint32_t y, uint32_t z) { return y ^ (z & (x ^ y)); });
  Round(a, b, c, d, m, k + 32, kShift + 32, 5, 3, [](uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; });
  Round(a, b, c, d, m, k + 48, kShift + 48, 0, 7, [](uint32_t x, uint32_t y, uint32_t z) { return y ^ (x | ~z); });
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

}  // namespace

void Md5Hex(const uint8_t* data, size_t size, char hex[33]) {
  const uint32_t* k = Constants().k;
  uint32_t state[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
  size_t i = 0;
  for (; i + 64 <= size; i += 64) Block(state, data + i, k);
  // Tail: the remaining bytes, 0x80, zeros, and the bit length (little-endian), in one or two blocks.
  uint8_t tail[128] = {0};
  const size_t rest = size - i;
  memcpy(tail, data + i, rest);
  tail[rest] = 0x80;
  const size_t tailLen = rest < 56 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(size) * 8;
  for (int j = 0; j < 8; j++) tail[tailLen - 8 + j] = static_cast<uint8_t>(bits >> (8 * j));
  for (size_t j = 0; j < tailLen; j += 64) Block(state, tail + j, k);
  static const char digits[] = "0123456789abcdef";
  for (int w = 0; w < 4; w++) {
    for (int j = 0; j < 4; j++) {
      const uint8_t byte = static_cast<uint8_t>(state[w] >> (8 * j));
      hex[8 * w + 2 * j] = digits[byte >> 4];
      hex[8 * w + 2 * j + 1] = digits[byte & 15];
    }
  }
  hex[32] = 0;
}
