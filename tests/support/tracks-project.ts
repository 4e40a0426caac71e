/** Puts synthetic tracks and square tasks into a real project database, as ingest and task import would. */
import { sql, type ProjectDb } from '../../src-main/db/database.ts';
import { insertImage, type NewImage } from '../../src-main/db/images.ts';
import { upsertTask } from '../../src-main/db/tasks.ts';
import { metresPerDegree } from '../../src-main/classify/geodesy.ts';
import type { SyntheticPhoto } from './tracks.ts';

/** Sharp, well-exposed land, as the quality module measures it. */
export const SHARP_METRICS = {
  gridVariances: Array(16).fill(420),
  gridScore: 420,
  colour: { meanHue: 60, meanSat: 80, meanVal: 120, blueRatio: 0.05, warmRatio: 0.2, greenRatio: 0.5, samples: 1000 },
  blurEffect: 0.2,
  mean: 120,
  std: 45,
  p5: 40,
  p95: 200,
  fracDark: 0.01,
  fracBright: 0.01,
  black: false,
  white: false,
  terrain: 'land',
};

/** A rectangular task from (x0, y0) to (x1, y1) metres east/north of `origin`. */
export function insertRectTask(
  db: ProjectDb,
  taskId: string,
  origin: { lat: number; lon: number },
  [x0, y0, x1, y1]: [number, number, number, number],
): number {
  const m = metresPerDegree(origin.lat);
  const w = origin.lon + x0 / m.east;
  const e = origin.lon + x1 / m.east;
  const s = origin.lat + y0 / m.north;
  const n = origin.lat + y1 / m.north;
  return upsertTask(db, {
    taskId,
    name: `Task ${taskId}`,
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    bbox: [w, s, e, n],
    source: 'test',
    importedAt: new Date(0).toISOString(),
  }).id;
}

/**
 * Inserts each photo as a staged images row taken at `start` + t seconds, in Nepal (+05:45) local time, height as
 * relative altitude. `patch` adjusts single rows (a broken gimbal, no GPS, ...).
 */
export function insertTrack(
  db: ProjectDb,
  photos: readonly SyntheticPhoto[],
  start = Date.parse('2024-06-21T04:00:00Z'),
  patch: (p: SyntheticPhoto) => Partial<NewImage> = () => ({}),
): Map<number, number> {
  const rowIds = new Map<number, number>();
  sql(db).transaction(() => {
    for (const p of photos) {
      const when = new Date(start + p.t * 1000);
      const local = new Date(when.getTime() + (5 * 60 + 45) * 60_000).toISOString().slice(0, 23);
      const name = `DJI_${String(p.id).padStart(4, '0')}.JPG`;
      rowIds.set(
        p.id,
        insertImage(db, {
          source_root: '/media/card',
          source_path: `DCIM/100MEDIA/${name}`,
          file_name: name,
          status: 'staged',
          ingested_at: new Date().toISOString(),
          md5: `md5-${p.id}`,
          captured_at: when.toISOString(),
          captured_local: local,
          lat: p.lat,
          lon: p.lon,
          alt: 1400 + (p.alt ?? 0),
          rel_alt: p.alt,
          gimbal_pitch: p.gimbalPitch,
          flight_yaw: p.flightYaw,
          make: 'DJI',
          model: 'FC6310',
          metadata_json: JSON.stringify({ raw: { exif: { Make: 'DJI' } }, gpsTimeUtc: null }),
          tags_read: 1,
          metrics_json: JSON.stringify(SHARP_METRICS),
          sharpness: SHARP_METRICS.gridScore,
          ...patch(p),
        }),
      );
    }
  })();
  return rowIds;
}
