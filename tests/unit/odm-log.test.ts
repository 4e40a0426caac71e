import { describe, expect, it } from 'vitest';
import { explainFailure, parseStageMarker } from '../../src-main/odm/odm-log.ts';
import { buildOdmOptions, toNodeOdmOptions, toOdmArgs } from '../../src-main/odm/options.ts';

describe('ODM log', () => {
  it('turns stage markers into progress, colour codes and all', () => {
    expect(parseStageMarker('\u001b[39m[INFO]    Running opensfm stage\u001b[0m')).toEqual({ stage: 'opensfm', percent: 5, finished: false });
    expect(parseStageMarker('[INFO]    Finished odm_orthophoto stage')).toEqual({ stage: 'odm_orthophoto', percent: 98, finished: true });
    expect(parseStageMarker('[INFO]    Running dataset stage')?.percent).toBe(0);
    expect(parseStageMarker('[INFO]    Found 18 usable images')).toBeNull();
    expect(parseStageMarker('[INFO]    Running unknown_thing stage')).toBeNull();
  });

  it("explains ODM's not-enough-images failure in the pilot's words", () => {
    const lines = ['[INFO]    Running dataset stage', '[ERROR]   Not enough supported images in /datasets/task-1/images'];
    expect(explainFailure(lines)).toMatch(/enough usable photos/);
    expect(explainFailure(['[ERROR]   Something odd happened'])).toBe('ODM stopped with an error: Something odd happened');
  });
});

describe('ODM options', () => {
  it('takes the resolution from the GSD and lets the pilot override', () => {
    const o = buildOdmOptions(2.345, { 'orthophoto-resolution': 5, 'dem-resolution': 10, 'fast-orthophoto': null });
    expect(o).toEqual({ 'fast-orthophoto': null, 'orthophoto-resolution': 5, 'dem-resolution': 10 });
    expect(toOdmArgs(buildOdmOptions(2.345))).toEqual(['--fast-orthophoto', '--orthophoto-resolution', '2.35']);
    expect(toOdmArgs(buildOdmOptions(null))).toEqual(['--fast-orthophoto']);
    expect(toNodeOdmOptions(o)).toEqual([
      { name: 'orthophoto-resolution', value: 5 },
      { name: 'dem-resolution', value: 10 },
    ]);
  });

  it('refuses options that would change where ODM works', () => {
    expect(() => buildOdmOptions(null, { 'project-path': '/' })).toThrow(/project-path/);
    expect(() => buildOdmOptions(null, { 'a b': 1 })).toThrow();
  });

  it('says a container killed from outside (exit 137) was killed', () => {
    expect(explainFailure(['[INFO] running opensfm'], 137)).toMatch(/^The ODM container was killed \(exit code 137\)/);
    expect(explainFailure(['[INFO] running opensfm'], 1)).not.toMatch(/killed/);
  });
});
