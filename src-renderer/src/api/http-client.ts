import type { Envelope, ResultOf } from '../../../src-preload/contract.ts';
import { ApiCallError, unwrap, type ApiClient } from './api-client.ts';

/**
 * The contract over `postflight serve`: calls as HTTP POSTs, events over a WebSocket that reconnects by itself.
 * `origin` is the harness's (the page's own in a browser). Uses only fetch and WebSocket, so it runs under Node too.
 */
export function httpClient(token: string, origin: string): ApiClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const deliver = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  let socket: WebSocket | null = null;
  let connectedBefore = false;
  const call: ApiClient['call'] = async (method, params) => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(params ?? {}),
    });
    let envelope: Envelope<ResultOf<typeof method>>;
    try {
      envelope = (await res.json()) as Envelope<ResultOf<typeof method>>;
    } catch {
      throw new ApiCallError('remote_failed', `The Postflight server answered ${res.status} ${res.statusText} instead of a result.`);
    }
    return unwrap(envelope);
  };
  // Events sent while the socket was down are lost: after a reconnect, views refresh and jobs are re-read, so a job
  // that ended meanwhile does not stay "running" on screen.
  const resync = async () => {
    deliver('project.changed', { what: 'project' });
    try {
      for (const job of await call('jobs.list', {})) deliver('job.updated', job);
    } catch {
      // no project open: nothing to bring up to date
    }
  };
  const connect = () => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      if (connectedBefore) void resync();
      connectedBefore = true;
    };
    ws.onmessage = (msg) => {
      const { event, payload } = JSON.parse(String(msg.data)) as { event: string; payload: unknown };
      deliver(event, payload);
    };
    // The harness may restart; keep trying quietly so progress resumes when it's back.
    ws.onclose = () => setTimeout(connect, 1000);
    socket = ws;
  };
  return {
    call,
    on: (event, listener) => {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    // No token in media URLs: the server's HttpOnly media cookie (set on API answers) authorises them.
    mediaUrl: (kind, id) => `${origin}/media/${kind}/${encodeURIComponent(id)}`,
  };
}
