import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './paths.ts';

export const cliBin = path.join(repoRoot, 'bin', 'postflight.js');

/** Runs `postflight ...args` to completion, as a pilot would from a shell. */
export function runPostflight(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `postflight serve` and resolves with its printed URL once it is listening. */
export async function startServe(projectDir: string, env: NodeJS.ProcessEnv = {}): Promise<{ url: URL; token: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cliBin, 'serve', '--project', projectDir, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise<URL>((resolve, reject) => {
    lines.once('line', (line) => resolve(new URL(line.trim())));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const token = url.searchParams.get('token')!;
  return {
    url,
    token,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Calls one contract method over the harness and returns the envelope. */
export async function callApi(base: URL, token: string, method: string, params: unknown = {}): Promise<{ result?: unknown; error?: { code: string; message: string } }> {
  const res = await fetch(new URL(`/api/${method}`, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  return (await res.json()) as { result?: unknown; error?: { code: string; message: string } };
}
