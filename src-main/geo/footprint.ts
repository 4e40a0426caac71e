import type { Polygon } from 'geojson';
import { fieldOfView, type FovSource } from './cameras.ts';
import { localFrame } from './local-frame.ts';

/** What a footprint needs from a photo: the normalised `images` columns, so it can be fed straight from the DB. */
export interface PhotoPose {
  lat: number | null;
  lon: number | null;
  /** GPS altitude (m). */
  alt: number | null;
  /** Height above the take-off point (DJI RelativeAltitude), m. */
  relAlt: number | null;
  /** Flown height the pilot entered for the photo's flight (m above take-off), for photos without a usable relAlt. */
  enteredHeightM?: number | null;
  gimbalPitch: number | null;
  gimbalYaw: number | null;
  gimbalRoll: number | null;
  flightYaw: number | null;
  focal35Mm: number | null;
  focalMm: number | null;
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  /** 'thermal' frames get the thermal lens's field of view. */
  sensorKind?: 'visible' | 'multispectral' | 'thermal' | null;
}

export interface FootprintContext {
  /**
   * Height above the ground under the camera from the project's DEM (geo/dem.ts heightAboveTerrain); when given it
   * replaces the flat-ground heights below.
   */
  terrainHeightM?: number | null;
  /** Project flight-height setting (m above ground), used when the photo has no relative altitude. */
  flightHeightM?: number | null;
  /** Estimated GPS altitude of the take-off point, the last resort for height above ground. */
  takeoffAltM?: number | null;
  /** Direction of travel (degrees clockwise from north), used when the photo has no yaw at all. */
  trackYawDeg?: number | null;
  /** Photos tilted further than this from straight down get no footprint. */
  maxOffNadirDeg?: number;
}

export type HeightSource = 'dem' | 'relative_altitude' | 'pilot_entered' | 'flight_height_setting' | 'gps_minus_takeoff';
export type HeadingSource = 'gimbal_yaw' | 'flight_yaw' | 'track' | 'assumed_north';

export interface Footprint {
  /** Ground corners in metres east/north of the point straight below the camera, counter-clockwise. */
  cornersM: [number, number][];
  /** The same quadrilateral in WGS84 (closed ring, counter-clockwise). */
  polygon: Polygon;
  /** Ground sample distance at the image centre, cm per pixel. */
  gsdCm: number;
  heightM: number;
  heightSource: HeightSource;
  fovSource: FovSource;
  headingDeg: number;
  headingSource: HeadingSource;
  offNadirDeg: number;
  /** Assumptions the pilot should know about (estimated height, assumed nadir, ...). */
  flags: string[];
}

export type FootprintSkip = 'no_position' | 'no_image_size' | 'no_height' | 'off_nadir';
export type FootprintResult = { ok: true; footprint: Footprint } | { ok: false; skip: FootprintSkip; message: string };

export const DEFAULT_MAX_OFF_NADIR_DEG = 30;
/** Below this height a "footprint" is a take-off or landing frame, not survey imagery. */
const MIN_HEIGHT_M = 2;
const RAD = Math.PI / 180;

/**
 * The ground quadrilateral seen by the camera, on flat ground at the level under the camera (the DEM's when the project
 * has one, else the take-off level). The four corner rays of
 * the image are rotated by the gimbal's off-nadir pitch and roll and its heading, and intersected with the ground,
 * so a forward tilt both widens and shifts the footprint.
 */
export function computeFootprint(photo: PhotoPose, ctx: FootprintContext = {}): FootprintResult {
  if (!isNum(photo.lat) || !isNum(photo.lon)) return skip('no_position', 'The photo has no GPS position.');
  if (!isNum(photo.width) || !isNum(photo.height) || photo.width <= 0 || photo.height <= 0) {
    return skip('no_image_size', 'The photo has no image size.');
  }
  const flags: string[] = [];
  const height = heightAboveGround(photo, ctx);
  if (!height) return skip('no_height', 'No height above ground: no relative altitude, flight-height setting or take-off altitude.');
  if (height.metres < MIN_HEIGHT_M) return skip('no_height', `The photo was taken ${height.metres.toFixed(1)} m above the ground.`);
  if (height.source === 'gps_minus_takeoff') flags.push('height_estimated');
  if (height.source === 'pilot_entered') flags.push('height_entered_by_pilot');

  // DJI: pitch -90 is straight down; 0 is the horizon.
  if (!isNum(photo.gimbalPitch)) flags.push('pitch_assumed_nadir');
  const tilt = (isNum(photo.gimbalPitch) ? 90 + photo.gimbalPitch : 0) * RAD;
  const roll = (isNum(photo.gimbalRoll) ? photo.gimbalRoll : 0) * RAD;
  const heading = headingOf(photo, ctx);
  const psi = heading.deg * RAD;

  // Camera axes in east/north/up after yaw, forward tilt about the right axis, then sideways roll.
  const fwd: V3 = [Math.sin(psi), Math.cos(psi), 0];
  const right0: V3 = [Math.cos(psi), -Math.sin(psi), 0];
  const axis1 = add(scale([0, 0, -1], Math.cos(tilt)), scale(fwd, Math.sin(tilt)));
  const up = add(scale(fwd, Math.cos(tilt)), scale([0, 0, 1], Math.sin(tilt)));
  const axis = add(scale(axis1, Math.cos(roll)), scale(right0, Math.sin(roll)));
  const right = sub(scale(right0, Math.cos(roll)), scale(axis1, Math.sin(roll)));
  const offNadirDeg = Math.acos(Math.min(1, -axis[2])) / RAD;
  const maxOff = ctx.maxOffNadirDeg ?? DEFAULT_MAX_OFF_NADIR_DEG;
  if (offNadirDeg > maxOff) {
    return skip('off_nadir', `The camera was ${offNadirDeg.toFixed(0)} degrees off straight down (limit ${maxOff}).`);
  }

  const fov = fieldOfView({
    model: photo.model,
    focalMm: photo.focalMm,
    focal35Mm: photo.focal35Mm,
    width: photo.width,
    height: photo.height,
    thermal: photo.sensorKind === 'thermal',
  });
  if (fov.source === 'default') flags.push('fov_default');
  const cornersM: [number, number][] = [];
  // Bottom-left, bottom-right, top-right, top-left: counter-clockwise seen from above.
  for (const [sx, sy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
    const ray = add(axis, add(scale(right, sx * fov.tanHalfW), scale(up, sy * fov.tanHalfH)));
    if (ray[2] >= -1e-6) return skip('off_nadir', 'Part of the image looks above the horizon.');
    const t = height.metres / -ray[2];
    cornersM.push([ray[0] * t, ray[1] * t]);
  }

  const frame = localFrame(photo.lon, photo.lat);
  const ring = cornersM.map(([x, y]) => frame.toLonLat(x, y));
  ring.push(ring[0]!);
  // Centre GSD: the slant range along the optical axis times the angle one pixel subtends.
  const slant = height.metres / -axis[2];
  const gsdCm = ((2 * slant * fov.tanHalfW) / photo.width) * 100;
  return {
    ok: true,
    footprint: {
      cornersM,
      polygon: { type: 'Polygon', coordinates: [ring] },
      gsdCm,
      heightM: height.metres,
      heightSource: height.source,
      fovSource: fov.source,
      headingDeg: heading.deg,
      headingSource: heading.source,
      offNadirDeg,
      flags,
    },
  };
}

function heightAboveGround(photo: PhotoPose, ctx: FootprintContext): { metres: number; source: HeightSource } | null {
  // The pilot's figure stands in for a relative altitude that is missing or below take-off, never for a good one; the
  // DEM corrects the good one (and GPS heights) for the ground's rise under the photo.
  const relOk = isNum(photo.relAlt) && photo.relAlt >= MIN_HEIGHT_M;
  if (!relOk && isNum(photo.enteredHeightM)) return { metres: photo.enteredHeightM, source: 'pilot_entered' };
  if (isNum(ctx.terrainHeightM)) return { metres: ctx.terrainHeightM, source: 'dem' };
  if (relOk) return { metres: photo.relAlt!, source: 'relative_altitude' };
  if (isNum(photo.relAlt)) return { metres: photo.relAlt, source: 'relative_altitude' };
  if (isNum(ctx.flightHeightM)) return { metres: ctx.flightHeightM, source: 'flight_height_setting' };
  if (isNum(photo.alt) && isNum(ctx.takeoffAltM)) return { metres: photo.alt - ctx.takeoffAltM, source: 'gps_minus_takeoff' };
  return null;
}

function headingOf(photo: PhotoPose, ctx: FootprintContext): { deg: number; source: HeadingSource } {
  if (isNum(photo.gimbalYaw)) return { deg: photo.gimbalYaw, source: 'gimbal_yaw' };
  if (isNum(photo.flightYaw)) return { deg: photo.flightYaw, source: 'flight_yaw' };
  if (isNum(ctx.trackYawDeg)) return { deg: ctx.trackYawDeg, source: 'track' };
  return { deg: 0, source: 'assumed_north' };
}

type V3 = [number, number, number];
const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: V3, k: number): V3 => [a[0] * k, a[1] * k, a[2] * k];
const skip = (s: FootprintSkip, message: string): FootprintResult => ({ ok: false, skip: s, message });

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
