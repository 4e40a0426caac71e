import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import type { ProjectDb } from '../db/database.ts';
import { appendEvent } from '../db/events.ts';
import { getSetting, setSetting } from '../db/settings.ts';
import { apiRoot } from './client.ts';

/**
 * The DroneTM project a Postflight project belongs to: the server (its API root) and the project uuid. Saved in the
 * project's settings once given (by `tasks import --dronetm` or `sync --dronetm`); never holds a token.
 */
export interface DronetmLink {
  server: string;
  projectId: string;
}

const SETTING_KEY = 'dronetm.project';
const linkSchema = z.object({ server: z.string().url(), projectId: z.string().uuid() });

export function loadDronetmLink(db: ProjectDb): DronetmLink | null {
  const parsed = linkSchema.safeParse(getSetting(db, SETTING_KEY, z.unknown(), null));
  return parsed.success ? parsed.data : null;
}

/** The stored link with `changes` applied, validated and saved when it changed; worded error when none is known. */
export function resolveDronetmLink(db: ProjectDb, changes: { server?: string | undefined; projectId?: string | undefined } = {}): DronetmLink {
  const stored = loadDronetmLink(db);
  const server = changes.server ? apiRoot(changes.server) : stored?.server;
  const projectId = changes.projectId ?? stored?.projectId;
  if (!server || !projectId) {
    throw new AppError(
      'invalid_input',
      'This project is not linked to a DroneTM project yet: give the server and the project once, e.g. --dronetm https://dronetm.hotosm.org --dronetm-project <project uuid>.',
    );
  }
  if (!z.string().uuid().safeParse(projectId).success) {
    throw new AppError('invalid_input', `${projectId} is not a DroneTM project id: it is the uuid in the project's address on the DroneTM website.`);
  }
  const link = { server, projectId };
  if (stored?.server !== link.server || stored.projectId !== link.projectId) {
    setSetting(db, SETTING_KEY, link);
    appendEvent(db, { kind: 'dronetm.linked', payload: link });
  }
  return link;
}

/** Which cloud target `sync` uses for this project: the plain S3 bucket or the linked DroneTM project. */
export type SyncKind = 's3' | 'dronetm';
const KIND_KEY = 'sync.kind';

export function loadSyncKind(db: ProjectDb): SyncKind {
  return getSetting(db, KIND_KEY, z.unknown(), 's3') === 'dronetm' ? 'dronetm' : 's3';
}

export function setSyncKind(db: ProjectDb, kind: SyncKind): void {
  if (loadSyncKind(db) !== kind) setSetting(db, KIND_KEY, kind);
}
