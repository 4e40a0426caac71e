/**
 * The built app bundles, checked for what Electron would enforce at start-up (the Electron binary cannot run here):
 * the preload must load under the sandboxed-preload rules.
 */
import fs from 'node:fs';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../src-preload/contract-base.ts';
import { ensureBuilt, preloadBundle } from '../support/bundles.ts';

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
