/**
 * Main's side of the core host: the relay. It forwards calls and media lookups to the host, routes the host's
 * events to the window, and answers the host's requests for what only main may do (dialogs, keychain). Plain Node:
 * Electron's main wraps a utility process in a HostChannel, tests wrap a `child_process.fork`.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { AppError, toErrorEnvelope } from '../common/errors.ts';
import type { Dispatch } from '../api/dispatch.ts';
import type { NativeAdapters } from '../api/handlers.ts';
import type { EventSink } from '../jobs/jobs.ts';
import type { Endpoint, FromHost, HostOptions, NativeRequest, ToHost } from './messages.ts';

/** The host process as main sees it: a message endpoint plus its lifetime. */
export interface HostChannel extends Endpoint<FromHost, ToHost> {
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface CoreClient {
  dispatch: Dispatch;
  /** The file behind a media path (`thumb/12`, `overlay/<run id>`), or null (the protocol answers 404). */
  media: (mediaPath: string) => Promise<{ file: string; contentType: string } | null>;
  /** Resolves once the host answered its first message (the core modules are loaded). */
  ready: Promise<void>;
  /** Closes the project (jobs stopped, database closed) and ends the host. */
  shutdown(): Promise<void>;
}

export interface RelayOptions extends NativeAdapters {
  emit: EventSink;
}

export function connectCore(channel: HostChannel, relay: RelayOptions): CoreClient {
  let nextId = 1;
  let exited: number | null | undefined;
  const calls = new Map<number, (m: FromHost & { type: 'reply' | 'media-reply' }) => void>();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let markExit: () => void = () => {};
  const exit = new Promise<void>((resolve) => (markExit = resolve));

  const send = <T extends FromHost & { type: 'reply' | 'media-reply' }>(make: (id: number) => ToHost, ifGone: T): Promise<T> =>
    new Promise((resolve) => {
      if (exited !== undefined) return resolve(ifGone);
      const id = nextId++;
      calls.set(id, resolve as (m: FromHost & { type: 'reply' | 'media-reply' }) => void);
      channel.post(make(id));
    });

  const answerNative = async (id: number, request: NativeRequest) => {
    try {
      const result = await runNative(relay, request);
      channel.post({ type: 'native-reply', id, result });
    } catch (err) {
      channel.post({ type: 'native-reply', id, error: toErrorEnvelope(err) });
    }
  };

  channel.onMessage((msg) => {
    switch (msg.type) {
      case 'ready':
        markReady();
        break;
      case 'reply':
      case 'media-reply': {
        const done = calls.get(msg.id);
        calls.delete(msg.id);
        done?.(msg);
        break;
      }
      case 'event':
        relay.emit(msg.name, msg.payload);
        break;
      case 'native':
        void answerNative(msg.id, msg.request);
        break;
      case 'closed':
        channel.kill();
        break;
    }
  });
  channel.onExit((code) => {
    exited = code;
    const gone = { code: 'internal' as const, message: `The Postflight core stopped (exit code ${code}); restart the app.` };
    for (const [id, done] of calls) done({ type: 'reply', id, envelope: { error: gone } });
    calls.clear();
    markExit();
  });

  return {
    ready,
    dispatch: async (method, params) => {
      const reply = await send((id) => ({ type: 'call', id, method, params }), {
        type: 'reply',
        id: 0,
        envelope: { error: { code: 'internal', message: 'The Postflight core is not running; restart the app.' } },
      });
      return reply.envelope;
    },
    media: async (mediaPath) => {
      const reply = await send<FromHost & { type: 'media-reply' }>((id) => ({ type: 'media', id, path: mediaPath }), {
        type: 'media-reply',
        id: 0,
        file: null,
      });
      return reply.file ? { file: reply.file, contentType: reply.contentType ?? 'application/octet-stream' } : null;
    },
    shutdown: async () => {
      if (exited === undefined) channel.post({ type: 'shutdown' });
      await exit;
    },
  };
}

/**
 * A core host that is started again when it dies unasked (a crash in a native module, an out-of-memory kill): calls
 * in flight at that moment are answered with an error, later ones reach the new host, and the window is told the
 * project changed (the new host has none open, so the pilot reopens it; jobs resume from their journals).
 */
export function superviseCore(start: () => HostChannel, relay: RelayOptions): CoreClient {
  let stopping = false;
  let current: CoreClient;
  const connect = (): CoreClient => {
    const channel = start();
    const client = connectCore(channel, relay);
    channel.onExit(() => {
      if (stopping || current !== client) return;
      current = connect();
      void current.ready.then(() => relay.emit('project.changed', { what: 'project' }));
    });
    return client;
  };
  current = connect();
  return {
    get ready() {
      return current.ready;
    },
    dispatch: (method, params) => current.dispatch(method, params),
    media: (mediaPath) => current.media(mediaPath),
    shutdown: () => {
      stopping = true;
      return current.shutdown();
    },
  };
}

async function runNative(relay: NativeAdapters, request: NativeRequest): Promise<unknown> {
  if (request.op === 'pickFolder') return relay.pickFolder ? relay.pickFolder(request.purpose) : null;
  const store = relay[request.store] as { get(a: string): Promise<unknown>; set(a: string, v: unknown): Promise<void>; delete(a: string): Promise<void> } | undefined;
  if (!store) {
    if (request.op === 'set') throw new AppError('unsupported', 'There is no keychain to keep this in.');
    return null;
  }
  if (request.op === 'get') return store.get(request.account);
  if (request.op === 'set') return store.set(request.account, request.value);
  return store.delete(request.account);
}

/** The host's entry beside this module: the TypeScript source (CLI, tests) or the app's built `core-host.js`. */
export const HOST_ENTRY_SOURCE = path.join(import.meta.dirname, 'entry.ts');

/** Starts the core host as a forked Node process (what the utility process is in the app), for tests and tools. */
export function forkCoreHost(options: HostOptions, entry = HOST_ENTRY_SOURCE): HostChannel {
  const child = fork(entry, [JSON.stringify(options)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    post: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (fn) => child.on('message', (m) => fn(m as FromHost)),
    onExit: (fn) => child.once('exit', (code) => fn(code)),
    kill: () => child.kill(),
  };
}
