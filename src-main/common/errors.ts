/**
 * One error type crosses every boundary (IPC, HTTP, CLI). `code` is stable and machine-readable; `message` is
 * written for the pilot; `details` carries structured context (never secrets).
 */
import type { ApiErrorCode } from '../../src-preload/contract-base.ts';

/** The contract's error codes (src-preload/contract-base.ts ERROR_CODES), the one list. */
export type ErrorCode = ApiErrorCode;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export interface ErrorEnvelope {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Turns anything thrown into the envelope shape; unknown errors keep their message but not their stack. */
export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof AppError) {
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}
