#!/usr/bin/env node
// The `postflight` CLI runs its TypeScript sources directly with Node's type stripping (on by default from Node
// 22.18; earlier 22.x releases need the flag, so we re-run ourselves with it).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`postflight needs Node 22 or newer (this is ${process.version}).\n`);
  process.exit(1);
}
if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
await import('../src-main/cli/entry.ts');
