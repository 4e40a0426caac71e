import { safeStorage } from 'electron';
import type { CredentialStore, S3Credentials } from '../sync/credentials.ts';
import type { DronetmTokens, TokenStore } from '../dronetm/auth.ts';
import { sealedVault } from './sealed-vault.ts';

/**
 * S3 keys encrypted with the OS keychain (safeStorage) in one file under the app's user data: only ciphertext is on
 * disk, and nothing is stored when the platform offers no real keychain (sync then falls back to the SDK's chain).
 */
export function safeStorageCredentials(file: string): CredentialStore {
  return sealedVault<S3Credentials>(safeStorage, file, '');
}

/** DroneTM sign-in tokens in the same sealed file, under `dronetm|{server}` (refreshed tokens replace the old). */
export function safeStorageTokens(file: string): TokenStore {
  return sealedVault<DronetmTokens>(safeStorage, file, 'dronetm|');
}
