/**
 * The renderer's origin and the vetting of URLs against it, kept free of Electron so it can be tested as plain logic.
 * The app is served from a privileged custom scheme (not file://, where every local file shares one origin).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'postflight';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * True only when `url` is on exactly the origin of `base`: same scheme, same host and port, no user info. A prefix
 * test would let `app://postflight.evil/` or `app://postflight@evil/` through; parsing and comparing parts does not.
 */
export function isAppUrl(url: string, base: string = APP_ORIGIN): boolean {
  const u = parse(url);
  const b = parse(base);
  if (!u || !b) return false;
  return u.protocol === b.protocol && u.host === b.host && u.host !== '' && u.username === '' && u.password === '';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The file inside the renderer folder an app:// URL asks for, as a relative path; null for anything that would leave
 * the folder or is not on the app's origin. `/` is the index page.
 */
export function appFileOf(url: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) return null;
  return parts.length ? parts.join('/') : 'index.html';
}
