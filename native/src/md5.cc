#include "md5.h"

#include <cstring>

namespace {

// Per-round left rotations (RFC 1321 section 3.4).
constexpr int kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

// T[i] = floor(2^32 * |sin(i + 1)|), as RFC 1321 defines it (tests/integration/quality-native.test.ts checks the
// digests against node:crypto): as literals, so each step adds an immediate instead of loading it.
constexpr uint32_t kT[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u};

inline uint32_t Rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

// Step i of the 64, unrolled by the template: a = b + rotl(a + f(b, c, d) + T[i] + m[g(i)], s(i)). The message word
// and the constant are added to a first, off the chain through b; G is (b & d) + (c & ~d), whose c & ~d half does
// not wait for b either (the two halves share no bit, so + is |).
template <int i>
inline void Step(uint32_t& a, uint32_t b, uint32_t c, uint32_t d, const uint32_t* m) {
  constexpr int round = i / 16;
  constexpr int word = round == 0 ? i : round == 1 ? (1 + 5 * i) & 15 : round == 2 ? (5 + 3 * i) & 15 : (7 * i) & 15;
  constexpr int shift = kShift[i];
  const uint32_t t = a + kT[i] + m[word];
  uint32_t f;
  if (round == 0) f = d ^ (b & (c ^ d));
  else if (round == 1) f = (c & ~d) + (b & d);
  else if (round == 2) f = b ^ c ^ d;
  else f = c ^ (b | ~d);
  a = b + Rotl(t + f, shift);
}

// Steps i..i+3 rotate the roles of a, b, c, d.
template <int i>
inline void Steps(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d, const uint32_t* m) {
  Step<i>(a, b, c, d, m);
  Step<i + 1>(d, a, b, c, m);
  Step<i + 2>(c, d, a, b, m);
  Step<i + 3>(b, c, d, a, m);
  if constexpr (i + 4 < 64) Steps<i + 4>(a, b, c, d, m);
}

void Block(uint32_t state[4], const uint8_t* block) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = Load32(block + 4 * i);
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  Steps<0>(a, b, c, d, m);
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

}  // namespace

void Md5Hex(const uint8_t* data, size_t size, char hex[33]) {
  uint32_t state[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
  size_t i = 0;
  for (; i + 64 <= size; i += 64) Block(state, data + i);
  // Tail: the remaining bytes, 0x80, zeros, and the bit length (little-endian), in one or two blocks.
  uint8_t tail[128] = {0};
  const size_t rest = size - i;
  memcpy(tail, data + i, rest);
  tail[rest] = 0x80;
  const size_t tailLen = rest < 56 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(size) * 8;
  for (int j = 0; j < 8; j++) tail[tailLen - 8 + j] = static_cast<uint8_t>(bits >> (8 * j));
  for (size_t j = 0; j < tailLen; j += 64) Block(state, tail + j);
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
