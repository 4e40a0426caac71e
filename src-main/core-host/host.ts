/**
 * The core host: the same Session, handlers and dispatch the CLI harness and `serve` use, answering calls that come
 * over a message channel, so the core's long work runs outside Electron's main process (which keeps the window
 * responsive) and main only relays. Events go back as messages; dialogs and the keychain are asked of main.
 */
import { AppError } from '../common/errors.ts';
import { createDispatch } from '../api/dispatch.ts';
import { createHandlers, type NativeAdapters } from '../api/handlers.ts';
import { parseMediaPath, resolveMedia } from '../api/media.ts';
import { Session } from '../api/session.ts';
import type { DronetmTokens } from '../dronetm/auth.ts';
import type { S3Credentials } from '../sync/credentials.ts';
import type { Endpoint, FromHost, HostOptions, KeychainStore, NativeRequest, ToHost } from './messages.ts';

export interface CoreHost {
  /** Resolves when main asked the host to shut down and the project is closed (jobs stopped, database closed). */
  closed: Promise<void>;
}

export function runCoreHost(port: Endpoint<ToHost, FromHost>, options: HostOptions): CoreHost {
  let nextNative = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const ask = (request: NativeRequest): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextNative++;
      waiting.set(id, { resolve, reject });
      port.post({ type: 'native', id, request });
    });

  const native: NativeAdapters = {};
  if (options.pickFolder) native.pickFolder = async (purpose) => (await ask({ op: 'pickFolder', purpose })) as string | null;
  if (options.keychain) {
    const proxy = <T>(store: KeychainStore) => ({
      get: async (account: string) => (await ask({ op: 'get', store, account })) as T | null,
      set: async (account: string, value: T) => void (await ask({ op: 'set', store, account, value })),
      delete: async (account: string) => void (await ask({ op: 'delete', store, account })),
    });
    native.credentials = proxy<S3Credentials>('credentials');
    native.dronetmTokens = proxy<DronetmTokens>('dronetmTokens');
  }

  const session = new Session({
    emit: (name, payload) => port.post({ type: 'event', name, payload }),
    recentFile: options.recentFile,
  });
  const dispatch = createDispatch(createHandlers(session, 'ipc', native));
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  port.onMessage((msg) => {
    switch (msg.type) {
      case 'call':
        void dispatch(msg.method, msg.params).then((envelope) => port.post({ type: 'reply', id: msg.id, envelope }));
        break;
      case 'media': {
        const ref = parseMediaPath(msg.path);
        let answer: FromHost = { type: 'media-reply', id: msg.id, file: null };
        try {
          if (ref && session.project) answer = { type: 'media-reply', id: msg.id, ...resolveMedia(session.project, ref) };
        } catch {
          // not found: the protocol answers 404
        }
        port.post(answer);
        break;
      }
      case 'native-reply': {
        const pending = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) pending?.reject(new AppError(msg.error.code, msg.error.message, msg.error.details));
        else pending?.resolve(msg.result ?? null);
        break;
      }
      case 'shutdown':
        void session.close().finally(() => {
          port.post({ type: 'closed' });
          markClosed();
        });
        break;
    }
  });
  port.post({ type: 'ready' });
  return { closed };
}
