import type { SettingGroupName } from '../../../src-preload/contract-base.ts';

export const SETTING_GROUP_LABELS: Record<SettingGroupName, string> = {
  quality: 'Photo quality',
  classify: 'Classification',
  coverage: 'Coverage',
  verify: 'Verification',
};

/** Names of the settings in words (the stored names are for files and the CLI). */
const WORDS: Record<string, string> = {
  minSharpness: 'Minimum sharpness',
  thermalMinSharpness: 'Minimum sharpness, thermal frames',
  lowTextureVariance: 'Featureless cell below (variance)',
  terrainLowTextureRatio: 'Water/sand/snow when featureless share above',
  maxBlurEffect: 'Blur effect limit (0 sharp, 1 smeared)',
  blackPixel: 'Black pixel below',
  whitePixel: 'White pixel above',
  saturationRatio: 'Black/white share limit',
  lowDynamicRange: 'Flat photo: range below',
  lowStd: 'Flat photo: spread below',
  veryDarkMean: 'Too dark: mean below',
  veryBrightMean: 'Too bright: mean above',
  minSunElevationDeg: 'Minimum sun elevation (°)',
  maxGimbalPitchDeg: 'Camera not pointing down above pitch (°)',
  edgeBufferM: 'Photos just outside a task count for it within (m)',
  farFromProjectKm: 'Another project farther than (km)',
  flightGapS: 'New flight after a pause of (s)',
  flightJumpM: 'New flight after a jump of (m)',
  flightSpeedMps: 'New flight after a hop faster than (m/s)',
  stationaryMinRun: 'Hover burst: photos in a row',
  stationaryToleranceM: 'Hover burst: within (m)',
  flightTail: 'Reject take-off and landing transit photos',
  flightHeightM: 'Planned flight height (m), for photos without one',
  maxOffNadirDeg: 'Tilt limit for a footprint (°)',
  minOverlap: 'Minimum overlap (photos per spot)',
  minCoveragePct: 'Verify: minimum coverage (%)',
  minOverlap3Pct: 'Verify: minimum share seen by 3+ photos (%)',
};

export const settingLabel = (key: string): string => WORDS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
