import type { SyncTarget } from './target.ts';

/** An S3 key pair. Lives in memory or in the OS keychain only: never in the project database, never in a log. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Where the app keeps S3 keys between runs (the Electron adapter implements it with safeStorage). The CLI does not use
 * it: it relies on the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...).
 */
export interface CredentialStore {
  get(account: string): Promise<S3Credentials | null>;
  set(account: string, credentials: S3Credentials): Promise<void>;
  delete(account: string): Promise<void>;
}

/** The store account a target's keys are filed under: one per server and bucket, shared by projects using them. */
export function credentialAccount(target: Pick<SyncTarget, 'endpoint' | 'bucket'>): string {
  return `${target.endpoint ?? 'aws'}|${target.bucket}`;
}
