import type { DroneSpanInfo } from '../../../src-preload/contract-base.ts';

/** "DJI FC6310 · serial 0K8TF2R0A10022": the drone as the pilot knows it, and the serial DroneTM pays by. */
export function droneText(d: Pick<DroneSpanInfo, 'make' | 'model' | 'serial'>): string {
  const name = [d.make, d.model].filter(Boolean).join(' ') || 'Unknown drone';
  return `${name} · serial ${d.serial ?? 'not written by the drone'}`;
}

/**
 * "2017-04-18 15:31–15:35 (4 min)": the time span of photos as the camera wrote it (no time zone shift: a camera's
 * clock is what the pilot saw), over midnight with both dates.
 */
export function spanText(d: Pick<DroneSpanInfo, 'firstCapture' | 'lastCapture'>): string {
  const { firstCapture: a, lastCapture: b } = d;
  if (!a || !b) return 'time unknown';
  const day = (s: string) => s.slice(0, 10);
  const hm = (s: string) => s.slice(11, 16);
  const minutes = Math.round((Date.parse(b) - Date.parse(a)) / 60_000);
  const length = Number.isFinite(minutes) ? ` (${minutes < 1 ? 'under 1 min' : `${minutes} min`})` : '';
  return day(a) === day(b) ? `${day(a)} ${hm(a)}–${hm(b)}${length}` : `${day(a)} ${hm(a)} – ${day(b)} ${hm(b)}${length}`;
}
