import { useEffect, useState } from 'react';
import type { Theme } from './theme.ts';

/** The page's theme, followed as the pilot toggles sunlight mode (views that paint colours themselves repaint). */
export function useDocumentTheme(): Theme {
  const read = (): Theme => (document.documentElement.dataset.theme === 'sunlight' ? 'sunlight' : 'standard');
  const [theme, setTheme] = useState<Theme>(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}
