/**
 * The messages between Electron's main process (the relay) and the core host (a utility process in the app, a
 * forked Node process in tests). Plain structured-clone data: envelopes, event payloads, media references.
 */
import type { ApiError, Envelope, EventName, Events } from '../../src-preload/contract-base.ts';

/** The OS-keychain stores main keeps for the core: S3 keys and DroneTM sign-in tokens. */
export type KeychainStore = 'credentials' | 'dronetmTokens';

/** What only the main process can do for the core: native dialogs and the OS keychain. */
export type NativeRequest =
  | { op: 'pickFolder'; purpose: 'project' | 'card' }
  | { op: 'get'; store: KeychainStore; account: string }
  | { op: 'set'; store: KeychainStore; account: string; value: unknown }
  | { op: 'delete'; store: KeychainStore; account: string };

export type ToHost =
  | { type: 'call'; id: number; method: unknown; params: unknown }
  | { type: 'media'; id: number; path: string }
  | { type: 'native-reply'; id: number; result?: unknown; error?: ApiError }
  | { type: 'shutdown' };

export type FromHost =
  | { type: 'ready' }
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'media-reply'; id: number; file: string | null; contentType?: string }
  | { type: 'event'; name: EventName; payload: Events[EventName] }
  | { type: 'native'; id: number; request: NativeRequest }
  | { type: 'closed' };

/** How the core host was started: where the recent-projects list lives, which native adapters main offers. */
export interface HostOptions {
  recentFile: string | null;
  /** Main keeps S3 keys and DroneTM tokens in the OS keychain (the app); without, they stay in the host's memory. */
  keychain: boolean;
  /** Main shows native folder pickers (the app). */
  pickFolder: boolean;
}

/** One end of the channel, whatever carries it (Electron's parentPort, a Node IPC channel). */
export interface Endpoint<In, Out> {
  post(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}
