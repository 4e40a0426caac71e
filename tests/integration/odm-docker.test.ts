import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOdmRun, listOdmRuns } from '../../src-main/db/odm-runs.ts';
import { connectDocker, detectGpu, dockerStatus, ensureImage, requireDocker, chooseGpu } from '../../src-main/odm/docker-engine.ts';
import { RUN_LABEL, PROJECT_LABEL } from '../../src-main/odm/docker-run.ts';
import { detectEngines, ORPHAN_REASON, reapOrphans, runOdm } from '../../src-main/odm/service.ts';
import { openProject } from '../../src-main/project/project.ts';
import { buildStandInImages, STANDIN_FAST, STANDIN_SLOW } from '../support/odm-image.ts';
import { createOdmProject } from '../support/odm-project.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';

const md5 = (file: string): string => createHash('md5').update(fs.readFileSync(file)).digest('hex');

async function containersOf(docker: Docker, label: string, value: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } });
  return list.map((c) => c.Id);
}

describe('ODM in a real Docker engine (stand-in image)', () => {
  const temps: string[] = [];
  const temp = (): string => {
    const d = makeTemp('postflight-odm-');
    temps.push(d);
    return d;
  };
  let docker: Docker;

  beforeAll(async () => {
    docker = connectDocker();
    await requireDocker(docker);
    await buildStandInImages(docker);
  });
  afterAll(() => temps.forEach(rmTemp));

  it('makes an orthophoto of the accepted photos and registers its outputs and map overlay', async () => {
    const { project, taskRowId, photoFiles } = createOdmProject(temp(), { photos: 4, rejected: 1, gsdCm: 2.5 });
    const before = photoFiles.map(md5);
    const lines: string[] = [];
    const percents: number[] = [];
    const run = await runOdm(project, taskRowId, { image: STANDIN_FAST, gpu: 'auto', docker }, {
      onLog: (l) => lines.push(l),
      onProgress: (p) => percents.push(p.done),
    });
    expect(run.state).toBe('done');
    expect(run.engine).toBe('docker');
    // The accepted photos only (the rejected one stays out), read-only, with the GSD as the resolution.
    expect(lines).toContain('[INFO]    Found 4 usable images');
    expect(lines).toContain('[INFO]    images folder is read-only');
    // Same file system: hard links, no copies.
    expect(lines.find((l) => l.startsWith('[postflight] 4 photos staged'))).toMatch(/\(4 linked, 0 copied\)/);
    expect(lines.find((l) => l.includes('args:'))).toMatch(/--project-path \/datasets task-7 --fast-orthophoto --orthophoto-resolution 2.5/);
    expect(run.options.odm).toEqual({ 'fast-orthophoto': true, 'orthophoto-resolution': 2.5 });
    expect(run.options.gpu).toBe(false);
    // Progress follows ODM's stage markers, never backwards, ending at 100.
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents).toContain(25);
    expect(percents.at(-1)).toBe(100);

    const out = run.outputs!;
    expect(fs.existsSync(project.resolve(out.orthophoto!))).toBe(true);
    expect(fs.readFileSync(project.resolve(out.report!)).subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.readFileSync(project.resolve(out.log!), 'utf8')).toContain('Finished odm_orthophoto stage');
    // Corners of what the stand-in wrote (UTM 56S), against PROJ: cs2cs EPSG:32756 EPSG:4326.
    expect(out.overlay!.epsg).toBe(32756);
    expect(out.overlay!.corners[0]![0]).toBeCloseTo(151.159969281, 7);
    expect(out.overlay!.corners[0]![1]).toBeCloseTo(-33.96679737, 7);
    expect(out.overlay!.corners[2]![0]).toBeCloseTo(151.160310824, 7);
    expect(out.overlay!.corners[2]![1]).toBeCloseTo(-33.96701889, 7);
    expect(out.overlay!.bounds[0]).toBeLessThan(out.overlay!.bounds[2]);
    expect([out.overlay!.width, out.overlay!.height]).toEqual([64, 48]);
    expect(fs.readFileSync(project.resolve(out.overlay!.png)).subarray(1, 4).toString()).toBe('PNG');

    // The originals are untouched, the staging is gone, and so is the container.
    expect(photoFiles.map(md5)).toEqual(before);
    expect(fs.existsSync(project.resolve(path.join('odm', '.staging', run.id)))).toBe(false);
    expect(await containersOf(docker, RUN_LABEL, run.id)).toEqual([]);
    project.close();
  });

  it("reports ODM's last lines, in the pilot's words, when it fails for want of photos", async () => {
    const { project, taskRowId } = createOdmProject(temp(), { photos: 2 });
    const err = await runOdm(project, taskRowId, { image: STANDIN_FAST, gpu: 'off', docker }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'remote_failed', message: expect.stringMatching(/enough usable photos/) });
    const run = listOdmRuns(project.db, taskRowId)[0]!;
    expect(run.state).toBe('failed');
    expect(run.error).toMatch(/Not enough supported images in \/datasets\/task-7\/images/);
    expect(run.outputs?.log).toBe(run.logPath);
    project.close();
  });

  it('refuses a task that is not verified', async () => {
    const { project, taskRowId } = createOdmProject(temp(), { photos: 3, verified: false });
    await expect(runOdm(project, taskRowId, { image: STANDIN_FAST, docker })).rejects.toMatchObject({ code: 'refused' });
    project.close();
  });

  it('cancel stops and removes the container; a timeout does the same and fails the run', async () => {
    const { project, taskRowId } = createOdmProject(temp(), { photos: 3 });
    const abort = new AbortController();
    const started = Date.now();
    const err = await runOdm(project, taskRowId, { image: STANDIN_SLOW, gpu: 'off', docker, stopGraceSeconds: 5 }, {
      signal: abort.signal,
      onLog: (l) => l.includes('Running dataset stage') && abort.abort(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    const cancelled = listOdmRuns(project.db, taskRowId)[0]!;
    expect(cancelled.state).toBe('cancelled');
    // ODM's SIGTERM handler ran (no 5 s wait for SIGKILL, no 20 s stage).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await containersOf(docker, PROJECT_LABEL, project.info.id)).toEqual([]);

    const timedOut = await runOdm(project, taskRowId, { image: STANDIN_SLOW, gpu: 'off', docker, timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'remote_failed', message: expect.stringMatching(/still running/) });
    expect(listOdmRuns(project.db, taskRowId)[0]!.state).toBe('failed');
    expect(await containersOf(docker, PROJECT_LABEL, project.info.id)).toEqual([]);
    project.close();
  });

  it('reaps the container of a run whose app was killed, and marks the run failed', async () => {
    const dir = temp();
    const { project, taskRowId } = createOdmProject(dir, { photos: 3 });
    project.close();
    const child = spawn(process.execPath, [path.join(repoRoot, 'tests/support/odm-crash-child.ts'), dir, String(taskRowId), STANDIN_SLOW], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const runId = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        const m = /STARTED (\S+)/.exec(c.toString());
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const reopened = openProject(dir);
    expect(getOdmRun(reopened.db, runId)!.state).toBe('running');
    expect(await containersOf(docker, RUN_LABEL, runId)).toHaveLength(1);
    const reaped = await reapOrphans(reopened, { docker });
    expect(reaped.failedRuns).toEqual([runId]);
    expect(reaped.removedContainers).toHaveLength(1);
    const run = getOdmRun(reopened.db, runId)!;
    expect(run.state).toBe('failed');
    expect(run.error).toBe(ORPHAN_REASON);
    expect(fs.readFileSync(reopened.resolve(run.logPath!), 'utf8')).toContain('last output of the abandoned container');
    expect(await containersOf(docker, RUN_LABEL, runId)).toEqual([]);
    // A second start finds nothing more to do.
    expect(await reapOrphans(reopened, { docker })).toEqual({ removedContainers: [], failedRuns: [] });
    reopened.close();
  });

  it('answers "no GPU" here without failing, and auto falls back to the CPU', async () => {
    const gpu = await detectGpu(docker, STANDIN_FAST);
    expect(gpu.available).toBe(false);
    expect(gpu.reason).toMatch(/GPU|nvidia/i);
    await expect(chooseGpu(docker, 'auto', STANDIN_FAST)).resolves.toMatchObject({ available: false });
    await expect(chooseGpu(docker, 'on', STANDIN_FAST)).rejects.toMatchObject({ code: 'engine_unavailable' });
    const engines = await detectEngines({ docker, images: [STANDIN_FAST, 'postflight/none:never'] });
    expect(engines.docker).toMatchObject({ available: true, images: { [STANDIN_FAST]: true, 'postflight/none:never': false }, gpu: { available: false } });
    expect(await containersOf(docker, 'org.postflight.probe', 'gpu')).toEqual([]);
  });

  it('says clearly when an image is missing and cannot be downloaded', async () => {
    await expect(ensureImage(docker, 'localhost:1/postflight/none:never')).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringMatching(/not on this computer and could not be downloaded/),
    });
  });

  it('guides the pilot when Docker cannot be reached', async () => {
    const dir = temp();
    const missing = await dockerStatus(connectDocker({ DOCKER_HOST: `unix://${dir}/missing.sock` }));
    expect(missing).toMatchObject({ available: false, errorCode: 'ENOENT' });
    expect(missing.guidance).toMatch(/Docker is (installed but )?not (running|installed)/);

    const sock = path.join(dir, 'dead.sock');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    // Closing a listening unix socket server leaves no listener; keep the file so connecting is refused.
    await new Promise((r) => server.close(r));
    fs.writeFileSync(sock, '');
    const refused = await dockerStatus(connectDocker({ DOCKER_HOST: `unix://${sock}` }));
    expect(refused.available).toBe(false);
    expect(refused.guidance).toMatch(/Docker/);

    const { project, taskRowId } = createOdmProject(temp(), { photos: 3 });
    await expect(
      runOdm(project, taskRowId, { docker: connectDocker({ DOCKER_HOST: `unix://${dir}/missing.sock` }) }),
    ).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringMatching(/Docker/) });
    project.close();
  });
});
