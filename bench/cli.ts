/**
 * `npm run bench:cli`: how long `postflight --help`, `--version` and a command's `--help` take to answer, against
 * Node's own start (`node -e 0`) and the start of a one-line TypeScript file (Node's type stripping), alternating in
 * the same run. Goal (issue 18): `postflight --help` <= 0.25 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './support.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'postflight.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-cli-'));
const oneLineTs = path.join(tmp, 'one-line.ts');
fs.writeFileSync(oneLineTs, 'const n: number = 0;\nexport default n;\n');

const runs: Array<{ label: string; args: string[]; expect: RegExp }> = [
  { label: "Node's start (node -e 0)", args: ['-e', '0'], expect: /^$/ },
  { label: 'a one-line .ts file (type stripping)', args: [oneLineTs], expect: /^$/ },
  { label: 'postflight --help', args: [bin, '--help'], expect: /Usage: postflight <command>/ },
  { label: 'postflight --version', args: [bin, '--version'], expect: /^postflight \d/ },
  { label: 'postflight ingest --help', args: [bin, 'ingest', '--help'], expect: /Usage: postflight ingest/ },
];

function wallSeconds(args: string[], expect: RegExp): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 || !expect.test(r.stdout)) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return seconds;
}

const rounds = 11;
const times = runs.map(() => [] as number[]);
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${rounds} rounds, each command once per round, medians`);
for (let round = 0; round < rounds; round++) runs.forEach((r, i) => times[i]!.push(wallSeconds(r.args, r.expect)));
const nodeStart = median(times[0]!);
runs.forEach((r, i) => {
  const m = median(times[i]!);
  console.log(`${r.label.padEnd(40)} ${m.toFixed(3)} s  ${(m / nodeStart).toFixed(2)}x Node's start`);
});
const help = median(times[2]!);
console.log(`goal: postflight --help <= 0.25 s -> ${help <= 0.25 ? 'met' : 'NOT met'} (${help.toFixed(3)} s)`);
fs.rmSync(tmp, { recursive: true, force: true });
