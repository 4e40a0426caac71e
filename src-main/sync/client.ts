import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from './credentials.ts';
import type { SyncTarget } from './target.ts';

export interface ClientOptions {
  /** Explicit keys (the app's credential store); without them the SDK's default chain (env, profile) is used. */
  credentials?: S3Credentials;
  /** A socket idle this long counts as a dropped link and is retried. */
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxSockets?: number;
}

/**
 * An S3 client that works with AWS and S3-compatible servers: no flexible checksums (many servers reject them; we send
 * Content-MD5 ourselves) and no SDK retries (we retry ourselves, because our bodies are throttled one-shot streams and
 * because RGW answers some permanent failures with 500).
 */
export function createS3Client(target: SyncTarget, options: ClientOptions = {}): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  return new S3Client({
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.region ? { region: target.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    forcePathStyle: target.pathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    // Our own retry loop handles failed streaming requests; the SDK would print a console warning for each one.
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    // Plain handler options: the SDK builds its Node handler from them (no direct dependency on @smithy packages).
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.idleTimeoutMs ?? 30_000,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    },
  });
}
