/**
 * A stand-in for DroneTM's HTTP API, for tests: the routes, payloads, status codes and `detail` texts as
 * hotosm/drone-tm's code has them (users/user_routes.py, users/user_deps.py, users/user_logic.py,
 * projects/project_routes.py, projects/project_deps.py, projects/project_schemas.py, s3.py). Multipart uploads are
 * real: initiate / list-parts / complete / abort call the test suite's RGW, and sign-part answers a SigV4 presigned
 * PUT URL (against `presignEndpoint`, e.g. a fault proxy in front of RGW), so photo bytes travel to S3 the way they do
 * from DroneTM's web uploader. Only what a field client uses is here.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { RGW, rgwClient } from './rgw.ts';

export interface StandInUser {
  id: string;
  email: string;
  password: string;
  name: string;
  active?: boolean;
}

export interface StandInTask {
  id: string;
  index: number;
  /** GeoJSON Polygon. */
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

export interface StandInProject {
  id: string;
  name: string;
  authorId: string;
  tasks: StandInTask[];
}

export interface CompleteCall {
  fileKey: string;
  filename: string;
  projectId: string;
  batchId: string | null;
  purpose: string;
  taskId: string | null;
  userId: string;
}

export interface StandInStats {
  requests: string[];
  completes: CompleteCall[];
  /** Sign-part calls by `file_key#part`. */
  signs: Map<string, number>;
  logins: number;
  refreshes: number;
}

export interface DronetmStandIn {
  readonly url: string;
  readonly stats: StandInStats;
  /** Access and refresh tokens for a user, as login would give them (optionally already expired). */
  tokensFor(email: string, opts?: { accessTtlSeconds?: number; refreshTtlSeconds?: number }): { access_token: string; refresh_token: string };
  /** The next `n` sign-part answers are URLs that expired before they were handed out. */
  expireNextSigns(n: number): void;
  /** Refuses connections (the server is down) until turned back on. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  bucket: string;
  users: StandInUser[];
  projects: StandInProject[];
  /** Where presigned URLs point (RGW or a proxy in front of it). */
  presignEndpoint?: string;
  /** Lifetime of new access tokens (DroneTM's default is a day). */
  accessTtlSeconds?: number;
}

const SECRET = 'stand-in-secret';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** user_logic.verify_token: the claims of a valid, unexpired token, or null. */
function verifyJwt(token: string): Record<string, unknown> | null {
  const [head, body, sig] = token.split('.');
  if (!head || !body || !sig) return null;
  const expected = createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url');
  if (expected !== sig) return null;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof claims['exp'] !== 'number' || claims['exp'] <= Date.now() / 1000) return null;
  return claims;
}

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A SigV4 query-presigned S3 URL (path style), as minio's get_presigned_url makes for DroneTM. */
function presign(endpoint: string, bucket: string, key: string, query: Record<string, string>, expiresSeconds: number, at: Date): string {
  const url = new URL(endpoint);
  const amzDate = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${RGW.region}/s3/aws4_request`;
  const path = `/${bucket}/${key.split('/').map(rfc3986).join('/')}`;
  const params: Record<string, string> = {
    ...query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${RGW.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(params)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`)
    .join('&');
  const canonical = ['PUT', path, canonicalQuery, `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key2: Buffer = createHmac('sha256', `AWS4${RGW.credentials.secretAccessKey}`).update(day).digest();
  for (const part of [RGW.region, 's3', 'aws4_request']) key2 = createHmac('sha256', key2).update(part).digest();
  const signature = createHmac('sha256', key2).update(toSign).digest('hex');
  return `${url.origin}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

class HttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  constructor(status: number, detail: unknown) {
    super(String(detail));
    this.status = status;
    this.detail = detail;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startDronetmStandIn(options: StandInOptions): Promise<DronetmStandIn> {
  const s3: S3Client = rgwClient();
  const presignEndpoint = options.presignEndpoint ?? RGW.endpoint;
  const stats: StandInStats = { requests: [], completes: [], signs: new Map(), logins: 0, refreshes: 0 };
  let expireSigns = 0;
  let down = false;

  const userByEmail = (email: string) => options.users.find((u) => u.email === email);
  const issue = (u: StandInUser, accessTtl: number, refreshTtl: number) => {
    const claims = { id: u.id, email: u.email, name: u.name, profile_img: null, role: 'DRONE_PILOT' };
    const now = Math.floor(Date.now() / 1000);
    return { access_token: signJwt({ ...claims, exp: now + accessTtl }), refresh_token: signJwt({ ...claims, exp: now + refreshTtl }) };
  };
  const accessTtl = options.accessTtlSeconds ?? 60 * 60 * 24;

  /** user_deps.verify_access_token: APIKeyHeader("access-token"). */
  const login = (req: http.IncomingMessage): StandInUser => {
    const token = req.headers['access-token'];
    // FastAPI's APIKeyHeader answers a missing header with 403 "Not authenticated".
    if (typeof token !== 'string' || !token) throw new HttpError(403, 'Not authenticated');
    const claims = verifyJwt(token);
    if (!claims) throw new HttpError(401, 'Access token not valid');
    const user = options.users.find((u) => u.id === claims['id']);
    if (!user) throw new HttpError(401, 'Access token not valid');
    return user;
  };
  const projectById = (id: string): StandInProject => {
    const p = options.projects.find((x) => x.id === id);
    // project_deps.get_project_by_id: unknown id or slug -> 403 FORBIDDEN "... not found."
    if (!p) throw new HttpError(403, `Project with ID or slug ${id} not found.`);
    return p;
  };
  const requireFields = (body: Record<string, unknown>, fields: Record<string, 'string' | 'uuid' | 'int' | 'array'>) => {
    for (const [name, kind] of Object.entries(fields)) {
      const v = body[name];
      const ok =
        kind === 'string' ? typeof v === 'string' : kind === 'uuid' ? typeof v === 'string' && UUID.test(v) : kind === 'int' ? Number.isInteger(v) : Array.isArray(v);
      if (!ok) throw new HttpError(422, [{ type: 'missing', loc: ['body', name], msg: `Field required or invalid: ${name}` }]);
    }
  };

  async function route(req: http.IncomingMessage, url: URL, body: Buffer): Promise<unknown> {
    const json = (): Record<string, unknown> => {
      try {
        return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new HttpError(422, 'JSON decode error');
      }
    };
    const path = url.pathname;
    if (req.method === 'POST' && path === '/api/users/login/') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (!form.get('username') || !form.get('password') || !form.get('role')) throw new HttpError(422, 'Field required');
      stats.logins++;
      const user = userByEmail(form.get('username')!);
      if (!user || user.password !== form.get('password')) throw new HttpError(400, 'Incorrect email or password');
      if (user.active === false) throw new HttpError(400, 'Inactive user');
      return { ...issue(user, accessTtl, 8 * 24 * 3600), token_type: 'bearer', role: form.get('role') };
    }
    if (req.method === 'GET' && path === '/api/users/refresh-token') {
      const user = login(req);
      stats.refreshes++;
      return { ...issue(user, accessTtl, 8 * 24 * 3600), token_type: 'bearer', role: 'DRONE_PILOT' };
    }
    if (req.method === 'GET' && path === '/api/users/my-info/') {
      const user = login(req);
      return { id: user.id, email_address: user.email, name: user.name, has_user_profile: true };
    }
    if (req.method === 'POST' && path === '/api/projects/initiate-multipart-upload/') {
      const user = login(req);
      const data = json();
      requireFields(data, { project_id: 'uuid', file_name: 'string' });
      let fileKey: string;
      if (data['purpose'] === 'odm_import') {
        if (!data['task_id']) throw new HttpError(400, 'task_id is required for ODM import');
        const project = projectById(String(data['project_id']));
        if (project.authorId !== user.id) throw new HttpError(403, 'Only the project creator may import ODM assets');
        fileKey = `projects/${data['project_id']}/${data['task_id']}/odm_import.zip`;
      } else if (data['staging'] === true) {
        fileKey = `projects/${data['project_id']}/user-uploads/${data['file_name']}`;
      } else {
        if (!data['task_id']) throw new HttpError(400, 'task_id is required when staging=False');
        fileKey = `projects/${data['project_id']}/${data['task_id']}/images/${data['file_name']}`;
      }
      try {
        const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: options.bucket, Key: fileKey }));
        return { upload_id: out.UploadId, file_key: fileKey };
      } catch (err) {
        throw new HttpError(400, `Failed to initiate multipart upload: ${(err as Error).message}`);
      }
    }
    if (req.method === 'POST' && path === '/api/projects/sign-part-upload/') {
      login(req);
      const data = json();
      requireFields(data, { upload_id: 'string', file_key: 'string', part_number: 'int' });
      const expiryHours = Number.isInteger(data['expiry']) ? Number(data['expiry']) : 2;
      const key = `${data['file_key']}#${data['part_number']}`;
      stats.signs.set(key, (stats.signs.get(key) ?? 0) + 1);
      const expired = expireSigns > 0;
      if (expired) expireSigns--;
      const at = expired ? new Date(Date.now() - 2 * 3600_000) : new Date();
      const url = presign(
        presignEndpoint,
        options.bucket,
        String(data['file_key']),
        { uploadId: String(data['upload_id']), partNumber: String(data['part_number']) },
        expired ? 60 : expiryHours * 3600,
        at,
      );
      return { url, part_number: data['part_number'] };
    }
    if (req.method === 'GET' && path === '/api/projects/list-parts/') {
      login(req);
      const uploadId = url.searchParams.get('upload_id');
      const fileKey = url.searchParams.get('file_key');
      if (!uploadId || !fileKey) throw new HttpError(422, 'Field required');
      try {
        const out = await s3.send(new ListPartsCommand({ Bucket: options.bucket, Key: fileKey, UploadId: uploadId }));
        return { parts: (out.Parts ?? []).map((p) => ({ part_number: p.PartNumber, etag: p.ETag })), upload_id: uploadId };
      } catch (err) {
        throw new HttpError(400, `Failed to list parts: ${(err as Error).name}`);
      }
    }
    if (req.method === 'POST' && path === '/api/projects/complete-multipart-upload/') {
      const user = login(req);
      const data = json();
      requireFields(data, { upload_id: 'string', file_key: 'string', parts: 'array', project_id: 'uuid', filename: 'string' });
      if (data['batch_id'] !== undefined && data['batch_id'] !== null && !UUID.test(String(data['batch_id']))) {
        throw new HttpError(422, 'batch_id: Input should be a valid UUID');
      }
      if (data['purpose'] === 'odm_import') {
        if (!data['task_id']) throw new HttpError(400, 'task_id is required for ODM import');
        if (projectById(String(data['project_id'])).authorId !== user.id) {
          throw new HttpError(403, 'Only the project creator may import ODM assets');
        }
      }
      const parts = (data['parts'] as { PartNumber?: number; ETag?: string; part_number?: number; etag?: string }[]).map((p) => ({
        PartNumber: Number(p.PartNumber ?? p.part_number),
        ETag: String(p.ETag ?? p.etag).replace(/"/g, ''),
      }));
      try {
        await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: options.bucket,
            Key: String(data['file_key']),
            UploadId: String(data['upload_id']),
            MultipartUpload: { Parts: parts },
          }),
        );
      } catch (err) {
        throw new HttpError(400, `Failed to complete multipart upload: ${(err as Error).name}`);
      }
      stats.completes.push({
        fileKey: String(data['file_key']),
        filename: String(data['filename']),
        projectId: String(data['project_id']),
        batchId: (data['batch_id'] as string | undefined) ?? null,
        purpose: String(data['purpose'] ?? 'image'),
        taskId: (data['task_id'] as string | undefined) ?? null,
        userId: user.id,
      });
      return { message: 'Multipart upload completed successfully. Image processing queued.', file_key: data['file_key'], job_id: randomUUID() };
    }
    if (req.method === 'POST' && path === '/api/projects/abort-multipart-upload/') {
      login(req);
      const data = json();
      requireFields(data, { upload_id: 'string', file_key: 'string' });
      try {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: options.bucket, Key: String(data['file_key']), UploadId: String(data['upload_id']) }));
      } catch (err) {
        throw new HttpError(400, `Failed to abort multipart upload: ${(err as Error).name}`);
      }
      return { message: 'Multipart upload aborted successfully' };
    }
    const projectMatch = /^\/api\/projects\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && projectMatch) {
      // read_project has no login dependency.
      const p = projectById(decodeURIComponent(projectMatch[1]!));
      return {
        id: p.id,
        name: p.name,
        author_id: p.authorId,
        total_task_count: p.tasks.length,
        tasks: p.tasks.map((t) => {
          const xs = t.geometry.coordinates[0]!.map((c) => c[0]!);
          const ys = t.geometry.coordinates[0]!.map((c) => c[1]!);
          return {
            id: t.id,
            project_id: p.id,
            project_task_index: t.index,
            state: null,
            outline: {
              type: 'Feature',
              geometry: t.geometry,
              properties: { id: t.id, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] },
              id: t.id,
            },
          };
        }),
      };
    }
    throw new HttpError(404, 'Not Found');
  }

  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    if (down) return void req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      stats.requests.push(`${req.method} ${url.pathname}`);
      route(req, url, Buffer.concat(chunks)).then(
        (out) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        },
        (err: unknown) => {
          const status = err instanceof HttpError ? err.status : 500;
          const detail = err instanceof HttpError ? err.detail : 'Internal server error.';
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail }));
        },
      );
    });
  });
  server.on('connection', (s) => {
    if (down) return void s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    tokensFor(email, opts = {}) {
      const user = userByEmail(email);
      if (!user) throw new Error(`no user ${email}`);
      return issue(user, opts.accessTtlSeconds ?? accessTtl, opts.refreshTtlSeconds ?? 8 * 24 * 3600);
    },
    expireNextSigns(n) {
      expireSigns = n;
    },
    setDown(on) {
      down = on;
      if (on) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3.destroy();
    },
  };
}
