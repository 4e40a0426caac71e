import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { AppError } from '../../src-main/common/errors.ts';
import { loginCommand } from '../../src-main/cli/commands/login.ts';
import { tasksImportCommand } from '../../src-main/cli/commands/tasks-import.ts';
import { envTokens, memoryTokens, needsRefresh } from '../../src-main/dronetm/auth.ts';
import { DronetmClient } from '../../src-main/dronetm/client.ts';
import { syncToDronetm, type DronetmSyncOptions } from '../../src-main/dronetm/sync.ts';
import { openProject } from '../../src-main/project/project.ts';
import { odmCommand } from '../../src-main/cli/commands/odm.ts';
import { finishOdmRun, insertOdmRun } from '../../src-main/db/odm-runs.ts';
import { getTask } from '../../src-main/db/tasks.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../support/rgw.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startDronetmStandIn, type DronetmStandIn } from '../support/dronetm-server.ts';
import { STANDIN_ORTHO, writeGeoTiff } from '../support/odm-geotiff.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { listKeys, listUploads, MiB, remoteMd5 } from '../support/sync-s3.ts';
import { sql } from '../../src-main/db/database.ts';

const photos = brightonPhotos();
const PILOT = { id: 'u-pilot', email: 'pilot@example.org', password: 'correct horse', name: 'Pilot' };
const MANAGER = { id: 'u-manager', email: 'manager@example.org', password: 'manager pw', name: 'Manager' };
const PROJECT_ID = randomUUID();
const TASKS = [1, 2].map((index) => ({
  id: randomUUID(),
  index,
  geometry: {
    type: 'Polygon' as const,
    coordinates: [[[-0.1 + index * 0.01, 50.8], [-0.09 + index * 0.01, 50.8], [-0.09 + index * 0.01, 50.81], [-0.1 + index * 0.01, 50.81], [-0.1 + index * 0.01, 50.8]]],
  },
}));

let bucket: string;
let proxy: FaultProxy;
let dtm: DronetmStandIn;
let s3: S3Client;
const temps: string[] = [];

beforeAll(async () => {
  bucket = await freshBucket('dtm');
  const rgw = new URL(RGW.endpoint);
  proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
  dtm = await startDronetmStandIn({
    bucket,
    users: [PILOT, MANAGER],
    projects: [{ id: PROJECT_ID, name: 'Brighton beach', authorId: MANAGER.id, tasks: TASKS }],
    presignEndpoint: proxy.url,
  });
  s3 = rgwClient();
});

afterAll(async () => {
  await dtm.close();
  await proxy.close();
  s3.destroy();
  await dropBucket(bucket);
  for (const t of temps) rmTemp(t);
});

function tempDir(): string {
  const dir = makeTemp('pf-dtm-');
  temps.push(dir);
  return dir;
}

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  return { stream: new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) }), text: () => out };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

function pilotTokens() {
  const store = memoryTokens();
  const t = dtm.tokensFor(PILOT.email);
  void store.set(new DronetmClient(dtm.url, { tokens: store }).api, { accessToken: t.access_token, refreshToken: t.refresh_token });
  return store;
}

function syncOptions(extra: Partial<DronetmSyncOptions> = {}): DronetmSyncOptions {
  return {
    link: { server: `${dtm.url}/api`, projectId: PROJECT_ID },
    tokens: pilotTokens(),
    partSize: 5 * MiB,
    concurrency: 3,
    retry: { attempts: 4, baseMs: 50, maxMs: 300 },
    ...extra,
  };
}

describe('DroneTM sign-in', () => {
  it('logs in with e-mail and password and prints the environment lines; a wrong password is said in words', async () => {
    const out = sink();
    const err = sink();
    const code = await loginCommand.run(
      { values: { dronetm: dtm.url, email: PILOT.email }, positionals: [] },
      { stdout: out.stream, stderr: err.stream, isTty: false, env: { DRONETM_PASSWORD: PILOT.password } },
    );
    expect(code).toBe(0);
    expect(out.text()).toMatch(/^export DRONETM_ACCESS_TOKEN='[\w-]+\.[\w-]+\.[\w-]+'\nexport DRONETM_REFRESH_TOKEN='/);
    expect(err.text()).not.toContain('eyJ');

    const client = new DronetmClient(dtm.url, { tokens: memoryTokens() });
    const wrong = await rejection(client.login(PILOT.email, 'wrong'));
    expect(wrong.code).toBe('refused');
    expect(wrong.message).toMatch(/did not accept this e-mail and password/);
  });

  it('refreshes an expired access token with the refresh token, and says so in words when both expired', async () => {
    const tokens = memoryTokens();
    const client = new DronetmClient(dtm.url, { tokens });
    const stale = dtm.tokensFor(PILOT.email, { accessTtlSeconds: -10 });
    expect(needsRefresh(stale.access_token)).toBe(true);
    await tokens.set(client.api, { accessToken: stale.access_token, refreshToken: stale.refresh_token });
    const before = dtm.stats.refreshes;
    expect(await client.whoAmI()).toMatchObject({ email: PILOT.email });
    expect(dtm.stats.refreshes).toBe(before + 1);
    const saved = await tokens.get(client.api);
    expect(saved!.accessToken).not.toBe(stale.access_token);
    expect(needsRefresh(saved!.accessToken)).toBe(false);

    const dead = dtm.tokensFor(PILOT.email, { accessTtlSeconds: -10, refreshTtlSeconds: -5 });
    const expired = await rejection(
      new DronetmClient(dtm.url, { tokens: envTokens({ DRONETM_ACCESS_TOKEN: dead.access_token, DRONETM_REFRESH_TOKEN: dead.refresh_token }) }).whoAmI(),
    );
    expect(expired.message).toMatch(/sign-in at .* has expired.*postflight login --dronetm/);
  });

  it('words a wrong token, a missing sign-in and a server that is down', async () => {
    const bad = await rejection(new DronetmClient(dtm.url, { tokens: envTokens({ DRONETM_ACCESS_TOKEN: 'not-a-token' }) }).whoAmI());
    expect(bad.code).toBe('refused');
    expect(bad.message).toMatch(/no longer accepts your sign-in/);
    const none = await rejection(new DronetmClient(dtm.url, { tokens: envTokens({}) }).whoAmI());
    expect(none.message).toMatch(/Not signed in to DroneTM/);
    // A port that was just listening and is closed now: nothing answers there.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await rejection(
      new DronetmClient(`http://127.0.0.1:${port}`, { tokens: envTokens({ DRONETM_ACCESS_TOKEN: dtm.tokensFor(PILOT.email).access_token }), retry: { attempts: 2, baseMs: 10, maxMs: 20 } }).project(PROJECT_ID),
    );
    expect(down.code).toBe('remote_failed');
    expect(down.message).toMatch(/is not answering \(ECONNREFUSED\): the server is down or this computer is offline/);
  });
});

describe('tasks import --dronetm', () => {
  it('pulls the task outlines with their DroneTM uuid and index, and links the project', async () => {
    const dir = tempDir();
    openProject(dir, { create: true, name: 'pull' }).close();
    const t = dtm.tokensFor(PILOT.email);
    const out = sink();
    const env = { DRONETM_ACCESS_TOKEN: t.access_token };
    const code = await tasksImportCommand.run(
      { values: { project: dir, dronetm: dtm.url, 'dronetm-project': PROJECT_ID, json: true }, positionals: [] },
      { stdout: out.stream, stderr: sink().stream, isTty: false, env },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.text())).toMatchObject({ format: 'dronetm', added: ['1', '2'], projectId: PROJECT_ID, projectName: 'Brighton beach' });
    const project = openProject(dir);
    try {
      const rows = sql(project.db).prepare('SELECT task_id, name, dronetm_task_id, dronetm_task_index FROM tasks ORDER BY id').all();
      expect(rows).toEqual(TASKS.map((x) => ({ task_id: String(x.index), name: `Task ${x.index}`, dronetm_task_id: x.id, dronetm_task_index: x.index })));
    } finally {
      project.close();
    }

    const unknown = randomUUID();
    const missing = await rejection(
      tasksImportCommand.run(
        { values: { project: dir, dronetm: dtm.url, 'dronetm-project': unknown }, positionals: [] },
        { stdout: sink().stream, stderr: sink().stream, isTty: false, env },
      ),
    );
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain(`has no project ${unknown}`);
  });
});

describe('sync to DroneTM', () => {
  it('sends only accepted photos through presigned URLs, completes each once in one batch, and a rerun sends nothing', async () => {
    const { project, md5, imageIds } = makeSyncProject(tempDir(), [
      {
        taskId: '1',
        verified: true,
        photos: [
          { fileName: 'STRIP.JPG', from: photos.slice(0, 3) },
          { fileName: 'DJI_0001.JPG', from: [photos[3]!] },
          { fileName: 'DJI_0002.JPG', from: [photos[4]!], status: 'rejected' },
          { fileName: 'DJI_0003.JPG', from: [photos[5]!], manualDecision: 'rejected' },
        ],
      },
      // The same camera name in another task must not overwrite the first in DroneTM's flat staging folder.
      { taskId: '2', verified: true, photos: [{ fileName: 'DJI_0001.JPG', from: [photos[6]!] }] },
      { taskId: '3', verified: false, photos: [{ fileName: 'DJI_0009.JPG', from: [photos[7]!] }] },
    ]);
    try {
      const completesBefore = dtm.stats.completes.length;
      proxy.resetStats();
      const report = await syncToDronetm(project, syncOptions());
      expect(report.tasks.map((t) => [t.taskId, t.photos, t.uploaded])).toEqual([
        ['1', 2, 2],
        ['2', 1, 1],
      ]);
      const prefix = `projects/${PROJECT_ID}/user-uploads/`;
      const second = `DJI_0001_${md5.get(imageIds.get('2/DJI_0001.JPG#0')!)!.slice(0, 8)}.JPG`;
      expect(await listKeys(s3, bucket, prefix)).toEqual([`${prefix}DJI_0001.JPG`, `${prefix}${second}`, `${prefix}STRIP.JPG`]);
      expect(await remoteMd5(s3, bucket, `${prefix}STRIP.JPG`)).toBe(md5.get(imageIds.get('1/STRIP.JPG#0')!));
      expect(await remoteMd5(s3, bucket, `${prefix}DJI_0001.JPG`)).toBe(md5.get(imageIds.get('1/DJI_0001.JPG#1')!));
      expect(await remoteMd5(s3, bucket, `${prefix}${second}`)).toBe(md5.get(imageIds.get('2/DJI_0001.JPG#0')!));
      const completes = dtm.stats.completes.slice(completesBefore);
      expect(completes.map((c) => c.filename).sort()).toEqual(['DJI_0001.JPG', second, 'STRIP.JPG'].sort());
      expect(new Set(completes.map((c) => c.batchId))).toEqual(new Set([report.batchId]));
      expect(completes.every((c) => c.projectId === PROJECT_ID && c.userId === PILOT.id)).toBe(true);
      // The bytes went to S3 through the presigned URLs (the proxy), not through DroneTM.
      const total = [...md5.keys()].length && report.bytesTotal;
      expect(proxy.stats.bytesUp).toBeGreaterThanOrEqual(total);

      proxy.resetStats();
      const again = await syncToDronetm(project, syncOptions());
      expect(again.uploaded).toBe(0);
      expect(again.skipped).toBe(3);
      expect(proxy.stats.bytesUp).toBe(0);
      expect(dtm.stats.completes.length).toBe(completesBefore + 3);
      expect(again.batchId).not.toBe(report.batchId);
      expect(await listUploads(s3, bucket, prefix)).toEqual([]);
    } finally {
      project.close();
    }
  });

  it('signs a part again when its presigned URL has expired', async () => {
    const { project, md5 } = makeSyncProject(tempDir(), [{ taskId: '1', verified: true, photos: [{ fileName: 'EXPIRY.JPG', from: photos.slice(8, 10) }] }]);
    try {
      dtm.expireNextSigns(1);
      const report = await syncToDronetm(project, syncOptions());
      expect(report.uploaded).toBe(1);
      const key = `projects/${PROJECT_ID}/user-uploads/EXPIRY.JPG`;
      expect(await remoteMd5(s3, bucket, key)).toBe([...md5.values()][0]);
      const signs = [...dtm.stats.signs].filter(([k]) => k.startsWith(`${key}#`));
      expect(signs.reduce((sum, [, n]) => sum + n, 0)).toBe(signs.length + 1);
    } finally {
      project.close();
    }
  });

  it('refreshes an access token that expired before the sync, once, and sends everything on the new one', async () => {
    const { project } = makeSyncProject(tempDir(), [
      { taskId: '1', verified: true, photos: ['R1', 'R2', 'R3'].map((n, i) => ({ fileName: `${n}.JPG`, from: [photos[12 + i]!] })) },
    ]);
    try {
      const store = memoryTokens();
      const stale = dtm.tokensFor(PILOT.email, { accessTtlSeconds: -10 });
      await store.set(`${dtm.url}/api`, { accessToken: stale.access_token, refreshToken: stale.refresh_token });
      const before = dtm.stats.refreshes;
      const report = await syncToDronetm(project, syncOptions({ tokens: store }));
      expect(report.uploaded).toBe(3);
      expect(dtm.stats.refreshes).toBe(before + 1);
      expect(needsRefresh((await store.get(`${dtm.url}/api`))!.accessToken)).toBe(false);
    } finally {
      project.close();
    }
  });

  it('after a stop, list-parts adopts a part S3 holds that the journal lost, instead of sending it again', async () => {
    const { project, md5 } = makeSyncProject(tempDir(), [{ taskId: '1', verified: true, photos: [{ fileName: 'LOST.JPG', from: photos.slice(0, 6) }] }]);
    try {
      const stop = new AbortController();
      const paused = await rejection(
        syncToDronetm(project, syncOptions({ concurrency: 1, maxBytesPerSecond: 20e6 }), {
          signal: stop.signal,
          onProgress: (p) => {
            if ((p.bytesDone ?? 0) > 0.6 * (p.bytesTotal ?? 1)) stop.abort();
          },
        }),
      );
      expect(paused.code).toBe('cancelled');
      const parts = sql(project.db).prepare('SELECT part_number, size FROM upload_parts ORDER BY part_number').all() as { part_number: number; size: number }[];
      expect(parts.length).toBeGreaterThanOrEqual(2);
      // As if the process died between S3's answer and the journal write of the first part.
      sql(project.db).prepare('DELETE FROM upload_parts WHERE part_number = 1').run();
      const size = (sql(project.db).prepare('SELECT size FROM images').get() as { size: number }).size;
      const held = parts.reduce((sum, p) => sum + p.size, 0);

      // The stopped part's bytes may still be on their way through the proxy: count only the rerun's.
      await proxy.quiet();
      proxy.resetStats();
      const signsBefore = dtm.stats.signs.get(`projects/${PROJECT_ID}/user-uploads/LOST.JPG#1`);
      const report = await syncToDronetm(project, syncOptions());
      expect(report.uploaded).toBe(1);
      expect(proxy.stats.bytesUp, `rerun sent ${proxy.stats.bytesUp} B; ${size} B photo, ${held} B held; ${report.retries} retries`).toBeLessThanOrEqual(size - held + 100_000);
      expect(dtm.stats.signs.get(`projects/${PROJECT_ID}/user-uploads/LOST.JPG#1`)).toBe(signsBefore);
      expect(await remoteMd5(s3, bucket, `projects/${PROJECT_ID}/user-uploads/LOST.JPG`)).toBe([...md5.values()][0]);
    } finally {
      project.close();
    }
  });

  it('refuses a wrong token before sending anything, in words', async () => {
    const { project } = makeSyncProject(tempDir(), [{ taskId: '1', verified: true, photos: [{ fileName: 'NOPE.JPG', from: [photos[11]!] }] }]);
    try {
      proxy.resetStats();
      const err = await rejection(syncToDronetm(project, syncOptions({ tokens: envTokens({ DRONETM_ACCESS_TOKEN: 'a.b.c' }) })));
      expect(err.message).toMatch(/no longer accepts your sign-in .*postflight login --dronetm/);
      expect(proxy.stats.bytesUp).toBe(0);
      const wrongProject = await rejection(syncToDronetm(project, syncOptions({ link: { server: `${dtm.url}/api`, projectId: randomUUID() } })));
      expect(wrongProject.code).toBe('not_found');
    } finally {
      project.close();
    }
  });
});

describe('odm --push', () => {
  it("sends the task's orthophoto as odm_import.zip for the creator, and words DroneTM's 403 for a pilot", async () => {
    const dir = tempDir();
    openProject(dir, { create: true, name: 'push' }).close();
    const cli = (email: string, values: Record<string, string | boolean>) => {
      const out = sink();
      const run = odmCommand.run(
        { values: { project: dir, task: '2', push: true, json: true, ...values }, positionals: [] },
        { stdout: out.stream, stderr: sink().stream, isTty: false, env: { DRONETM_ACCESS_TOKEN: dtm.tokensFor(email).access_token } },
      );
      return { run, out };
    };
    await tasksImportCommand.run(
      { values: { project: dir, dronetm: dtm.url, 'dronetm-project': PROJECT_ID }, positionals: [] },
      { stdout: sink().stream, stderr: sink().stream, isTty: false, env: { DRONETM_ACCESS_TOKEN: dtm.tokensFor(PILOT.email).access_token } },
    );
    const noRun = await rejection(cli(MANAGER.email, {}).run);
    expect(noRun.message).toMatch(/no finished ODM run/);

    const project = openProject(dir);
    const tif = writeGeoTiff(STANDIN_ORTHO);
    try {
      const task = getTask(project.db, '2')!;
      const rel = path.join('odm', 'run-1', 'odm_orthophoto', 'odm_orthophoto.tif');
      fs.mkdirSync(path.dirname(project.resolve(rel)), { recursive: true });
      fs.writeFileSync(project.resolve(rel), tif);
      insertOdmRun(project.db, { id: 'run-1', taskId: task.id, engine: 'docker', options: {}, logPath: 'logs/odm.log' });
      finishOdmRun(project.db, 'run-1', { orthophoto: rel });
    } finally {
      project.close();
    }

    const refused = await rejection(cli(PILOT.email, {}).run);
    expect(refused.code).toBe('refused');
    expect(refused.message).toMatch(/not a member of this project or lacks the right \(Only the project creator may import ODM assets\)/);

    const before = dtm.stats.completes.length;
    const first = cli(MANAGER.email, {});
    expect(await first.run).toBe(0);
    const result = JSON.parse(first.out.text());
    const key = `projects/${PROJECT_ID}/${TASKS[1]!.id}/odm_import.zip`;
    expect(result).toMatchObject({ taskId: '2', dronetmTaskId: TASKS[1]!.id, fileKey: key, sent: true });
    expect(dtm.stats.completes.slice(before)).toMatchObject([{ fileKey: key, purpose: 'odm_import', taskId: TASKS[1]!.id, userId: MANAGER.id }]);
    const zip = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const entries = unzipSync(await zip.Body!.transformToByteArray());
    expect(Object.keys(entries)).toEqual(['odm_orthophoto/odm_orthophoto.tif']);
    expect(Buffer.from(entries['odm_orthophoto/odm_orthophoto.tif']!).equals(tif)).toBe(true);

    const again = cli(MANAGER.email, {});
    expect(await again.run).toBe(0);
    expect(JSON.parse(again.out.text()).sent).toBe(false);
    expect(dtm.stats.completes.length).toBe(before + 1);
  });
});
