"""DroneTM's per-photo pipeline, the baseline `npm run bench:ingest` compares ingest with.

For every JPEG in a folder, one after the other, the work DroneTM's backend does per photo (hotosm/drone-tm,
src/backend; file and function named at each step below). DroneTM runs these steps on its event loop: the OpenCV
calls of the classification are made directly in the async function (not in a thread pool) and the thumbnail is
awaited before the next step, so one photo's CPU work at a time.

Default (faithful) mode, in DroneTM's order:
 upload (app/arq/tasks.py, the per-file upload task):
 1. read the bytes and MD5 them            - app/images/image_logic.py calculate_file_hash
 2. EXIF with exiftool, a NEW process each - image_logic.py extract_exif_data: the bytes go to a NamedTemporaryFile,
    photo                                    then `with exiftool.ExifToolHelper() as et: et.get_metadata(tmp)`.
                                             pyexiftool (not installable here) is stood in for by the same process
                                             model: start `exiftool -stay_open True -@ - -common_args -G -n`, run
                                             `-ver` (pyexiftool's start-up version check), then `-j <file>`, each
                                             with `-echo4` and `-execute<n>`, read stdout to `{ready<n>}`, then
                                             `-stay_open False`; then every value is sanitised and the dict
                                             json.dumps'd, as extract_exif_data does
 3. thumbnail                              - app/arq/tasks.py generate_thumbnail: Pillow Image.open, .thumbnail((200,
                                             200), LANCZOS), saved as JPEG quality 85 optimize=True (DroneTM uploads
                                             it to S3; written to <thumb-dir> here)
 classification (app/images/image_classification.py ImageClassifier.classify_single_image):
 4. the photo's bytes again (S3 download there; the file, page-cached, here)
 5. calculate_sharpness_grid               - cv2.imdecode IMREAD_COLOR, cvtColor to grey, 4x4 grid of
                                             cv2.Laplacian(CV_64F).var(), then _classify_terrain: a full-image HSV
                                             conversion with means/std when the low-texture share is < 0.25 or >= 0.6
 6. _decode_gray + _exposure_issues        - a SECOND full imdecode + cvtColor, then np.percentile(gray, [5, 95]),
                                             the shares of gray < 20 and gray > 235, mean and std
Steps 5 and 6 are functions in DroneTM, so their full-size arrays are freed when each returns, as here (glibc then
maps the next photo's afresh: page faults are part of this pipeline's cost, as they are of DroneTM's).
If exiftool is not installed, step 2 falls back to the stdlib IFD parser below and the output says so (the baseline
then under-counts DroneTM); if Pillow is missing, step 3 uses OpenCV at 200 px and says so.

--lean: the subset this bench used until 30 Nov 2026 (it under-counts DroneTM: no exiftool, one decode instead of
two, no HSV terrain, no exposure percentiles): MD5, the stdlib IFD parser, ONE OpenCV colour decode, a 320 px
OpenCV thumbnail, the grid Laplacian.

Prints one JSON line: files, mode, notes, CPU seconds (this process's threads plus its waited-for children, i.e.
the exiftool processes; getrusage) and wall seconds.
Usage: python3 bench/dronetm_baseline.py <folder> <thumb-dir> [--lean]
"""
import hashlib
import io
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

try:
    from PIL import Image
except ImportError:  # python3-pil missing: the thumbnail step falls back to OpenCV (said in the output)
    Image = None


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


def grid_cells(gray, grid=4):
    """Laplacian (CV_64F) variance of each cell of a grid x grid split, the last row/column taking the remainder."""
    h, w = gray.shape
    ch, cw = h // grid, w // grid
    scores = []
    for row in range(grid):
        for col in range(grid):
            y0, x0 = row * ch, col * cw
            y1, x1 = (h if row == grid - 1 else y0 + ch), (w if col == grid - 1 else x0 + cw)
            scores.append(float(cv2.Laplacian(gray[y0:y1, x0:x1], cv2.CV_64F).var()))
    return scores


def grid_sharpness(scores):
    textured = [v for v in scores if v >= 30]
    return float(np.percentile(textured, 75)) if textured else float(np.mean(scores))


class StayOpenExifTool:
    """pyexiftool's process model (ExifTool.run / execute / terminate) over subprocess, one instance a photo."""

    def __init__(self, exe):
        self.proc = subprocess.Popen(
            [exe, "-stay_open", "True", "-@", "-", "-common_args", "-G", "-n"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.seq = 0
        self.execute("-ver")

    def execute(self, *params):
        self.seq += 1
        seq = self.seq
        lines = list(params) + ["-echo4", f"=${{status}}=post{seq}", f"-execute{seq}", ""]
        self.proc.stdin.write("\n".join(lines).encode())
        self.proc.stdin.flush()
        out, ready = b"", f"{{ready{seq}}}".encode()
        while ready not in out:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("exiftool exited")
            out += chunk
        err, post = b"", f"=post{seq}".encode()
        while post not in err:
            chunk = os.read(self.proc.stderr.fileno(), 65536)
            if not chunk:
                break
            err += chunk
        return out[: out.index(ready)].decode("utf-8")

    def close(self):
        self.proc.stdin.write(b"-stay_open\nFalse\n")
        self.proc.stdin.flush()
        self.proc.communicate()


def sanitise(value):
    """extract_exif_data's _sanitize_exif_value: NULs out of strings, recursively."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, (list, tuple)):
        return [sanitise(v) for v in value]
    if isinstance(value, dict):
        return {k: sanitise(v) for k, v in value.items()}
    return value


def exif_exiftool(exe, data):
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=True) as tmp:
        tmp.write(data)
        tmp.flush()
        et = StayOpenExifTool(exe)
        try:
            metadata = json.loads(et.execute("-j", tmp.name))
        finally:
            et.close()
    exif = {}
    for key, value in metadata[0].items():
        if key in ("SourceFile", "ExifTool:ExifToolVersion"):
            continue
        exif[key.split(":")[-1]] = sanitise(value)
    json.dumps(exif)
    return exif


def thumbnail_pillow(data):
    image = Image.open(io.BytesIO(data))
    image.thumbnail((200, 200), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def thumbnail_opencv(data, size):
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    scale = size / max(h, w)
    thumb = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", thumb, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()


def terrain_hsv(bgr, low_texture_ratio, textured):
    """_classify_terrain's colour work, computing what it computes before it returns (its thresholds)."""
    if 0.25 <= low_texture_ratio < 0.6:
        return "mixed"
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    h, s, v = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    hue, sat = float(np.mean(h)), float(np.mean(s))
    if low_texture_ratio < 0.25:
        float(np.std(v))
        return "vegetation" if 30 <= hue <= 85 and sat > 40 and float(np.mean(v)) >= 90 else "other"
    val = float(np.mean(v))
    blue = float(np.mean((h >= 85) & (h <= 135)))
    if (blue > 0.3 and sat > 20) or (val < 80 and sat < 40 and blue > 0.15) or (low_texture_ratio >= 0.9 and not textured and sat > 10):
        return "water"
    if sat < 30 and val > 180:
        return "snow_ice"
    if float(np.mean(((h >= 8) & (h <= 35)) | (h < 8))) > 0.4 and 25 < sat < 120:
        return "sand"
    if sat < 50 and 60 < val < 180:
        return "bare_soil"
    float(np.mean((h >= 30) & (h <= 85)))
    return "other"


def exposure(gray):
    p5, p95 = np.percentile(gray, [5, 95])
    return float(p95 - p5), float(np.mean(gray < 20)), float(np.mean(gray > 235)), float(np.mean(gray)), float(np.std(gray))


def faithful(path, data, thumbs, exe):
    digest = hashlib.md5(data).hexdigest()  # 1
    if exe:  # 2
        exif_exiftool(exe, data)
    else:
        read_exif(data)
    thumb = thumbnail_pillow(data) if Image else thumbnail_opencv(data, 200)  # 3
    with open(os.path.join(thumbs, "thumb_" + digest + ".jpg"), "wb") as f:
        f.write(thumb)
    with open(path, "rb") as f:  # 4
        data = f.read()
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)  # 5
    scores = grid_cells(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    terrain_hsv(img, sum(1 for s in scores if s < 30) / len(scores), [s for s in scores if s >= 30])
    grid_sharpness(scores)
    gray = cv2.cvtColor(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)  # 6
    exposure(gray)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    is_lean = "--lean" in sys.argv
    folder, thumbs = args[0], args[1]
    os.makedirs(thumbs, exist_ok=True)
    files = sorted(os.path.join(root, f) for root, _, names in os.walk(folder) for f in names if f.lower().endswith((".jpg", ".jpeg")))
    notes = []
    exe = None
    if not is_lean:
        exe = shutil.which("exiftool")
        if not exe:
            notes.append("exiftool not installed: EXIF read by the stdlib parser instead, so this baseline under-counts DroneTM (apt-get install libimage-exiftool-perl)")
        if Image is None:
            notes.append("Pillow not installed: thumbnail made by OpenCV instead of DroneTM's Pillow LANCZOS (apt-get install python3-pil)")
    for note in notes:
        print(f"DroneTM baseline: {note}", file=sys.stderr)
    t0 = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        if not is_lean:
            faithful(path, data, thumbs, exe)
            continue
        # The lean subset, the loop as it was until 30 Nov (inline: its arrays live until the next photo's replace
        # them, which lets glibc reuse their memory; a function returning would free them first, see faithful's).
        digest = hashlib.md5(data).hexdigest()
        read_exif(data)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        h, w = image.shape[:2]
        scale = 320 / max(h, w)
        thumb = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(thumbs, digest + ".jpg"), thumb)
        grid_sharpness(grid_cells(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)))
    wall = time.perf_counter() - t0
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(json.dumps({"files": len(files), "mode": "lean" if is_lean else "faithful", "notes": notes, "cpuSeconds": cpu, "wallSeconds": wall}))


main()
