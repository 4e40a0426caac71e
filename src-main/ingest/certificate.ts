import path from 'node:path';
import type { Project } from '../project/project.ts';
import { insertCardOffload, listCardImages } from '../db/offload.ts';
import { isSameCard, scanSource } from './scan.ts';
import { describeCardVolume } from './card-volume.ts';

/** One photo file on the card and where its verified copy is. */
export interface CertifiedPhoto {
  path: string;
  size: number;
  md5: string | null;
  /** The copy in the project (for a duplicate, the original's row holds it). */
  stored_path: string | null;
  verified: boolean;
}

/** What a copy run can say about the card it read: written to `card_offloads` and shown per card. */
export interface CardCertificate {
  source: string;
  card_label: string;
  volume_id: string | null;
  drone_serial: string | null;
  /** Every file on the card (also hidden and system files): names and sizes. */
  file_count: number;
  photo_count: number;
  photos_verified: number;
  bytes: number;
  /** True only when every photo on the card has a verified copy in the project. */
  safe_to_format: boolean;
  /**
   * What stops "safe to format", with the reason: photo files without a verified copy, and folders or files that
   * could not be read (they may hold photos nobody copied).
   */
  unverified: { path: string; reason: string }[];
  /** Files that are not photos or were not read (links leaving the card, unreadable folders), with reasons. */
  skipped: { path: string; reason: string }[];
  photos: CertifiedPhoto[];
  created_at: string;
}

/** Listed in the summary and the report; the full lists stay in the database record. */
const LISTED = 1000;

/**
 * At the end of a copy run: lists the card again (every file, names and sizes) and compares it with what the project
 * recorded. Safe to format only when every photo file now on the card has a verified copy (its own, or the copy of
 * the identical photo it duplicates). A card that went away during the listing throws (the run is interrupted).
 */
export async function certifyCard(project: Project, card: { source: string; identity: string }, runId: number): Promise<CardCertificate> {
  const rows = listCardImages(project.db, card.source);
  const byFile = new Map(rows.map((r) => [`${r.source_path}\0${r.size}\0${r.mtime_ms}`, r]));
  const photos: CertifiedPhoto[] = [];
  const unverified: { path: string; reason: string }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const serials = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  for await (const e of scanSource(card.source, { everything: true })) {
    files++;
    if (e.kind === 'skipped') {
      skipped.push({ path: e.relPath, reason: e.reason });
      if (e.unread) unverified.push({ path: e.relPath, reason: `${e.reason}: photos in it may not have been copied` });
      bytes += e.size ?? 0;
      continue;
    }
    bytes += e.size;
    const row = byFile.get(`${e.relPath}\0${e.size}\0${e.mtimeMs}`);
    const verified = row?.safe === 1;
    photos.push({ path: e.relPath, size: e.size, md5: row?.md5 ?? null, stored_path: row?.stored_path ?? null, verified });
    if (row?.serial) serials.set(row.serial, (serials.get(row.serial) ?? 0) + 1);
    if (!verified) {
      const reason = !row ? 'not recorded by any run' : row.md5 === null ? 'could not be read from the card' : 'no verified copy in the project';
      unverified.push({ path: e.relPath, reason });
    }
  }
  if (!isSameCard(card.source, card.identity)) {
    throw Object.assign(new Error(`the card at ${card.source} went away while it was being listed`), { code: 'ENOENT' });
  }
  const volume = describeCardVolume(card.source);
  const serial = [...serials.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const verifiedCount = photos.filter((p) => p.verified).length;
  const certificate: CardCertificate = {
    source: card.source,
    card_label: volume.label || path.basename(card.source),
    volume_id: volume.volumeId,
    drone_serial: serial,
    file_count: files,
    photo_count: photos.length,
    photos_verified: verifiedCount,
    bytes,
    // A card on which no photo could be listed is never declared safe: nothing says it was read at all.
    safe_to_format: photos.length > 0 && unverified.length === 0,
    unverified,
    skipped,
    photos,
    created_at: new Date().toISOString(),
  };
  insertCardOffload(project.db, {
    ingest_run_id: runId,
    source_root: card.source,
    card_label: certificate.card_label,
    volume_id: certificate.volume_id,
    drone_serial: certificate.drone_serial,
    photo_count: certificate.photo_count,
    photos_verified: verifiedCount,
    bytes,
    safe_to_format: certificate.safe_to_format ? 1 : 0,
    record_json: JSON.stringify(certificate),
    created_at: certificate.created_at,
  });
  return { ...certificate, unverified: unverified.slice(0, LISTED), skipped: skipped.slice(0, LISTED), photos: photos.slice(0, LISTED) };
}
