import type { StoredCoverage } from '../../src-main/db/stored.ts';

/** A complete stored coverage (what geo/coverage-service.ts writes), for fixtures that need a task with figures. */
export function storedCoverage(overrides: Partial<StoredCoverage> = {}): StoredCoverage {
  return {
    photoCount: 10,
    taskAreaM2: 2952,
    coveragePct: 97.5,
    overlap3Pct: 91,
    overlap5Pct: 80,
    frontOverlapPct: 80,
    sideOverlapPct: 70,
    flightLines: 2,
    gsdCm: { median: 2, min: 1.9, max: 2.1 },
    cellM: 1,
    gapBelow: 3,
    gapAreaM2: 12,
    gaps: { type: 'FeatureCollection', features: [] },
    gapsTruncated: false,
    computedAt: '2024-01-01T00:00:00Z',
    footprintCount: 10,
    skipped: {},
    flags: [],
    ...overrides,
  };
}
