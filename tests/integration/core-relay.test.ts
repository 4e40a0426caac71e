/**
 * What only Electron's main may do, asked for by the core host over the relay: the folder picker and the keychain.
 * The host runs forked (as the utility process runs it); main's side is the real relay with Node stand-ins for the
 * dialog and a real sealed vault for the keychain, so a refusal (no keyring) reaches the pilot worded as main said it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCore, forkCoreHost, superviseCore, type CoreClient, type HostChannel } from '../../src-main/core-host/client.ts';
import { NO_KEYRING_MESSAGE, sealedVault } from '../../src-main/electron/sealed-vault.ts';
import type { S3Credentials } from '../../src-main/sync/credentials.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { safeStorageStandIn } from '../support/safe-storage.ts';

let temp = '';
let client: CoreClient;
let backend = 'gnome_libsecret';
const picked: string[] = [];

/** safeStorage as main has it, reporting the Linux backend the test sets. */
const safe = safeStorageStandIn(() => backend);

beforeAll(async () => {
  temp = makeTemp('postflight-relay-');
  const vaultFile = path.join(temp, 'user-data', 'credentials.json');
  client = connectCore(forkCoreHost({ recentFile: null, keychain: true, pickFolder: true }), {
    emit: () => {},
    pickFolder: async (purpose) => {
      picked.push(purpose);
      return path.join(temp, 'picked');
    },
    credentials: sealedVault<S3Credentials>(safe, vaultFile, '', 'linux'),
  });
  await client.ready;
  expect((await client.dispatch('project.open', { dir: path.join(temp, 'project'), create: true })).error).toBeUndefined();
  const target = await client.dispatch('sync.setTarget', { endpoint: 'http://127.0.0.1:7480', bucket: 'relay-test', prefix: 'p/', pathStyle: true });
  expect(target.error).toBeUndefined();
});

afterAll(async () => {
  await client?.shutdown();
  rmTemp(temp);
});

describe('the relay answers the core host for main-only capabilities', () => {
  it("the folder picker is main's", async () => {
    expect((await client.dispatch('app.pickFolder', { purpose: 'card' })).result).toEqual({ dir: path.join(temp, 'picked') });
    expect(picked).toEqual(['card']);
  });

  it("keys go to main's keychain and the core sees that they are there", async () => {
    backend = 'gnome_libsecret';
    const set = await client.dispatch('sync.setCredentials', { accessKeyId: 'AKIARELAY', secretAccessKey: 'relay-secret-key' });
    expect(set.result).toMatchObject({ hasCredentials: true });
    expect((await client.dispatch('sync.clearCredentials', {})).result).toMatchObject({ hasCredentials: false });
  });

  it('a keychain refusal (Linux basic_text) reaches the pilot as main worded it', async () => {
    backend = 'basic_text';
    const refused = await client.dispatch('sync.setCredentials', { accessKeyId: 'AKIARELAY', secretAccessKey: 'relay-secret-key' });
    expect(refused.error).toMatchObject({ code: 'refused', message: NO_KEYRING_MESSAGE });
    expect((await client.dispatch('sync.getTarget', {})).result).toMatchObject({ hasCredentials: false });
  });
});

describe('a core host that dies unasked', () => {
  it('is started again: later calls are answered and the window is told to re-read the project', async () => {
    const channels: HostChannel[] = [];
    const events: string[] = [];
    const supervised = superviseCore(
      () => {
        const channel = forkCoreHost({ recentFile: null, keychain: false, pickFolder: false });
        channels.push(channel);
        return channel;
      },
      { emit: (name, payload) => events.push(`${name}:${JSON.stringify(payload)}`) },
    );
    try {
      await supervised.ready;
      expect((await supervised.dispatch('project.open', { dir: path.join(temp, 'crash'), create: true })).error).toBeUndefined();
      events.length = 0;
      channels[0]!.kill(); // as a crash would end it
      await expect.poll(() => channels.length, { timeout: 20_000 }).toBe(2);
      await expect.poll(() => events, { timeout: 20_000 }).toContain('project.changed:{"what":"project"}');
      expect((await supervised.dispatch('app.info', {})).result).toMatchObject({ transport: 'ipc' });
      expect((await supervised.dispatch('project.current', {})).result).toBeNull();
    } finally {
      await supervised.shutdown();
    }
    expect(channels).toHaveLength(2); // an asked-for shutdown starts nothing
  });
});
