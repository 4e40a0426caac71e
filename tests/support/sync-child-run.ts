/**
 * Runs `postflight sync` (tests/support/sync-child.ts: the real command in a child process, terminal-style progress
 * on stderr) and, when asked, SIGKILLs it once its progress line passes a fraction of the bytes: the kill -9 harness
 * of the S3 and DroneTM resume tests, and the plain run of the stall tests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { syncCommand } from '../../src-main/cli/commands/sync.ts';
import type { ParsedArgs } from '../../src-main/cli/command.ts';
import { repoRoot } from './paths.ts';

export interface SyncChildRun {
  /** exit code, or the signal that ended it */
  exit: string;
  /** the fraction of the bytes the progress line showed when the child was killed (0 when it was not) */
  killedAt: number;
  stderr: string;
  stdout: string;
  ms: number;
}

export function runSyncChild(args: string[], env: NodeJS.ProcessEnv, killAtFraction?: number): Promise<SyncChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'tests/support/sync-child.ts'), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killedAt = 0;
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killAtFraction === undefined || killedAt) return;
      const all = [...d.toString().matchAll(/([\d.]+)\/([\d.]+) MB/g)].at(-1);
      if (all && Number(all[1]) >= killAtFraction * Number(all[2])) {
        killedAt = Number(all[1]) / Number(all[2]);
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ exit: signal ?? String(code), killedAt, stderr, stdout, ms: performance.now() - started }));
  });
}

/** Runs the sync child and SIGKILLs it at `fraction` of the bytes; rejects when it ended by itself first. */
export async function runAndKill(args: string[], env: NodeJS.ProcessEnv, fraction: number): Promise<{ killedAt: number; exit: string }> {
  const run = await runSyncChild(args, env, fraction);
  if (!run.killedAt) throw new Error(`the sync finished or failed before it was killed (exit ${run.exit}): ${run.stderr.slice(-500)}`);
  return { killedAt: run.killedAt, exit: run.exit };
}

/** Runs `postflight sync` in this process with parsed flag values (the rerun after a kill), stderr dropped. */
export async function syncHere(values: ParsedArgs['values'], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await syncCommand.run(
    { values, positionals: [] },
    {
      stdout: new Writable({ write: (c, _e, cb) => ((stdout += c.toString()), cb()) }),
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
      isTty: false,
      env,
    },
  );
  return { code, stdout };
}
