import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from './e2e.ts';
import { repoRoot } from './paths.ts';

/** The built bundles a test of the app reads (what electron-vite writes, what a packaged app ships). */
export const preloadBundle = path.join(repoRoot, 'out', 'preload', 'index.cjs');
export const mainDir = path.join(repoRoot, 'out', 'main');

/** Sources a bundle is built from: a change to any of them makes out/ stale. */
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts'];

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/**
 * Makes sure out/ holds bundles of the current sources: builds (`electron-vite build`, as `npm run build`) when a
 * bundle is missing or older than a source file, so a bundle test never reads yesterday's output.
 */
export function ensureBuilt(): void {
  const outputs = [preloadBundle, path.join(mainDir, 'index.js')];
  const built = Math.min(...outputs.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const source = Math.max(...SOURCES.map((s) => newestMtime(path.join(repoRoot, s))));
  if (built < source) buildApp();
}
