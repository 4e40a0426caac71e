/**
 * The renderer's API client over either transport: Electron IPC (window.postflight from the preload) or the HTTP +
 * WebSocket harness of `postflight serve` in a plain browser. Both speak the same contract and envelopes.
 */
import type { PostflightBridge } from '../../../src-preload/contract.ts';
import { MEDIA_SCHEME } from '../../../src-preload/contract.ts';
import { ApiCallError, unwrap, type ApiClient } from './api-client.ts';
import { httpClient } from './http-client.ts';

export { ApiCallError, type ApiClient } from './api-client.ts';

declare global {
  interface Window {
    postflight?: PostflightBridge;
  }
}

function ipcClient(bridge: PostflightBridge): ApiClient {
  return {
    call: async (method, params) => unwrap(await bridge.invoke(method, params)),
    on: (event, listener) => bridge.on(event, listener),
    mediaUrl: (kind, id) => `${MEDIA_SCHEME}://${kind}/${encodeURIComponent(id)}`,
  };
}

/** Picks the transport: the preload's bridge in Electron, else the token given in the page URL by `serve`. */
export function createApiClient(): ApiClient {
  if (window.postflight) return ipcClient(window.postflight);
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('postflight-token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  const token = fromUrl ?? sessionStorage.getItem('postflight-token');
  if (!token) throw new ApiCallError('refused', 'Open the address printed by `postflight serve` (it carries the access token).');
  return httpClient(token, location.origin);
}
