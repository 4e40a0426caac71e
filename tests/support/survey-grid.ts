import { sql, type ProjectDb } from '../../src-main/db/database.ts';
import { TrackBuilder } from './tracks.ts';
import { insertRectTask, insertTrack } from './tracks-project.ts';

const ORIGIN = { lat: 27.7, lon: 85.3 };
const TASK_M = 200;
const COLS = 40;
const ROWS = 25;

/**
 * A large synthetic survey in a real project database: 1,000 square tasks (40 x 25 of 200 m) and flights of up to
 * 1,000 photos each (take-off leg, lawnmower grid over 2 x 1 tasks, way home), 5 drones in daylight, until there are
 * `photoCount` photos (50,000 for the classification benchmark and the core-host test). Returns the photo count.
 */
export function insertSurveyGrid(db: ProjectDb, photoCount = 50_000): number {
  sql(db).transaction(() => {
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLS; c++) insertRectTask(db, `${r}-${c}`, ORIGIN, [c * TASK_M, r * TASK_M, (c + 1) * TASK_M, (r + 1) * TASK_M]);
    }
  })();
  let nextId = 1;
  for (let f = 0; nextId <= photoCount; f++) {
    const drone = f % 5;
    const start = Date.parse('2024-06-21T02:00:00Z') + Math.floor(f / 5) * 40 * 60_000 + drone * 60_000;
    const bx = (f % 20) * 2 * TASK_M;
    const by = Math.floor(f / 20) * 2 * TASK_M + TASK_M;
    const b = new TrackBuilder(ORIGIN, nextId).moveTo(bx + 150, by - 450, 60);
    b.photo().fly(bx, by, { every: 25, speed: 10 });
    b.survey({ strips: 18, length: 2 * TASK_M - 10, spacing: 10, every: 7.5, speed: 6 });
    b.fly(bx + 150, by - 450, { every: 25, speed: 10 });
    const photos = b.photos.slice(0, Math.min(1000, photoCount - nextId + 1));
    insertTrack(db, photos, start, () => ({ serial: `drone-${drone}` }));
    nextId += photos.length;
  }
  return nextId - 1;
}
