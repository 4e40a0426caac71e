import { createRequire } from 'node:module';
import { AppError } from '../common/errors.ts';
import type { ApiHandlers } from './dispatch.ts';
import type { Session } from './session.ts';
import { projectSummary } from './project-summary.ts';
import { imageDetail, imageFacets, listImageItems, photoFootprints, taskInfos } from './read-model.ts';
import { findCardVolumes } from './cards.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What only a desktop adapter can do (native dialogs); the browser harness leaves these out. */
export interface NativeAdapters {
  pickFolder?: (purpose: 'project' | 'card') => Promise<string | null>;
}

/** The service facade: each contract method, implemented by calling the core modules for the open project. */
export function createHandlers(session: Session, transport: 'ipc' | 'http', native: NativeAdapters = {}): ApiHandlers {
  const notYet = (what: string) => async (): Promise<never> => {
    throw new AppError('unsupported', `${what} is not available in this build yet.`);
  };
  const db = () => session.require().project.db;
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
    'tasks.import': notYet('Importing tasks'),
    'tasks.verify': notYet('Verifying tasks'),
    'tasks.unverify': notYet('Verifying tasks'),
    'images.list': async ({ filter, offset, limit }) => listImageItems(db(), filter, offset, limit),
    'images.facets': async () => imageFacets(db()),
    'images.footprints': async ({ limit }) => photoFootprints(db(), limit),
    'images.get': async ({ id }) => {
      const detail = imageDetail(db(), id);
      if (!detail) throw new AppError('not_found', `No photo ${id} in this project.`);
      return detail;
    },
    'images.decide': notYet('Accepting and rejecting photos'),
    'report.get': notYet('The report'),
    'ingest.cards': async () => findCardVolumes(),
    'ingest.start': notYet('Ingest'),
    'classify.start': notYet('Classification'),
    'coverage.start': notYet('Coverage'),
    'sync.start': notYet('Sync'),
    'odm.start': notYet('OpenDroneMap'),
    'jobs.list': async () => session.require().jobs.list(),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: session.require().jobs.cancel(jobId) }),
  };
}
