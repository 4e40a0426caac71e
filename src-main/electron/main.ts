/**
 * The Electron main process: a thin adapter and relay. It owns the window, the dialogs, the app:// and media
 * protocols and the keychain; the core (project database, ingest, classify, coverage, sync, ODM) runs in a utility
 * process (src-main/core-host), so its long work never freezes the window. Calls from the renderer are relayed to
 * it over a MessagePort and its events relayed back.
 */
import path from 'node:path';
import { app, BrowserWindow, session as electronSession } from 'electron';
import { superviseCore } from '../core-host/client.ts';
import { createMainWindow, rendererDir } from './window.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { handleMediaProtocol } from './media-protocol.ts';
import { handleAppProtocol, registerPrivilegedSchemes } from './app-protocol.ts';
import { pickFolder } from './dialogs.ts';
import { safeStorageCredentials, safeStorageTokens } from './credential-store.ts';
import { startCoreProcess } from './core-process.ts';
import { hardenSession } from './hardening.ts';

registerPrivilegedSchemes();

let mainWindow: BrowserWindow | null = null;

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(() => {
  hardenSession(electronSession.defaultSession);
  const core = superviseCore(
    () => startCoreProcess({ recentFile: path.join(app.getPath('userData'), 'recent.json'), keychain: true, pickFolder: true }),
    {
      emit: (name, payload) => sendEvent(mainWindow?.webContents ?? null, name, payload),
      pickFolder: (purpose) => pickFolder(mainWindow, purpose),
      credentials: safeStorageCredentials(path.join(app.getPath('userData'), 'credentials.json')),
      dronetmTokens: safeStorageTokens(path.join(app.getPath('userData'), 'credentials.json')),
    },
  );
  handleAppProtocol(rendererDir);
  handleMediaProtocol(core.media);
  registerIpc(core.dispatch);
  mainWindow = createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // The core closes the project (jobs stopped, database closed) before the app exits.
  let coreClosed = false;
  app.on('will-quit', (event) => {
    if (coreClosed) return;
    event.preventDefault();
    void core.shutdown().finally(() => {
      coreClosed = true;
      app.quit();
    });
  });
});
