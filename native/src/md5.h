// MD5 (RFC 1321) of a buffer, for the photo's identity hash off the JS thread.
#pragma once
#include <cstddef>
#include <cstdint>

// Writes 32 lowercase hex digits and a terminating NUL to hex.
void Md5Hex(const uint8_t* data, size_t size, char hex[33]);
