/**
 * A minimal GeoTIFF writer for the ODM stand-ins: little-endian, one uncompressed RGB strip, north-up, with the
 * three GeoTIFF tags ODM's orthophoto carries (ModelPixelScale, ModelTiepoint, GeoKeyDirectory).
 */
export interface GeoTiffSpec {
  width: number;
  height: number;
  /** Coordinates of the top-left corner of the top-left pixel, in the CRS's units. */
  originX: number;
  originY: number;
  /** Pixel size in CRS units (metres for UTM, degrees for 4326). */
  pixelSize: number;
  /** 4326, or a WGS84 UTM zone (326zz / 327zz). */
  epsg: number;
}

const SHORT = 3;
const LONG = 4;
const DOUBLE = 12;

export function writeGeoTiff(spec: GeoTiffSpec): Buffer {
  const { width, height } = spec;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 128;
    }
  }
  const geographic = spec.epsg === 4326;
  const geoKeys = [
    1, 1, 0, 3,
    1024, 0, 1, geographic ? 2 : 1, // GTModelTypeGeoKey: projected or geographic
    1025, 0, 1, 1, // GTRasterTypeGeoKey: PixelIsArea
    geographic ? 2048 : 3072, 0, 1, spec.epsg, // GeographicTypeGeoKey / ProjectedCSTypeGeoKey
  ];
  type Entry = { tag: number; type: number; values: number[] };
  const entries: Entry[] = [
    { tag: 256, type: LONG, values: [width] },
    { tag: 257, type: LONG, values: [height] },
    { tag: 258, type: SHORT, values: [8, 8, 8] },
    { tag: 259, type: SHORT, values: [1] },
    { tag: 262, type: SHORT, values: [2] },
    { tag: 273, type: LONG, values: [0] }, // strip offset, patched below
    { tag: 277, type: SHORT, values: [3] },
    { tag: 278, type: LONG, values: [height] },
    { tag: 279, type: LONG, values: [pixels.length] },
    { tag: 284, type: SHORT, values: [1] },
    { tag: 33550, type: DOUBLE, values: [spec.pixelSize, spec.pixelSize, 0] },
    { tag: 33922, type: DOUBLE, values: [0, 0, 0, spec.originX, spec.originY, 0] },
    { tag: 34735, type: SHORT, values: geoKeys },
  ];
  const size = (e: Entry): number => e.values.length * (e.type === DOUBLE ? 8 : e.type === LONG ? 4 : 2);
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let extra = ifdOffset + ifdSize;
  const extraOffsets = entries.map((e) => {
    if (size(e) <= 4) return 0;
    const at = extra;
    extra += size(e);
    return at;
  });
  const dataOffset = extra;
  entries[5]!.values = [dataOffset];
  const out = Buffer.alloc(dataOffset + pixels.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdOffset, 4);
  out.writeUInt16LE(entries.length, ifdOffset);
  const writeValues = (e: Entry, at: number): void => {
    e.values.forEach((v, i) => {
      if (e.type === DOUBLE) out.writeDoubleLE(v, at + i * 8);
      else if (e.type === LONG) out.writeUInt32LE(v, at + i * 4);
      else out.writeUInt16LE(v, at + i * 2);
    });
  };
  entries.forEach((e, i) => {
    const at = ifdOffset + 2 + i * 12;
    out.writeUInt16LE(e.tag, at);
    out.writeUInt16LE(e.type, at + 2);
    out.writeUInt32LE(e.values.length, at + 4);
    if (size(e) <= 4) writeValues(e, at + 8);
    else {
      out.writeUInt32LE(extraOffsets[i]!, at + 8);
      writeValues(e, extraOffsets[i]!);
    }
  });
  out.writeUInt32LE(0, ifdOffset + 2 + entries.length * 12);
  pixels.copy(out, dataOffset);
  return out;
}

/** The orthophoto the stand-ins write: 64 x 48 pixels of 0.5 m in UTM 56S, near Brighton-le-Sands, Sydney. */
export const STANDIN_ORTHO: GeoTiffSpec = { width: 64, height: 48, originX: 330000, originY: 6240000, pixelSize: 0.5, epsg: 32756 };
