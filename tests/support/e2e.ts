import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { repoRoot } from './paths.ts';
import { callApi } from './cli.ts';

/** Builds out/renderer (and the other bundles) the way `npm run build` does; `postflight serve` serves it. */
export function buildApp(): void {
  const bin = fs.realpathSync(path.join(repoRoot, 'node_modules', '.bin', 'electron-vite'));
  // With the test hooks (window.__postflightMap) the tests query the map through; a plain build has none.
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, POSTFLIGHT_TEST_HOOKS: '1' } });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
}

/** Reads the project database directly (read-only, beside the running server), as the ground truth of a test. */
export function readDb<T>(projectDir: string, query: (db: Database.Database) => T): T {
  const db = new Database(path.join(projectDir, 'postflight.db'), { readonly: true, fileMustExist: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

/** Writes one project setting beside the running server (WAL lets both in), as a pilot's settings file would. */
export function writeSetting(projectDir: string, key: string, value: unknown): void {
  const db = new Database(path.join(projectDir, 'postflight.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  } finally {
    db.close();
  }
}

/** Runs one SQL write beside the running server (WAL lets both in), as values a drone wrote would have arrived. */
export function writeRows(projectDir: string, sql: string): void {
  const db = new Database(path.join(projectDir, 'postflight.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(sql).run();
  } finally {
    db.close();
  }
}

interface JobRow {
  kind: string;
  state: string;
  error: { message: string } | null;
}

/** Waits until the harness has jobs of every given kind and none is queued or running. */
export async function waitForJobs(base: URL, token: string, kinds: string[], timeoutMs = 240_000): Promise<JobRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = ((await callApi(base, token, 'jobs.list')).result ?? []) as JobRow[];
    const settled = jobs.every((j) => j.state !== 'queued' && j.state !== 'running');
    if (settled && kinds.every((k) => jobs.some((j) => j.kind === k))) return jobs;
    if (Date.now() > deadline) throw new Error(`jobs did not finish: ${JSON.stringify(jobs)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * One browser session against a fresh `postflight serve` of a new project in a temp folder (the app built first):
 * what every e2e file starts with. `close` ends the browser and the server and removes the folder.
 */
export async function openApp(prefix: string, viewport = { width: 1400, height: 900 }) {
  const { launchBrowser, watchPage } = await import('./browser.ts');
  const { startServe } = await import('./cli.ts');
  const { makeTemp, rmTemp } = await import('./paths.ts');
  buildApp();
  const dir = makeTemp(prefix);
  const projectDir = path.join(dir, 'project');
  const server = await startServe(projectDir, { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  const watch = watchPage(page);
  await page.goto(server.url.href);
  const close = async () => {
    await browser.close();
    await server.stop();
    rmTemp(dir);
  };
  return { dir, projectDir, server, browser, page, watch, close };
}
