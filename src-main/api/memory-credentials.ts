import type { CredentialStore, S3Credentials } from '../sync/credentials.ts';

/**
 * The browser harness's credential store: keys live in this process's memory for the session only, so they are never
 * written to the project database, the disk or a log, and are gone when `serve` stops.
 */
export function memoryCredentials(): CredentialStore {
  const keys = new Map<string, S3Credentials>();
  return {
    async get(account) {
      return keys.get(account) ?? null;
    },
    async set(account, credentials) {
      keys.set(account, { ...credentials });
    },
    async delete(account) {
      keys.delete(account);
    },
  };
}
