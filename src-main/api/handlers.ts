import { createRequire } from 'node:module';
import { AppError } from '../common/errors.ts';
import type { ApiHandlers } from './dispatch.ts';
import type { Session } from './session.ts';
import { projectSummary } from './project-summary.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The service facade: each contract method, implemented by calling the core modules for the open project. */
export function createHandlers(session: Session, transport: 'ipc' | 'http'): ApiHandlers {
  const notYet = (what: string) => async (): Promise<never> => {
    throw new AppError('unsupported', `${what} is not available in this build yet.`);
  };
  return {
    'app.info': async () => ({ version: pkg.version, transport, nativeKernels: false }),
    'project.open': async ({ dir, create }) => projectSummary(await session.openProject(dir, create ?? false)),
    'project.current': async () => (session.project ? projectSummary(session.project) : null),
    'project.recent': async () => session.recent(),
    'tasks.list': notYet('Listing tasks'),
    'tasks.import': notYet('Importing tasks'),
    'tasks.verify': notYet('Verifying tasks'),
    'tasks.unverify': notYet('Verifying tasks'),
    'images.list': notYet('The photo list'),
    'images.get': notYet('Photo details'),
    'images.decide': notYet('Accepting and rejecting photos'),
    'report.get': notYet('The report'),
    'ingest.start': notYet('Ingest'),
    'classify.start': notYet('Classification'),
    'coverage.start': notYet('Coverage'),
    'sync.start': notYet('Sync'),
    'odm.start': notYet('OpenDroneMap'),
    'jobs.list': async () => session.require().jobs.list(),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: session.require().jobs.cancel(jobId) }),
  };
}
