/**
 * `npm run dist`: builds the bundles and packages the desktop app for the current OS with electron-builder
 * (AppImage + deb on Linux, nsis on Windows, dmg on macOS; targets in electron-builder.yml). electron-builder needs
 * the Electron runtime for this OS: the one `npm install` unpacked into node_modules/electron/dist, or a download.
 * Where neither is possible (an offline CI machine), this stops with a message saying so instead of a stack trace.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cachedElectronZip, electronDownloadUrl, electronVersion, installedElectron, reachable, repoRoot } from './electron-runtime.ts';

const TARGET_FLAG: Record<string, string> = { linux: '--linux', win32: '--win', darwin: '--mac' };

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function run(script: string, args: string[]): number {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', script), ...args], { cwd: repoRoot, stdio: 'inherit' });
  return r.status ?? 1;
}

const flag = TARGET_FLAG[process.platform];
if (!flag) stop(`Postflight packages for Linux, Windows and macOS; this machine runs ${process.platform}.`);

const version = electronVersion();
const installed = installedElectron();
const builderArgs = [flag, '--publish', 'never'];
if (installed) {
  builderArgs.push(`--config.electronDist=${installed.distDir}`);
} else if (!cachedElectronZip(version)) {
  const url = electronDownloadUrl(version);
  const probe = await reachable(url);
  if (!probe.ok) {
    stop(
      [
        `Cannot package Postflight: the Electron ${version} runtime for ${process.platform}-${process.arch} is not installed`,
        `(node_modules/electron/dist is missing) and cannot be downloaded from ${url} (${probe.reason}).`,
        'Package on a machine with internet access, or point ELECTRON_MIRROR at a reachable mirror,',
        'or install the runtime first (`node node_modules/electron/install.js`) and run `npm run dist` again.',
      ].join('\n'),
    );
  }
}

if (run('electron-vite/bin/electron-vite.js', ['build']) !== 0) stop('npm run dist: the build failed (see above); nothing was packaged.');
const code = run('electron-builder/cli.js', builderArgs);
if (code !== 0) stop(`npm run dist: electron-builder failed (exit ${code}; its output is above); nothing complete is in dist/.`);
process.stdout.write(`Packages for ${process.platform} are in ${path.join(repoRoot, 'dist')}.\n`);
