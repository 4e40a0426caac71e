/**
 * Where the Electron runtime is, without importing the `electron` package (its index downloads the binary when it
 * is missing, which these scripts must never trigger).
 */
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');
const electronPkgDir = path.join(repoRoot, 'node_modules', 'electron');

/** The Electron version package.json installs (what electron-builder packages). */
export function electronVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(electronPkgDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The unpacked Electron distribution folder and executable, or null where the binary was never downloaded. */
export function installedElectron(): { distDir: string; executable: string } | null {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const distDir = override ?? path.join(electronPkgDir, 'dist');
  const pathFile = path.join(electronPkgDir, 'path.txt');
  const rel = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const executable = path.join(distDir, rel);
  return fs.existsSync(executable) ? { distDir, executable } : null;
}

/** A runtime zip @electron/get cached earlier (electron-builder uses it instead of downloading), or null. */
export function cachedElectronZip(version: string): string | null {
  const name = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
  const roots = [
    process.env.electron_config_cache,
    process.env.ELECTRON_CACHE,
    process.platform === 'darwin' ? path.join(home, 'Library', 'Caches', 'electron') : undefined,
    process.platform === 'win32' ? path.join(process.env.LOCALAPPDATA ?? home, 'electron', 'Cache') : undefined,
    path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'electron'),
  ].filter((r): r is string => !!r && fs.existsSync(r));
  for (const root of roots) {
    const hit = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).find((f) => path.basename(f) === name);
    if (hit) return path.join(root, hit);
  }
  return null;
}

/** The URL electron-builder downloads the runtime from (honours ELECTRON_MIRROR as @electron/get does). */
export function electronDownloadUrl(version: string, platform: string = process.platform, arch: string = process.arch): string {
  const mirror = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
  const dir = process.env.ELECTRON_CUSTOM_DIR?.replace('{{ version }}', version) ?? `v${version}`;
  return `${base}${dir}/electron-v${version}-${platform}-${arch}.zip`;
}

/** Whether a URL answers at all (any HTTP status) within the timeout; the reason when it does not. */
export async function reachable(url: string, timeoutMs = 10_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500 ? { ok: true } : { ok: false, reason: `HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}
