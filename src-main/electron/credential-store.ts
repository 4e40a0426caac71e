import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import type { CredentialStore, S3Credentials } from '../sync/credentials.ts';
import type { DronetmTokens, TokenStore } from '../dronetm/auth.ts';

type Vault = Record<string, string>;

/**
 * S3 keys encrypted with the OS keychain (safeStorage) in one file under the app's user data: only ciphertext is on
 * disk, and nothing is stored when the platform offers no encryption (sync then falls back to the SDK's chain).
 */
export function safeStorageCredentials(file: string): CredentialStore {
  return sealedVault<S3Credentials>(file, '');
}

/** DroneTM sign-in tokens in the same sealed file, under `dronetm|{server}` (refreshed tokens replace the old). */
export function safeStorageTokens(file: string): TokenStore {
  return sealedVault<DronetmTokens>(file, 'dronetm|');
}

function sealedVault<T>(file: string, prefix: string): { get(account: string): Promise<T | null>; set(account: string, value: T): Promise<void>; delete(account: string): Promise<void> } {
  const read = (): Vault => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Vault;
    } catch {
      return {};
    }
  };
  const write = (vault: Vault) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(vault), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  };
  return {
    async get(account) {
      const sealed = read()[prefix + account];
      if (!sealed || !safeStorage.isEncryptionAvailable()) return null;
      return JSON.parse(safeStorage.decryptString(Buffer.from(sealed, 'base64'))) as T;
    },
    async set(account, value) {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('The system keychain is not available to store the keys.');
      write({ ...read(), [prefix + account]: safeStorage.encryptString(JSON.stringify(value)).toString('base64') });
    },
    async delete(account) {
      const vault = read();
      delete vault[prefix + account];
      write(vault);
    },
  };
}
