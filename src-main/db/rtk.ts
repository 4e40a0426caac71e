/**
 * RTK solution per photo and per task, from the columns ingest writes (DJI RtkFlag: 50 fixed, 32-49 float, 16 single
 * point, 0 none). Photos whose drone writes no flag are not counted: a non-RTK drone has no RTK figure at all.
 */
import { sql, type ProjectDb } from './database.ts';
import type { RtkPoint, RtkSolution, RtkTally } from '../../src-preload/contract-base.ts';

export function rtkSolution(flag: number | null): RtkSolution | null {
  if (flag === null) return null;
  if (flag >= 50) return 'fixed';
  if (flag >= 32) return 'float';
  if (flag >= 16) return 'single';
  return 'none';
}

const SOLUTION_SQL = `CASE WHEN rtk_flag >= 50 THEN 'fixed' WHEN rtk_flag >= 32 THEN 'float' WHEN rtk_flag >= 16 THEN 'single' ELSE 'none' END`;

/** Per task row id: assigned photos by RTK solution, for tasks with any photo that carries a flag. */
export function rtkByTask(db: ProjectDb): Map<number, RtkTally> {
  const rows = sql(db)
    .prepare<[], { task_id: number; solution: RtkSolution; n: number }>(
      `SELECT task_id, ${SOLUTION_SQL} AS solution, count(*) AS n FROM images
        WHERE task_id IS NOT NULL AND status = 'assigned' AND rtk_flag IS NOT NULL GROUP BY task_id, solution`,
    )
    .all();
  const out = new Map<number, RtkTally>();
  for (const r of rows) {
    const t = out.get(r.task_id) ?? { photos: 0, fixed: 0, float: 0, single: 0, none: 0, fixedPct: 0, summary: '' };
    t[r.solution] += r.n;
    t.photos += r.n;
    out.set(r.task_id, t);
  }
  for (const t of out.values()) {
    t.fixedPct = Math.round((1000 * t.fixed) / t.photos) / 10;
    const rest = (['float', 'single', 'none'] as const).filter((k) => t[k] > 0).map((k) => `${t[k]} ${k}`);
    t.summary = `${Math.round(t.fixedPct)} % RTK fixed${rest.length ? ` (${rest.join(', ')})` : ''}`;
  }
  return out;
}

/** Every located photo that carries an RTK flag, for the map's RTK layer. */
export function rtkPoints(db: ProjectDb): RtkPoint[] {
  return sql(db)
    .prepare<[], { id: number; lon: number; lat: number; flag: number; lonM: number | null; latM: number | null; hgtM: number | null }>(
      `SELECT id, lon, lat, rtk_flag AS flag, rtk_std_lon_m AS lonM, rtk_std_lat_m AS latM, rtk_std_hgt_m AS hgtM FROM images
        WHERE rtk_flag IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL AND status != 'duplicate' ORDER BY id`,
    )
    .all()
    .map((r) => ({ id: r.id, lon: r.lon, lat: r.lat, flag: r.flag, solution: rtkSolution(r.flag)!, stdM: { lon: r.lonM, lat: r.latM, hgt: r.hgtM } }));
}
