import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject, PROJECT_DB } from '../../src-main/project/project.ts';
import { migrate } from '../../src-main/db/migrate.ts';
import { migrations } from '../../src-main/db/migrations/index.ts';
import { appendEvent } from '../../src-main/db/events.ts';
import { AppError } from '../../src-main/common/errors.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';
import { readPhotoMetadata } from '../../src-main/ingest/metadata.ts';
import { getImage } from '../../src-main/db/images.ts';
import { sql } from '../../src-main/db/database.ts';

const latest = Math.max(...migrations.map((m) => m.version));
const temps: string[] = [];
const temp = () => {
  const d = makeTemp();
  temps.push(d);
  return d;
};
afterEach(() => temps.splice(0).forEach(rmTemp));

function insertImage(db: BetterSqlite3.Database, name: string): void {
  db.prepare(
    "INSERT INTO images (source_root, source_path, file_name, status, ingested_at) VALUES ('/card', ?, ?, 'staged', ?)",
  ).run(`DCIM/${name}`, name, new Date().toISOString());
}

describe('project folder and database', () => {
  it('creates the folder layout, a WAL database at the latest schema, and one project row', () => {
    const dir = path.join(temp(), 'survey');
    const p = openProject(dir, { create: true });
    expect(fs.existsSync(path.join(dir, PROJECT_DB))).toBe(true);
    for (const sub of ['images', 'thumbs', 'logs']) expect(fs.statSync(path.join(dir, sub)).isDirectory()).toBe(true);
    expect(sql(p.db).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sql(p.db).pragma('user_version', { simple: true })).toBe(latest);
    for (const table of ['project', 'tasks', 'images', 'reasons', 'jobs', 'uploads', 'odm_runs', 'events']) {
      expect(sql(p.db).prepare("SELECT name FROM sqlite_master WHERE type='table' AND name=?").get(table), table).toBeTruthy();
    }
    p.close();
  });

  it('refuses to open a folder that is not a project unless asked to create one', () => {
    const dir = temp();
    expect(() => openProject(dir)).toThrowError(AppError);
    try {
      openProject(dir);
    } catch (e) {
      expect((e as AppError).code).toBe('project_missing');
    }
  });

  it('opened twice at once, both connections see one consistent database and the same project', () => {
    const dir = temp();
    const a = openProject(dir, { create: true });
    const b = openProject(dir);
    expect(b.info.id).toBe(a.info.id);
    insertImage(sql(a.db), 'DJI_0001.JPG');
    expect((sql(b.db).prepare('SELECT count(*) n FROM images').get() as { n: number }).n).toBe(1);
    insertImage(sql(b.db), 'DJI_0002.JPG');
    expect((sql(a.db).prepare('SELECT count(*) n FROM images').get() as { n: number }).n).toBe(2);
    expect((sql(a.db).prepare('SELECT count(*) n FROM project').get() as { n: number }).n).toBe(1);
    a.close();
    b.close();
  });

  it('after the writing process is killed mid-way, every committed row is there and the file is intact', async () => {
    const dir = temp();
    openProject(dir, { create: true }).close();
    const script = `
      import { openProject } from ${JSON.stringify(path.join(repoRoot, 'src-main/project/project.ts'))};
      import { sql } from ${JSON.stringify(path.join(repoRoot, 'src-main/db/database.ts'))};
      const p = openProject(${JSON.stringify(dir)});
      const ins = sql(p.db).prepare("INSERT INTO images (source_root, source_path, file_name, status, ingested_at) VALUES ('/card', ?, ?, 'staged', 'now')");
      for (let i = 1; ; i++) { sql(p.db).transaction(() => { ins.run('DCIM/' + i + '.JPG', i + '.JPG'); })(); process.stdout.write(i + '\\n'); }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        committed = Number(lines.at(-1));
        if (committed >= 300 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const p = openProject(dir);
    expect(sql(p.db).pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (sql(p.db).prepare('SELECT count(*) n FROM images').get() as { n: number }).n;
    // Every transaction the child reported committed is there; at most the ones after its last report are extra.
    expect(n).toBeGreaterThanOrEqual(committed);
    const ids = sql(p.db).prepare('SELECT source_path FROM images ORDER BY id').pluck().all() as string[];
    expect(new Set(ids).size).toBe(ids.length);
    p.close();
  });

  it('migrates a database written at schema 1 to the latest, keeping its data', () => {
    const dir = temp();
    const file = path.join(dir, PROJECT_DB);
    const old = new BetterSqlite3(file);
    migrate(old, migrations.filter((m) => m.version <= 1));
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.prepare("INSERT INTO project (id, name, created_at) VALUES ('p-old', 'Old survey', '2025-01-01T00:00:00Z')").run();
    insertImage(old, 'DJI_0100.JPG');
    old.close();

    const p = openProject(dir);
    expect(sql(p.db).pragma('user_version', { simple: true })).toBe(latest);
    expect(p.info).toMatchObject({ id: 'p-old', name: 'Old survey' });
    expect(sql(p.db).prepare('SELECT file_name FROM images').pluck().get()).toBe('DJI_0100.JPG');
    p.close();
  });

  it('fills the normalised time and tag columns of photos ingested before them, with the ingest normalisers', async () => {
    const dir = temp();
    const file = path.join(dir, PROJECT_DB);
    const old = new BetterSqlite3(file);
    migrate(old, migrations.filter((m) => m.version < 70));
    const insert = old.prepare(
      "INSERT INTO images (source_root, source_path, file_name, status, ingested_at, captured_local, metadata_json) VALUES ('/card', ?, ?, 'staged', 'now', ?, ?)",
    );
    // Real photos: one whose GPS block has a date and time, one without; the second with its clock as the camera wrote it.
    const withGps = (await readPhotoMetadata(fs.readFileSync(path.join(sharedData, 'metadata_samples', 'issue-exif-js-124.tiff')), 'a.tiff')).metadata;
    const without = (await readPhotoMetadata(fs.readFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG')), 'b.jpg')).metadata;
    expect(withGps.gpsTimeUtc).not.toBeNull();
    expect(without.gpsTimeUtc).toBeNull();
    const a = Number(insert.run('a.tiff', 'a.tiff', withGps.capturedLocal, JSON.stringify({ ...withGps, gpsTimeUtc: undefined })).lastInsertRowid);
    const b = Number(insert.run('b.jpg', 'b.jpg', '2016:06:23 16:31:59', JSON.stringify(without)).lastInsertRowid);
    const c = Number(insert.run('c.jpg', 'c.jpg', null, null).lastInsertRowid);
    old.close();

    const p = openProject(dir);
    expect(getImage(p.db, a)).toMatchObject({ gps_time_utc: withGps.gpsTimeUtc, tags_read: 1, captured_local: withGps.capturedLocal });
    expect(getImage(p.db, b)).toMatchObject({ gps_time_utc: null, tags_read: 1, captured_local: without.capturedLocal });
    expect(without.capturedLocal).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(getImage(p.db, c)).toMatchObject({ gps_time_utc: null, tags_read: 0 });
    p.close();
  });

  it('refuses a database written by a newer Postflight and leaves it untouched', () => {
    const dir = temp();
    openProject(dir, { create: true }).close();
    const file = path.join(dir, PROJECT_DB);
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${latest + 5}`);
    db.close();
    const before = fs.readFileSync(file);
    let error: unknown;
    try {
      openProject(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('project_too_new');
    expect((error as AppError).message).toMatch(/newer Postflight/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('the event log is append-only', () => {
    const p = openProject(temp(), { create: true });
    const id = appendEvent(p.db, { kind: 'image.rejected', imageId: 1, payload: { by: 'pilot' } });
    expect(() => sql(p.db).prepare('UPDATE events SET kind = ? WHERE id = ?').run('x', id)).toThrow(/append-only/);
    expect(() => sql(p.db).prepare('DELETE FROM events WHERE id = ?').run(id)).toThrow(/append-only/);
    p.close();
  });
});
