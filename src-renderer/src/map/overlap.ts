import type { OverlapLayerInfo } from '../../../src-preload/contract.ts';

/** The overlap ramp: ground seen by fewer than 3 photos is a gap (red), 3-4 is thin (amber), 5 or more is good. */
export const OVERLAP_BANDS = [
  { id: 'low', label: 'Fewer than 3 photos', rgba: [213, 0, 0, 200] },
  { id: 'thin', label: '3–4 photos', rgba: [255, 171, 0, 190] },
  { id: 'good', label: '5 or more photos', rgba: [0, 200, 83, 170] },
] as const;

export type OverlapBand = (typeof OVERLAP_BANDS)[number]['id'];

/** The band of a raster cell value (0 outside the task, else 1 + photos seeing it), or null outside the task. */
export function overlapBand(value: number): OverlapBand | null {
  if (value === 0) return null;
  const photos = value - 1;
  return photos < 3 ? 'low' : photos < 5 ? 'thin' : 'good';
}

const RGBA = new Map(OVERLAP_BANDS.map((b) => [b.id, b.rgba]));

/** RGBA pixels for the raster, one per cell in the same order (north row first); transparent outside the task. */
export function overlapPixels(values: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const band = overlapBand(values[i]!);
    if (band) out.set(RGBA.get(band)!, i * 4);
  }
  return out;
}

export function decodeValues(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The grid's corners in MapLibre image order (top-left, top-right, bottom-right, bottom-left) from SW, SE, NE, NW. */
export function imageCorners(layer: Pick<OverlapLayerInfo, 'corners'>): [[number, number], [number, number], [number, number], [number, number]] {
  const [sw, se, ne, nw] = layer.corners as [[number, number], [number, number], [number, number], [number, number]];
  return [nw, ne, se, sw];
}
