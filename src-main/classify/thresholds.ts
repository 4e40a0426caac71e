import type { ProjectDb } from '../db/database.ts';
import { getSettingOverrides } from '../db/settings.ts';

/** Classification limits. Defaults are the Drone Tasking Manager's; a project overrides any of them in its settings. */
export interface ClassifyThresholds {
  /** Photos shot with the sun lower than this (degrees) are rejected. */
  minSunElevationDeg: number;
  /** Gimbal pitch above this (degrees, -90 = straight down) means the camera was not pointing down. */
  maxGimbalPitchDeg: number;
  /** A photo outside every task but this close (metres) to one is given to the nearest such task. */
  edgeBufferM: number;
  /** Unmatched photos farther than this (km) from the project are probably from another project. */
  farFromProjectKm: number;
  /** A new flight starts after a pause longer than this (s), a jump farther than this (m) or a faster hop (m/s). */
  flightGapS: number;
  flightJumpM: number;
  flightSpeedMps: number;
  /** This many consecutive photos within `stationaryToleranceM` of the first are a hover: keep the first only. */
  stationaryMinRun: number;
  stationaryToleranceM: number;
  /** Run the take-off/landing transit pass unless a run says otherwise. */
  flightTail: boolean;
}

export const DEFAULT_CLASSIFY_THRESHOLDS: Readonly<ClassifyThresholds> = Object.freeze({
  minSunElevationDeg: 10,
  maxGimbalPitchDeg: -20,
  edgeBufferM: 100,
  farFromProjectKm: 100,
  flightGapS: 600,
  flightJumpM: 1000,
  flightSpeedMps: 50,
  stationaryMinRun: 6,
  stationaryToleranceM: 5,
  flightTail: true,
});

/** Settings key holding a partial `ClassifyThresholds` object. */
export const CLASSIFY_SETTINGS_KEY = 'classify.thresholds';

export function loadClassifyThresholds(db: ProjectDb): ClassifyThresholds {
  return getSettingOverrides(db, CLASSIFY_SETTINGS_KEY, DEFAULT_CLASSIFY_THRESHOLDS);
}
