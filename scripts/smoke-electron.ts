/**
 * `npm run smoke:electron`: the check to run before a release on a machine that has Electron. Builds the app,
 * starts it with a throwaway user-data folder, waits for `window.postflight` to answer `app.info`, opens a
 * temporary project through the bridge, takes a screenshot (test-artifacts/smoke-electron.png) and quits.
 * Where the Electron binary is absent (it cannot be downloaded on CI here) it says so and exits 0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronVersion, installedElectron, repoRoot } from './electron-runtime.ts';

const installed = installedElectron();
if (!installed) {
  process.stdout.write(
    `Electron not installed (node_modules/electron/dist is missing; \`node node_modules/electron/install.js\` downloads ` +
      `Electron ${electronVersion()}): smoke test skipped. The bundles are checked by tests/integration/app-bundles.test.ts.\n`,
  );
  process.exit(0);
}

function fail(message: string): never {
  process.stderr.write(`smoke:electron FAILED: ${message}\n`);
  process.exit(1);
}

const build = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) fail('the build failed (see above).');

const { _electron } = await import('playwright-core');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-smoke-'));
const projectDir = path.join(temp, 'project');
const args = [repoRoot, `--user-data-dir=${path.join(temp, 'user-data')}`];
// Without a display (a CI box) Chromium renders offscreen.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.push('--ozone-platform=headless');
const app = await _electron.launch({ executablePath: installed.executable, args, cwd: repoRoot, timeout: 60_000 });
try {
  const win = await app.firstWindow({ timeout: 60_000 });
  await win.waitForFunction(() => 'postflight' in globalThis, undefined, { timeout: 30_000 });
  type Bridge = { invoke: (m: string, p: unknown) => Promise<{ result?: Record<string, unknown>; error?: { message: string } }> };
  const info = await win.evaluate(() => (globalThis as unknown as { postflight: Bridge }).postflight.invoke('app.info', {}));
  if (!info.result || info.result.transport !== 'ipc') fail(`app.info answered ${JSON.stringify(info)}`);
  const opened = await win.evaluate(
    (dir) => (globalThis as unknown as { postflight: Bridge }).postflight.invoke('project.open', { dir, create: true }),
    projectDir,
  );
  if (!opened.result) fail(`project.open answered ${JSON.stringify(opened)}`);
  const shot = path.join(repoRoot, 'test-artifacts', 'smoke-electron.png');
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await win.screenshot({ path: shot });
  process.stdout.write(`smoke:electron ok: Electron ${electronVersion()}, app ${String(info.result.version)}, screenshot ${shot}\n`);
} finally {
  await app.close();
  fs.rmSync(temp, { recursive: true, force: true });
}
