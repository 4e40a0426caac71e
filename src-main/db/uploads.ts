import { sql, type ProjectDb } from './database.ts';

/**
 * The upload journal: one `uploads` row per object key, and for a multipart upload in flight its upload id and every
 * part the server has acknowledged. Each write is its own committed statement, so a killed process loses at most the
 * parts that were on the wire.
 */
export type UploadState = 'pending' | 'uploading' | 'uploaded' | 'verified' | 'failed';

export interface UploadRow {
  id: number;
  imageId: number | null;
  taskId: number | null;
  objectKey: string;
  size: number;
  md5: string;
  uploadId: string | null;
  partSize: number | null;
  state: UploadState;
}

export interface UploadPart {
  partNumber: number;
  etag: string;
  /** Base64 MD5 of the part's bytes (what was sent as Content-MD5). */
  checksum: string | null;
  size: number;
}

export interface UploadInput {
  imageId: number | null;
  taskId: number | null;
  objectKey: string;
  size: number;
  md5: string;
}

interface RawRow {
  id: number;
  image_id: number | null;
  task_id: number | null;
  object_key: string;
  size: number;
  md5: string;
  upload_id: string | null;
  part_size: number | null;
  state: UploadState;
}

const now = (): string => new Date().toISOString();

function toRow(r: RawRow): UploadRow {
  return {
    id: r.id,
    imageId: r.image_id,
    taskId: r.task_id,
    objectKey: r.object_key,
    size: r.size,
    md5: r.md5,
    uploadId: r.upload_id,
    partSize: r.part_size,
    state: r.state,
  };
}

export function findUpload(db: ProjectDb, objectKey: string): UploadRow | undefined {
  const r = sql(db).prepare<[string], RawRow>('SELECT * FROM uploads WHERE object_key = ?').get(objectKey);
  return r ? toRow(r) : undefined;
}

/**
 * Returns the journal row for `objectKey`, creating it when new. When the stored size or md5 differ (the file behind
 * the key changed), the old multipart state is dropped; its upload id is returned as `stale` for the caller to abort.
 */
export function ensureUpload(db: ProjectDb, input: UploadInput): { row: UploadRow; stale: string | null } {
  return sql(db)
    .transaction(() => {
      const existing = findUpload(db, input.objectKey);
      if (existing && existing.size === input.size && existing.md5 === input.md5) {
        if (existing.imageId !== input.imageId || existing.taskId !== input.taskId) {
          sql(db).prepare('UPDATE uploads SET image_id = ?, task_id = ?, updated_at = ? WHERE id = ?').run(
            input.imageId,
            input.taskId,
            now(),
            existing.id,
          );
        }
        return { row: { ...existing, imageId: input.imageId, taskId: input.taskId }, stale: null };
      }
      if (existing) {
        sql(db).prepare('DELETE FROM upload_parts WHERE upload_row = ?').run(existing.id);
        sql(db).prepare(
          `UPDATE uploads SET image_id = ?, task_id = ?, size = ?, md5 = ?, upload_id = NULL, part_size = NULL,
             state = 'pending', updated_at = ? WHERE id = ?`,
        ).run(input.imageId, input.taskId, input.size, input.md5, now(), existing.id);
        return { row: findUpload(db, input.objectKey)!, stale: existing.uploadId };
      }
      sql(db).prepare(
        `INSERT INTO uploads (image_id, task_id, object_key, size, md5, state, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      ).run(input.imageId, input.taskId, input.objectKey, input.size, input.md5, now());
      return { row: findUpload(db, input.objectKey)!, stale: null };
    })
    .immediate();
}

/** Records a freshly created multipart upload; parts of any earlier upload id of this row are dropped. */
export function startMultipart(db: ProjectDb, rowId: number, uploadId: string, partSize: number): void {
  sql(db).transaction(() => {
    sql(db).prepare('DELETE FROM upload_parts WHERE upload_row = ?').run(rowId);
    sql(db).prepare("UPDATE uploads SET upload_id = ?, part_size = ?, state = 'uploading', updated_at = ? WHERE id = ?").run(
      uploadId,
      partSize,
      now(),
      rowId,
    );
  }).immediate();
}

/** Forgets the multipart upload of a row (the server no longer knows it, or it was replaced). */
export function forgetMultipart(db: ProjectDb, rowId: number): void {
  sql(db).transaction(() => {
    sql(db).prepare('DELETE FROM upload_parts WHERE upload_row = ?').run(rowId);
    sql(db).prepare("UPDATE uploads SET upload_id = NULL, part_size = NULL, state = 'pending', updated_at = ? WHERE id = ?").run(
      now(),
      rowId,
    );
  }).immediate();
}

export function recordPart(db: ProjectDb, rowId: number, uploadId: string, part: UploadPart): void {
  sql(db).prepare(
    `INSERT INTO upload_parts (upload_row, upload_id, part_number, etag, checksum, size) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (upload_row, upload_id, part_number) DO UPDATE SET etag = excluded.etag, checksum = excluded.checksum,
       size = excluded.size`,
  ).run(rowId, uploadId, part.partNumber, part.etag, part.checksum, part.size);
}

export function forgetPart(db: ProjectDb, rowId: number, uploadId: string, partNumber: number): void {
  sql(db).prepare('DELETE FROM upload_parts WHERE upload_row = ? AND upload_id = ? AND part_number = ?').run(
    rowId,
    uploadId,
    partNumber,
  );
}

export function recordedParts(db: ProjectDb, rowId: number, uploadId: string): UploadPart[] {
  return sql(db)
    .prepare<[number, string], { part_number: number; etag: string; checksum: string | null; size: number }>(
      'SELECT part_number, etag, checksum, size FROM upload_parts WHERE upload_row = ? AND upload_id = ? ORDER BY part_number',
    )
    .all(rowId, uploadId)
    .map((p) => ({ partNumber: p.part_number, etag: p.etag, checksum: p.checksum, size: p.size }));
}

/** Marks the object as on the server (`uploaded`) or checked by HEAD (`verified`); multipart state is no longer needed. */
export function setUploadDone(db: ProjectDb, rowId: number, state: 'uploaded' | 'verified'): void {
  sql(db).transaction(() => {
    sql(db).prepare('DELETE FROM upload_parts WHERE upload_row = ?').run(rowId);
    sql(db).prepare('UPDATE uploads SET upload_id = NULL, part_size = NULL, state = ?, updated_at = ? WHERE id = ?').run(
      state,
      now(),
      rowId,
    );
  }).immediate();
}

/** Records that the server holds `input` whole (checked by HEAD), in one transaction: row upserted, multipart state dropped. */
export function markVerified(db: ProjectDb, input: UploadInput): void {
  sql(db).transaction(() => {
    const { row } = ensureUpload(db, input);
    setUploadDone(db, row.id, 'verified');
  }).immediate();
}

/** Every multipart upload id the journal still owns (the rest under our prefix are abandoned). */
export function knownUploadIds(db: ProjectDb): Set<string> {
  const rows = sql(db).prepare<[], { upload_id: string }>('SELECT upload_id FROM uploads WHERE upload_id IS NOT NULL').all();
  return new Set(rows.map((r) => r.upload_id));
}
