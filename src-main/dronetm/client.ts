import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import { backoffMs, DEFAULT_RETRY, sleep, type RetryPolicy } from '../sync/retry.ts';
import { needsRefresh, type DronetmTokens, type TokenStore } from './auth.ts';

/**
 * A client for the parts of DroneTM's HTTP API a field pilot needs (read from hotosm/drone-tm's route code):
 * login and token refresh (users/user_routes.py, header `access-token`), the project with its tasks
 * (GET /projects/{id}), and the multipart upload its web uploader uses (initiate / sign-part / list-parts / complete /
 * abort under /projects/). Every failure becomes an AppError the pilot can act on; tokens never appear in one.
 */

/** `https://dronetm.example.org` or its API root (`.../api`): requests go to `{api}/users/...`, `{api}/projects/...`. */
export function apiRoot(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new AppError('invalid_input', `${server} is not a DroneTM address: give its URL, e.g. https://dronetm.hotosm.org.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search) {
    throw new AppError('invalid_input', `${server} is not a DroneTM address: give an http(s) URL without user, password or query.`);
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return base.endsWith('/api') ? base : `${base}/api`;
}

const tokenAnswer = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional() });

const taskOut = z.object({
  id: z.string().uuid(),
  project_task_index: z.number().int(),
  outline: z.unknown().optional(),
  name: z.string().nullish(),
});
const projectInfo = z.object({
  id: z.string().uuid(),
  name: z.string(),
  author_id: z.string().nullish(),
  tasks: z.array(taskOut).nullish(),
});
export type DronetmProject = z.infer<typeof projectInfo>;
export type DronetmTask = z.infer<typeof taskOut>;

const initiated = z.object({ upload_id: z.string().min(1), file_key: z.string().min(1) });
const signed = z.object({ url: z.string().url() });
const listedParts = z.object({ parts: z.array(z.object({ part_number: z.number().int(), etag: z.string() })) });
const completed = z.object({ file_key: z.string().optional(), job_id: z.string().nullish(), message: z.string().optional() });

export interface InitiateInput {
  projectId: string;
  fileName: string;
  /** Photos go to `projects/{pid}/user-uploads/` for DroneTM's own processing (what its web uploader does). */
  staging: boolean;
  purpose?: 'image' | 'odm_import';
  taskId?: string;
}

export interface CompleteInput {
  uploadId: string;
  fileKey: string;
  parts: { partNumber: number; etag: string }[];
  projectId: string;
  fileName: string;
  batchId?: string;
  purpose?: 'image' | 'odm_import';
  taskId?: string;
}

export interface ClientOptions {
  tokens: TokenStore;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** A request unanswered this long counts as a dropped link (and is retried). */
  timeoutMs?: number;
}

/** What the server said, kept for wording. */
export class DronetmHttpError extends Error {
  readonly status: number;
  readonly detail: string;
  constructor(status: number, detail: string) {
    super(`HTTP ${status}: ${detail}`);
    this.name = 'DronetmHttpError';
    this.status = status;
    this.detail = detail;
  }
}

const transientStatus = (s: number): boolean => s >= 500 || s === 429 || s === 408;

export class DronetmClient {
  readonly api: string;
  private readonly store: TokenStore;
  private readonly signal: AbortSignal | undefined;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private tokens: DronetmTokens | null | undefined;
  private refreshing: Promise<DronetmTokens> | null = null;

  constructor(server: string, options: ClientOptions) {
    this.api = apiRoot(server);
    this.store = options.tokens;
    this.signal = options.signal;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** POST /users/login/ (form: username, password, role); the tokens are saved in the store, never returned in clear to logs. */
  async login(email: string, password: string): Promise<DronetmTokens> {
    const form = new URLSearchParams({ username: email, password, role: 'DRONE_PILOT' });
    let answer: unknown;
    try {
      answer = await this.send('POST', '/users/login/', { form, auth: false });
    } catch (err) {
      if (err instanceof DronetmHttpError && err.status === 400) {
        throw new AppError(
          'refused',
          /inactive/i.test(err.detail)
            ? `Your DroneTM account at ${this.api} is not active yet; activate it (see the e-mail DroneTM sent) and sign in again.`
            : `DroneTM at ${this.api} did not accept this e-mail and password. Check both (they are those of the DroneTM website) and try again.`,
          { server: this.api, status: err.status },
        );
      }
      throw this.worded(err, 'sign in');
    }
    const t = tokenAnswer.parse(answer);
    const tokens: DronetmTokens = { accessToken: t.access_token, ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}) };
    await this.store.set(this.api, tokens);
    this.tokens = tokens;
    return tokens;
  }

  /** Checks the stored token against the server (GET /users/my-info/), refreshing it when it has expired. */
  async whoAmI(): Promise<{ email: string | null; name: string | null }> {
    const info = z
      .object({ email_address: z.string().nullish(), email: z.string().nullish(), name: z.string().nullish() })
      .parse(await this.authed('GET', '/users/my-info/', {}, 'check your sign-in'));
    return { email: info.email_address ?? info.email ?? null, name: info.name ?? null };
  }

  /** GET /projects/{id}: the project and its tasks (uuid, index, outline). */
  async project(projectId: string): Promise<DronetmProject> {
    const answer = await this.authed('GET', `/projects/${encodeURIComponent(projectId)}`, {}, `read project ${projectId}`, projectId);
    const parsed = projectInfo.safeParse(answer);
    if (!parsed.success) {
      throw new AppError('remote_failed', `${this.api} answered for project ${projectId} with something that is not a DroneTM project.`, {
        server: this.api,
      });
    }
    return parsed.data;
  }

  async initiate(input: InitiateInput): Promise<{ uploadId: string; fileKey: string }> {
    const body = {
      project_id: input.projectId,
      file_name: input.fileName,
      staging: input.staging,
      ...(input.purpose ? { purpose: input.purpose } : {}),
      ...(input.taskId ? { task_id: input.taskId } : {}),
    };
    const out = initiated.parse(await this.authed('POST', '/projects/initiate-multipart-upload/', { json: body }, `start the upload of ${input.fileName}`, input.projectId));
    return { uploadId: out.upload_id, fileKey: out.file_key };
  }

  /** A presigned S3 PUT for one part; `expiryHours` as DroneTM takes it (whole hours). */
  async signPart(uploadId: string, fileKey: string, partNumber: number, expiryHours = 1): Promise<string> {
    const body = { upload_id: uploadId, file_key: fileKey, part_number: partNumber, expiry: expiryHours };
    return signed.parse(await this.authed('POST', '/projects/sign-part-upload/', { json: body }, `sign part ${partNumber} of ${fileKey}`)).url;
  }

  /**
   * The parts S3 holds for an upload, or null when the upload is gone (completed or aborted): DroneTM answers 400
   * "Failed to list parts" when S3 no longer knows the upload id.
   */
  async listParts(uploadId: string, fileKey: string): Promise<{ partNumber: number; etag: string }[] | null> {
    const query = new URLSearchParams({ upload_id: uploadId, file_key: fileKey });
    try {
      const out = listedParts.parse(await this.authed('GET', `/projects/list-parts/?${query.toString()}`, {}, `list the parts of ${fileKey}`));
      return out.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag }));
    } catch (err) {
      if (err instanceof AppError && err.details?.['status'] === 400) return null;
      throw err;
    }
  }

  async complete(input: CompleteInput): Promise<{ jobId: string | null }> {
    const body = {
      upload_id: input.uploadId,
      file_key: input.fileKey,
      parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
      project_id: input.projectId,
      filename: input.fileName,
      ...(input.batchId ? { batch_id: input.batchId } : {}),
      ...(input.purpose ? { purpose: input.purpose } : {}),
      ...(input.taskId ? { task_id: input.taskId } : {}),
    };
    const out = completed.parse(await this.authed('POST', '/projects/complete-multipart-upload/', { json: body }, `finish the upload of ${input.fileName}`, input.projectId, false));
    return { jobId: out.job_id ?? null };
  }

  async abort(uploadId: string, fileKey: string): Promise<void> {
    await this.authed('POST', '/projects/abort-multipart-upload/', { json: { upload_id: uploadId, file_key: fileKey } }, `abort the upload of ${fileKey}`);
  }

  /** An authenticated call: a token about to expire is refreshed first, and a 401 once more after a refresh. */
  private async authed(
    method: string,
    path: string,
    body: { json?: unknown },
    what: string,
    projectId?: string,
    retryTransient = true,
  ): Promise<unknown> {
    let tokens = await this.currentTokens();
    if (needsRefresh(tokens.accessToken)) tokens = await this.refresh(tokens);
    try {
      return await this.send(method, path, { ...body, token: tokens.accessToken, retryTransient });
    } catch (err) {
      if (err instanceof DronetmHttpError && err.status === 401 && tokens.refreshToken) {
        tokens = await this.refresh(tokens);
        try {
          return await this.send(method, path, { ...body, token: tokens.accessToken, retryTransient });
        } catch (again) {
          throw this.worded(again, what, projectId);
        }
      }
      throw this.worded(err, what, projectId);
    }
  }

  private async currentTokens(): Promise<DronetmTokens> {
    if (this.tokens === undefined) this.tokens = await this.store.get(this.api);
    if (!this.tokens) {
      throw new AppError(
        'refused',
        `Not signed in to DroneTM at ${this.api}: run \`postflight login --dronetm ${this.api}\` (or sign in from the Sync view) first.`,
        { server: this.api },
      );
    }
    return this.tokens;
  }

  /** One refresh at a time: parts in flight that all meet the expired token share it. */
  private refresh(tokens: DronetmTokens): Promise<DronetmTokens> {
    if (this.tokens && this.tokens.accessToken !== tokens.accessToken) return Promise.resolve(this.tokens);
    this.refreshing ??= this.refreshNow(tokens).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** GET /users/refresh-token with the refresh token as `access-token` (what DroneTM's web client does). */
  private async refreshNow(tokens: DronetmTokens): Promise<DronetmTokens> {
    const expired = new AppError(
      'refused',
      `Your DroneTM sign-in at ${this.api} has expired. Sign in again: \`postflight login --dronetm ${this.api}\` (or from the Sync view).`,
      { server: this.api, reason: 'token_expired' },
    );
    if (!tokens.refreshToken || needsRefresh(tokens.refreshToken, 0)) throw expired;
    let answer: unknown;
    try {
      answer = await this.send('GET', '/users/refresh-token', { token: tokens.refreshToken });
    } catch (err) {
      if (err instanceof DronetmHttpError && err.status === 401) throw expired;
      throw this.worded(err, 'renew your sign-in');
    }
    const t = tokenAnswer.parse(answer);
    const fresh: DronetmTokens = { accessToken: t.access_token, refreshToken: t.refresh_token ?? tokens.refreshToken };
    await this.store.set(this.api, fresh);
    this.tokens = fresh;
    return fresh;
  }

  /** One HTTP exchange, retried on dropped links and 5xx answers; answers the parsed JSON body. */
  private async send(
    method: string,
    path: string,
    opts: { json?: unknown; form?: URLSearchParams; token?: string; auth?: boolean; retryTransient?: boolean },
  ): Promise<unknown> {
    const attempts = opts.retryTransient === false ? 1 : this.retry.attempts;
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      try {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (opts.token) headers['access-token'] = opts.token;
        let body: string | undefined;
        if (opts.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(opts.json);
        } else if (opts.form) {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = opts.form.toString();
        }
        const signals = [AbortSignal.timeout(this.timeoutMs), ...(this.signal ? [this.signal] : [])];
        const res = await fetch(`${this.api}${path}`, { method, headers, body, signal: AbortSignal.any(signals) });
        const text = await res.text();
        let parsed: unknown = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = null;
        }
        if (res.ok) return parsed;
        const detail = (parsed as { detail?: unknown } | null)?.detail;
        throw new DronetmHttpError(res.status, typeof detail === 'string' ? detail : JSON.stringify(detail ?? text.slice(0, 200)));
      } catch (err) {
        if (this.signal?.aborted) throw this.signal.reason;
        const transient = err instanceof DronetmHttpError ? transientStatus(err.status) : true;
        if (!transient || attempt + 1 >= attempts) throw err;
        await sleep(backoffMs(this.retry, attempt), this.signal);
      }
    }
  }

  /** Words whatever stopped a call for the pilot (never with a token in it). */
  private worded(err: unknown, what: string, projectId?: string): unknown {
    if (err instanceof AppError || this.signal?.aborted) return err;
    const where = `DroneTM at ${this.api}`;
    if (err instanceof DronetmHttpError) {
      const details = { server: this.api, status: err.status, detail: err.detail, ...(projectId ? { projectId } : {}) };
      if (err.status === 401) {
        return new AppError('refused', `${where} no longer accepts your sign-in (the token is expired or not valid). Sign in again: \`postflight login --dronetm ${this.api}\`.`, {
          ...details,
          reason: 'token_expired',
        });
      }
      // DroneTM answers an unknown project id with 403 "Project with ID or slug ... not found." (project_deps.py).
      if (err.status === 404 || (err.status === 403 && /not found/i.test(err.detail))) {
        return new AppError('not_found', `${where} has no project ${projectId ?? ''}: check the project id (the uuid in the project's address on the DroneTM website).`.replace(' :', ':'), details);
      }
      if (err.status === 403) {
        return new AppError(
          'refused',
          `${where} refused to ${what}: your account is not a member of this project or lacks the right (${err.detail}). Ask the project's manager to add you.`,
          details,
        );
      }
      if (transientStatus(err.status)) {
        return new AppError('remote_failed', `${where} is having trouble (HTTP ${err.status}) and could not ${what}; try again later.`, details);
      }
      return new AppError('remote_failed', `${where} could not ${what}: ${err.detail}`, details);
    }
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const why = e.cause?.code ?? e.cause?.message ?? (e.name === 'TimeoutError' ? 'no answer in time' : e.message) ?? 'no connection';
    return new AppError(
      'remote_failed',
      `${where} is not answering (${why}): the server is down or this computer is offline. Try again when online; nothing sent is lost.`,
      { server: this.api, cause: why },
    );
  }
}
