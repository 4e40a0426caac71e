import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from './e2e.ts';
import { repoRoot } from './paths.ts';

/** The built bundles a test of the app reads (what electron-vite writes, what a packaged app ships). */
export const preloadBundle = path.join(repoRoot, 'out', 'preload', 'index.cjs');
export const mainDir = path.join(repoRoot, 'out', 'main');

/** Sources a bundle is built from: a change to any of them makes out/ stale. */
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts'];

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/**
 * Makes sure out/ holds bundles of the current sources: builds (`electron-vite build`, as `npm run build`) when a
 * bundle is missing or older than a source file, so a bundle test never reads yesterday's output.
 */
export function ensureBuilt(): void {
  const outputs = [preloadBundle, path.join(mainDir, 'index.js')];
  const built = Math.min(...outputs.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const source = Math.max(...SOURCES.map((s) => newestMtime(path.join(repoRoot, s))));
  if (built < source) buildApp();
}

/** Every .js file of the built main bundle (entry, kernel worker, shared chunks). */
export function mainBundleFiles(): string[] {
  return fs
    .readdirSync(mainDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(mainDir, f));
}

/**
 * The specifiers a bundle file imports that are not relative paths: static `import … from`, bare `import "x"`,
 * `export … from`, dynamic `import("x")` and `require("x")` with a literal name.
 */
export function bareImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const found = new Set<string>();
  for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]!);
  return [...found].filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The installed packages a packaged app ships for the given ones: each with its dependencies and the optional ones
 * installed here (sharp's platform binaries are optional dependencies), resolved as Node does from the depending
 * package's folder upwards. Returns each package's folder with its name.
 */
export function runtimeClosure(packages: string[]): Map<string, string> {
  const dirs = new Map<string, string>();
  const visit = (name: string, from: string) => {
    for (let at = from; ; at = path.dirname(at)) {
      const dir = path.join(at, 'node_modules', name);
      if (fs.existsSync(path.join(dir, 'package.json'))) {
        if (dirs.has(dir)) return;
        dirs.set(dir, name);
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
        for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
        return;
      }
      if (at === repoRoot || path.dirname(at) === at) return; // an optional dependency for another platform
    }
  };
  for (const name of packages) visit(name, repoRoot);
  return dirs;
}

/** The files under a package folder whose names pass the test, not descending into its own node_modules. */
export function filesIn(dir: string, test: (name: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules') return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return filesIn(p, test);
    return test(e.name) ? [p] : [];
  });
}
