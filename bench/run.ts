/** `npm run bench`: every benchmark in this folder, one process each, in a fixed order. */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.ts', 'support.ts']);
const benches = fs.readdirSync(here).filter((f) => f.endsWith('.ts') && !skip.has(f)).sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n### ${bench}`);
  const r = spawnSync(process.execPath, [path.join(here, bench)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
