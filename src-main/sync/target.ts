import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import type { Database } from '../db/database.ts';
import { appendEvent } from '../db/events.ts';
import { getSetting, setSetting } from '../db/settings.ts';

/** Where a project's verified tasks go. Never holds secrets: credentials come from the environment or the OS keychain. */
export interface SyncTarget {
  /** S3-compatible endpoint URL; absent means AWS (or AWS_ENDPOINT_URL through the SDK's own configuration). */
  endpoint?: string;
  region?: string;
  bucket: string;
  /** Key prefix inside the bucket, '' or ending in '/'. */
  prefix: string;
  /** Path-style addressing (http://host/bucket/key), what most non-AWS servers want. */
  pathStyle: boolean;
}

const SETTING_KEY = 'sync.target';

const endpointSchema = z.string().refine((v) => {
  try {
    const u = new URL(v);
    // Credentials in the URL would end up in the settings table; refuse them.
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without user, password or query');

const targetSchema = z.object({
  endpoint: endpointSchema.optional(),
  region: z.string().regex(/^[a-z0-9-]+$/, 'must look like us-east-1').optional(),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be 3-63 lower-case letters, digits, dots or dashes'),
  prefix: z.string().max(512),
  pathStyle: z.boolean(),
});

export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}

export function loadTarget(db: Database): SyncTarget | null {
  return getSetting<SyncTarget | null>(db, SETTING_KEY, null);
}

/**
 * The project's target with `changes` applied on top, validated, and saved when anything changed (so flags given once
 * stick). Throws a pilot-readable error when no bucket is known yet.
 */
export function resolveTarget(db: Database, changes: Partial<SyncTarget> = {}): SyncTarget {
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
  const parsed = targetSchema.safeParse({ ...merged, prefix: normalisePrefix(merged.prefix ?? '') });
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
