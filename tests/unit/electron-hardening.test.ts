/**
 * Electron-facing policy run as plain modules under Node (the Electron binary cannot run here): the keychain vault
 * refuses Linux's fixed-key `basic_text` backend, and the window session grants no permission, asked or checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hardenSession, type HardenableSession } from '../../src-main/electron/hardening.ts';
import { NO_KEYRING_MESSAGE, sealedVault } from '../../src-main/electron/sealed-vault.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { safeStorageStandIn } from '../support/safe-storage.ts';

const safeStorageWith = (backend: string) => safeStorageStandIn(() => backend);

const KEYS = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('the keychain vault', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = makeTemp('postflight-vault-');
    file = path.join(dir, 'credentials.json');
  });
  afterEach(() => rmTemp(dir));

  it('refuses to store keys on Linux when the backend is basic_text, and says how to get a keyring', async () => {
    const vault = sealedVault<typeof KEYS>(safeStorageWith('basic_text'), file, '', 'linux');
    await expect(vault.set('aws|bucket', KEYS)).rejects.toMatchObject({ code: 'refused', message: NO_KEYRING_MESSAGE });
    expect(NO_KEYRING_MESSAGE).toMatch(/keyring/i);
    expect(NO_KEYRING_MESSAGE).toContain('--password-store=gnome-libsecret');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('stores only ciphertext with a real keyring (libsecret), and reads it back', async () => {
    const vault = sealedVault<typeof KEYS>(safeStorageWith('gnome_libsecret'), file, 'dronetm|', 'linux');
    await vault.set('https://x/api', KEYS);
    const onDisk = fs.readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(KEYS.secretAccessKey);
    expect(Object.keys(JSON.parse(onDisk) as object)).toEqual(['dronetm|https://x/api']);
    expect(await vault.get('https://x/api')).toEqual(KEYS);
    await vault.delete('https://x/api');
    expect(await vault.get('https://x/api')).toBeNull();
  });

  it('the backend check is Linux-only (macOS Keychain, Windows DPAPI report no such backend)', async () => {
    const vault = sealedVault<typeof KEYS>(safeStorageWith('basic_text'), file, '', 'darwin');
    await vault.set('aws|bucket', KEYS);
    expect(await vault.get('aws|bucket')).toEqual(KEYS);
  });
});

describe('the window session', () => {
  it('denies every permission request and every permission check, and sets the CSP on responses', () => {
    const recorded: { request?: (...a: never[]) => unknown; check?: (...a: never[]) => unknown; headers?: (...a: never[]) => unknown } = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => (recorded.request = h as never),
      setPermissionCheckHandler: (h: unknown) => (recorded.check = h as never),
      webRequest: { onHeadersReceived: (h: unknown) => (recorded.headers = h as never) },
    } as unknown as HardenableSession;
    hardenSession(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb']) {
      expect((recorded.check as (...a: unknown[]) => boolean)(null, permission, 'app://postflight', {})).toBe(false);
      let granted: boolean | undefined;
      (recorded.request as (...a: unknown[]) => void)(null, permission, (ok: boolean) => (granted = ok), {});
      expect(granted).toBe(false);
    }
    let headers: Record<string, string[]> = {};
    (recorded.headers as (...a: unknown[]) => void)({ responseHeaders: { 'x-a': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']?.[0]).toMatch(/default-src/);
    expect(headers['x-a']).toEqual(['1']);
  });
});
