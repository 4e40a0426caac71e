import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors.ts';
import { storedCoverage } from '../support/coverage.ts';
import { decodeStored, storedCoverageSchema, storedFootprintSchema, taskGeometrySchema } from '../../src-main/db/stored.ts';

const at = { table: 'tasks', column: 'coverage_json', row: 7, what: 'coverage of task 12' };

const coverage = storedCoverage({ skipped: { off_nadir: 1 } });

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected the decode to fail');
}

describe('stored JSON decoders (db/stored.ts)', () => {
  it('reads back a stored coverage as the one coverage type', () => {
    expect(decodeStored(storedCoverageSchema, JSON.stringify(coverage), at)).toEqual(coverage);
  });

  it('refuses a gsdCm that is a bare number instead of guessing what it meant', () => {
    const err = failure(() => decodeStored(storedCoverageSchema, JSON.stringify({ ...coverage, gsdCm: 2 }), at));
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toMatch(/stored coverage of task 12 is damaged \(gsdCm: .*tasks row 7, column coverage_json\)/);
    expect(err.details).toEqual({ table: 'tasks', row: 7, column: 'coverage_json' });
  });

  it('says when the text is not JSON at all, naming the row', () => {
    const err = failure(() => decodeStored(storedCoverageSchema, '{"coveragePct": 9', at));
    expect(err.message).toMatch(/coverage of task 12 is damaged \(it is not valid JSON; tasks row 7/);
  });

  it('checks outlines and footprints', () => {
    expect(decodeStored(taskGeometrySchema, '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}', at).type).toBe('Polygon');
    expect(() => decodeStored(taskGeometrySchema, '{"type":"Point","coordinates":[0,0]}', at)).toThrow(/damaged/);
    expect(() => decodeStored(storedFootprintSchema, '{"type":"Polygon","coordinates":[]}', at)).toThrow(/damaged/);
  });
});
