import { syncTargetSchema, type SyncTarget } from '../../src-preload/contract.ts';
import { AppError } from '../common/errors.ts';
import type { ProjectDb } from '../db/database.ts';
import { appendEvent } from '../db/events.ts';
import { getSetting, setSetting } from '../db/settings.ts';

export type { SyncTarget };

const SETTING_KEY = 'sync.target';

export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}

export function loadTarget(db: ProjectDb): SyncTarget | null {
  return getSetting(db, SETTING_KEY, syncTargetSchema.nullable(), null);
}

/**
 * The project's target with `changes` applied on top, validated, and saved when anything changed (so flags given once
 * stick). Throws a pilot-readable error when no bucket is known yet.
 */
export function resolveTarget(db: ProjectDb, changes: Partial<SyncTarget> = {}): SyncTarget {
  const stored = loadTarget(db);
  const merged = {
    pathStyle: false,
    prefix: '',
    ...stored,
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  };
  if (!merged.bucket) {
    throw new AppError(
      'invalid_input',
      'No sync target for this project yet: give the bucket (and the endpoint for a non-AWS server) once, e.g. --bucket my-bucket --endpoint https://s3.example.org --path-style.',
    );
  }
  const parsed = syncTargetSchema.safeParse({ ...merged, prefix: normalisePrefix(merged.prefix ?? '') });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_input', `Sync target ${issue.path.join('.')} ${issue.message}.`, {
      field: issue.path.join('.'),
    });
  }
  const target: SyncTarget = parsed.data;
  if (JSON.stringify(target) !== JSON.stringify(stored)) {
    setSetting(db, SETTING_KEY, target);
    appendEvent(db, { kind: 'sync.target_set', payload: target });
  }
  return target;
}
