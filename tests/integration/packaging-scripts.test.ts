/**
 * `npm run dist` and `npm run smoke:electron` where the Electron runtime is absent and cannot be downloaded (CI
 * here): dist stops with a message instead of a stack trace, smoke says "Electron not installed" and exits 0.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';

let temp = '';
let closedPort = 0;
beforeAll(async () => {
  temp = makeTemp('postflight-dist-');
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
});
afterAll(() => rmTemp(temp));

/** Runs a script as npm does, with no Electron runtime installed, cached or downloadable. */
function runScript(script: string) {
  const env = {
    ...process.env,
    ELECTRON_OVERRIDE_DIST_PATH: path.join(temp, 'no-electron'),
    ELECTRON_MIRROR: `http://127.0.0.1:${closedPort}/`,
    electron_config_cache: path.join(temp, 'cache'),
    XDG_CACHE_HOME: path.join(temp, 'cache'),
    HOME: temp,
  };
  return spawnSync(process.execPath, [path.join(repoRoot, 'scripts', script)], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
}

describe('packaging scripts without an Electron runtime', () => {
  it('npm run dist stops with a message that says why and what to do, not a stack trace', () => {
    const r = runScript('dist.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Cannot package Postflight: the Electron');
    expect(r.stderr).toContain(`127.0.0.1:${closedPort}`);
    expect(r.stderr).toContain('ELECTRON_MIRROR');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('npm run smoke:electron says "Electron not installed" and exits 0', () => {
    const r = runScript('smoke-electron.ts');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Electron not installed');
  });
});
