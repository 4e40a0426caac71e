import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';

/** Repository root (where package.json lives). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The read-only shared data folder beside the repository (real drone photos + OpenCV reference metrics). */
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');

/** A fresh temporary folder for one test; removed by the caller's afterEach/afterAll via `rmTemp`. */
export function makeTemp(prefix = 'postflight-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
