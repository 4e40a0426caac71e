/**
 * The card fault suite: the ways a card misbehaves in the field, end to end through the real CLI in child processes,
 * on real photos. Each test names the issue item it proves ("never lose a photo").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { openProject } from '../../src-main/project/project.ts';
import { cliBin, runPostflight, startServe } from '../support/cli.ts';
import { LOCK_FILE, readLockOwner } from '../../src-main/project/lock.ts';
import { insertImage } from '../../src-main/db/images.ts';
import { resolveMedia } from '../../src-main/api/media.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';
import { listFiles, makeCard, md5File } from '../support/card.ts';
import { sql } from '../../src-main/db/database.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(rmTemp));

function card(photos: number): ReturnType<typeof makeCard> {
  const c = makeCard(photos);
  temps.push(c.root);
  return c;
}

function project(): string {
  const dir = makeTemp();
  temps.push(dir);
  return dir;
}

interface Row {
  source_path: string;
  stored_path: string | null;
  md5: string | null;
  status: string;
  copy_state: string | null;
}

function rows(dir: string): Row[] {
  const p = openProject(dir);
  try {
    return sql(p.db).prepare('SELECT source_path, stored_path, md5, status, copy_state FROM images ORDER BY source_path').all() as Row[];
  } finally {
    p.close();
  }
}

function lastRunState(dir: string): string {
  const p = openProject(dir);
  try {
    return sql(p.db).prepare('SELECT state FROM ingest_runs ORDER BY id DESC').pluck().get() as string;
  } finally {
    p.close();
  }
}

/** Every photo of the card has its own verified copy under images/ with the card's bytes. */
function expectAllCopied(dir: string, c: ReturnType<typeof makeCard>): void {
  const all = rows(dir);
  expect(all.map((r) => r.source_path)).toEqual(c.files.map((f) => `DCIM/100MEDIA/${f}`));
  for (const r of all) {
    expect(r.copy_state).toBe('verified');
    expect(r.stored_path).toBe(`images/${r.source_path}`);
    expect(md5File(path.join(dir, r.stored_path!))).toBe(md5File(path.join(c.root, r.source_path)));
  }
  expect(listFiles(path.join(dir, 'images')).filter((f) => f.endsWith('.postflight-partial'))).toEqual([]);
}

/** Runs the CLI as an unprivileged user (root reads any file; a pilot's account does not). */
function runAsNobody(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const asRoot = process.getuid?.() === 0;

/** Mounts a tmpfs of `size` over `dir`; where this machine cannot, skips the test, saying which `cases` were not run. */
function mountTmpfsOrSkip(ctx: TestContext, dir: string, size: string, cases: string): boolean {
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status === 0) return true;
  ctx.skip(`cannot mount a tmpfs here (${mounted.stderr.trim()}): ${cases} not run`);
  return false;
}

/** The CLI under an account that file permissions apply to: nobody when the tests run as root, else this user. */
const runUnprivileged = (args: string[]) => (asRoot ? runAsNobody(args) : runPostflight(args));

/**
 * Puts a copy of `photo` at the end of a chain of folders whose full path is longer than PATH_MAX (4096 bytes), as a
 * card's own file system allows: made level by level with relative paths in a child process. Returns the chain's top.
 */
function deepPhoto(folder: string, photo: string): string {
  const script = `const fs = require('node:fs'); for (let i = 0; i < 22; i++) { fs.mkdirSync('${'L'.repeat(200)}'); process.chdir('${'L'.repeat(200)}'); } fs.copyFileSync(process.argv[1], 'DEEP_0001.JPG');`;
  const r = spawnSync(process.execPath, ['-e', script, photo], { cwd: folder, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return path.join(folder, 'L'.repeat(200));
}

/** Starts `postflight ingest` in the background; resolves its exit code and output when it ends. */
function startIngest(source: string, dir: string): { child: ChildProcess; ended: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cliBin, 'ingest', source, '--project', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return { child, ended };
}

async function until(condition: () => boolean, child: ChildProcess): Promise<void> {
  while (!condition() && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
}

function countRows(dir: string): number {
  const p = openProject(dir);
  try {
    return sql(p.db).prepare('SELECT count(*) FROM images').pluck().get() as number;
  } finally {
    p.close();
  }
}

describe('card faults: never lose a photo', () => {
  it('item 1: in place, then copy: the copy run copies and verifies every photo and says the card is safe to format', () => {
    const c = card(5);
    const dir = project();
    const inPlace = runPostflight(['ingest', c.root, '--project', dir, '--in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stdout).toMatch(/do not format/i);
    expect(listFiles(path.join(dir, 'images'))).toEqual([]);

    const copy = runPostflight(['ingest', c.root, '--project', dir]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/Copied and verified 5 photo/);
    expect(copy.stdout).toMatch(/all 5 photos have a verified copy in the project\. Safe to format\./);
    expectAllCopied(dir, c);

    // A third run has nothing left to do and still says so.
    const again = runPostflight(['ingest', c.root, '--project', dir, '--json']);
    const summary = JSON.parse(again.stdout) as { ingested: number; copiedNow: number; alreadyIngested: number; card: { safe_to_format: boolean; photos_verified: number } };
    expect(summary).toMatchObject({ ingested: 0, copiedNow: 0, alreadyIngested: 5 });
    expect(summary.card).toMatchObject({ safe_to_format: true, photos_verified: 5 });
  });

  it('item 1: duplicates indexed in place get their bytes copied once, under the original', () => {
    const c = card(2);
    fs.copyFileSync(path.join(c.dcim, c.files[0]!), path.join(c.dcim, 'DJI_0900.JPG'));
    const dir = project();
    expect(runPostflight(['ingest', c.root, '--project', dir, '--in-place']).code).toBe(0);
    const copy = runPostflight(['ingest', c.root, '--project', dir, '--json']);
    expect(copy.code, copy.stderr).toBe(0);
    const summary = JSON.parse(copy.stdout) as { card: { safe_to_format: boolean; photo_count: number } };
    expect(summary.card).toMatchObject({ safe_to_format: true, photo_count: 3 });
    expect(listFiles(path.join(dir, 'images'))).toHaveLength(2);
  });

  // Item 2: the card goes away at several moments of a copy run (after the first photo, mid-run, at the very end).
  for (const at of [1, 6, 12]) {
    it(`item 2: card pulled after ${at} of 12 photos recorded: non-zero, interrupted, safe count said, rerun finishes`, async () => {
      const c = card(12);
      const dir = project();
      openProject(dir, { create: true }).close();
      const child = spawn(process.execPath, [cliBin, 'ingest', c.root, '--project', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
      const watcher = openProject(dir);
      const count = () => sql(watcher.db).prepare('SELECT count(*) FROM images').pluck().get() as number;
      const pulled = `${c.root}-pulled`;
      while (count() < at && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      fs.renameSync(c.root, pulled);
      const code = await exited;
      const safe = sql(watcher.db).prepare("SELECT count(*) FROM images WHERE copy_state = 'verified'").pluck().get() as number;
      watcher.close();
      // Pulled after the last photo was recorded, the run may have ended already: then it had to say "safe to format".
      if (code === 0) {
        expect(at).toBe(12);
        expect(stdout).toMatch(/Safe to format/);
      } else {
        expect(code, stdout).not.toBe(0);
        expect(stderr).toMatch(new RegExp(`removed or stopped responding.*${safe} of 12 photos from this card are safe.*do not format the card`, 's'));
        expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
        expect(lastRunState(dir)).toBe('interrupted');
      }
      fs.renameSync(pulled, c.root);
      const rerun = runPostflight(['ingest', c.root, '--project', dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/Safe to format/);
      expectAllCopied(dir, c);
    });
  }

  it('item 3: a photo unreadable on the first run is read again (and copied) on the next', () => {
    const c = card(3);
    const dir = project();
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(c.root, 0o755);
    const locked = path.join(c.dcim, c.files[1]!);
    fs.chmodSync(locked, 0o000);
    const first = runUnprivileged(['ingest', c.root, '--project', dir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { card: { safe_to_format: boolean; unverified: { path: string; reason: string }[] } };
    expect(summary.card.safe_to_format).toBe(false);
    expect(summary.card.unverified).toEqual([{ path: `DCIM/100MEDIA/${c.files[1]}`, reason: 'could not be read from the card' }]);
    const text = runUnprivileged(['ingest', c.root, '--project', dir]);
    expect(text.stdout).toMatch(/NOT safe to format/);
    expect(text.stdout).toMatch(/Tried again 1 photo/);

    fs.chmodSync(locked, 0o644);
    const second = runUnprivileged(['ingest', c.root, '--project', dir]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Tried again 1 photo/);
    expect(second.stdout).toMatch(/Safe to format/);
    expectAllCopied(dir, c);
    const fixed = rows(dir).find((r) => r.source_path.endsWith(c.files[1]!))!;
    expect(fixed.status).toBe('staged');
  });

  it('item 4: a second writer is refused naming the owner pid, report still reads, and a kill -9 owner is taken over', async () => {
    const c = card(12);
    const dir = project();
    openProject(dir, { create: true }).close();
    const first = startIngest(c.root, dir);
    await until(() => fs.existsSync(path.join(dir, LOCK_FILE)) && countRows(dir) >= 1, first.child);
    // Paused mid-run (a slow card, as far as anyone else can tell): it holds the lock however fast the machine is.
    first.child.kill('SIGSTOP');
    expect(first.child.exitCode).toBeNull();
    expect(readLockOwner(dir)).toMatchObject({ pid: first.child.pid, command: 'ingest' });

    for (const writer of [['ingest', c.root], ['classify'], ['verify', '--task', 'any']]) {
      const second = runPostflight([...writer, '--project', dir]);
      expect(second.code, writer.join(' ')).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`project is open in another Postflight \\(pid ${first.child.pid}\\b.*ingest`));
      expect(second.stderr).not.toMatch(/UNIQUE|ENOENT|disk may be failing/);
    }
    const report = runPostflight(['report', '--project', dir, '--json']);
    expect(report.code, report.stderr).toBe(0);

    first.child.kill('SIGKILL');
    await first.ended;
    // The lock file outlives its owner; the next writer sees the owner gone and takes it over.
    expect(readLockOwner(dir)?.pid).toBe(first.child.pid);
    const rerun = runPostflight(['ingest', c.root, '--project', dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/Safe to format/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expectAllCopied(dir, c);
  });

  it('item 4: while serve holds the project, ingest is refused and report works; two ingests at once never both write', async () => {
    // Enough photos that the first ingest is still running when the second starts, even on a loaded machine (with 3,
    // one could finish before the other was up, and then both rightly succeed one after the other).
    const c = card(12);
    const dir = project();
    const server = await startServe(dir, { POSTFLIGHT_STATE_DIR: path.join(dir, '.state') });
    try {
      const refused = runPostflight(['ingest', c.root, '--project', dir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`open in another Postflight \\(pid ${server.child.pid}\\b.*serve`));
      expect(runPostflight(['report', '--project', dir]).code).toBe(0);
    } finally {
      await server.stop();
    }
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    const a = startIngest(c.root, dir);
    const b = startIngest(c.root, dir);
    const [ra, rb] = await Promise.all([a.ended, b.ended]);
    const codes = [ra.code, rb.code].sort();
    expect(codes, `${ra.stderr}\n${rb.stderr}`).toEqual([0, 1]);
    const loser = ra.code === 1 ? ra : rb;
    expect(loser.stderr).toMatch(/open in another Postflight \(pid \d+/);
    expectAllCopied(dir, c);
  });

  it('item 4: a lock whose pid now belongs to another process (started later) is taken over; the same process still holds it', async () => {
    const dir = project();
    openProject(dir, { create: true }).close();
    // A live process that is not Postflight, as when the owner died and the system gave its pid to something else.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await until(() => fs.existsSync(`/proc/${other.pid}/stat`), other);
      const stat = fs.readFileSync(`/proc/${other.pid}/stat`, 'utf8');
      const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
      const lockAs = (processStart: string | null) =>
        fs.writeFileSync(
          path.join(dir, LOCK_FILE),
          JSON.stringify({ pid: other.pid, host: os.hostname(), processStart, command: 'ingest', acquiredAt: '2026-01-01T10:00:00.000Z' }),
        );
      const tasks = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');

      // The lock names this very process (same pid, same start): held.
      lockAs(start);
      const held = runPostflight(['tasks', 'import', tasks, '--project', dir]);
      expect(held.code).toBe(1);
      expect(held.stderr).toContain(`This project is open in another Postflight (pid ${other.pid}, ingest since 10:00 UTC)`);
      // A lock written where the start time could not be read: the live pid is trusted, still held.
      lockAs(null);
      expect(runPostflight(['tasks', 'import', tasks, '--project', dir]).code).toBe(1);

      // The lock's owner started earlier than the process now holding its pid: the owner is gone, the lock is taken over.
      lockAs(String(Number(start) - 1));
      const taken = runPostflight(['tasks', 'import', tasks, '--project', dir]);
      expect(taken.code, taken.stderr).toBe(0);
      expect(taken.stdout).toMatch(/added 2/);
      // Released on exit, and the stranger was left alone.
      expect(readLockOwner(dir)).toBeNull();
      expect(other.exitCode).toBeNull();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('item 5: ingest --recheck finds damaged and missing copies and copies them again from the card; away, the card is not safe', () => {
    const c = card(4);
    const dir = project();
    expect(runPostflight(['ingest', c.root, '--project', dir]).code).toBe(0);
    const damage = () => {
      const flipped = path.join(dir, 'images', 'DCIM', '100MEDIA', c.files[0]!);
      const handle = fs.openSync(flipped, 'r+');
      fs.writeSync(handle, Buffer.from('bit rot'), 0, 7, 100_000);
      fs.closeSync(handle);
      fs.rmSync(path.join(dir, 'images', 'DCIM', '100MEDIA', c.files[2]!));
    };
    damage();
    const fixed = runPostflight(['ingest', '--recheck', '--project', dir]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/Checked 4 copies in the project: 2 damaged or missing/);
    expect(fixed.stdout).toMatch(/Copied 2 photo\(s\) again from .*verified\. That card is safe to format\./);
    expectAllCopied(dir, c);

    // The card is away: the damage is marked, the recheck says which card to insert, the card is no longer safe.
    damage();
    const pulled = `${c.root}-away`;
    fs.renameSync(c.root, pulled);
    const away = runPostflight(['ingest', '--recheck', '--project', dir]);
    expect(away.code).toBe(1);
    expect(away.stdout).toMatch(new RegExp(`Card ${c.root} is not inserted`));
    const report = JSON.parse(runPostflight(['report', '--project', dir, '--json']).stdout) as { cards: { safe_to_format: boolean; photos_verified_now: number }[] };
    expect(report.cards).toMatchObject([{ safe_to_format: false, photos_verified_now: 2 }]);
    // Back in, a plain copy run copies the damaged photos too.
    fs.renameSync(pulled, c.root);
    const again = runPostflight(['ingest', c.root, '--project', dir]);
    expect(again.stdout).toMatch(/Copied and verified 2 photo/);
    expect(again.stdout).toMatch(/Safe to format/);
    expectAllCopied(dir, c);
  });

  it('item 6: links leaving the card are listed, never followed or copied; the media route serves nothing outside project and card', () => {
    const c = card(2);
    fs.symlinkSync('/etc/passwd', path.join(c.dcim, 'passwd.JPG'));
    fs.symlinkSync('/etc', path.join(c.root, 'DCIM', 'etc'));
    fs.symlinkSync(c.files[0]!, path.join(c.dcim, 'SAME_CARD.JPG')); // inside the card: followed
    const dir = project();
    const r = runPostflight(['ingest', c.root, '--project', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { skipped: { path: string; reason: string }[]; counts: Record<string, number>; card: { safe_to_format: boolean } };
    const outside = 'link to a place outside the card (not followed)';
    expect(summary.skipped).toEqual(
      expect.arrayContaining([
        { path: 'DCIM/100MEDIA/passwd.JPG', reason: outside },
        { path: 'DCIM/etc', reason: outside },
      ]),
    );
    expect(summary.counts.duplicate).toBe(1); // SAME_CARD.JPG is the first photo's bytes
    expect(rows(dir).map((row) => row.source_path).filter((p) => /passwd|etc\//.test(p))).toEqual([]);
    expect(listFiles(path.join(dir, 'images')).some((f) => f.includes('passwd'))).toBe(false);

    // A row pointing through a link at /etc/shadow (as an in-place ingest before this fix recorded it) is not served.
    const p = openProject(dir);
    try {
      fs.symlinkSync('/etc/shadow', path.join(c.dcim, 'shadow.JPG'));
      const base = { source_root: c.root, file_name: 'x.JPG', status: 'staged' as const, ingested_at: new Date().toISOString() };
      const evil = insertImage(p.db, { ...base, source_path: 'DCIM/100MEDIA/shadow.JPG', stored_path: path.join(c.dcim, 'shadow.JPG') });
      const direct = insertImage(p.db, { ...base, source_path: 'DCIM/100MEDIA/direct.JPG', stored_path: '/etc/passwd' });
      const onCard = insertImage(p.db, { ...base, source_path: `DCIM/100MEDIA/${c.files[1]}`, stored_path: path.join(c.dcim, c.files[1]!), size: 1 });
      for (const id of [evil, direct]) expect(() => resolveMedia(p, { kind: 'photo', id })).toThrow(/not in the project or on its card/);
      expect(resolveMedia(p, { kind: 'photo', id: onCard }).file).toBe(path.join(c.dcim, c.files[1]!));
      const copied = rows(dir).find((row) => row.copy_state === 'verified')!;
      const copiedId = sql(p.db).prepare('SELECT id FROM images WHERE stored_path = ?').pluck().get(copied.stored_path) as number;
      expect(resolveMedia(p, { kind: 'photo', id: copiedId }).file).toBe(path.join(dir, copied.stored_path!));
    } finally {
      p.close();
    }
  });

  it('clear errors: a path too long for this computer on the card is that entry\'s problem, not "card removed"; the card is not safe to format', () => {
    const c = card(2);
    const top = deepPhoto(c.dcim, path.join(c.dcim, c.files[0]!));
    try {
      const dir = project();
      const r = runPostflight(['ingest', c.root, '--project', dir, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/removed|stopped responding|ENAMETOOLONG/);
      const summary = JSON.parse(r.stdout) as { skipped: { path: string; reason: string }[]; card: { safe_to_format: boolean; photos_verified: number; unverified: { path: string; reason: string }[] } };
      const tooLong = summary.skipped.filter((e) => /path too long for this computer/.test(e.reason));
      expect(tooLong).toHaveLength(1);
      expect(tooLong[0]!.path.startsWith(`DCIM/100MEDIA/${'L'.repeat(200)}`)).toBe(true);
      expectAllCopied(dir, c);
      // Every photo it could reach is copied, but what it could not read may hold photos: never "safe to format".
      expect(summary.card.photos_verified).toBe(2);
      expect(summary.card.safe_to_format).toBe(false);
      expect(summary.card.unverified).toEqual([{ path: tooLong[0]!.path, reason: `${tooLong[0]!.reason}: photos in it may not have been copied` }]);
      const text = runPostflight(['ingest', c.root, '--project', dir]);
      expect(text.stdout).toMatch(/2 of 2 photos have a verified copy\. NOT safe to format: 1 folder\(s\) or file\(s\) on the card could not be read\./);
      expect(lastRunState(dir)).toBe('done');
    } finally {
      spawnSync('rm', ['-rf', top]);
    }
  });

  it('clear errors: a card folder the pilot may not read (EACCES) is that folder\'s problem, not "card removed"; the card is not safe to format', () => {
    const c = card(2);
    fs.chmodSync(c.root, 0o755);
    const locked = path.join(c.root, 'DCIM', '101MEDIA');
    fs.mkdirSync(locked);
    fs.copyFileSync(path.join(c.dcim, c.files[0]!), path.join(locked, 'DJI_0101.JPG'));
    fs.chmodSync(locked, 0o000);
    const dir = project();
    fs.chmodSync(dir, 0o777);
    try {
      const r = runUnprivileged(['ingest', c.root, '--project', dir, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/removed|stopped responding|EACCES/);
      const summary = JSON.parse(r.stdout) as { skipped: { path: string; reason: string }[]; card: { safe_to_format: boolean; unverified: { path: string; reason: string }[] } };
      expect(summary.skipped).toContainEqual({ path: 'DCIM/101MEDIA', reason: 'folder could not be read (permission denied)' });
      expect(summary.card.safe_to_format).toBe(false);
      expect(summary.card.unverified).toEqual([{ path: 'DCIM/101MEDIA', reason: 'folder could not be read (permission denied): photos in it may not have been copied' }]);
      expectAllCopied(dir, c);
      // Readable again: the next run copies its photo and the card is safe.
      fs.chmodSync(locked, 0o755);
      const again = runUnprivileged(['ingest', c.root, '--project', dir]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/Safe to format/);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });

  it('clear errors: an unwritable project folder or images/ folder is worded, never a stack trace', () => {
    const c = card(2);
    fs.chmodSync(c.root, 0o755);
    const dir = project();
    expect(runPostflight(['ingest', c.root, '--project', dir, '--in-place']).code).toBe(0);
    // Root writes anywhere: then the CLI runs as nobody on folders it does not own; otherwise the folder is made read-only.
    fs.chmodSync(dir, 0o555);
    try {
      const whole = runUnprivileged(['ingest', c.root, '--project', dir]);
      expect(whole.code).toBe(1);
      expect(whole.stderr).toBe(`postflight: Postflight may not write into the project folder ${dir} (permission denied). Fix the folder's permissions or pick another project folder.\n`);
      fs.chmodSync(dir, 0o777);
      fs.chmodSync(path.join(dir, 'postflight.db'), 0o666);
      for (const f of fs.readdirSync(dir)) if (f.startsWith('postflight.db-')) fs.chmodSync(path.join(dir, f), 0o666);
      fs.chmodSync(path.join(dir, 'images'), 0o555);
      const images = runUnprivileged(['ingest', c.root, '--project', dir]);
      expect(images.code).toBe(1);
      expect(images.stderr).toMatch(/postflight: Postflight may not write into the project folder .* \(permission denied\)\. .* 0 of 2 photos from this card are safe in the project \(verified copies\); do not format the card\.\n$/);
      expect(images.stderr).not.toMatch(/EACCES|ENOENT|at .*\.ts:\d+/);
      expect(lastRunState(dir)).toBe('interrupted');
    } finally {
      fs.chmodSync(dir, 0o777);
      fs.chmodSync(path.join(dir, 'images'), 0o777);
    }
  });

  it.skipIf(!asRoot)('clear errors: a read-only project disk and a read-only images/ folder are worded (read-only mounts)', (ctx) => {
    const c = card(2);
    const dir = project();
    if (!mountTmpfsOrSkip(ctx, dir, '64m', 'read-only cases')) return;
    const images = path.join(dir, 'images');
    try {
      expect(runPostflight(['ingest', c.root, '--project', dir, '--in-place']).code).toBe(0);
      // images/ alone read-only (a bind mount over it): the copy stops at once, worded, run interrupted.
      expect(spawnSync('mount', ['--bind', images, images]).status).toBe(0);
      expect(spawnSync('mount', ['-o', 'remount,bind,ro', images]).status).toBe(0);
      const copy = runPostflight(['ingest', c.root, '--project', dir]);
      expect(copy.code).toBe(1);
      expect(copy.stderr).toMatch(/postflight: The project folder .* is on a read-only disk: Postflight cannot copy photos there\. Pick a project folder on a writable disk\. 0 of 2 photos from this card are safe in the project \(verified copies\); do not format the card\.\n$/);
      expect(copy.stderr).not.toMatch(/ENOENT|EROFS|error: /);
      expect(lastRunState(dir)).toBe('interrupted');
      spawnSync('umount', [images]);
      // The whole project disk read-only: refused before anything starts.
      expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
      const whole = runPostflight(['ingest', c.root, '--project', dir]);
      expect(whole.code).toBe(1);
      expect(whole.stderr).toBe(`postflight: The project folder ${dir} is on a read-only disk: Postflight cannot write there. Pick a project folder on a writable disk.\n`);
      // Even reading needs the disk writable (SQLite's WAL index sits beside the database): said, not a stack trace.
      const report = runPostflight(['report', '--project', dir]);
      expect(report.code).toBe(1);
      expect(report.stderr).toBe(
        `postflight: The project folder ${dir} is on a read-only disk: Postflight cannot open its database (SQLite writes beside it even to read). Pick a project folder on a writable disk.\n`,
      );
    } finally {
      spawnSync('umount', [images]);
      spawnSync('umount', [dir]);
    }
  });

  it.skipIf(!asRoot)('clear errors: a full disk stops the copy at once, worded, partial files removed, run interrupted (tmpfs)', (ctx) => {
    const c = card(12);
    const dir = project();
    if (!mountTmpfsOrSkip(ctx, dir, '16m', 'disk-full case')) return;
    try {
      const r = runPostflight(['ingest', c.root, '--project', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/The project's disk is full \(\d+ MB free\)\. The copy stopped; partial files were removed\./);
      expect(r.stderr).toMatch(/\d+ of 12 photos from this card are safe in the project \(verified copies\); do not format the card\./);
      expect(r.stderr).not.toMatch(/ENOSPC: |at .*\.ts:\d+/);
      expect(listFiles(path.join(dir, 'images')).filter((f) => f.endsWith('.postflight-partial'))).toEqual([]);
      expect(lastRunState(dir)).toBe('interrupted');
      // Whatever was recorded is a verified copy on disk.
      for (const row of rows(dir)) if (row.copy_state === 'verified') expect(md5File(path.join(dir, row.stored_path!))).toBe(row.md5);
    } finally {
      spawnSync('umount', [dir]);
    }
  });
});
