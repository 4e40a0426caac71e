import path from 'node:path';
import { BrowserWindow, shell } from 'electron';

/** Where the renderer comes from: the dev server in `electron-vite dev`, the built files otherwise. */
export function rendererUrl(): string {
  const dev = process.env.ELECTRON_RENDERER_URL;
  return dev ?? new URL(`file://${path.join(import.meta.dirname, '../renderer/index.html')}`).toString();
}

/** True when a URL belongs to our own renderer (used to vet navigation and IPC senders). */
export function isAppUrl(url: string): boolean {
  const base = rendererUrl();
  return url.startsWith(base.endsWith('index.html') ? base : new URL(base).origin);
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
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(rendererUrl());
  return win;
}
