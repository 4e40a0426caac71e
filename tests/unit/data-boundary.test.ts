import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

/** A call that prepares SQL, sets a pragma or opens a transaction on a better-sqlite3 handle. */
const DB_CALL = /\.(?:prepare|pragma|transaction)\s*(?:<[^>()]*>)?\s*\(/g;

/** An import of better-sqlite3, or of `sql`/`Database` (the unwrapped handle) or `prepared` (SQL text) from db/database.ts. */
const RAW_HANDLE_IMPORT = /from\s+'better-sqlite3'|import\s*(?:type\s*)?\{[^}]*\b(?:sql|Database|prepared)\b[^}]*\}\s*from\s*'[^']*database\.ts'/;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The source without comments, so a sentence mentioning `db.transaction()` is not a call. */
function code(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function dbCallsOutsideDb(): Map<string, number> {
  const dbDir = path.join(repoRoot, 'src-main', 'db') + path.sep;
  const found = new Map<string, number>();
  for (const file of walk(path.join(repoRoot, 'src-main'))) {
    if (file.startsWith(dbDir)) continue;
    const n = [...code(file).matchAll(DB_CALL)].length;
    if (n > 0) found.set(path.relative(repoRoot, file).split(path.sep).join('/'), n);
  }
  return found;
}

describe('data boundary: only src-main/db/ talks SQL', () => {
  it('no module outside src-main/db/ prepares SQL, sets a pragma or opens a transaction on the handle', () => {
    expect([...dbCallsOutsideDb()], 'put the SQL behind a typed function in src-main/db/ (transactions: db/database.ts transaction())').toEqual([]);
  });

  it('no module outside src-main/db/ holds the raw handle: no better-sqlite3, no sql() unwrapping a ProjectDb', () => {
    const dbDir = path.join(repoRoot, 'src-main', 'db') + path.sep;
    const found = walk(path.join(repoRoot, 'src-main'))
      .filter((f) => !f.startsWith(dbDir))
      .filter((f) => RAW_HANDLE_IMPORT.test(code(f)))
      .map((f) => path.relative(repoRoot, f).split(path.sep).join('/'));
    expect(found, 'pass the opaque ProjectDb to a typed function in src-main/db/').toEqual([]);
  });

  it('the import scan sees real imports (db/ modules unwrap with sql())', () => {
    const inDb = walk(path.join(repoRoot, 'src-main', 'db')).filter((f) => RAW_HANDLE_IMPORT.test(code(f)));
    expect(inDb.length).toBeGreaterThan(10);
  });

  it('the scan sees real calls (it finds the ones inside src-main/db/)', () => {
    const inDb = walk(path.join(repoRoot, 'src-main', 'db')).reduce((n, f) => n + [...code(f).matchAll(DB_CALL)].length, 0);
    expect(inDb).toBeGreaterThan(20);
  });
});
