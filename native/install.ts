/**
 * `npm ci` / `npm install` step (package.json "install"): builds the pixel-kernel addon with node-gyp, the JPEG decoder
 * compiled from the libjpeg-turbo sources the jpeg-turbo devDependency carries. The install never fails because of
 * it: when the build cannot run here (no compiler, `--omit=dev`), one line says so and the TypeScript kernels run.
 * The build's full output goes to native/build-install.log.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const native = path.dirname(fileURLToPath(import.meta.url));
const logFile = path.join(native, 'build-install.log');
const say = (line: string): void => {
  process.stdout.write(`postflight: ${line}\n`);
};

function build(): string | null {
  let gyp: string;
  try {
    gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return 'node-gyp is not installed (dev dependencies omitted?)';
  }
  const args = [gyp, 'rebuild', '--directory', native];
  // Node's own headers when this Node ships them (official Linux and macOS builds do) and npm names no nodedir: the
  // addon is N-API only, so any Node's headers build it, with no download.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  fs.writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
  if (r.status === 0) return null;
  const lines = `${r.stderr ?? ''}\n${r.error?.message ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => /error/i.test(l) && !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
  return lines[0] ?? `node-gyp exited with ${r.status ?? r.signal}`;
}

if (process.env.POSTFLIGHT_NATIVE === 'off') {
  say('native pixel kernels not built (POSTFLIGHT_NATIVE=off); the TypeScript kernels will run.');
} else {
  const failure = build();
  if (failure) {
    say(`native pixel kernels NOT built (${failure}); ingest uses the TypeScript kernels, about 3x slower. Log: ${path.relative(process.cwd(), logFile)}`);
  } else {
    const addon = createRequire(import.meta.url)(path.join(native, 'build', 'Release', 'postflight_quality.node')) as { decoder?: string };
    say(`native pixel kernels built (${addon.decoder ?? 'no JPEG decoder'}): ${path.relative(process.cwd(), path.join(native, 'build', 'Release', 'postflight_quality.node'))}`);
  }
}
