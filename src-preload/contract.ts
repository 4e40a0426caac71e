/**
 * The one API contract between the renderer and the core, served over Electron IPC in the app and over the local
 * HTTP/WebSocket harness (`postflight serve`) in a browser. Every method has a zod schema for its params, validated
 * by the adapter before the core sees them; results are typed here and travel inside an `{ result }` or
 * `{ error }` envelope. Ids across the bridge are opaque numbers/strings, never file paths of the pilot's machine
 * (except the folders the pilot picked: a project folder and an SD card folder).
 *
 * This file holds the params schemas (zod) and is imported by main, serve and the renderer; the names, error codes
 * and result shapes live in the zod-free contract-base.ts, re-exported here, which is all the sandboxed preload may
 * import. A new method: its name in METHOD_NAMES of contract-base.ts, its schema and result type in `methods` below.
 */
import { z } from 'zod';
import { IMAGE_STATUSES, REFLY_EXPORT_FORMATS, SETTING_GROUPS, type EventName, type Events, type MethodName } from './contract-base.ts';
import type {
  CardOffloadInfo, CardVolume, Envelope, SettingsInfo, ImageDetail, ImageFacets, RtkPoint, CrewInfo, ImageListItem, JobInfo, OdmRunInfo, OverlapLayerInfo,
  PhotoFootprint, ProjectSummary, ReflyExport, ReflyPlanInfo, FlightPlanInfo, SyncTarget, SyncTargetInfo, TaskInfo, CloudTargetInfo,
} from './contract-base.ts';

export * from './contract-base.ts';

// ---------- methods ----------

const imageFilter = z
  .object({
    status: z.array(z.enum(IMAGE_STATUSES)).max(IMAGE_STATUSES.length).optional(),
    reason: z.array(z.string().max(40)).max(40).optional(),
    taskId: z.string().max(200).nullable().optional(),
    flightId: z.number().int().nullable().optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    /** Exactly these photos (the gallery refreshes the ones it just decided on). */
    ids: z.array(z.number().int().positive()).max(5000).optional(),
  })
  .strict();
export type ImageFilter = z.infer<typeof imageFilter>;

/** Declares a method: its result type, then its params schema (curried so the schema's type is inferred). */
function method<R>() {
  return <P extends z.ZodType>(params: P): { params: P; result?: R } => ({ params });
}

const none = z.object({}).strict();
const taskRef = z.object({ taskId: z.string().min(1).max(200) }).strict();
const reflyParams = taskRef.extend({
  /** Front and side overlap, 0..0.95 (defaults 0.75 / 0.70). */
  frontOverlap: z.number().min(0).max(0.95).optional(),
  sideOverlap: z.number().min(0).max(0.95).optional(),
  /** Height above take-off (m); by default the height the task was flown at. */
  heightM: z.number().min(2).max(500).optional(),
  /** Plan only the unflown stretches of the task's imported flight plan instead of its coverage gaps. */
  fromPlan: z.boolean().optional(),
});
type JobStarted = { jobId: string };

/**
 * A sync target (contract-base SyncTarget), the one schema: the adapters check `sync.setTarget` with it and the core
 * checks a target merged from stored settings and CLI flags with it before saving.
 */
export const syncTargetSchema = z.object({
  endpoint: z
    .string()
    .max(2048)
    .refine((v) => {
      try {
        const u = new URL(v);
        // Credentials in the URL would end up in the settings table; refuse them.
        return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search;
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without user, password or query')
    .optional(),
  region: z.string().regex(/^[a-z0-9-]+$/, 'must look like us-east-1').max(64).optional(),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be 3-63 lower-case letters, digits, dots or dashes'),
  prefix: z.string().max(512),
  pathStyle: z.boolean(),
}) satisfies z.ZodType<SyncTarget>;

export const methods = {
  'app.info': method<{ version: string; transport: 'ipc' | 'http'; nativeKernels: boolean; qualityEngine: string }>()(none),
  'project.open': method<ProjectSummary>()(
    z.object({ dir: z.string().min(1).max(4096), create: z.boolean().optional() }).strict(),
  ),
  'project.current': method<ProjectSummary | null>()(none),
  'project.recent': method<{ dir: string; name: string; openedAt: string }[]>()(none),
  /** Native folder picker (Electron only; the browser harness answers `unsupported` and the pilot types a path). */
  'app.pickFolder': method<{ dir: string | null }>()(
    z.object({ purpose: z.enum(['project', 'card']) }).strict(),
  ),
  'ingest.cards': method<CardVolume[]>()(none),
  /** Every card a copy run finished on, and whether it is safe to format. */
  'ingest.offloads': method<CardOffloadInfo[]>()(none),
  'tasks.list': method<TaskInfo[]>()(none),
  'tasks.import': method<{ imported: number; taskIds: string[] }>()(
    z
      .object({
        fileName: z.string().min(1).max(255),
        /** File content as base64 (drag-and-drop and file pickers deliver bytes, never a path). */
        contentBase64: z.string().min(1).max(64 * 1024 * 1024),
      })
      .strict(),
  ),
  'tasks.verify': method<TaskInfo>()(taskRef.extend({ force: z.boolean().optional() })),
  'tasks.unverify': method<TaskInfo>()(taskRef),
  /** Which file of each capture the task counts: a payload stream ('wide', 'zoom', 'thermal'), a band, or null (colour). */
  'tasks.setStream': method<TaskInfo>()(taskRef.extend({ stream: z.string().min(1).max(40).nullable() })),
  /** Every task's flight plan against its accepted photos: planned waylines and the stretches left unflown. */
  'tasks.flightPlans': method<FlightPlanInfo[]>()(none),
  /** Stores a flight plan (DJI WPML .kmz, KML lines) as a task's; without taskId, the task it runs over. */
  'tasks.importFlightPlan': method<FlightPlanInfo>()(
    z
      .object({
        fileName: z.string().min(1).max(255),
        contentBase64: z.string().min(1).max(64 * 1024 * 1024),
        taskId: z.string().min(1).max(200).optional(),
      })
      .strict(),
  ),
  /** Removes tasks (their photos are matched again: classify, then coverage, run by themselves). */
  'tasks.remove': method<{ removed: string[] }>()(z.object({ taskIds: z.array(z.string().min(1).max(200)).min(1).max(10_000) }).strict()),
  /** The tunable project settings by group, with defaults and what the project changed. */
  'settings.get': method<SettingsInfo>()(none),
  /** Changes settings of one group; what they make stale (classification, coverage) is recomputed by itself. */
  'settings.set': method<SettingsInfo>()(
    z
      .object({
        group: z.enum(SETTING_GROUPS),
        values: z.record(z.string().min(1).max(80), z.union([z.number(), z.boolean(), z.string().max(200), z.null()])),
      })
      .strict(),
  ),
  'images.list': method<{ total: number; items: ImageListItem[] }>()(
    z
      .object({
        filter: imageFilter.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
  ),
  'crews.get': method<CrewInfo>()(none),
  /** The pilot's name for the project (source null) or for one card only (null name: back to the project's pilot). */
  'crews.setPilot': method<CrewInfo>()(
    z.object({ source: z.string().min(1).nullable(), name: z.string().max(200).nullable() }).strict(),
  ),
  'images.facets': method<ImageFacets>()(none),
  /** Every located photo with an RTK flag (DJI RtkFlag), for the map's RTK layer. */
  'images.rtk': method<RtkPoint[]>()(none),
  'images.footprints': method<PhotoFootprint[]>()(
    z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(20_000).default(5000) }).strict(),
  ),
  'images.get': method<ImageDetail>()(z.object({ id: z.number().int().positive() }).strict()),
  /** The pilot's flown height for a flight whose photos carry no usable height (null clears it); coverage follows. */
  'flights.setHeight': method<{ photos: number }>()(
    z.object({ flightId: z.number().int().positive(), heightM: z.number().min(2).max(1000).nullable() }).strict(),
  ),
  'images.decide': method<{ changed: number }>()(
    z
      .object({
        ids: z.array(z.number().int().positive()).min(1).max(100_000),
        decision: z.enum(['accepted', 'rejected']).nullable(),
      })
      .strict(),
  ),
  'report.get': method<unknown>()(none),
  'ingest.start': method<JobStarted>()(
    z.object({ source: z.string().min(1).max(4096), inPlace: z.boolean().optional() }).strict(),
  ),
  'classify.start': method<JobStarted>()(z.object({ flightTail: z.boolean().optional() }).strict()),
  'coverage.start': method<JobStarted>()(none),
  'sync.start': method<JobStarted>()(z.object({ taskId: z.string().min(1).max(200).optional() }).strict()),
  'odm.start': method<JobStarted>()(
    taskRef.extend({ engine: z.enum(['docker', 'nodeodm']).optional(), gpu: z.enum(['auto', 'on', 'off']).optional() }),
  ),
  'coverage.overlapLayer': method<OverlapLayerInfo>()(taskRef),
  /** Plans the re-fly of the task's gaps (its coverage is computed afresh first). */
  'refly.plan': method<ReflyPlanInfo>()(reflyParams),
  /** The same plan as mission files: DJI WPML (.kmz, split at 250 points), KML, QGroundControl .plan or GeoJSON. */
  'refly.export': method<ReflyExport>()(reflyParams.extend({ format: z.enum(REFLY_EXPORT_FORMATS) })),
  'odm.runs': method<OdmRunInfo[]>()(taskRef),
  /** Stops a run by its id, also one left behind by another Postflight process. */
  'odm.cancel': method<OdmRunInfo>()(z.object({ runId: z.string().uuid() }).strict()),
  'sync.getTarget': method<SyncTargetInfo>()(none),
  'sync.setTarget': method<SyncTargetInfo>()(syncTargetSchema.strict()),
  /** Keys for the current target: kept in the OS keychain by the app, in memory only by the browser harness. */
  'sync.setCredentials': method<SyncTargetInfo>()(
    z
      .object({
        accessKeyId: z.string().min(1).max(256),
        secretAccessKey: z.string().min(1).max(512),
        sessionToken: z.string().min(1).max(4096).optional(),
      })
      .strict(),
  ),
  'sync.clearCredentials': method<SyncTargetInfo>()(none),
  'sync.getCloud': method<CloudTargetInfo>()(none),
  /** Which target `sync.start` sends to: the S3 bucket or the linked DroneTM project. */
  'sync.setKind': method<CloudTargetInfo>()(z.object({ kind: z.enum(['s3', 'dronetm']) }).strict()),
  'dronetm.setProject': method<CloudTargetInfo>()(
    z.object({ server: z.string().url().max(2048), projectId: z.string().uuid() }).strict(),
  ),
  /** Signs in to the linked DroneTM server; the tokens go to the OS keychain (memory in the browser harness). */
  'dronetm.login': method<CloudTargetInfo>()(
    z.union([
      z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }).strict(),
      z.object({ token: z.string().min(1).max(8192) }).strict(),
    ]),
  ),
  'dronetm.logout': method<CloudTargetInfo>()(none),
  /** Pulls the linked DroneTM project's tasks (online). */
  'dronetm.importTasks': method<{ imported: number; taskIds: string[] }>()(none),
  /** Sends the task's newest orthophoto to its DroneTM task as odm_import.zip (a `sync` job). */
  'odm.push': method<JobStarted>()(taskRef),
  'jobs.list': method<JobInfo[]>()(none),
  /** Stops a job; `pause` says it is a pause (the job is then said "paused" wherever it is shown). */
  'jobs.cancel': method<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(100), pause: z.boolean().optional() }).strict()),
} as const satisfies Record<MethodName, { params: z.ZodType }>;

export type Methods = typeof methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = Methods[M] extends { result?: infer R } ? R : never;

/** What the preload exposes as `window.postflight`, and what the HTTP transport implements in a browser. */
export interface PostflightBridge {
  invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Envelope<ResultOf<M>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
