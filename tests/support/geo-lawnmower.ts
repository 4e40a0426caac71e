import type { Polygon } from 'geojson';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import type { PhotoPose } from '../../src-main/geo/footprint.ts';

/**
 * A synthetic survey flown like a flight planner would: nadir photos from 100 m with a 24 mm-equivalent lens on a 3:2
 * image, so each footprint is 150 m across track by 100 m along it (36/2/24 x 100 m and 24/2/24 x 100 m each side).
 * Lines run north-south, alternately up and down, spaced for the side overlap; photos along a line are spaced for the
 * front overlap.
 */
export const SURVEY_ORIGIN = { lon: -91.994, lat: 46.8426 };
export const FOOTPRINT_ACROSS_M = 150;
export const FOOTPRINT_ALONG_M = 100;

export interface Lawnmower {
  photos: PhotoPose[];
  /** Index of each photo's line, parallel to `photos`. */
  line: number[];
  lineX: number[];
  frontStepM: number;
  lineSpacingM: number;
}

export function lawnmower(opts: { front: number; side: number; halfWidthM: number; halfHeightM: number }): Lawnmower {
  const frame = localFrame(SURVEY_ORIGIN.lon, SURVEY_ORIGIN.lat);
  const frontStepM = FOOTPRINT_ALONG_M * (1 - opts.front);
  const lineSpacingM = FOOTPRINT_ACROSS_M * (1 - opts.side);
  const photos: PhotoPose[] = [];
  const line: number[] = [];
  const lineX: number[] = [];
  // Lines and photos extend one footprint beyond the task so its edges are seen as often as its middle.
  const xMax = opts.halfWidthM + FOOTPRINT_ACROSS_M / 2;
  const yMax = opts.halfHeightM + FOOTPRINT_ALONG_M;
  for (let k = 0, x = -xMax; x <= xMax + 1e-9; k++, x += lineSpacingM) {
    lineX.push(x);
    const up = k % 2 === 0;
    for (let y = -yMax; y <= yMax + 1e-9; y += frontStepM) {
      const [lon, lat] = frame.toLonLat(x, up ? y : -y);
      photos.push(pose(lon, lat, up ? 0 : 180));
      line.push(k);
    }
  }
  return { photos, line, lineX, frontStepM, lineSpacingM };
}

export function pose(lon: number, lat: number, yaw: number): PhotoPose {
  return {
    lat,
    lon,
    alt: 300,
    relAlt: 100,
    gimbalPitch: -90,
    gimbalYaw: yaw,
    gimbalRoll: 0,
    flightYaw: yaw,
    focal35Mm: 24,
    focalMm: 8,
    width: 6000,
    height: 4000,
    make: 'Test',
    model: 'Synthetic',
  };
}

/** A rectangle of the given half sizes (m) around the survey origin, as a WGS84 polygon. */
export function rectangleTask(halfWidthM: number, halfHeightM: number): Polygon {
  const frame = localFrame(SURVEY_ORIGIN.lon, SURVEY_ORIGIN.lat);
  const ring = [
    [-halfWidthM, -halfHeightM],
    [halfWidthM, -halfHeightM],
    [halfWidthM, halfHeightM],
    [-halfWidthM, halfHeightM],
    [-halfWidthM, -halfHeightM],
  ].map(([x, y]) => frame.toLonLat(x!, y!));
  return { type: 'Polygon', coordinates: [ring] };
}
