import { ipcMain, type WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type EventName, type Events } from '../../src-preload/contract-base.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { isRendererUrl } from './window.ts';

/** Registers the single invoke channel; calls from any frame that is not our renderer are refused. */
export function registerIpc(dispatch: Dispatch): void {
  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, params: unknown) => {
    const senderUrl = event.senderFrame?.url ?? '';
    if (!isRendererUrl(senderUrl)) {
      return { error: { code: 'refused', message: 'Calls are only accepted from the Postflight window.' } };
    }
    return dispatch(method, params);
  });
}

export function sendEvent<E extends EventName>(target: WebContents | null, name: E, payload: Events[E]): void {
  if (target && !target.isDestroyed()) target.send(IPC_EVENT, name, payload);
}
