import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { AppError } from '../common/errors.ts';
import type { ApiHandlers } from './dispatch.ts';
import type { Session } from './session.ts';
import { projectSummary } from './project-summary.ts';
import { imageDetail, imageFacets, listImageItems, photoFootprints, taskInfos } from './read-model.ts';
import { findCardVolumes } from './cards.ts';
import { startClassify, startCoverage, startIngest, startOdm, startSync, type WorkEnv } from './work.ts';
import type { CredentialStore } from '../sync/credentials.ts';
import { importTasks } from '../geo/task-import.ts';
import { unverifyTask, verifyTask } from '../geo/verify.ts';
import { setManualDecision } from '../classify/manual.ts';
import { buildReport } from '../report/report.ts';
import type { Project } from '../project/project.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What only a desktop adapter can do (native dialogs); the browser harness leaves these out. */
export interface NativeAdapters {
  pickFolder?: (purpose: 'project' | 'card') => Promise<string | null>;
  /** The OS keychain for S3 keys; without it sync uses the AWS SDK's default chain (env vars, profile). */
  credentials?: CredentialStore;
}

/** The service facade: each contract method, implemented by calling the core modules for the open project. */
export function createHandlers(session: Session, transport: 'ipc' | 'http', native: NativeAdapters = {}): ApiHandlers {
  const db = () => session.require().project.db;
  const env = (): WorkEnv => ({ ...session.require(), emit: session.emit });
  const changed = (what: 'images' | 'tasks') => session.emit('project.changed', { what });
  const taskInfo = (taskId: string) => taskInfos(db(), taskId)[0]!;
  return {
    'app.info': async () => ({ version: pkg.version, transport, nativeKernels: false }),
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
      const result = importTasks(project, keepImportedFile(project, fileName, contentBase64));
      changed('tasks');
      return { imported: result.added.length + result.updated.length, taskIds: [...result.added, ...result.updated, ...result.unchanged] };
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
    'images.list': async ({ filter, offset, limit }) => listImageItems(db(), filter, offset, limit),
    'images.facets': async () => imageFacets(db()),
    'images.footprints': async ({ limit }) => photoFootprints(db(), limit),
    'images.get': async ({ id }) => {
      const detail = imageDetail(db(), id);
      if (!detail) throw new AppError('not_found', `No photo ${id} in this project.`);
      return detail;
    },
    'images.decide': async ({ ids, decision }) => {
      const changedRows = setManualDecision(session.require().project, ids, decision);
      changed('images');
      return { changed: changedRows.length };
    },
    'report.get': async () => buildReport(session.require().project),
    'ingest.cards': async () => findCardVolumes(),
    'ingest.start': async (params) => ({ jobId: startIngest(env(), params) }),
    'classify.start': async (params) => ({ jobId: startClassify(env(), params) }),
    'coverage.start': async () => ({ jobId: startCoverage(env()) }),
    'sync.start': async (params) => ({ jobId: startSync(env(), params, native.credentials) }),
    'odm.start': async (params) => ({ jobId: startOdm(env(), params) }),
    'jobs.list': async () => session.require().jobs.list(),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: session.require().jobs.cancel(jobId) }),
  };
}

/**
 * Keeps the imported task file in the project (provenance, and the importer reads files by their extension). The
 * name is reduced to a safe base name: the renderer's file name never becomes a path.
 */
function keepImportedFile(project: Project, fileName: string, contentBase64: string): string {
  const safe = path.basename(fileName).replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'tasks';
  const dir = project.resolve('imports');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safe}`);
  fs.writeFileSync(file, Buffer.from(contentBase64, 'base64'));
  return file;
}
