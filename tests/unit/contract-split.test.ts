import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, isMethodName, methods } from '../../src-preload/contract.ts';
import { repoRoot } from '../support/paths.ts';

describe('the contract split (zod-free names for the sandboxed preload, schemas for main)', () => {
  it('every method name has a params schema and every schema a name', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(methods).sort());
    expect(isMethodName('app.info')).toBe(true);
    expect(isMethodName('toString')).toBe(false);
  });

  it('contract-base.ts and the preload import no value but electron and contract-base', () => {
    const base = fs.readFileSync(path.join(repoRoot, 'src-preload/contract-base.ts'), 'utf8');
    expect(base).not.toMatch(/^\s*import\s/m);
    const preload = fs.readFileSync(path.join(repoRoot, 'src-preload/index.ts'), 'utf8');
    const valueImports = [...preload.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(valueImports.sort()).toEqual(['./contract-base.ts', 'electron']);
  });
});
