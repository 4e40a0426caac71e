import type { Session } from 'electron';
import { RENDERER_CSP } from '../common/csp.ts';

/** The parts of an Electron session the hardening sets (a recording stand-in in tests). */
export type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * The window's session: no permission is ever granted, neither when a page asks (request: camera, geolocation,
 * notifications...) nor when Chromium merely checks one (check: e.g. `navigator.permissions`, clipboard, HID, serial);
 * every response carries the renderer's CSP (the app:// handler sets it too; this covers the dev server).
 */
export function hardenSession(session: HardenableSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
