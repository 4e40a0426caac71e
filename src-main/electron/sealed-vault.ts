/**
 * Secrets (S3 keys, DroneTM tokens) sealed with the OS keychain through Electron's safeStorage, in one file under the
 * app's user data: only ciphertext is on disk. Takes safeStorage as a parameter, so the policy runs under Node tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';

/** The part of Electron's safeStorage the vault uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: which secret store Chromium picked ('basic_text' is a fixed key, no protection). */
  getSelectedStorageBackend(): string;
}

export interface SealedVault<T> {
  get(account: string): Promise<T | null>;
  set(account: string, value: T): Promise<void>;
  delete(account: string): Promise<void>;
}

export const NO_KEYRING_MESSAGE =
  'Postflight will not store keys or sign-in tokens here: this desktop offers no keyring, so they would be saved with ' +
  'a fixed, publicly known key. Install and unlock GNOME Keyring or KWallet (for example `sudo apt install gnome-keyring`, ' +
  'then log out and back in), or start Postflight with `--password-store=gnome-libsecret`. Until then, sync can read ' +
  'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment.';

/** Refuses to seal anything where the "encryption" would be Chromium's fixed-key fallback (Linux `basic_text`). */
function assertRealKeychain(safe: SafeStorageLike, platform: NodeJS.Platform): void {
  if (!safe.isEncryptionAvailable()) throw new AppError('refused', 'The system keychain is not available to store the keys.');
  if (platform === 'linux' && safe.getSelectedStorageBackend() === 'basic_text') throw new AppError('refused', NO_KEYRING_MESSAGE);
}

export function sealedVault<T>(safe: SafeStorageLike, file: string, prefix: string, platform: NodeJS.Platform = process.platform): SealedVault<T> {
  type Vault = Record<string, string>;
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
      if (!sealed || !safe.isEncryptionAvailable()) return null;
      return JSON.parse(safe.decryptString(Buffer.from(sealed, 'base64'))) as T;
    },
    async set(account, value) {
      assertRealKeychain(safe, platform);
      write({ ...read(), [prefix + account]: safe.encryptString(JSON.stringify(value)).toString('base64') });
    },
    async delete(account) {
      const vault = read();
      delete vault[prefix + account];
      write(vault);
    },
  };
}
