/**
 * Flights: each camera's photos in capture order, cut wherever the drone cannot have flown on continuously — a pause
 * longer than the gap, a jump farther than the jump limit, or a hop faster than a drone flies (a second battery, a
 * second site, a clock reset).
 */
import type { ImageRow } from '../db/images.ts';
import { distanceMetres } from './geodesy.ts';
import { clockSeconds } from '../ingest/metadata-time.ts';

/** One photo on a flight path; `t` in seconds on the camera's own clock. */
export interface TrackPhoto {
  id: number;
  t: number;
  lat: number;
  lon: number;
  /** Height used for climb/descent detection (relative altitude when every photo has it, else GPS altitude). */
  alt: number | null;
  gimbalPitch: number | null;
}

export interface FlightLimits {
  flightGapS: number;
  flightJumpM: number;
  flightSpeedMps: number;
}

/** Splits time-ordered photos of one camera into flights. */
export function splitFlights(photos: readonly TrackPhoto[], limits: FlightLimits): TrackPhoto[][] {
  const sorted = [...photos].sort((a, b) => a.t - b.t || a.id - b.id);
  const flights: TrackPhoto[][] = [];
  let current: TrackPhoto[] = [];
  for (const p of sorted) {
    const prev = current[current.length - 1];
    if (prev) {
      const dt = p.t - prev.t;
      const d = distanceMetres(prev, p);
      if (dt > limits.flightGapS || d > limits.flightJumpM || (dt > 0 && d / dt > limits.flightSpeedMps)) {
        flights.push(current);
        current = [];
      }
    }
    current.push(p);
  }
  if (current.length > 0) flights.push(current);
  return flights;
}

type Row = Pick<ImageRow, 'id' | 'captured_at' | 'captured_local' | 'make' | 'model' | 'serial' | 'alt' | 'rel_alt' | 'gimbal_pitch'>;

/**
 * Builds the track photos of located rows, grouped by camera (two drones flying at once never share a flight). Within
 * a camera one clock is used for all photos: the camera's own local clock when every photo has it (GPS time and
 * camera time can differ by seconds), else the UTC time; rows with neither are left out. Heights likewise come from
 * one source per camera.
 */
export function trackPhotosByCamera(rows: readonly { row: Row; lat: number; lon: number }[]): TrackPhoto[][] {
  const groups = new Map<string, { row: Row; lat: number; lon: number }[]>();
  for (const r of rows) {
    const key = [r.row.make, r.row.model, r.row.serial].join('|');
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: TrackPhoto[][] = [];
  for (const group of groups.values()) {
    const local = group.map((r) => clockSeconds(r.row.captured_local));
    const utc = group.map((r) => clockSeconds(r.row.captured_at));
    const clock = local.every((s) => s !== null) ? local : utc.every((s) => s !== null) ? utc : local.map((s, i) => s ?? utc[i]!);
    const useRel = group.every((r) => r.row.rel_alt !== null);
    const photos: TrackPhoto[] = [];
    group.forEach((r, i) => {
      const t = clock[i];
      if (t === null || t === undefined) return;
      photos.push({ id: r.row.id, t, lat: r.lat, lon: r.lon, alt: useRel ? r.row.rel_alt : r.row.alt, gimbalPitch: r.row.gimbal_pitch });
    });
    out.push(photos);
  }
  return out;
}
