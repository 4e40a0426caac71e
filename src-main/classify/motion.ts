/**
 * Motion blur predicted from metadata: the ground the camera slid over during the exposure (exposure time x ground
 * speed) measured in pixels of the photo's ground sample distance. A second opinion beside the measured pixel
 * sharpness: it does not depend on texture, so it still speaks over water or sand where the sharpness score cannot.
 */
import type { ImageRow, Reason } from '../db/images.ts';
import { computeFootprint, type FootprintContext } from '../geo/footprint.ts';
import { poseOf } from '../geo/coverage-service.ts';
import { distanceMetres } from './geodesy.ts';
import type { TrackPhoto } from './flights.ts';

/** More smear than this many pixels is a `motion` warning. */
export const MOTION_LIMIT_PX = 0.5;

export type SpeedSource = 'aircraft' | 'track';

export interface MotionEstimate {
  speedMps: number;
  speedSource: SpeedSource;
  gsdCm: number;
  smearPx: number;
}

/**
 * Ground speed at each photo of a flight from its neighbours' positions and times (previous to next, or one side at
 * the ends). Camera clocks tick in whole seconds, so a pair with no time between them gives no speed.
 */
export function trackSpeeds(flight: readonly TrackPhoto[]): Map<number, number> {
  const out = new Map<number, number>();
  flight.forEach((p, k) => {
    const a = flight[Math.max(0, k - 1)]!;
    const b = flight[Math.min(flight.length - 1, k + 1)]!;
    const dt = b.t - a.t;
    if (dt > 0) out.set(p.id, distanceMetres(a, b) / dt);
  });
  return out;
}

type MotionRow = Parameters<typeof poseOf>[0] & Pick<ImageRow, 'exposure_s' | 'speed_x_mps' | 'speed_y_mps'>;

/** The predicted smear of one photo, or null when its exposure time, speed or ground sample distance is unknown. */
export function estimateMotion(row: MotionRow, trackSpeedMps: number | null, ctx: FootprintContext): MotionEstimate | null {
  const exposure = row.exposure_s;
  if (exposure === null || !(exposure > 0)) return null;
  const aircraft = row.speed_x_mps !== null && row.speed_y_mps !== null ? Math.hypot(row.speed_x_mps, row.speed_y_mps) : null;
  const speed = aircraft ?? trackSpeedMps;
  if (speed === null || !Number.isFinite(speed)) return null;
  const fp = computeFootprint(poseOf(row), { ...ctx, maxOffNadirDeg: 90 });
  if (!fp.ok || !(fp.footprint.gsdCm > 0)) return null;
  const gsdCm = fp.footprint.gsdCm;
  return { speedMps: speed, speedSource: aircraft !== null ? 'aircraft' : 'track', gsdCm, smearPx: (exposure * speed * 100) / gsdCm };
}

/** The `motion` warning when the predicted smear passes the limit, with the photo's measured sharpness beside it. */
export function motionFinding(m: MotionEstimate, exposureS: number, sharpness: number | null): Reason | null {
  if (m.smearPx <= MOTION_LIMIT_PX) return null;
  const shutter = exposureS >= 1 ? `${exposureS.toFixed(1)} s` : `1/${Math.round(1 / exposureS)} s`;
  const how = m.speedSource === 'aircraft' ? 'as the drone recorded it' : 'from the positions of the photos before and after';
  const measured = sharpness === null ? '' : ` Pixel sharpness measured ${sharpness.toFixed(0)}.`;
  return {
    code: 'motion',
    message:
      `Motion blur likely: ${m.smearPx.toFixed(1)} px of smear (limit ${MOTION_LIMIT_PX} px) — ${shutter} exposure at ` +
      `${m.speedMps.toFixed(1)} m/s (${how}) over a ${m.gsdCm.toFixed(1)} cm ground pixel.${measured}`,
  };
}
