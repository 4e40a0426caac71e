import { describe, expect, it } from 'vitest';
import { buildTaskMatcher, type TaskArea } from '../../src-main/classify/match.ts';
import { metresPerDegree } from '../../src-main/classify/geodesy.ts';
import { DEFAULT_CLASSIFY_THRESHOLDS as T } from '../../src-main/classify/thresholds.ts';

/** A square task `size` m wide whose south-west corner is (x, y) m from the origin. */
function square(id: number, origin: { lat: number; lon: number }, x: number, y: number, size: number): TaskArea {
  const m = metresPerDegree(origin.lat);
  const lon0 = origin.lon + x / m.east;
  const lat0 = origin.lat + y / m.north;
  const lon1 = lon0 + size / m.east;
  const lat1 = lat0 + size / m.north;
  return {
    id,
    geometry: { type: 'Polygon', coordinates: [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]] },
    bbox: [lon0, lat0, lon1, lat1],
  };
}

function at(origin: { lat: number; lon: number }, x: number, y: number) {
  const m = metresPerDegree(origin.lat);
  return { lat: origin.lat + y / m.north, lon: origin.lon + x / m.east };
}

describe('task matching', () => {
  for (const origin of [{ lat: 27.7, lon: 85.3 }, { lat: 64.1, lon: -21.9 }]) {
    // Two rows of two 200 m tasks; ids deliberately not in map order.
    const tasks = [square(4, origin, 0, 0, 200), square(2, origin, 200, 0, 200), square(7, origin, 0, 200, 200), square(3, origin, 200, 200, 200)];
    const match = buildTaskMatcher(tasks, T);

    it(`finds the task containing a photo (lat ${origin.lat})`, () => {
      expect(match(at(origin, 100, 100))).toEqual({ taskId: 4, via: 'inside' });
      expect(match(at(origin, 300, 300))).toEqual({ taskId: 3, via: 'inside' });
    });

    it(`gives a photo on a shared edge to the task imported first (lat ${origin.lat})`, () => {
      const edge = { lat: tasks[0]!.bbox[1] + 0.3 * (tasks[0]!.bbox[3] - tasks[0]!.bbox[1]), lon: tasks[0]!.bbox[2] };
      expect(match(edge)).toEqual({ taskId: 2, via: 'inside' });
      const corner = { lat: tasks[0]!.bbox[3], lon: tasks[0]!.bbox[2] };
      expect(match(corner)).toEqual({ taskId: 2, via: 'inside' });
    });

    it(`gives a photo within 100 m of the edge to the nearest task, in metres at any latitude (lat ${origin.lat})`, () => {
      expect(match(at(origin, 480, 390))).toEqual({ taskId: 3, via: 'edge' });
      expect(match(at(origin, -90, 10))).toEqual({ taskId: 4, via: 'edge' });
      const far = match(at(origin, 515, 100));
      expect(far.taskId).toBeNull();
      if (far.taskId === null) {
        expect(far.reason.code).toBe('outside');
        expect(far.reason.message).toContain('outside every task');
      }
    });
  }

  it('says "likely the wrong project" for a photo more than 100 km away', () => {
    const origin = { lat: 27.7, lon: 85.3 };
    const match = buildTaskMatcher([square(1, origin, 0, 0, 200)], T);
    const r = match({ lat: 28.9, lon: 85.3 });
    expect(r.taskId).toBeNull();
    if (r.taskId === null) expect(r.reason.message).toMatch(/13\d km .*likely the wrong project/);
  });

  it('explains that a project without tasks cannot match photos', () => {
    const r = buildTaskMatcher([], T)({ lat: 1, lon: 1 });
    expect(r.taskId === null && r.reason.message).toContain('import the tasks');
  });
});
