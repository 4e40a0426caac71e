import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { AppError } from '../common/errors.ts';
import type { ApiHandlers } from './dispatch.ts';
import type { Session } from './session.ts';
import { projectSummary } from './project-summary.ts';
import { rtkPoints } from '../db/rtk.ts';
import { crewInfo, setCardPilot, setProjectPilot } from '../db/crews.ts';
import { imageDetail, imageFacets, listImageItems, photoFootprints } from '../db/read-model.ts';
import { taskInfos } from '../db/read-model-tasks.ts';
import { findCardVolumes } from './cards.ts';
import { refreshClassification, refreshCoverage, resumeInterruptedJobs, startClassify, startCoverage, startIngest, startOdm, type WorkEnv } from './work.ts';
import { credentialAccount, type CredentialStore } from '../sync/credentials.ts';
import { loadTarget, resolveTarget } from '../sync/target.ts';
import { getOverlapLayer } from '../geo/coverage-service.ts';
import { requireTask, setTaskStream } from '../db/tasks.ts';
import { cancelOdm } from '../odm/service.ts';
import { listOdmRuns } from '../db/odm-runs.ts';
import { memoryCredentials } from './memory-credentials.ts';
import { cloudHandlers } from './dronetm.ts';
import { memoryTokens, type TokenStore } from '../dronetm/auth.ts';
import { odmRunInfo } from './odm-runs.ts';
import type { SyncTargetInfo } from '../../src-preload/contract.ts';
import { importTasks, removeTasks } from '../geo/task-import.ts';
import { setSettings, settingsInfo } from '../project/tunable-settings.ts';
import { exportPlan, REFLY_EXTENSIONS } from '../refly/export.ts';
import { planTaskRefly, reflyPlanInfo } from '../refly/service.ts';
import { flightPlanInfos, importFlightPlan, taskFlightPlanInfo } from '../refly/planned.ts';
import { unverifyTask, verifyTask } from '../geo/verify.ts';
import { setManualDecision } from '../classify/manual.ts';
import { setFlightHeight } from '../geo/entered-height.ts';
import { buildReport, reportCards } from '../report/report.ts';
import type { Project } from '../project/project.ts';
import { kernelEngine } from '../quality/engine.ts';
import type { QualityMetrics } from '../quality/types.ts';
import { loadQualityThresholds, qualityFigures } from '../classify/quality.ts';
import { MOTION_LIMIT_PX } from '../classify/motion.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What only a desktop adapter can do (native dialogs); the browser harness leaves these out. */
export interface NativeAdapters {
  pickFolder?: (purpose: 'project' | 'card') => Promise<string | null>;
  /**
   * The OS keychain for S3 keys. Without it (the browser harness) keys entered in the UI are kept in memory for the
   * session; with none entered, sync uses the AWS SDK's default chain (env vars, profile).
   */
  credentials?: CredentialStore;
  /** The OS keychain for DroneTM sign-in tokens; without it (the browser harness) they are kept in memory. */
  dronetmTokens?: TokenStore;
}

/** The service facade: each contract method, implemented by calling the core modules for the open project. */
export function createHandlers(session: Session, transport: 'ipc' | 'http', native: NativeAdapters = {}): ApiHandlers {
  const db = () => session.require().project.db;
  const env = (): WorkEnv => ({ ...session.require(), emit: session.emit });
  const changed = (what: 'images' | 'tasks') => session.emit('project.changed', { what });
  const taskInfo = (taskId: string) => taskInfos(db(), taskId)[0]!;
  const credentials = native.credentials ?? memoryCredentials();
  const tokens = native.dronetmTokens ?? memoryTokens();
  // A project opened now (or already open, as `serve` opens its own first) runs again the ingest and sync jobs a
  // killed process left unfinished; they continue from their journals.
  session.onOpen((open) => resumeInterruptedJobs({ ...open, emit: session.emit }, { credentials, tokens }));
  const syncTarget = async (): Promise<SyncTargetInfo> => {
    const target = loadTarget(db());
    return { target, hasCredentials: target !== null && (await credentials.get(credentialAccount(target))) !== null };
  };
  const requireTarget = () => {
    const target = loadTarget(db());
    if (!target) throw new AppError('invalid_input', 'Set the sync target (bucket, and the endpoint for a non-AWS server) first.');
    return target;
  };
  return {
    'app.info': async () => ({ version: pkg.version, transport, nativeKernels: kernelEngine().name === 'native', qualityEngine: kernelEngine().detail }),
    'app.pickFolder': async ({ purpose }) => {
      if (!native.pickFolder) throw new AppError('unsupported', 'Type the folder path: there is no folder picker in the browser.');
      return { dir: await native.pickFolder(purpose) };
    },
    'project.open': async ({ dir, create }) => projectSummary(await session.openProject(dir, create ?? false)),
    'project.current': async () => (session.project ? projectSummary(session.project) : null),
    'project.recent': async () => session.recent(),
    'tasks.list': async () => taskInfos(db()),
    'tasks.import': async ({ fileName, contentBase64 }) => {
      const { project } = session.require();
      const kept = keepImportedFile(project, fileName, contentBase64);
      const result = withPilotFileName(() => importTasks(project, kept, { fileName }), kept, fileName);
      changed('tasks');
      // New or moved task outlines change which photos belong where: the photos are matched again, then covered.
      if (result.added.length + result.updated.length > 0) refreshClassification(env());
      return { imported: result.added.length + result.updated.length, taskIds: [...result.added, ...result.updated, ...result.unchanged] };
    },
    'tasks.flightPlans': async () => flightPlanInfos(session.require().project),
    'tasks.importFlightPlan': async ({ fileName, contentBase64, taskId }) => {
      const { project } = session.require();
      const imported = importFlightPlan(project, Buffer.from(contentBase64, 'base64'), fileName, taskId);
      changed('tasks');
      return taskFlightPlanInfo(project, imported.taskId)!;
    },
    'tasks.remove': async ({ taskIds }) => {
      const removed = removeTasks(session.require().project, taskIds);
      changed('tasks');
      // Their photos are matched again (to another task, or outside tasks), then covered.
      refreshClassification(env());
      return { removed };
    },
    'settings.get': async () => settingsInfo(db()),
    'settings.set': async ({ group, values }) => {
      const effect = setSettings(db(), group, values);
      changed('tasks');
      if (effect === 'classify') refreshClassification(env());
      else if (effect === 'coverage') refreshCoverage(env());
      return settingsInfo(db());
    },
    'tasks.verify': async ({ taskId, force }) => {
      verifyTask(session.require().project, taskId, { force: force ?? false });
      changed('tasks');
      return taskInfo(taskId);
    },
    'tasks.unverify': async ({ taskId }) => {
      unverifyTask(session.require().project, taskId);
      changed('tasks');
      return taskInfo(taskId);
    },
    'tasks.setStream': async ({ taskId, stream }) => {
      const { project } = session.require();
      setTaskStream(project.db, requireTask(project.db, taskId).id, stream);
      changed('tasks');
      refreshCoverage(env());
      return taskInfo(taskId);
    },
    'images.list': async ({ filter, offset, limit }) => listImageItems(db(), filter, offset, limit),
    'crews.get': async () => crewInfo(db()),
    'crews.setPilot': async ({ source, name }) => {
      if (source === null) setProjectPilot(db(), name);
      else setCardPilot(db(), source, name);
      return crewInfo(db());
    },
    'images.facets': async () => imageFacets(db()),
    'images.rtk': async () => rtkPoints(db()),
    'images.footprints': async ({ offset, limit }) => photoFootprints(db(), offset, limit),
    'images.get': async ({ id }) => {
      const detail = imageDetail(db(), id);
      if (!detail) throw new AppError('not_found', `No photo ${id} in this project.`);
      const metrics = detail.metrics as Partial<QualityMetrics> | null;
      return { ...detail, quality: qualityFigures(metrics, loadQualityThresholds(db()), detail.motionPx, detail.sensorKind, MOTION_LIMIT_PX) };
    },
    'flights.setHeight': async ({ flightId, heightM }) => {
      const { project } = session.require();
      const photos = setFlightHeight(project, flightId, heightM);
      changed('images');
      refreshCoverage(env());
      return { photos };
    },
    'images.decide': async ({ ids, decision }) => {
      const changedRows = setManualDecision(session.require().project, ids, decision);
      changed('images');
      // A photo still waiting for classification gets its decision applied by a classify run; the others only move
      // the coverage figures.
      if (changedRows.some((r) => r.status === 'staged')) refreshClassification(env());
      else if (changedRows.length > 0) refreshCoverage(env());
      return { changed: changedRows.length };
    },
    'report.get': async () => buildReport(session.require().project),
    'ingest.cards': async () => findCardVolumes(),
    'ingest.offloads': async () =>
      reportCards(session.require().project).map((c) => ({
        source: c.source,
        cardLabel: c.card_label,
        volumeId: c.volume_id,
        droneSerial: c.drone_serial,
        photoCount: c.photo_count,
        photosVerified: c.photos_verified_now,
        bytes: c.bytes,
        safeToFormat: c.safe_to_format,
        unverified: c.unverified.slice(0, 100),
        skippedCount: c.skipped.length,
        checkedAt: c.created_at,
      })),
    'ingest.start': async (params) => ({ jobId: startIngest(env(), params) }),
    'classify.start': async (params) => ({ jobId: startClassify(env(), params) }),
    'coverage.start': async () => ({ jobId: startCoverage(env()) }),
    'refly.plan': async ({ taskId, fromPlan, ...opts }) =>
      reflyPlanInfo(planTaskRefly(session.require().project, taskId, { ...opts, fromPlan: fromPlan ? true : undefined })),
    'refly.export': async ({ taskId, format, fromPlan, ...opts }) => {
      const plan = planTaskRefly(session.require().project, taskId, { ...opts, fromPlan: fromPlan ? true : undefined });
      const files = exportPlan(plan, format, { fileName: `refly-task-${taskId}${REFLY_EXTENSIONS[format]}`, title: `Postflight re-fly, task ${taskId}` });
      return { files: files.map((f) => ({ fileName: f.fileName, contentBase64: Buffer.from(f.bytes).toString('base64') })) };
    },
    'coverage.overlapLayer': async ({ taskId }) => {
      const { cols, rows, values, corners } = getOverlapLayer(session.require().project, taskId);
      return { taskId, cols, rows, values, corners };
    },
    'sync.getTarget': syncTarget,
    'sync.setTarget': async (target) => {
      resolveTarget(db(), target);
      return syncTarget();
    },
    'sync.setCredentials': async (keys) => {
      await credentials.set(credentialAccount(requireTarget()), keys);
      return syncTarget();
    },
    'sync.clearCredentials': async () => {
      await credentials.delete(credentialAccount(requireTarget()));
      return syncTarget();
    },
    'odm.start': async (params) => ({ jobId: startOdm(env(), params) }),
    'odm.runs': async ({ taskId }) => {
      const { project } = session.require();
      return listOdmRuns(project.db, requireTask(project.db, taskId).id).map(odmRunInfo);
    },
    'odm.cancel': async ({ runId }) => odmRunInfo(await cancelOdm(session.require().project, runId)),
    ...cloudHandlers(session, credentials, tokens),
    'jobs.list': async () => session.require().jobs.list(),
    'jobs.cancel': async ({ jobId, pause }) => ({ cancelled: session.require().jobs.cancel(jobId, { pause }) }),
  };
}

/**
 * Keeps the imported task file in the project (provenance, and the importer reads files by their extension). The
 * name is reduced to a safe base name: the renderer's file name never becomes a path.
 */
function keepImportedFile(project: Project, fileName: string, contentBase64: string): string {
  const safe = path.basename(fileName).replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'tasks';
  const dir = project.resolve('imports');
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safe}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, Buffer.from(contentBase64, 'base64'));
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw new AppError('refused', `Could not keep a copy of ${path.basename(fileName)} in the project: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  return file;
}

/**
 * Runs the import of a kept copy, saying the pilot's own file name in any error instead of the kept copy's path
 * (a folder and time-stamped name of ours the pilot never chose). A refused file's copy is deleted: the project
 * keeps only the files of imports that happened.
 */
function withPilotFileName<T>(run: () => T, kept: string, fileName: string): T {
  try {
    return run();
  } catch (err) {
    fs.rmSync(kept, { force: true });
    if (!(err instanceof AppError)) throw err;
    const shown = path.basename(fileName);
    const message = err.message.split(kept).join(shown).split(path.basename(kept)).join(shown);
    const { file: _file, ...details } = err.details ?? {};
    throw new AppError(err.code, message, { ...details, fileName: shown });
  }
}
