import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Three bundles: main (Node, ESM), preload (sandboxed, so CommonJS), renderer (React, browser).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          // The core, run by main as an Electron utility process (src-main/core-host): main only relays to it.
          'core-host': resolve(import.meta.dirname, 'src-main/core-host/entry.ts'),
          // The TypeScript pixel kernels' worker thread (used when the native addon is absent), beside index.js.
          'kernel-worker': resolve(import.meta.dirname, 'src-main/quality/kernel-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    // Test hooks (window.__postflightMap) exist only in a build made for the e2e tests (POSTFLIGHT_TEST_HOOKS=1);
    // in any other build the constant is false and the hook code is dropped.
    define: { __POSTFLIGHT_TEST_HOOKS__: JSON.stringify(process.env.POSTFLIGHT_TEST_HOOKS === '1') },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
