/**
 * ODM orphans (issue 12, item 9): a container whose owner process lives is never reaped by another Postflight; once
 * that owner is gone (kill -9), the next start reaps it. Real Docker, a real owner process.
 */
import { spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { connectDocker, requireDocker } from '../../src-main/odm/docker-engine.ts';
import { OWNER_LABEL, PROJECT_LABEL } from '../../src-main/odm/docker-run.ts';
import { reapOrphans } from '../../src-main/odm/service.ts';
import { openProject } from '../../src-main/project/project.ts';
import { buildStandInImages, STANDIN_FAST } from '../support/odm-image.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import os from 'node:os';
import fs from 'node:fs';

const temps: string[] = [];
afterAll(() => temps.forEach(rmTemp));

it('reaps only containers whose owning Postflight process is gone', async () => {
  const docker = connectDocker();
  await requireDocker(docker);
  await buildStandInImages(docker);
  const dir = makeTemp();
  temps.push(dir);
  const project = openProject(dir, { create: true });
  // Another Postflight process, alive, that started an ODM container for this project.
  const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const stat = fs.readFileSync(`/proc/${owner.pid}/stat`, 'utf8');
  const processStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const container = await docker.createContainer({
    Image: STANDIN_FAST,
    Labels: { [PROJECT_LABEL]: project.info.id, [OWNER_LABEL]: JSON.stringify({ pid: owner.pid, host: os.hostname(), processStart }) },
  });
  try {
    expect((await reapOrphans(project, { docker })).removedContainers).toEqual([]);
    expect((await container.inspect()).Id).toBe(container.id);

    owner.kill('SIGKILL');
    await new Promise((r) => owner.once('exit', r));
    expect((await reapOrphans(project, { docker })).removedContainers).toEqual([container.id]);
  } finally {
    owner.kill('SIGKILL');
    await container.remove({ force: true }).catch(() => undefined);
    project.close();
  }
});
