/**
 * The plain production build (`electron-vite build`, as `npm run build` and `npm run dist` make it) carries no test
 * hook: `window.__postflightMap` (the review map handed to the e2e tests) exists only in a build made with
 * POSTFLIGHT_TEST_HOOKS=1. Both builds go to temp folders (`--outDir`), so out/ (what the e2e tests serve) is untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';

const HOOK = '__postflightMap';
const dirs: string[] = [];
afterAll(() => dirs.forEach(rmTemp));

/** Builds every bundle into a temp folder; `hooks` sets POSTFLIGHT_TEST_HOOKS=1 as tests/support/e2e.ts does. */
function build(hooks: boolean): string {
  const out = makeTemp('postflight-build-');
  dirs.push(out);
  const env = { ...process.env };
  delete env.POSTFLIGHT_TEST_HOOKS;
  if (hooks) env.POSTFLIGHT_TEST_HOOKS = '1';
  const bin = fs.realpathSync(path.join(repoRoot, 'node_modules', '.bin', 'electron-vite'));
  const r = spawnSync(process.execPath, [bin, 'build', '--outDir', out], { cwd: repoRoot, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** The files of a build that contain `text`, relative to the build folder. */
function filesContaining(out: string, text: string): string[] {
  return fs
    .readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(c?js|mjs|html)$/.test(f))
    .filter((f) => fs.readFileSync(path.join(out, f), 'utf8').includes(text));
}

describe('test hooks in the built app', () => {
  it('the plain production build has no __postflightMap anywhere (renderer, preload, main)', () => {
    const out = build(false);
    expect(fs.existsSync(path.join(out, 'renderer', 'index.html'))).toBe(true);
    expect(filesContaining(out, 'maplibre').length, 'the renderer bundle holds the map').toBeGreaterThan(0);
    expect(filesContaining(out, HOOK)).toEqual([]);
  });

  it('a build for the tests has it (so the search above can find it)', () => {
    const out = build(true);
    expect(filesContaining(out, HOOK).some((f) => f.startsWith('renderer'))).toBe(true);
  });
});
