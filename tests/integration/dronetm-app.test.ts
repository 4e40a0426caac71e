/**
 * DroneTM from the app's side, through the same dispatch the IPC and HTTP adapters use: choosing DroneTM as the
 * target, signing in (token kept by the app's token store, never in a result or the project), pulling tasks, and the
 * sync job sending the verified photos through the stand-in DroneTM API to the real RGW.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDispatch, type Dispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import { Session } from '../../src-main/api/session.ts';
import { memoryTokens } from '../../src-main/dronetm/auth.ts';
import type { CloudTargetInfo, JobInfo } from '../../src-preload/contract.ts';
import { startDronetmStandIn, type DronetmStandIn } from '../support/dronetm-server.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { dropBucket, freshBucket, rgwClient } from '../support/rgw.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { listKeys, remoteMd5 } from '../support/sync-s3.ts';
import { sql } from '../../src-main/db/database.ts';

const PILOT = { id: 'u-pilot', email: 'pilot@example.org', password: 'pw', name: 'Pilot' };
const PROJECT_ID = randomUUID();
const square = (x: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, 50.8], [x + 0.01, 50.8], [x + 0.01, 50.81], [x, 50.81], [x, 50.8]]],
});
let bucket: string;
let dtm: DronetmStandIn;
let dir: string;
let session: Session;
let call: Dispatch;
const tokens = memoryTokens();

beforeAll(async () => {
  bucket = await freshBucket('dtmapp');
  dtm = await startDronetmStandIn({
    bucket,
    users: [PILOT],
    projects: [{ id: PROJECT_ID, name: 'app', authorId: PILOT.id, tasks: [{ id: randomUUID(), index: 7, geometry: square(-0.2) }] }],
  });
  dir = makeTemp('pf-dtm-app-');
  const photos = brightonPhotos();
  makeSyncProject(path.join(dir, 'project'), [
    { taskId: 'A', verified: true, photos: [{ fileName: 'DJI_0100.JPG', from: [photos[0]!] }, { fileName: 'DJI_0101.JPG', from: [photos[1]!], status: 'rejected' }] },
  ]).project.close();
  session = new Session({ emit: () => {}, recentFile: path.join(dir, 'recent.json') });
  call = createDispatch(createHandlers(session, 'http', { dronetmTokens: tokens }));
  await ok('project.open', { dir: path.join(dir, 'project') });
});

afterAll(async () => {
  await session.close();
  await dtm.close();
  await dropBucket(bucket);
  rmTemp(dir);
});

async function ok<T>(method: string, params: unknown = {}): Promise<T> {
  const envelope = await call(method, params);
  expect(envelope.error, method).toBeUndefined();
  return envelope.result as T;
}

async function settle(): Promise<JobInfo[]> {
  for (;;) {
    const jobs = await ok<JobInfo[]>('jobs.list');
    if (jobs.every((j) => j.state !== 'queued' && j.state !== 'running')) return jobs;
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('links, signs in, pulls tasks and syncs to DroneTM from the Sync view methods; the token stays in the token store', async () => {
  expect(await ok<CloudTargetInfo>('sync.getCloud')).toEqual({ kind: 's3', dronetm: null, signedIn: false });
  expect((await call('sync.setKind', { kind: 'dronetm' })).error?.message).toMatch(/DroneTM address and project first/);

  const linked = await ok<CloudTargetInfo>('dronetm.setProject', { server: dtm.url, projectId: PROJECT_ID });
  expect(linked).toEqual({ kind: 'dronetm', dronetm: { server: `${dtm.url}/api`, projectId: PROJECT_ID }, signedIn: false });

  const wrong = await call('dronetm.login', { email: PILOT.email, password: 'nope' });
  expect(wrong.error).toMatchObject({ code: 'refused', message: expect.stringMatching(/did not accept this e-mail and password/) });
  expect(await tokens.get(`${dtm.url}/api`)).toBeNull();

  const signedIn = await ok<CloudTargetInfo>('dronetm.login', { email: PILOT.email, password: PILOT.password });
  expect(signedIn.signedIn).toBe(true);
  expect(JSON.stringify(signedIn)).not.toContain('eyJ');
  expect((await tokens.get(`${dtm.url}/api`))?.accessToken).toMatch(/^eyJ/);

  expect(await ok('dronetm.importTasks')).toEqual({ imported: 1, taskIds: ['7'] });

  await ok('sync.start', {});
  const [job] = await settle();
  expect(job).toMatchObject({ kind: 'sync', state: 'done', result: { uploaded: 1, tasks: [{ taskId: 'A', photos: 1 }] } });
  const prefix = `projects/${PROJECT_ID}/user-uploads/`;
  const s3 = rgwClient();
  try {
    expect(await listKeys(s3, bucket, prefix)).toEqual([`${prefix}DJI_0100.JPG`]);
    expect(await remoteMd5(s3, bucket, `${prefix}DJI_0100.JPG`)).toMatch(/^[0-9a-f]{32}$/);
  } finally {
    s3.destroy();
  }

  // Nothing of the sign-in went into the project: settings and the event log hold no token.
  const db = session.require().project.db;
  const stored = JSON.stringify([sql(db).prepare('SELECT * FROM settings').all(), sql(db).prepare('SELECT * FROM events').all()]);
  expect(stored).toContain(PROJECT_ID);
  expect(stored).not.toContain('eyJ');

  expect(await ok<CloudTargetInfo>('dronetm.logout')).toMatchObject({ signedIn: false });
  expect(await ok<CloudTargetInfo>('sync.setKind', { kind: 's3' })).toMatchObject({ kind: 's3' });
});
