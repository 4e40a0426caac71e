/**
 * The preload exposes exactly the contract: one `invoke` for the declared methods and one `on` for the declared
 * events. Nothing else of Electron or Node reaches the page (contextIsolation + sandbox).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Values only from the zod-free half of the contract: a sandboxed preload can require nothing but electron, events,
// timers and url (tests/unit/preload-sandbox.test.ts loads the built bundle under those rules).
import { EVENT_NAMES, IPC_EVENT, IPC_INVOKE, isMethodName } from './contract-base.ts';
import type { Envelope, PostflightBridge, ResultOf } from './contract.ts';

const bridge: PostflightBridge = {
  invoke: async (method, params) => {
    if (!isMethodName(method)) return { error: { code: 'invalid_input', message: `Unknown method ${String(method)}.` } };
    return (await ipcRenderer.invoke(IPC_INVOKE, method, params)) as Envelope<ResultOf<typeof method>>;
  },
  on: (event, listener) => {
    if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('postflight', bridge);
