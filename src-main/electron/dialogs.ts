import { dialog, type BrowserWindow } from 'electron';

const TITLES = { project: 'Open or create a project folder', card: 'Choose the SD card (or a folder of photos)' } as const;

/** The native folder picker, attached to the window so it is modal; null when the pilot cancels. */
export async function pickFolder(win: BrowserWindow | null, purpose: 'project' | 'card'): Promise<string | null> {
  const options = { title: TITLES[purpose], properties: ['openDirectory' as const, 'createDirectory' as const] };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
