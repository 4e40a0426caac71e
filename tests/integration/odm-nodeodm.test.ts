import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { listOdmRuns, listOdmUploads } from '../../src-main/db/odm-runs.ts';
import { NodeOdmClient } from '../../src-main/odm/nodeodm-client.ts';
import { cancelOdm, detectEngines, runOdm } from '../../src-main/odm/service.ts';
import { startNodeOdmServer } from '../support/nodeodm-server.ts';
import { createOdmProject } from '../support/odm-project.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

describe('ODM on a NodeODM node (real HTTP)', () => {
  const temps: string[] = [];
  const temp = (): string => {
    const d = makeTemp('postflight-nodeodm-');
    temps.push(d);
    return d;
  };
  afterAll(() => temps.forEach(rmTemp));

  it('uploads the photos with the token, follows the log and registers the downloaded orthophoto', async () => {
    const node = await startNodeOdmServer({ token: 's3cret' });
    const { project, taskRowId } = createOdmProject(temp(), { photos: 3, rejected: 1, gsdCm: 3 });
    const lines: string[] = [];
    const run = await runOdm(project, taskRowId, { engine: 'nodeodm', nodeOdm: { url: node.url, token: 's3cret', pollMs: 30 } }, { onLog: (l) => lines.push(l) });
    expect(run.state).toBe('done');
    const task = node.tasks.get(run.remoteUuid!)!;
    expect(task.options).toEqual([
      { name: 'fast-orthophoto', value: true },
      { name: 'orthophoto-resolution', value: 3 },
    ]);
    expect([...task.files.keys()].sort()).toEqual(['DJI_0018.JPG', 'DJI_0019.JPG', 'DJI_0020.JPG']);
    expect(task.files.get('DJI_0018.JPG')).toBe(fs.statSync(`${project.dir}/images/DJI_0018.JPG`).size);
    expect(lines).toContain('[INFO]    Finished odm_orthophoto stage');
    expect(fs.readFileSync(project.resolve(run.logPath!), 'utf8')).toContain('Found 3 usable images');
    expect(fs.existsSync(project.resolve(run.outputs!.orthophoto!))).toBe(true);
    expect(run.outputs!.report).toBeDefined();
    expect(run.outputs!.overlay!.corners[0]![0]).toBeCloseTo(151.159969281, 7);
    expect(run.outputs!.overlay!.corners[0]![1]).toBeCloseTo(-33.96679737, 7);
    expect(await detectEngines({ docker: undefined, nodeOdm: { url: node.url, token: 's3cret' }, images: [] })).toMatchObject({
      nodeOdm: { available: true, version: '2.2.1' },
    });
    project.close();
    await node.close();
  });

  it('refuses a wrong token in plain words', async () => {
    const node = await startNodeOdmServer({ token: 's3cret' });
    await expect(new NodeOdmClient({ url: node.url, token: 'nope' }).info()).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/token/) });
    await node.close();
  });

  it('resumes an interrupted upload, sending only the photos not yet on the node', async () => {
    const node = await startNodeOdmServer({ dropUpload: 3 });
    const { project, taskRowId } = createOdmProject(temp(), { photos: 4 });
    const conn = { url: node.url, pollMs: 30 };
    await expect(runOdm(project, taskRowId, { engine: 'nodeodm', nodeOdm: conn })).rejects.toMatchObject({ code: 'remote_failed' });
    const broken = listOdmRuns(project.db, taskRowId)[0]!;
    expect(broken.state).toBe('failed');
    expect(broken.error).toMatch(/resume/);
    expect(listOdmUploads(project.db, broken.id, broken.remoteUuid!).size).toBe(2);

    const run = await runOdm(project, taskRowId, { engine: 'nodeodm', nodeOdm: conn, resumeRunId: broken.id });
    expect(run.id).toBe(broken.id);
    expect(run.state).toBe('done');
    expect(node.tasks.size).toBe(1);
    expect(node.tasks.get(run.remoteUuid!)!.files.size).toBe(4);
    expect([...node.stored.values()]).toEqual([1, 1, 1, 1]);
    project.close();
    await node.close();
  });

  it("fails with ODM's reason when the node has too few photos", async () => {
    const node = await startNodeOdmServer({ minImages: 3 });
    const { project, taskRowId } = createOdmProject(temp(), { photos: 2 });
    const err = await runOdm(project, taskRowId, { engine: 'nodeodm', nodeOdm: { url: node.url, pollMs: 30 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'remote_failed', message: expect.stringMatching(/enough usable photos/) });
    expect(listOdmRuns(project.db, taskRowId)[0]!.error).toMatch(/Not enough supported images/);
    project.close();
    await node.close();
  });

  it('cancel cancels and removes the remote task', async () => {
    const node = await startNodeOdmServer({ stepMs: 400 });
    const { project, taskRowId } = createOdmProject(temp(), { photos: 3 });
    const pending = runOdm(project, taskRowId, { engine: 'nodeodm', nodeOdm: { url: node.url, pollMs: 30 } }, {
      onLog: (l) => {
        if (l.includes('Running dataset stage')) void cancelOdm(project, listOdmRuns(project.db, taskRowId)[0]!.id);
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    const run = listOdmRuns(project.db, taskRowId)[0]!;
    expect(run.state).toBe('cancelled');
    expect(node.tasks.get(run.remoteUuid!)).toMatchObject({ cancelled: true, removed: true });
    project.close();
    await node.close();
  });
});
