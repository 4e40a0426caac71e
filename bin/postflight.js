#!/usr/bin/env node
// The `postflight` CLI runs its TypeScript sources directly with Node's type stripping (on by default from Node
// 22.18; earlier 22.x releases need the flag, so we re-run ourselves with it). Help, the version and usage errors are
// answered first from plain JavaScript, before the TypeScript loader (about 0.1 s to start) is needed at all.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`postflight needs Node 22 or newer (this is ${process.version}).\n`);
  process.exit(1);
}
const { answerWithoutRunning } = await import('../src-main/cli/help.js');
const answer = answerWithoutRunning(process.argv.slice(2));
if (answer) {
  process[answer.stream].write(answer.text);
  process.exitCode = answer.code;
} else if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
} else {
  await import('../src-main/cli/entry.ts');
}
