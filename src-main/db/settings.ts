import { z } from 'zod';
import { sql, type ProjectDb } from './database.ts';
import { decodeStored } from './stored.ts';

/**
 * Typed project settings stored as JSON, each read through a schema: a stored value that does not match is a worded
 * error naming the setting, never an unchecked cast. Each module declares its defaults; a stored value overrides a
 * default. Secrets never go here (credentials live in the OS keychain or the environment).
 */
export function getSetting<S extends z.ZodType>(db: ProjectDb, key: string, schema: S, fallback: z.output<S>): z.output<S> {
  const row = sql(db).prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
  return row ? decodeStored(schema, row.value, { table: 'settings', column: 'value', row: key, what: `setting ${key}` }) : fallback;
}

type Scalar = number | boolean | string | null;

/**
 * A settings object whose stored value overrides some of `defaults`: each stored field must have the type of its
 * default (a `null` default takes a number or null), fields the defaults do not name are ignored.
 */
export function getSettingOverrides<T extends { [K in keyof T]: Scalar }>(db: ProjectDb, key: string, defaults: Readonly<T>): T {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries<Scalar>(defaults)) {
    shape[k] = v === null ? z.number().nullable() : typeof v === 'number' ? z.number() : typeof v === 'boolean' ? z.boolean() : z.string();
  }
  const stored = getSetting(db, key, z.object(shape).partial(), {}) as Partial<T>;
  return { ...defaults, ...stored };
}

export function setSetting(db: ProjectDb, key: string, value: unknown): void {
  sql(db).prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(value),
  );
}
