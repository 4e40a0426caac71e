import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const srcMain = path.join(repoRoot, 'src-main');
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!).filter(Boolean);
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every file reachable from an entry through relative imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith('.')) stack.push(path.resolve(path.dirname(file), spec));
    }
  }
  return seen;
}

describe('core/adapter boundary', () => {
  it('no module under src-main outside the Electron adapter imports electron', () => {
    const offenders = walk(srcMain)
      .filter((f) => !f.startsWith(path.join(srcMain, 'electron') + path.sep))
      .filter((f) => specifiers(f).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });

  it('the CLI and the HTTP harness reach no Electron module through their imports', () => {
    for (const entry of ['src-main/cli/entry.ts', 'src-main/serve/server.ts', 'src-main/api/handlers.ts', 'src-main/core-host/entry.ts']) {
      const files = [...reachable(path.join(repoRoot, entry))];
      expect(files.length).toBeGreaterThan(3);
      const electronFiles = files.filter((f) => f.includes(`${path.sep}electron${path.sep}`) || specifiers(f).includes('electron'));
      expect(electronFiles.map((f) => path.relative(repoRoot, f)), entry).toEqual([]);
    }
  });

  it('the Electron adapter does import electron (the scan sees real imports)', () => {
    expect(specifiers(path.join(srcMain, 'electron', 'main.ts'))).toContain('electron');
  });
});
