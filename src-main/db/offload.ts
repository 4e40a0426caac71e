import { prepared, sql, type ProjectDb } from './database.ts';
import type { CopyState, ImageStatus } from './images.ts';

/**
 * Offload state per photo and per card: which rows have a verified copy in the project (a duplicate counts through
 * the original it points at), and the card certificates written at the end of copy runs.
 */

/** What ingest needs to know about a card file it has seen before. */
export interface SourceImage {
  id: number;
  md5: string | null;
  stored_path: string | null;
  copy_state: CopyState | null;
  status: ImageStatus;
  duplicate_of: number | null;
  source_path: string;
  /** 1 when this photo's bytes have a verified copy in the project (its own, or its original's). */
  safe: 0 | 1;
}

const SAFE = `CASE WHEN i.copy_state = 'verified' OR (i.status = 'duplicate' AND o.copy_state = 'verified' AND o.md5 = i.md5) THEN 1 ELSE 0 END`;

const FIND_SOURCE = `SELECT i.id, i.md5, i.stored_path, i.copy_state, i.status, i.duplicate_of, i.source_path, ${SAFE} AS safe
         FROM images i LEFT JOIN images o ON o.id = i.duplicate_of
        WHERE i.source_root = ? AND i.source_path = ? AND ifnull(i.size, -1) = ? AND ifnull(i.mtime_ms, -1) = ?`;

/** The row of one card file (same root, path, size and modification time), if a run recorded it: once per photo. */
export function findSourceImage(db: ProjectDb, root: string, relPath: string, size: number, mtimeMs: number): SourceImage | undefined {
  return prepared(db, FIND_SOURCE).get(root, relPath, size, mtimeMs) as SourceImage | undefined;
}

export function getOffloadRow(db: ProjectDb, id: number): SourceImage | undefined {
  return sql(db)
    .prepare<[number], SourceImage>(
      `SELECT i.id, i.md5, i.stored_path, i.copy_state, i.status, i.duplicate_of, i.source_path, ${SAFE} AS safe
         FROM images i LEFT JOIN images o ON o.id = i.duplicate_of WHERE i.id = ?`,
    )
    .get(id);
}

/** Records where a photo's copy is and whether it matches the card. */
export function setCopy(db: ProjectDb, id: number, storedPath: string | null, state: CopyState | null): void {
  sql(db).prepare('UPDATE images SET stored_path = ?, copy_state = ? WHERE id = ?').run(storedPath, state, id);
}

export function setCopyState(db: ProjectDb, id: number, state: CopyState | null): void {
  sql(db).prepare('UPDATE images SET copy_state = ? WHERE id = ?').run(state, id);
}

/** Photos recorded from one card root, and how many of them have a verified copy. */
export function countSafeOnCard(db: ProjectDb, root: string): { photos: number; safe: number } {
  return sql(db)
    .prepare<[string], { photos: number; safe: number }>(
      `SELECT count(*) AS photos, ifnull(sum(${SAFE}), 0) AS safe
         FROM images i LEFT JOIN images o ON o.id = i.duplicate_of WHERE i.source_root = ?`,
    )
    .get(root)!;
}

export interface CardImage {
  id: number;
  source_path: string;
  size: number | null;
  mtime_ms: number | null;
  md5: string | null;
  stored_path: string | null;
  status: ImageStatus;
  serial: string | null;
  safe: 0 | 1;
}

/** Every row recorded from one card root, in path order. */
export function listCardImages(db: ProjectDb, root: string): CardImage[] {
  return sql(db)
    .prepare<[string], CardImage>(
      `SELECT i.id, i.source_path, i.size, i.mtime_ms, i.md5, i.stored_path, i.status, i.serial, ${SAFE} AS safe
         FROM images i LEFT JOIN images o ON o.id = i.duplicate_of WHERE i.source_root = ? ORDER BY i.source_path, i.id`,
    )
    .all(root);
}

/** Copies in the project that a recheck hashes again (verified or already found damaged). */
export function listCopies(db: ProjectDb): { id: number; stored_path: string; md5: string; source_root: string; source_path: string; copy_state: CopyState }[] {
  return sql(db)
    .prepare<[], { id: number; stored_path: string; md5: string; source_root: string; source_path: string; copy_state: CopyState }>(
      "SELECT id, stored_path, md5, source_root, source_path, copy_state FROM images WHERE copy_state IS NOT NULL AND stored_path IS NOT NULL AND md5 IS NOT NULL ORDER BY id",
    )
    .all();
}

/** The card roots photos were ingested from. */
export function listSourceRoots(db: ProjectDb): string[] {
  return sql(db).prepare<[], { source_root: string }>('SELECT DISTINCT source_root FROM images ORDER BY source_root').all().map((r) => r.source_root);
}

export interface CardOffload {
  ingest_run_id: number | null;
  source_root: string;
  card_label: string | null;
  volume_id: string | null;
  drone_serial: string | null;
  photo_count: number;
  photos_verified: number;
  bytes: number;
  safe_to_format: 0 | 1;
  record_json: string;
  created_at: string;
}

export function insertCardOffload(db: ProjectDb, record: CardOffload): number {
  return Number(
    sql(db)
      .prepare(
        `INSERT INTO card_offloads (ingest_run_id, source_root, card_label, volume_id, drone_serial, photo_count, photos_verified, bytes, safe_to_format, record_json, created_at)
         VALUES (@ingest_run_id, @source_root, @card_label, @volume_id, @drone_serial, @photo_count, @photos_verified, @bytes, @safe_to_format, @record_json, @created_at)`,
      )
      .run(record).lastInsertRowid,
  );
}

/** The newest certificate of each card root (a card offloaded twice keeps only its last word). */
export function listLatestCardOffloads(db: ProjectDb): (CardOffload & { id: number })[] {
  return sql(db)
    .prepare<[], CardOffload & { id: number }>(
      `SELECT * FROM card_offloads c WHERE id = (SELECT max(id) FROM card_offloads WHERE source_root = c.source_root) ORDER BY id`,
    )
    .all();
}
