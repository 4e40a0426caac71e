import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { MEDIA_SCHEME } from '../../src-preload/contract-base.ts';
import type { CoreClient } from '../core-host/client.ts';

/**
 * postflight-media://thumb|photo/<image id> and postflight-media://overlay/<run id>: opaque ids the core host resolves
 * through the project database; main only streams the file it names.
 */
export function handleMediaProtocol(resolve: CoreClient['media']): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const found = await resolve(`/${url.hostname}${url.pathname}`);
    if (!found) return new Response('Not found', { status: 404 });
    try {
      const response = await net.fetch(pathToFileURL(found.file).toString());
      return new Response(response.body, { headers: { 'content-type': found.contentType, 'cache-control': 'private, max-age=3600' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
