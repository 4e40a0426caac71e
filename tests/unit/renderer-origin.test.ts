import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, appFileOf, isAppUrl } from '../../src-main/electron/app-url.ts';

describe('renderer origin vetting (IPC senders, navigation, app:// files)', () => {
  it('accepts exactly the app origin', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/index-abc.js?x=1#map`)).toBe(true);
  });

  it('refuses look-alikes that a prefix match would let through', () => {
    for (const url of [
      'app://postflight.evil/index.html',
      'app://postflight.evil',
      'app://postflight@evil/index.html',
      'app://user:pw@postflight/index.html',
      'app://postflight:8080/index.html',
      'app://evil/postflight/index.html',
      'apps://postflight/index.html',
      'file:///app/postflight/index.html',
      'https://postflight/index.html',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('vets against the dev server origin when that is the base, port included', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost.evil:5173/', dev)).toBe(false);
    expect(isAppUrl(`${APP_ORIGIN}/index.html`, dev)).toBe(false);
  });

  it('maps app:// URLs to files inside the renderer folder only', () => {
    expect(appFileOf(`${APP_ORIGIN}/`)).toBe('index.html');
    expect(appFileOf(`${APP_ORIGIN}/assets/index-abc.js`)).toBe('assets/index-abc.js');
    expect(appFileOf(`${APP_ORIGIN}/assets/a%20b.png?v=2`)).toBe('assets/a b.png');
    // The URL parser resolves encoded dot segments against the root, so they can't climb out of the folder.
    expect(appFileOf(`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe('etc/passwd');
    expect(appFileOf(`${APP_ORIGIN}/assets/..%2f..%2fmain/index.js`)).toBeNull();
    expect(appFileOf(`${APP_ORIGIN}/a%5c..%5cb`)).toBeNull();
    expect(appFileOf(`${APP_ORIGIN}/%E0%A4%A`)).toBeNull();
    expect(appFileOf('app://postflight.evil/index.html')).toBeNull();
  });
});
