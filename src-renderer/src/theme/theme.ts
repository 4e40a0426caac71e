import type { Theme } from './theme-name.ts';
export type { Theme };

const STORAGE_KEY = 'postflight-theme';

export function loadTheme(storage: Pick<Storage, 'getItem'> = localStorage): Theme {
  return storage.getItem(STORAGE_KEY) === 'sunlight' ? 'sunlight' : 'standard';
}

/** Applies the theme to the document and remembers it for the next start. */
export function applyTheme(theme: Theme, storage: Pick<Storage, 'setItem'> = localStorage): void {
  document.documentElement.dataset.theme = theme;
  storage.setItem(STORAGE_KEY, theme);
}

