// JPEG decode to luma (the Y plane is what BGR2GRAY of the decoded colour image approximates) plus RGB of every
// step-th pixel of every step-th row for colour statistics, plus step x step block averages as a small colour preview
// (the thumbnail's source). Available only when built against a system libjpeg.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

bool JpegLumaAvailable();

// Fills gray (width*height), rgb and preview (each 3 * ceil(w/step) * ceil(h/step)); the caller read the dimensions
// and allocated them. Returns false with a reason on any error or warning (truncated or corrupt data included).
bool DecodeJpegLuma(const uint8_t* data, size_t size, int width, int height, uint8_t* gray, uint8_t* rgb,
                    uint8_t* preview, int step, std::string* error);
