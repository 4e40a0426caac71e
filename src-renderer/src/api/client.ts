/**
 * The renderer's API client over either transport: Electron IPC (window.postflight from the preload) or the HTTP +
 * WebSocket harness of `postflight serve` in a plain browser. Both speak the same contract and envelopes.
 */
import type {
  Envelope,
  EventName,
  Events,
  MediaKind,
  MethodName,
  ParamsOf,
  PostflightBridge,
  ResultOf,
} from '../../../src-preload/contract.ts';
import { MEDIA_SCHEME } from '../../../src-preload/contract.ts';

declare global {
  interface Window {
    postflight?: PostflightBridge;
  }
}

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

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.error) throw new ApiCallError(envelope.error.code, envelope.error.message, envelope.error.details);
  return envelope.result as T;
}

function ipcClient(bridge: PostflightBridge): ApiClient {
  return {
    call: async (method, params) => unwrap(await bridge.invoke(method, params)),
    on: (event, listener) => bridge.on(event, listener),
    mediaUrl: (kind, id) => `${MEDIA_SCHEME}://${kind}/${encodeURIComponent(id)}`,
  };
}

function httpClient(token: string): ApiClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  const connect = () => {
    const ws = new WebSocket(`ws://${location.host}/events?token=${encodeURIComponent(token)}`);
    ws.onmessage = (msg) => {
      const { event, payload } = JSON.parse(String(msg.data)) as { event: string; payload: unknown };
      listeners.get(event)?.forEach((l) => l(payload));
    };
    // The harness may restart; keep trying quietly so progress resumes when it's back.
    ws.onclose = () => setTimeout(connect, 1000);
    socket = ws;
  };
  return {
    call: async (method, params) => {
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(params ?? {}),
      });
      return unwrap((await res.json()) as Envelope<ResultOf<typeof method>>);
    },
    on: (event, listener) => {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    mediaUrl: (kind, id) => `/media/${kind}/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`,
  };
}

/** Picks the transport: the preload's bridge in Electron, else the token given in the page URL by `serve`. */
export function createApiClient(): ApiClient {
  if (window.postflight) return ipcClient(window.postflight);
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('postflight-token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  const token = fromUrl ?? sessionStorage.getItem('postflight-token');
  if (!token) throw new ApiCallError('refused', 'Open the address printed by `postflight serve` (it carries the access token).');
  return httpClient(token);
}
