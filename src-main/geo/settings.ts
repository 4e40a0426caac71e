import type { ProjectDb } from '../db/database.ts';
import { getSettingOverrides } from '../db/settings.ts';
import { DEFAULT_MAX_OFF_NADIR_DEG } from './footprint.ts';

/** Project settings the coverage and verify steps read, with photogrammetry defaults. */
export interface CoverageSettings {
  /** Planned flight height above ground (m), used for photos without a relative altitude. */
  flightHeightM: number | null;
  /** Photos tilted further from straight down get no footprint. */
  maxOffNadirDeg: number;
  /** Ground seen by fewer photos than this is a `thin_overlap` gap (structure-from-motion needs 3). */
  minOverlap: number;
}

export interface VerifyThresholds {
  /** Share of the task seen by at least one photo. */
  minCoveragePct: number;
  /** Share of the task seen by at least three photos: what structure-from-motion needs to place ground points. */
  minOverlap3Pct: number;
}

export const COVERAGE_SETTING = 'coverage';
export const VERIFY_SETTING = 'verify.thresholds';

export const COVERAGE_DEFAULTS: Readonly<CoverageSettings> = { flightHeightM: null, maxOffNadirDeg: DEFAULT_MAX_OFF_NADIR_DEG, minOverlap: 3 };
export const VERIFY_DEFAULTS: Readonly<VerifyThresholds> = { minCoveragePct: 95, minOverlap3Pct: 90 };

export function coverageSettings(db: ProjectDb): CoverageSettings {
  return getSettingOverrides(db, COVERAGE_SETTING, COVERAGE_DEFAULTS);
}

export function verifyThresholds(db: ProjectDb): VerifyThresholds {
  return getSettingOverrides(db, VERIFY_SETTING, VERIFY_DEFAULTS);
}
