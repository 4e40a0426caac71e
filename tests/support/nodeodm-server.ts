import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { strToU8, zipSync } from 'fflate';
import { ODM_STAGES } from '../../src-main/odm/odm-log.ts';
import { STANDIN_ORTHO, writeGeoTiff } from './odm-geotiff.ts';

/** One task as the stand-in node keeps it. */
export interface StandInTask {
  uuid: string;
  name: string;
  options: { name: string; value: unknown }[];
  files: Map<string, number>;
  status: number;
  lines: string[];
  progress: number;
  cancelled: boolean;
  removed: boolean;
}

export interface StandInNodeOdm {
  url: string;
  tasks: Map<string, StandInTask>;
  /** Files stored per name, across tasks (a resume must not send one twice). */
  stored: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A small NodeODM following its documented REST API (init / upload / commit, info, output?line=, download/all.zip,
 * cancel, remove, `?token=`), over real HTTP on 127.0.0.1. Processing prints ODM's stage markers one per `stepMs`
 * and yields a real GeoTIFF in all.zip; fewer than `minImages` photos fail like ODM does. `dropUpload` makes the
 * n-th upload request (1-based) lose its connection, as a flaky field link would.
 */
export async function startNodeOdmServer(opts: { token?: string; minImages?: number; stepMs?: number; dropUpload?: number } = {}): Promise<StandInNodeOdm> {
  const tasks = new Map<string, StandInTask>();
  const stored = new Map<string, number>();
  const minImages = opts.minImages ?? 3;
  const stepMs = opts.stepMs ?? 20;
  let uploadRequests = 0;

  const json = (res: http.ServerResponse, body: unknown, status = 200): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const form = (req: http.IncomingMessage): Promise<FormData> =>
    new Request('http://node/', {
      method: 'POST',
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream,
      duplex: 'half',
    }).formData();
  const bodyUuid = async (req: http.IncomingMessage): Promise<string | null> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    if ((req.headers['content-type'] ?? '').includes('json')) return (JSON.parse(text) as { uuid?: string }).uuid ?? null;
    return new URLSearchParams(text).get('uuid');
  };

  const process = (task: StandInTask): void => {
    const count = task.files.size;
    const script: (() => void)[] = [() => task.lines.push('[INFO]    Running dataset stage')];
    if (count < minImages) {
      script.push(() => {
        task.lines.push(`[ERROR]   Not enough supported images in /var/www/data/${task.uuid}/images`);
        task.status = 30;
      });
    } else {
      script.push(() => task.lines.push(`[INFO]    Found ${count} usable images`, '[INFO]    Finished dataset stage'));
      for (const s of ODM_STAGES.slice(1)) {
        script.push(() => {
          task.lines.push(`[INFO]    Running ${s.name} stage`, `[INFO]    Finished ${s.name} stage`);
          task.progress = s.doneAt;
        });
      }
      script.push(() => {
        task.lines.push('[INFO]    ODM app finished');
        task.status = 40;
      });
    }
    const step = (): void => {
      if (task.cancelled || task.removed) return;
      script.shift()!();
      if (script.length) setTimeout(step, stepMs);
    };
    setTimeout(step, stepMs);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://node');
      if (opts.token && url.searchParams.get('token') !== opts.token) return json(res, { error: 'Invalid authentication token' }, 403);
      const parts = url.pathname.split('/').filter(Boolean);
      const route = `${req.method} /${parts.join('/')}`;
      if (route === 'GET /info') return json(res, { version: '2.2.1', taskQueueCount: 0, maxImages: null, engine: 'odm', engineVersion: '3.5.4' });
      if (route === 'POST /task/new/init') {
        const f = await form(req);
        const uuid = randomUUID();
        const options = JSON.parse(String(f.get('options') ?? '[]')) as StandInTask['options'];
        tasks.set(uuid, { uuid, name: String(f.get('name') ?? ''), options, files: new Map(), status: 0, lines: [], progress: 0, cancelled: false, removed: false });
        return json(res, { uuid });
      }
      const task = tasks.get(parts[3] ?? parts[1] ?? '');
      if (parts[0] === 'task' && parts[1] === 'new' && parts[2] === 'upload' && req.method === 'POST') {
        if (++uploadRequests === opts.dropUpload) return req.socket.destroy();
        if (!task || task.status !== 0) return json(res, { error: 'Invalid uuid (not found)' });
        const f = await form(req);
        for (const file of f.getAll('images') as File[]) {
          task.files.set(file.name, file.size);
          stored.set(file.name, (stored.get(file.name) ?? 0) + 1);
        }
        return json(res, { success: true });
      }
      if (parts[0] === 'task' && parts[1] === 'new' && parts[2] === 'commit' && req.method === 'POST') {
        if (!task || task.status !== 0) return json(res, { error: 'Invalid uuid (not found)' });
        task.status = 20;
        process(task);
        return json(res, { uuid: task.uuid });
      }
      if (route === 'POST /task/cancel' || route === 'POST /task/remove') {
        const t = tasks.get((await bodyUuid(req)) ?? '');
        if (!t) return json(res, { error: 'Invalid uuid (not found)' });
        if (parts[1] === 'cancel') {
          t.cancelled = true;
          t.status = 50;
        } else t.removed = true;
        return json(res, { success: true });
      }
      const byUuid = tasks.get(parts[1] ?? '');
      if (parts[0] === 'task' && byUuid && byUuid.status !== 0 && !byUuid.removed) {
        if (parts[2] === 'info') {
          return json(res, {
            uuid: byUuid.uuid,
            name: byUuid.name,
            dateCreated: Date.now(),
            processingTime: 0,
            status: { code: byUuid.status },
            options: byUuid.options,
            imagesCount: byUuid.files.size,
            progress: byUuid.progress,
          });
        }
        if (parts[2] === 'output') return json(res, byUuid.lines.slice(Number(url.searchParams.get('line') ?? 0)));
        if (parts[2] === 'download' && parts[3] === 'all.zip' && byUuid.status === 40) {
          const zip = zipSync({
            'odm_orthophoto/odm_orthophoto.tif': writeGeoTiff(STANDIN_ORTHO),
            'odm_report/report.pdf': strToU8('%PDF-1.4\n% stand-in report\n'),
          });
          res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
          return res.end(zip);
        }
      }
      return json(res, { error: `${route}: not found` }, 404);
    })().catch((err: unknown) => json(res, { error: String(err) }, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tasks,
    stored,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
