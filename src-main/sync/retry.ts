import { AppError } from '../common/errors.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 20_000 };

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalError',
  // The bytes were damaged on the way: sending them again is the cure.
  'BadDigest',
]);

export interface S3ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function httpStatus(err: unknown): number | undefined {
  return (err as S3ErrorLike | null)?.$metadata?.httpStatusCode;
}

/** A dropped link, a server hiccup or throttling: worth another try after a pause. */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object' || err instanceof AppError) return false;
  const e = err as S3ErrorLike;
  if (e.name === 'AbortError') return false;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  const status = httpStatus(err);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  // No HTTP answer at all: the request never completed (socket closed, DNS down while offline, ...).
  return /socket hang up|network|EPIPE|ECONNRESET|premature close/i.test(e.message ?? '');
}

/** Sleeps `ms` unless `signal` aborts first (then rejects with the abort reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter: spreads retries of many parts instead of hammering a recovering link. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
}

/** Told of each retry as it is decided: what failed, which try comes next (2 = the first retry), after how long. */
export type OnRetry = (err: unknown, nextTry: number, waitMs: number) => void;

/**
 * Runs `op` until it succeeds, a non-transient error occurs, `signal` aborts, or the attempts run out. `retryable`
 * narrows or widens what counts as transient for one call; `onRetry` hears of every retry before its pause.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  retryable: (err: unknown) => boolean = isTransient,
  onRetry?: OnRetry,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (attempt + 1 >= policy.attempts || !retryable(err)) throw err;
      const wait = backoffMs(policy, attempt);
      onRetry?.(err, attempt + 2, wait);
      await sleep(wait, signal);
    }
  }
}

/** A failed request in a few words for a retry line: "connection reset", "no answer for 15 s", "HTTP 503". */
export function failureInWords(err: unknown): string {
  const e = (err ?? {}) as S3ErrorLike;
  if (e.name === 'TimeoutError' || e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(e.message ?? '')) return 'no answer in time';
  if (e.code === 'ECONNRESET' || /ECONNRESET|socket hang up/i.test(e.message ?? '')) return 'connection reset';
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'server name not found';
  if (e.code && NETWORK_CODES.has(e.code)) return `network error ${e.code}`;
  const status = httpStatus(err);
  if (status !== undefined) return `HTTP ${status}${e.name ? ` ${e.name}` : ''}`;
  return e.name ?? e.code ?? 'network error';
}
