import { AppError } from '../common/errors.ts';

/** One ODM option value: a flag (true), a value, or null/false to drop an option the preset set. */
export type OdmOptionValue = string | number | boolean | null;
export type OdmOptions = Record<string, OdmOptionValue>;

/** Quick field check: an orthophoto without the dense point cloud, mesh or 3D model (minutes, not hours). */
export const QUICK_PRESET: OdmOptions = { 'fast-orthophoto': true };

/** Options Postflight sets itself: the project path and mount layout are ours. */
const RESERVED = new Set(['project-path', 'name']);
const OPTION_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The options for a run: the preset, the orthophoto resolution from the task's GSD (ODM's --orthophoto-resolution
 * is in cm/pixel, as is our GSD), then the pilot's overrides on top.
 */
export function buildOdmOptions(gsdCm: number | null, overrides: OdmOptions = {}, preset: OdmOptions = QUICK_PRESET): OdmOptions {
  const options: OdmOptions = { ...preset };
  if (gsdCm !== null && Number.isFinite(gsdCm) && gsdCm > 0) options['orthophoto-resolution'] = Math.round(gsdCm * 100) / 100;
  for (const [name, value] of Object.entries(overrides)) {
    if (!OPTION_NAME.test(name) || RESERVED.has(name)) {
      throw new AppError('invalid_input', `"${name}" is not an ODM option Postflight can pass on.`, { option: name });
    }
    options[name] = value;
  }
  return options;
}

/** ODM's command line for the options (after `--project-path <dir> <name>`). */
export function toOdmArgs(options: OdmOptions): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if (value === null || value === false) continue;
    args.push(`--${name}`);
    if (value !== true) args.push(String(value));
  }
  return args;
}

/** The same options in NodeODM's form: [{name, value}]. */
export function toNodeOdmOptions(options: OdmOptions): { name: string; value: string | number | boolean }[] {
  return Object.entries(options)
    .filter((e): e is [string, string | number | boolean] => e[1] !== null && e[1] !== false)
    .map(([name, value]) => ({ name, value }));
}

/** Parses `name=value` pairs from the command line (`name` alone is a flag). */
export function parseOptionPairs(pairs: readonly string[]): OdmOptions {
  const out: OdmOptions = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) out[pair.replace(/^--/, '')] = true;
    else out[pair.slice(0, eq).replace(/^--/, '')] = pair.slice(eq + 1);
  }
  return out;
}
