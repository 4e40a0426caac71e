import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/project/project.ts';
import { setSetting } from '../../src-main/db/settings.ts';
import { getTask, setTaskCoverage, upsertTask } from '../../src-main/db/tasks.ts';
import { verifyThresholds, VERIFY_SETTING } from '../../src-main/geo/settings.ts';
import { AppError } from '../../src-main/common/errors.ts';
import { storedCoverage } from '../support/coverage.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(rmTemp));

function project() {
  const dir = makeTemp();
  temps.push(dir);
  return openProject(path.join(dir, 'p'), { create: true });
}

const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]] };

describe('stored values read back through their schemas, on a real project file', () => {
  it('a setting of the wrong type is a worded error naming the setting, not a silent cast', () => {
    const p = project();
    try {
      setSetting(p.db, VERIFY_SETTING, { minCoveragePct: 80 });
      expect(verifyThresholds(p.db)).toEqual({ minCoveragePct: 80, minOverlap3Pct: 90 });
      setSetting(p.db, VERIFY_SETTING, { minCoveragePct: '80%' });
      expect(() => verifyThresholds(p.db)).toThrow(AppError);
      expect(() => verifyThresholds(p.db)).toThrow(/setting verify\.thresholds is damaged \(minCoveragePct: .*settings row verify\.thresholds/);
    } finally {
      p.close();
    }
  });

  it('a task round-trips its coverage, and a coverage of another shape names the task', () => {
    const p = project();
    try {
      const { id } = upsertTask(p.db, { taskId: 'T9', name: null, geometry: square, bbox: [0, 0, 0.001, 0.001], source: null, importedAt: 'now' });
      setTaskCoverage(p.db, id, storedCoverage({ coveragePct: 42 }));
      expect(getTask(p.db, 'T9')!.coverage).toEqual(storedCoverage({ coveragePct: 42 }));
      setTaskCoverage(p.db, id, { ...storedCoverage(), gsdCm: 2 } as never);
      expect(() => getTask(p.db, 'T9')).toThrow(/coverage of task T9 is damaged \(gsdCm: .*tasks row \d+, column coverage_json/);
    } finally {
      p.close();
    }
  });
});
