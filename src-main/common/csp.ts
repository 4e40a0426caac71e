/**
 * The renderer's Content Security Policy, the same in Electron and in the browser harness: scripts only from the
 * app itself, images from the app, the media protocol/route and blob/data (MapLibre's sprites), network calls only to
 * the app's own API/WebSocket. MapLibre builds its workers from blob: URLs and fetches image sources, so the overlap
 * layer the renderer paints into a blob: URL needs blob: in connect-src.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: postflight-media:",
  "connect-src 'self' blob: ws://127.0.0.1:* ws://localhost:* postflight-media:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
