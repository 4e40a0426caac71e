import type { Database } from './database.ts';

/**
 * Typed project settings stored as JSON. Each module declares its defaults; a stored value overrides a default.
 * Secrets never go here (credentials live in the OS keychain or the environment).
 */
export function getSetting<T>(db: Database, key: string, fallback: T): T {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
  return row ? (JSON.parse(row.value) as T) : fallback;
}

export function setSetting(db: Database, key: string, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(value),
  );
}
