/** `serve --port` (issue 12, clear errors): bad values and a port in use are worded, never a stack trace. */
import net from 'node:net';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runPostflight } from '../support/cli.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

const dir = makeTemp();
afterAll(() => rmTemp(dir));

it('refuses --port abc and 80000 as usage errors, and a port in use with a worded error', async () => {
  const project = path.join(dir, 'project');
  for (const bad of ['abc', '80000', '-1', '12.5']) {
    const r = runPostflight(['serve', '--project', project, `--port=${bad}`]);
    expect(r.code, bad).toBe(2);
    expect(r.stderr).toMatch(/--port must be a whole number from 0 to 65535/);
  }
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const r = runPostflight(['serve', '--project', project, '--port', String(port)], { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`postflight: Port ${port} is already in use on 127.0.0.1: pick another with --port, or leave it out to get a free one.\n`);
  } finally {
    busy.close();
  }
});
