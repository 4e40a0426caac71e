import path from 'node:path';
import { utilityProcess } from 'electron';
import type { HostChannel } from '../core-host/client.ts';
import type { FromHost, HostOptions } from '../core-host/messages.ts';

/**
 * Starts the core (ingest, classify, coverage, sync, ODM, the project database) in an Electron utility process, the
 * `core-host.js` bundle beside this one, and wraps its MessagePort as the relay's channel.
 */
export function startCoreProcess(options: HostOptions): HostChannel {
  const child = utilityProcess.fork(path.join(import.meta.dirname, 'core-host.js'), [JSON.stringify(options)], {
    serviceName: 'Postflight core',
    stdio: 'inherit',
  });
  return {
    post: (m) => child.postMessage(m),
    onMessage: (fn) => child.on('message', (m: unknown) => fn(m as FromHost)),
    onExit: (fn) => child.once('exit', (code) => fn(code)),
    kill: () => void child.kill(),
  };
}
