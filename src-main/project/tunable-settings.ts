/**
 * The project settings a pilot may tune from the app, by group: the quality thresholds and classification limits (a
 * change re-classifies, then re-covers), the coverage settings (a change re-covers) and the verify thresholds (read
 * when a task is verified). Each group is a stored object of overrides over its defaults (db/settings.ts).
 */
import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import type { ProjectDb } from '../db/database.ts';
import { getSetting, getSettingOverrides, setSetting } from '../db/settings.ts';
import { DEFAULT_THRESHOLDS } from '../quality/metrics.ts';
import { QUALITY_SETTINGS_KEY } from '../classify/quality.ts';
import { CLASSIFY_SETTINGS_KEY, DEFAULT_CLASSIFY_THRESHOLDS } from '../classify/thresholds.ts';
import { COVERAGE_DEFAULTS, COVERAGE_SETTING, VERIFY_DEFAULTS, VERIFY_SETTING } from '../geo/settings.ts';
import type { SettingGroupName, SettingsInfo, SettingValue } from '../../src-preload/contract-base.ts';

type Scalars = Readonly<Record<string, SettingValue>>;

/** What a change of the group makes stale: classification (then coverage), coverage only, or nothing computed. */
export type SettingEffect = 'classify' | 'coverage' | 'none';

const GROUPS: Record<SettingGroupName, { key: string; defaults: Scalars; effect: SettingEffect }> = {
  quality: { key: QUALITY_SETTINGS_KEY, defaults: DEFAULT_THRESHOLDS, effect: 'classify' },
  classify: { key: CLASSIFY_SETTINGS_KEY, defaults: DEFAULT_CLASSIFY_THRESHOLDS, effect: 'classify' },
  coverage: { key: COVERAGE_SETTING, defaults: COVERAGE_DEFAULTS, effect: 'coverage' },
  verify: { key: VERIFY_SETTING, defaults: VERIFY_DEFAULTS, effect: 'none' },
};

/** Every tunable group: its current values, its defaults and which names the project changed. */
export function settingsInfo(db: ProjectDb): SettingsInfo {
  return {
    groups: (Object.keys(GROUPS) as SettingGroupName[]).map((name) => {
      const { key, defaults } = GROUPS[name];
      const values = getSettingOverrides(db, key, defaults);
      return { name, values, defaults, changed: Object.keys(defaults).filter((k) => values[k] !== defaults[k]) };
    }),
  };
}

/**
 * Changes some values of one group (a value equal to its default drops the override); each name must be the
 * group's and each value of its default's type (a null default takes a number or null). Returns what the change
 * makes stale, for the caller to queue the recomputation.
 */
export function setSettings(db: ProjectDb, group: SettingGroupName, values: Record<string, SettingValue>): SettingEffect {
  const { key, defaults, effect } = GROUPS[group];
  for (const [name, value] of Object.entries(values)) {
    if (!(name in defaults)) throw new AppError('invalid_input', `There is no setting "${name}" among the ${group} settings.`, { group, name });
    const d = defaults[name];
    const ok = d === null ? value === null || (typeof value === 'number' && Number.isFinite(value)) : typeof value === typeof d && (typeof value !== 'number' || Number.isFinite(value));
    if (!ok) throw new AppError('invalid_input', `The ${group} setting "${name}" takes ${d === null ? 'a number or nothing' : `a ${typeof d}`}.`, { group, name });
  }
  const stored: Record<string, unknown> = { ...getSetting(db, key, z.record(z.string(), z.unknown()), {}) };
  for (const [name, value] of Object.entries(values)) {
    if (value === defaults[name]) delete stored[name];
    else stored[name] = value;
  }
  setSetting(db, key, stored);
  return effect;
}
