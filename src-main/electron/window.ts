import path from 'node:path';
import { BrowserWindow, shell } from 'electron';
import { APP_ORIGIN, isAppUrl } from './app-url.ts';

/** The built renderer's folder, served as app://postflight/. */
export const rendererDir = path.join(import.meta.dirname, '../renderer');

/** Where the renderer comes from: the dev server in `electron-vite dev`, the app:// origin otherwise. */
export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `${APP_ORIGIN}/index.html`;
}

/** True when a URL is on our renderer's exact origin (used to vet navigation and IPC senders). */
export function isRendererUrl(url: string): boolean {
  return isAppUrl(url, rendererUrl());
}

/** The main window with the Electron security checklist applied. */
export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Postflight',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Nothing opens new windows or navigates away; links to the web go to the system browser when the pilot asks.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(rendererUrl());
  return win;
}
