import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src-main/cli/command.ts';
import { odmCommand } from '../../src-main/cli/commands/odm.ts';
import { connectDocker } from '../../src-main/odm/docker-engine.ts';
import { buildStandInImages, STANDIN_FAST } from '../support/odm-image.ts';
import { createOdmProject } from '../support/odm-project.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, isTty: false, env: {}, out: () => out, err: () => err };
}

describe('postflight odm', () => {
  const dir = makeTemp('postflight-odm-cli-');
  beforeAll(() => buildStandInImages(connectDocker()));
  afterAll(() => rmTemp(dir));

  it('runs ODM for the task the pilot names and prints the run', async () => {
    createOdmProject(dir, { photos: 3, gsdCm: 2 }).project.close();
    const cli = io();
    const code = await odmCommand.run(
      { values: { project: dir, task: '7', image: STANDIN_FAST, gpu: 'off', option: ['dem-resolution=10'], json: true }, positionals: [] },
      cli,
    );
    expect(code).toBe(0);
    const run = JSON.parse(cli.out()) as { state: string; options: { odm: Record<string, unknown> }; outputs: { orthophoto: string } };
    expect(run.state).toBe('done');
    expect(run.options.odm).toEqual({ 'fast-orthophoto': true, 'orthophoto-resolution': 2, 'dem-resolution': '10' });
    expect(run.outputs.orthophoto).toMatch(/odm_orthophoto\.tif$/);
  });

  it('refuses unknown engines and tasks in plain words', async () => {
    await expect(odmCommand.run({ values: { project: dir, task: '7', engine: 'cloud' }, positionals: [] }, io())).rejects.toThrow(/docker or nodeodm/);
    await expect(odmCommand.run({ values: { project: dir, task: 'nope', image: STANDIN_FAST }, positionals: [] }, io())).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
