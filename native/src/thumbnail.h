// The gallery thumbnail from the 1/8-scale preview the JPEG measurement already made: scaled by area averaging and
// encoded by the same libjpeg-turbo build (baseline, 4:2:0, like sharp's JPEG defaults), on the measuring thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

// Whether a thumbnail of outWidth x outHeight at `quality` can be made from a width x height preview: at most the
// preview's size and at least a seventh of it along each axis (an output pixel averages at most 7 input pixels), quality 1-100.
bool ThumbnailFits(int width, int height, int outWidth, int outHeight, int quality);

// Scales `rgb` (width x height, 3 bytes a pixel) to outWidth x outHeight (each at most the input's) and encodes it at
// `quality` (1-100). On success *jpeg is a malloc'd buffer of *size bytes the caller frees.
bool EncodeThumbnail(const uint8_t* rgb, int width, int height, int outWidth, int outHeight, int quality, uint8_t** jpeg,
                     size_t* size, std::string* error);
