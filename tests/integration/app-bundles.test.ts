/**
 * The built app bundles, checked for what Electron would enforce at start-up (the Electron binary cannot run here):
 * the preload must load under the sandboxed-preload rules; the main bundle must import only what a packaged app ships;
 * every native module it can load must be N-API (loadable by Electron's Node without a rebuild) and unpacked from asar.
 */
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../src-preload/contract-base.ts';
import { connectCore, forkCoreHost } from '../../src-main/core-host/client.ts';
import { bareImports, ensureBuilt, filesIn, mainBundleFiles, mainDir, packageOf, preloadBundle, runtimeClosure } from '../support/bundles.ts';
import { napiVerdict } from '../support/native-abi.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';

/** What Electron's sandboxed preload `require` resolves; anything else throws "module not found". */
const SANDBOX_MODULES = ['electron', 'electron/common', 'electron/renderer', 'events', 'node:events', 'timers', 'node:timers', 'url', 'node:url'];
/** The parameters Electron's sandboxed loader wraps a preload in (beside the window's own globals). */
const WRAPPER_PARAMS = ['require', 'process', 'exports', 'module', 'Buffer', 'global', 'setImmediate', 'clearImmediate'];

interface Recorded {
  required: string[];
  exposed: { key: string; api: unknown }[];
  invokes: unknown[][];
  listeners: Map<string, Set<(...args: unknown[]) => void>>;
  window: Record<string, unknown>;
}

/**
 * Runs a preload's source as Electron runs a sandboxed one: in a fresh context (a window's globals, no Node ones),
 * wrapped in a function whose `require` knows only the sandbox's modules, with `electron` a stand-in that records
 * `contextBridge.exposeInMainWorld` and `ipcRenderer` calls.
 */
function runSandboxedPreload(source: string): Recorded {
  const context = vm.createContext({ console });
  const window = vm.runInContext('globalThis.window = globalThis', context) as Record<string, unknown>;
  const rec: Recorded = { required: [], exposed: [], invokes: [], listeners: new Map(), window };
  const ipcRenderer = {
    invoke: (...args: unknown[]) => {
      rec.invokes.push(args);
      return Promise.resolve({ result: { echoed: args[1] } });
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!rec.listeners.has(channel)) rec.listeners.set(channel, new Set());
      rec.listeners.get(channel)!.add(fn);
      return ipcRenderer;
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => {
      rec.listeners.get(channel)?.delete(fn);
      return ipcRenderer;
    },
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        rec.exposed.push({ key, api });
        window[key] = api;
      },
    },
    ipcRenderer,
  };
  const modules: Record<string, unknown> = { electron, 'electron/common': electron, 'electron/renderer': electron };
  const sandboxRequire = (name: string): unknown => {
    rec.required.push(name);
    if (!SANDBOX_MODULES.includes(name)) throw new Error(`module not found: ${name}`);
    return modules[name] ?? {};
  };
  const preloadProcess = { platform: process.platform, type: 'renderer', versions: {}, env: {} };
  const fn = vm.compileFunction(source, WRAPPER_PARAMS, { parsingContext: context, filename: preloadBundle });
  const exports = {};
  fn(sandboxRequire, preloadProcess, exports, { exports }, Buffer, window, setImmediate, clearImmediate);
  return rec;
}

describe('the built preload under the sandboxed-preload rules', () => {
  let source = '';
  beforeAll(() => {
    ensureBuilt();
    source = fs.readFileSync(preloadBundle, 'utf8');
  });

  it('a preload needing any other module is refused, as Electron would', () => {
    expect(() => runSandboxedPreload('require("zod");')).toThrow('module not found: zod');
    expect(() => runSandboxedPreload('require("node:fs");')).toThrow('module not found: node:fs');
  });

  it('loads, requiring only sandbox modules, and exposes exactly invoke/on as window.postflight', () => {
    const rec = runSandboxedPreload(source);
    expect(rec.required.every((m) => SANDBOX_MODULES.includes(m))).toBe(true);
    expect(rec.exposed.map((e) => e.key)).toEqual(['postflight']);
    const api = rec.window.postflight as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('invoke reaches ipcRenderer.invoke on the contract channel; an unknown method never leaves the page', async () => {
    const rec = runSandboxedPreload(source);
    const api = rec.window.postflight as { invoke: (m: string, p: unknown) => Promise<unknown> };
    expect(await api.invoke('app.info', {})).toEqual({ result: { echoed: 'app.info' } });
    expect(rec.invokes).toEqual([[IPC_INVOKE, 'app.info', {}]]);
    const refused = (await api.invoke('fs.readFile', { path: '/etc/passwd' })) as { error: { code: string } };
    expect(refused.error.code).toBe('invalid_input');
    expect(rec.invokes).toHaveLength(1);
  });

  it('on listens on the event channel for its one event and unsubscribes', () => {
    const rec = runSandboxedPreload(source);
    const api = rec.window.postflight as { on: (e: string, fn: (p: unknown) => void) => () => void };
    const got: unknown[] = [];
    const off = api.on('job.updated', (p) => got.push(p));
    const handlers = [...(rec.listeners.get(IPC_EVENT) ?? [])];
    expect(handlers).toHaveLength(1);
    handlers[0]!({}, 'job.log', { line: 'x' });
    handlers[0]!({}, 'job.updated', { id: 'j1' });
    expect(got).toEqual([{ id: 'j1' }]);
    off();
    expect(rec.listeners.get(IPC_EVENT)?.size).toBe(0);
    expect(() => api.on('window.close', () => {})).toThrow();
  });
});

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
// electron-builder reads its config with js-yaml; it is installed wherever electron-builder (a devDependency) is.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild?: boolean;
}
const builder = yaml.load(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Whether electron-builder's glob list selects an app-relative path (a later `!pattern` excludes). */
function selects(globs: string[], rel: string): boolean {
  let hit = false;
  for (const g of globs) {
    if (g.startsWith('!')) {
      if (path.matchesGlob(rel, g.slice(1))) hit = false;
    } else if (path.matchesGlob(rel, g)) hit = true;
  }
  return hit;
}

const isNative = (name: string) => /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/.test(name);
const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);

describe('the built main bundle as a packaged app loads it', () => {
  let imports: string[] = [];
  beforeAll(() => {
    ensureBuilt();
    imports = [...new Set(mainBundleFiles().flatMap(bareImports))];
  });

  it('imports only Node built-ins, electron and runtime dependencies (a packaged app ships no devDependencies)', () => {
    expect(imports).toContain('electron');
    expect(imports).toContain('better-sqlite3');
    const unshipped = imports.filter((s) => !isBuiltin(s) && s !== 'electron' && !(packageOf(s) in pkg.dependencies));
    expect(unshipped).toEqual([]);
  });

  it('every native module it can load is N-API, so Electron loads it without a rebuild', () => {
    const packages = imports.filter((s) => !isBuiltin(s) && s !== 'electron').map(packageOf);
    const addons = [...runtimeClosure(packages).keys()].flatMap((dir) => filesIn(dir, (n) => n.endsWith('.node')));
    const own = filesIn(path.join(repoRoot, 'native', 'build', 'Release'), (n) => n.endsWith('.node'));
    const all = [...addons, ...own].map((f) => path.relative(repoRoot, f));
    expect(all.some((f) => f.startsWith(`node_modules${path.sep}better-sqlite3${path.sep}`))).toBe(true);
    expect(all.some((f) => f.startsWith(`node_modules${path.sep}@img${path.sep}sharp-`))).toBe(true);
    expect(own.length, 'the native addon (npm run build:native)').toBeGreaterThan(0);
    const notNapi = all.map((f) => ({ f, ...napiVerdict(path.join(repoRoot, f)) })).filter((v) => !v.napi);
    expect(notNapi).toEqual([]);
  });

  it('the N-API check tells a binary bound to one Node ABI from an addon', () => {
    // Node's own executable exports node_module_register and registers no N-API module: not a loadable addon.
    expect(napiVerdict(process.execPath).napi).toBe(false);
  });

  it('electron-builder.yml ships the native addon and unpacks every package holding native code from asar', () => {
    const addon = 'native/build/Release/postflight_quality.node';
    expect(selects(builder.files, addon)).toBe(true);
    expect(selects(builder.asarUnpack, addon)).toBe(true);
    expect(selects(builder.files, 'out/main/index.js')).toBe(true);
    expect(selects(builder.files, 'out/preload/index.cjs')).toBe(true);
    // N-API binaries load as shipped: a rebuild against Electron's headers is neither needed nor wanted.
    expect(builder.npmRebuild).toBe(false);
    const packages = imports.filter((s) => !isBuiltin(s) && s !== 'electron').map(packageOf);
    const nativePackages = [...runtimeClosure(packages).keys()]
      .filter((dir) => filesIn(dir, isNative).length > 0)
      .map((dir) => path.relative(repoRoot, dir).split(path.sep).join('/'));
    expect(nativePackages).toContain('node_modules/better-sqlite3');
    expect(nativePackages.some((dir) => dir.startsWith('node_modules/@img/sharp-'))).toBe(true);
    // sharp's loader requires its @img binary package by name: both sides stay outside the archive together.
    expect(selects(builder.asarUnpack, 'node_modules/sharp/lib/sharp.js')).toBe(true);
    const packed = nativePackages.filter((dir) => !selects(builder.asarUnpack, `${dir}/package.json`));
    expect(packed).toEqual([]);
  });
});

/** A bundle file and every chunk it reaches through relative imports. */
function withChunks(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*["'](\.[^"']+)["']/gm)) withChunks(path.resolve(path.dirname(file), m[1]!), seen);
  return seen;
}

describe("the core off Electron's main process", () => {
  beforeAll(() => ensureBuilt());

  it("main's bundle loads no core module: the database, images and jobs live in the core-host bundle", () => {
    const mainImports = [...withChunks(path.join(mainDir, 'index.js'))].flatMap(bareImports);
    expect(mainImports).toContain('electron');
    for (const core of ['better-sqlite3', 'sharp', 'zod', 'p-queue']) expect(mainImports).not.toContain(core);
    const hostImports = [...withChunks(path.join(mainDir, 'core-host.js'))].flatMap(bareImports);
    expect(hostImports).toContain('better-sqlite3');
    expect(hostImports).not.toContain('electron');
  });

  it('the built core-host bundle runs as a forked process (as the utility process runs it) and answers', async () => {
    const temp = makeTemp('postflight-core-bundle-');
    const events: string[] = [];
    const client = connectCore(forkCoreHost({ recentFile: null, keychain: false, pickFolder: false }, path.join(mainDir, 'core-host.js')), {
      emit: (name) => events.push(name),
    });
    try {
      await client.ready;
      const pkgVersion = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
      expect((await client.dispatch('app.info', {})).result).toMatchObject({ version: pkgVersion, transport: 'ipc' });
      const opened = await client.dispatch('project.open', { dir: path.join(temp, 'p'), create: true });
      expect(opened.error).toBeUndefined();
      expect(events).toContain('project.changed');
      expect(await client.media('/thumb/1')).toBeNull();
      expect((await client.dispatch('nope.nothing', {})).error?.code).toBe('invalid_input');
    } finally {
      await client.shutdown();
      rmTemp(temp);
    }
    // After the host is gone a call is answered, not left hanging.
    expect((await client.dispatch('app.info', {})).error?.code).toBe('internal');
  });
});
