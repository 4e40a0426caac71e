"""DroneTM's per-photo pipeline, the baseline `npm run bench:ingest` compares ingest with.

For every JPEG in a folder, one after the other, what DroneTM's image processing does per photo: read the file, MD5
it (duplicate check), read the EXIF (DroneTM uses a Python EXIF reader; here a stdlib parser of the same IFDs:
IFD0, Exif, GPS), decode the full photo with OpenCV, write a 320 px thumbnail, and compute the grid sharpness
(Laplacian variance of each 4x4 cell, CV_64F) on the grey image. Prints one JSON line with its own CPU seconds
(all threads, getrusage) and wall seconds. Usage: python3 bench/dronetm_baseline.py <folder> <thumb-dir>
"""
import hashlib
import json
import os
import resource
import struct
import sys
import time

import cv2
import numpy as np


def read_exif(data):
    """Tag -> raw value for IFD0, the Exif IFD and the GPS IFD of the APP1 segment (values left undecoded)."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker == 0xE1 and data[i + 4 : i + 10] == b"Exif\x00\x00":
            tiff = data[i + 10 : i + 2 + length]
            endian = "<" if tiff[:2] == b"II" else ">"
            tags = {}

            def ifd(offset, depth=0):
                if depth > 2 or offset + 2 > len(tiff):
                    return
                (count,) = struct.unpack(endian + "H", tiff[offset : offset + 2])
                for k in range(count):
                    entry = tiff[offset + 2 + 12 * k : offset + 14 + 12 * k]
                    if len(entry) < 12:
                        return
                    tag, kind, n, value = struct.unpack(endian + "HHI4s", entry)
                    tags[tag] = (kind, n, value)
                    if tag in (0x8769, 0x8825):
                        ifd(struct.unpack(endian + "I", value)[0], depth + 1)

            ifd(struct.unpack(endian + "I", tiff[4:8])[0])
            return tags
        i += 2 + length
    return {}


def grid_sharpness(gray, grid=4):
    h, w = gray.shape
    variances = []
    for gy in range(grid):
        for gx in range(grid):
            y0, y1 = gy * (h // grid), (gy + 1) * (h // grid) if gy < grid - 1 else h
            x0, x1 = gx * (w // grid), (gx + 1) * (w // grid) if gx < grid - 1 else w
            variances.append(cv2.Laplacian(gray[y0:y1, x0:x1], cv2.CV_64F).var())
    textured = [v for v in variances if v >= 30]
    return float(np.percentile(textured, 75)) if textured else float(np.mean(variances))


def main():
    folder, thumbs = sys.argv[1], sys.argv[2]
    os.makedirs(thumbs, exist_ok=True)
    files = sorted(os.path.join(root, f) for root, _, names in os.walk(folder) for f in names if f.lower().endswith((".jpg", ".jpeg")))
    t0 = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        digest = hashlib.md5(data).hexdigest()
        read_exif(data)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        h, w = image.shape[:2]
        scale = 320 / max(h, w)
        thumb = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(thumbs, digest + ".jpg"), thumb)
        grid_sharpness(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"files": len(files), "cpuSeconds": usage.ru_utime + usage.ru_stime, "wallSeconds": time.perf_counter() - t0}))


main()
