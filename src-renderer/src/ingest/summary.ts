import type { CardOffloadInfo } from '../../../src-preload/contract.ts';

/** What the core's ingest job returns (src-main/ingest/ingest.ts IngestSummary), as far as the summary words it. */
export interface IngestResult {
  source?: string;
  mode?: 'copy' | 'in_place';
  found?: number;
  ingested?: number;
  alreadyIngested?: number;
  counts?: Record<string, number>;
  reasons?: Record<string, number>;
  quality?: { measured: number; belowSharpness: number; black: number; white: number };
  skipped?: { path: string; reason: string }[];
  skippedCount?: number;
  errors?: { path: string; message: string }[];
  bytes?: number;
  elapsedSeconds?: number;
  /** Photos recorded earlier without a verified copy (in place, damaged) that this run copied. */
  copiedNow?: number;
  retried?: number;
  /** Copy runs: the card certificate. */
  card?: { safe_to_format: boolean; photo_count: number; photos_verified: number; unverified?: { path: string; reason: string }[] } | null;
}

export interface IngestWords {
  /** 'warning' when the card gave nothing to check: the pilot must look at the card, not move on. */
  tone: 'ok' | 'warning';
  headline: string;
  lines: string[];
  next: string;
  problems: string[];
}

const REASON_WORDS: Record<string, string> = {
  corrupt: 'unreadable or damaged',
  exif: 'no usable metadata',
  gps: 'no valid GPS position',
  duplicate: 'duplicates of photos already in the project',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

/**
 * The ingest result in the pilot's words (as the CLI prints it), with the next step. A card with no photos, or with
 * only photos already ingested, is said plainly instead of reported as a finished ingest.
 */
export function ingestWords(result: unknown, taskCount: number): IngestWords | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as IngestResult;
  const found = r.found ?? 0;
  const ingested = r.ingested ?? 0;
  const already = r.alreadyIngested ?? 0;
  const bytes = r.bytes ?? 0;
  const seconds = r.elapsedSeconds ?? 0;
  const skipped = r.skippedCount ?? 0;
  const problems = (r.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  const from = r.source ? ` in ${r.source}` : '';
  if (found === 0) {
    return {
      tone: 'warning',
      headline: `No photos found${from}.`,
      lines: skipped > 0 ? [`${plural(skipped, 'file')} there ${skipped === 1 ? 'is' : 'are'} not photos.`] : [],
      next: 'Check that this is the card (or the folder holding the DCIM photos) and that the flight wrote to it.',
      problems,
    };
  }
  const lines: string[] = [];
  // The speed is over the bytes read in this run only; photos already in the project are not read again.
  const speed = ingested > 0 && seconds > 0 ? `, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s` : '';
  const how = r.mode === 'in_place' ? 'indexed in place' : 'copied and verified';
  const headline =
    ingested > 0
      ? `Ingested ${plural(ingested, 'photo')}${from} (${mb(bytes)} in ${duration(seconds)}${speed}, ${how}).`
      : (r.copiedNow ?? 0) > 0
        ? `Copied and verified ${plural(r.copiedNow ?? 0, 'photo')}${from} recorded earlier without a verified copy.`
        : `Nothing new${from}: all ${plural(already, 'photo')} were already in the project.`;
  if (r.card) {
    const c = r.card;
    lines.push(
      c.safe_to_format
        ? `Safe to format: all ${c.photo_count} photos on the card have a verified copy.`
        : `Do not format the card: ${notSafeWhy(c.photo_count, c.photos_verified, c.unverified?.length ?? 0)}.`,
    );
  } else if (r.mode === 'in_place') lines.push('Indexed in place: the card holds the only copy. Do not format it.');
  if (ingested > 0 && already > 0) lines.push(`${plural(already, 'photo')} ${already === 1 ? 'was' : 'were'} already in the project from an earlier run.`);
  if (ingested > 0) lines.push(`${r.counts?.staged ?? 0} ready for classification.`);
  for (const [code, n] of Object.entries(r.reasons ?? {})) if (n > 0) lines.push(`${REASON_WORDS[code] ?? code}: ${n}`);
  const q = r.quality;
  if (q && q.measured > 0) {
    lines.push(`Quality (${q.measured} measured): ${q.belowSharpness} below the sharpness threshold, ${q.black} black, ${q.white} blown out.`);
  }
  if (skipped > 0) lines.push(`Skipped ${plural(skipped, 'file')} that ${skipped === 1 ? 'is' : 'are'} not photos.`);
  const next =
    taskCount === 0
      ? 'Next: import the task file (Tasks view) so the photos are matched to tasks and coverage is computed.'
      : 'Next: classification and coverage run by themselves; then review the Map and the Gallery, and the checklist in Tasks.';
  return { tone: ingested > 0 || (r.copiedNow ?? 0) > 0 ? 'ok' : 'warning', headline, lines, next, problems };
}

/** The one sentence a pilot reads before formatting a card. */
export function cardStateText(c: CardOffloadInfo): string {
  if (c.safeToFormat) return `Safe to format: all ${c.photoCount} photos have a verified copy in the project.`;
  return `Do not format: ${notSafeWhy(c.photoCount, c.photosVerified, c.unverified.length, ' yet')}.`;
}

/** Why a card is not safe: photos without a verified copy, and folders or files on it that could not be read. */
function notSafeWhy(photos: number, verified: number, blocking: number, yet = ''): string {
  const missing = photos - verified;
  const unread = blocking - missing;
  const why = [
    ...(missing > 0 || (photos > 0 && unread <= 0) ? [`${missing} of ${photos} photos have no verified copy${yet}`] : []),
    ...(unread > 0 ? [`${plural(unread, 'folder or file', 'folders or files')} on the card could not be read`] : []),
    ...(photos === 0 ? ['no photo was found on it'] : []),
  ];
  return why.join('; ');
}
