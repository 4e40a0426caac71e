import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../common/errors.ts';

export interface NodeOdmConnection {
  /** Base address, e.g. http://192.168.1.10:3000 */
  url: string;
  /** NodeODM's token (`?token=`) when the node requires one. */
  token?: string;
}

/** NodeODM's task status codes. */
export const NODEODM_STATUS = { queued: 10, running: 20, failed: 30, completed: 40, canceled: 50 } as const;

export interface NodeOdmTaskInfo {
  uuid: string;
  status: { code: number; errorMessage?: string };
  progress?: number;
  imagesCount?: number;
  processingTime?: number;
}

/** A client for NodeODM's REST API (the chunked task API: init, one upload per photo, commit). */
export class NodeOdmClient {
  private readonly base: string;
  private readonly token: string | undefined;

  constructor(connection: NodeOdmConnection) {
    this.base = connection.url.replace(/\/+$/, '');
    this.token = connection.token;
  }

  private url(pathname: string, query: Record<string, string | number> = {}): string {
    const u = new URL(this.base + pathname);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    if (this.token) u.searchParams.set('token', this.token);
    return u.toString();
  }

  private async request(pathname: string, init: RequestInit & { query?: Record<string, string | number> } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.url(pathname, init.query), init);
    } catch (err) {
      if (init.signal?.aborted) throw err;
      const cause: unknown = (err as Error).cause;
      const why = cause instanceof Error ? cause.toString() : (err as Error).message;
      throw new AppError('remote_failed', `Can't reach the NodeODM server at ${this.base} (${why}).`, {
        url: this.base,
      });
    }
    if (res.status === 401 || res.status === 403) {
      throw new AppError('refused', 'The NodeODM server refused the token. Check the token in the ODM settings.', { status: res.status });
    }
    return res;
  }

  /** Parses a JSON answer; NodeODM reports failures as `{ error }`, sometimes with status 200. */
  private async json<T>(res: Response, what: string): Promise<T> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError('remote_failed', `NodeODM answered ${what} with something that is not JSON (HTTP ${res.status}).`);
    }
    const error = (body as { error?: unknown }).error;
    if (error || !res.ok) {
      const why = typeof error === 'string' ? error : error ? JSON.stringify(error) : `HTTP ${res.status}`;
      throw new AppError('remote_failed', `NodeODM could not ${what}: ${why}`);
    }
    return body as T;
  }

  async info(): Promise<{ version: string; taskQueueCount: number; maxImages?: number | null; engine?: string }> {
    return this.json(await this.request('/info'), 'tell about itself');
  }

  async init(name: string, options: { name: string; value: unknown }[]): Promise<string> {
    const form = new FormData();
    form.append('name', name);
    form.append('options', JSON.stringify(options));
    const body = await this.json<{ uuid: string }>(await this.request('/task/new/init', { method: 'POST', body: form }), 'start a task');
    return body.uuid;
  }

  /** Uploads one photo (the form field NodeODM expects is `images`). */
  async upload(uuid: string, file: string, fileName: string, signal?: AbortSignal): Promise<void> {
    const form = new FormData();
    form.append('images', await fs.openAsBlob(file), fileName);
    await this.json(await this.request(`/task/new/upload/${encodeURIComponent(uuid)}`, { method: 'POST', body: form, signal }), `receive ${fileName}`);
  }

  async commit(uuid: string): Promise<void> {
    await this.json(await this.request(`/task/new/commit/${encodeURIComponent(uuid)}`, { method: 'POST' }), 'start processing');
  }

  async taskInfo(uuid: string): Promise<NodeOdmTaskInfo> {
    return this.json(await this.request(`/task/${encodeURIComponent(uuid)}/info`), 'tell about the task');
  }

  /** ODM's console lines from line `from` on. */
  async output(uuid: string, from: number): Promise<string[]> {
    return this.json(await this.request(`/task/${encodeURIComponent(uuid)}/output`, { query: { line: from } }), 'send the log');
  }

  async download(uuid: string, asset: string, dest: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request(`/task/${encodeURIComponent(uuid)}/download/${asset}`, { signal });
    if (!res.ok || !res.body || (res.headers.get('content-type') ?? '').includes('json')) await this.json(res, `send ${asset}`);
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(dest));
  }

  private async command(pathname: string, uuid: string, what: string): Promise<void> {
    await this.json(
      await this.request(pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ uuid }).toString(),
      }),
      what,
    );
  }

  cancel(uuid: string): Promise<void> {
    return this.command('/task/cancel', uuid, 'cancel the task');
  }

  remove(uuid: string): Promise<void> {
    return this.command('/task/remove', uuid, 'remove the task');
  }
}
