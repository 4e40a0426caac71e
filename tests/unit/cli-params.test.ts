import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.ts';
import { createDispatch, type ApiHandlers } from '../../src-main/api/dispatch.ts';

function capture(): { io: Parameters<typeof runCli>[1]; err: () => string } {
  let err = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (c, _e, cb) => (write(String(c)), cb()) });
  return {
    io: { stdout: sink(() => {}), stderr: sink((s) => (err += s)), isTty: false, env: {} },
    err: () => err,
  };
}

/** The words the IPC/HTTP dispatch gives for the same params (its issues), for comparison. */
async function dispatchIssues(method: string, params: unknown): Promise<string[]> {
  const envelope = await createDispatch({} as ApiHandlers)(method, params);
  if (!('error' in envelope) || !envelope.error) throw new Error('the dispatch accepted it');
  const issues = (envelope.error.details as { issues: { message: string }[] }).issues;
  return issues.map((i) => i.message);
}

describe('CLI flags are checked by the contract schemas', () => {
  it('a bad --engine / --gpu is refused (exit 2) with the words odm.start gives over IPC and HTTP', async () => {
    const c = capture();
    expect(await runCli(['odm', '--project', '/nonexistent', '--task', 'A', '--engine', 'kubernetes', '--gpu', 'maybe'], c.io)).toBe(2);
    const words = await dispatchIssues('odm.start', { taskId: 'A', engine: 'kubernetes', gpu: 'maybe' });
    expect(words).toHaveLength(2);
    expect(c.err()).toContain(`--engine: ${words[0]}`);
    expect(c.err()).toContain(`--gpu: ${words[1]}`);
  });

  it('refly --height and --overlap out of range get refly.export\'s words, named by their flag', async () => {
    const c = capture();
    const argv = ['refly', '--project', '/nonexistent', '--task', 'A', '--out', '/tmp/x.kml', '--height', '900', '--overlap', '99/70'];
    expect(await runCli(argv, c.io)).toBe(2);
    const words = await dispatchIssues('refly.export', { taskId: 'A', format: 'kml', heightM: 900, frontOverlap: 0.99, sideOverlap: 0.7 });
    expect(c.err()).toContain(`--overlap: ${words[0]}`);
    expect(c.err()).toContain(`--height: ${words[1]}`);
  });

  it('refly --format outside the contract\'s list, and an empty ingest source, are the schema\'s errors too', async () => {
    const a = capture();
    expect(await runCli(['refly', '--project', '/nonexistent', '--task', 'A', '--out', '/tmp/x', '--format', 'dxf'], a.io)).toBe(2);
    expect(a.err()).toContain(`--format: ${(await dispatchIssues('refly.export', { taskId: 'A', format: 'dxf' }))[0]}`);
    const b = capture();
    expect(await runCli(['ingest', '--project', '/nonexistent'], b.io)).toBe(2);
    expect(b.err()).toContain(`<source>: ${(await dispatchIssues('ingest.start', { source: '' }))[0]}`);
  });
});
