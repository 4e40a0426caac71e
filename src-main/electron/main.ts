/**
 * The Electron main process: a thin adapter. It creates the window, registers the media protocol and the IPC
 * channel, and forwards core events to the renderer. Everything else is the same core the CLI uses.
 */
import path from 'node:path';
import { app, BrowserWindow, session as electronSession } from 'electron';
import { Session } from '../api/session.ts';
import { createDispatch } from '../api/dispatch.ts';
import { createHandlers } from '../api/handlers.ts';
import { RENDERER_CSP } from '../common/csp.ts';
import { createMainWindow, rendererDir } from './window.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { handleMediaProtocol } from './media-protocol.ts';
import { handleAppProtocol, registerPrivilegedSchemes } from './app-protocol.ts';
import { pickFolder } from './dialogs.ts';
import { safeStorageCredentials, safeStorageTokens } from './credential-store.ts';

registerPrivilegedSchemes();

let mainWindow: BrowserWindow | null = null;
const session = new Session({
  emit: (name, payload) => sendEvent(mainWindow?.webContents ?? null, name, payload),
  recentFile: path.join(app.getPath('userData'), 'recent.json'),
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(() => {
  // The app:// handler sets the CSP itself; this header covers the dev server's responses.
  electronSession.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  electronSession.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  handleAppProtocol(rendererDir);
  handleMediaProtocol(session);
  const handlers = createHandlers(session, 'ipc', {
    pickFolder: (purpose) => pickFolder(mainWindow, purpose),
    credentials: safeStorageCredentials(path.join(app.getPath('userData'), 'credentials.json')),
    dronetmTokens: safeStorageTokens(path.join(app.getPath('userData'), 'credentials.json')),
  });
  registerIpc(createDispatch(handlers));
  mainWindow = createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
});

app.on('window-all-closed', () => {
  void session.close().finally(() => {
    if (process.platform !== 'darwin') app.quit();
  });
});
