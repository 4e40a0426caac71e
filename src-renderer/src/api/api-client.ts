/** What every transport of the contract gives the UI: typed calls, events, media URLs; errors as ApiCallError. */
import type { Envelope, EventName, Events, MediaKind, MethodName, ParamsOf, ResultOf } from '../../../src-preload/contract.ts';

export class ApiCallError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export interface ApiClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** A media URL by opaque id: an image id for thumb/photo, an ODM run id for overlay. */
  mediaUrl(kind: MediaKind, id: number | string): string;
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.error) throw new ApiCallError(envelope.error.code, envelope.error.message, envelope.error.details);
  return envelope.result;
}
