import type { Polygon } from 'geojson';
import { localFrame } from '../../src-main/geo/local-frame.ts';

/**
 * A task rectangle around flown photo centres grown by `marginM` (shrunk when negative), stretched `extraEastM`
 * further east: the stretch (and the corners) were never photographed, so the task has gaps to re-fly.
 */
export function taskAround(centres: readonly { lon: number; lat: number }[], marginM: number, extraEastM: number): Polygon {
  const lon0 = centres.reduce((a, c) => a + c.lon, 0) / centres.length;
  const lat0 = centres.reduce((a, c) => a + c.lat, 0) / centres.length;
  const frame = localFrame(lon0, lat0);
  const xy = centres.map((c) => frame.toXY(c.lon, c.lat));
  const [x0, x1] = [Math.min(...xy.map((p) => p[0])) - marginM, Math.max(...xy.map((p) => p[0])) + marginM + extraEastM];
  const [y0, y1] = [Math.min(...xy.map((p) => p[1])) - marginM, Math.max(...xy.map((p) => p[1])) + marginM];
  const ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(([x, y]) => frame.toLonLat(x!, y!));
  return { type: 'Polygon', coordinates: [ring] };
}

/** A one-task GeoJSON file body with the given task id. */
export function taskFile(taskId: string, geometry: Polygon): string {
  return JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { task_id: taskId }, geometry }] });
}
