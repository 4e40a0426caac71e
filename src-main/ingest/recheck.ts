import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import type { Project } from '../project/project.ts';
import { listCopies, setCopyState } from '../db/offload.ts';
import { fileMd5 } from './offload.ts';
import { runIngest, type IngestSummary } from './ingest.ts';

export { RECHECK_ADVICE } from './advice.ts';

export interface RecheckSummary {
  /** Copies hashed again. */
  checked: number;
  /** Copies missing or not matching the md5 recorded from the card. */
  damaged: { path: string; card: string; reason: string }[];
  /** Copy runs made on the cards that were present, one per card holding a damaged photo. */
  recopied: { card: string; copied: number; safeToFormat: boolean }[];
  /** Cards holding damaged photos that are not inserted: their photos stay damaged until they are. */
  cardsMissing: string[];
  elapsedSeconds: number;
}

/**
 * Re-hashes every copy in the project against the md5 recorded when it came off the card, marks missing or damaged
 * ones (a copy found good again is marked verified), then runs a copy ingest on each card holding a damaged photo
 * that is present (optionally only `source`), which copies those photos again, verified. A damaged copy whose card is
 * away stays marked: the card's certificate no longer says "safe to format" and sync refuses the photo.
 */
export async function runRecheck(project: Project, options: WorkControl & { source?: string } = {}): Promise<RecheckSummary> {
  const started = Date.now();
  const copies = listCopies(project.db);
  const summary: RecheckSummary = { checked: 0, damaged: [], recopied: [], cardsMissing: [], elapsedSeconds: 0 };
  const cards = new Set<string>();
  for (const copy of copies) {
    if (options.signal?.aborted) throw new AppError('cancelled', `Recheck cancelled after ${summary.checked} of ${copies.length} copies; run it again.`);
    const file = project.resolve(copy.stored_path);
    const md5 = await fileMd5(file).catch((err: unknown) => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? null : Promise.reject(err)));
    summary.checked++;
    options.onProgress?.({ stage: 'recheck', done: summary.checked, total: copies.length, message: copy.stored_path });
    const good = md5 === copy.md5;
    if (good !== (copy.copy_state === 'verified')) setCopyState(project.db, copy.id, good ? 'verified' : 'damaged');
    if (good) continue;
    summary.damaged.push({ path: copy.stored_path, card: copy.source_root, reason: md5 === null ? 'missing' : 'bytes differ from the card' });
    cards.add(copy.source_root);
  }
  const only = options.source ? path.resolve(options.source) : null;
  for (const card of cards) {
    if (only && card !== only) continue;
    if (!fs.existsSync(card)) {
      summary.cardsMissing.push(card);
      continue;
    }
    const run: IngestSummary = await runIngest(project, { source: card, ...(options.signal ? { signal: options.signal } : {}) });
    summary.recopied.push({ card, copied: run.copiedNow, safeToFormat: run.card?.safe_to_format ?? false });
  }
  summary.elapsedSeconds = (Date.now() - started) / 1000;
  return summary;
}
