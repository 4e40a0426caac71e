import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { MEDIA_SCHEME } from '../../src-preload/contract.ts';
import { parseMediaPath, resolveMedia } from '../api/media.ts';
import type { Session } from '../api/session.ts';

/** postflight-media://thumb|photo/<image id> and postflight-media://overlay/<run id>: opaque ids resolved through the database. */
export function handleMediaProtocol(session: Session): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const ref = parseMediaPath(`/${url.hostname}${url.pathname}`);
    const project = session.project;
    if (!ref || !project) return new Response('Not found', { status: 404 });
    try {
      const { file, contentType } = resolveMedia(project, ref);
      const response = await net.fetch(pathToFileURL(file).toString());
      return new Response(response.body, { headers: { 'content-type': contentType, 'cache-control': 'private, max-age=3600' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
