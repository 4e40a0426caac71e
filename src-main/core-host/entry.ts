/**
 * The core host process: in the app an Electron utility process (`process.parentPort`, a MessagePort to main), in
 * tests a `child_process.fork` (the Node IPC channel). argv[2] is the JSON of HostOptions.
 */
import { runCoreHost } from './host.ts';
import type { Endpoint, FromHost, HostOptions, ToHost } from './messages.ts';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
let port: Endpoint<ToHost, FromHost>;
if (parentPort) {
  port = { post: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', (e) => fn(e.data as ToHost)) };
} else if (process.send) {
  port = { post: (m) => process.send!(m), onMessage: (fn) => process.on('message', (m) => fn(m as ToHost)) };
  // The parent went away without a shutdown: nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
} else {
  throw new Error('The Postflight core host runs as a utility process or a forked child, not on its own.');
}

const options = JSON.parse(process.argv[2] ?? '{}') as Partial<HostOptions>;
// After a shutdown the host says `closed` and main ends the process (an exit here could drop that last message).
runCoreHost(port, { recentFile: options.recentFile ?? null, keychain: !!options.keychain, pickFolder: !!options.pickFolder });
