import type { Command } from '../command.ts';
import { ingestSpec } from './specs.js';
import { UsageError, requireString } from '../command.ts';
import type { IngestSummary } from '../../ingest/ingest.ts';
import { runWorkStep } from '../../jobs/work-steps.ts';
import { cliParams } from '../params.ts';
import type { CardCertificate } from '../../ingest/certificate.ts';
import { runRecheck, type RecheckSummary } from '../../ingest/recheck.ts';
import { formatBytes, formatDuration } from '../progress-bar.ts';
import { withProjectWork } from '../project-work.ts';

export const ingestCommand: Command = {
  ...ingestSpec,
  async run(args, io) {
    const source = args.positionals[0];
    if (args.values.recheck) {
      if (args.positionals.length > 1) throw new UsageError('give at most one card with --recheck');
      if (args.values['in-place']) throw new UsageError('--recheck checks copies; it cannot be combined with --in-place');
      const summary = await withProjectWork(
        io,
        requireString(args, 'project'),
        (project, control) => runRecheck(project, { ...control, ...(source ? { source } : {}) }),
        { writer: 'ingest --recheck' },
      );
      io.stdout.write(args.values.json ? `${JSON.stringify(summary, null, 2)}\n` : recheckText(summary));
      // Damaged copies left behind (their card is away) are not a success: the photos are not safe yet.
      return summary.cardsMissing.length > 0 ? 1 : 0;
    }
    if (args.positionals.length > 1) throw new UsageError('give exactly one source folder (the card or a folder of photos)');
    const params = cliParams('ingest.start', { source: source ?? '', inPlace: args.values['in-place'] }, { source: '<source>' });
    // The offload only: the CLI pilot imports tasks and runs `classify` (the rest of the sequence) when ready.
    const summary = await withProjectWork(
      io,
      requireString(args, 'project'),
      (project, control) => runWorkStep(project, 'ingest', params, control),
      { create: true, writer: 'ingest' },
    );
    io.stdout.write(args.values.json ? `${JSON.stringify(summary, null, 2)}\n` : triageText(summary));
    return 0;
  },
};

const REASON_WORDS: Record<string, string> = {
  corrupt: 'unreadable or damaged',
  exif: 'no usable metadata',
  gps: 'no valid GPS position',
  duplicate: 'duplicates of photos already in the project',
};

/** The pilot's summary: what came off the card and what already looks wrong. */
export function triageText(s: IngestSummary): string {
  const lines = [
    `Ingested ${s.ingested} photo${s.ingested === 1 ? '' : 's'} from ${s.source} (${formatBytes(s.bytes)} in ${formatDuration(s.elapsedSeconds)}, ${s.mode === 'copy' ? 'copied and verified' : 'indexed in place'}).`,
  ];
  if (s.copiedNow > 0) lines.push(`Copied and verified ${s.copiedNow} photo(s) recorded earlier without a verified copy (indexed in place or damaged).`);
  if (s.retried > 0) lines.push(`Tried again ${s.retried} photo(s) that could not be read before.`);
  if (s.alreadyIngested > 0) lines.push(`${s.alreadyIngested} photo(s) were already in the project from an earlier run.`);
  lines.push(`  ready for classification: ${s.counts.staged}`);
  for (const [code, n] of Object.entries(s.reasons)) lines.push(`  ${REASON_WORDS[code] ?? code}: ${n}`);
  const q = s.quality;
  if (q.measured > 0) {
    lines.push(`Quality (${q.measured} measured): ${q.belowSharpness} below the sharpness threshold, ${q.black} black, ${q.white} blown out.`);
  }
  if (s.skippedCount > 0) lines.push(`Skipped ${s.skippedCount} file(s) or folder(s): not photos, or not readable (see --json for the list).`);
  for (const e of s.errors) lines.push(`  error: ${e.path}: ${e.message}`);
  if (s.card) lines.push(...cardText(s.card));
  else if (s.mode === 'in_place') lines.push('Indexed in place: the card holds the only copy of these photos. Do not format it.');
  lines.push('Next: `postflight tasks import` and `postflight classify` to match photos to tasks and check coverage.');
  return `${lines.join('\n')}\n`;
}

/** The card certificate in words: the one line a pilot reads before formatting the card. */
export function cardText(c: CardCertificate): string[] {
  const name = c.card_label + (c.volume_id ? ` (${c.volume_id})` : '');
  if (c.safe_to_format) {
    return [`Card ${name}: all ${c.photo_count} photos have a verified copy in the project. Safe to format.`];
  }
  const missing = c.photo_count - c.photos_verified;
  const unread = c.unverified.length - missing;
  const why = [
    ...(missing > 0 ? [`${missing} photo(s) have no verified copy`] : []),
    ...(unread > 0 ? [`${unread} folder(s) or file(s) on the card could not be read`] : []),
    ...(c.photo_count === 0 ? ['no photo was found on it'] : []),
  ];
  const lines = [`Card ${name}: ${c.photos_verified} of ${c.photo_count} photos have a verified copy. NOT safe to format: ${why.join('; ')}.`];
  for (const u of c.unverified.slice(0, 20)) lines.push(`  not safe: ${u.path}: ${u.reason}`);
  return lines;
}

/** What a recheck found and did, card by card. */
export function recheckText(s: RecheckSummary): string {
  const lines = [`Checked ${s.checked} cop${s.checked === 1 ? 'y' : 'ies'} in the project: ${s.damaged.length} damaged or missing.`];
  for (const d of s.damaged.slice(0, 20)) lines.push(`  damaged: ${d.path} (${d.reason})`);
  for (const r of s.recopied) {
    lines.push(`Copied ${r.copied} photo(s) again from ${r.card}, verified.${r.safeToFormat ? ' That card is safe to format.' : ' That card is NOT safe to format yet.'}`);
  }
  for (const card of s.cardsMissing) lines.push(`Card ${card} is not inserted: insert it and run \`postflight ingest --recheck\` again to copy its damaged photos.`);
  if (s.damaged.length === 0) lines.push('Every copy matches its card.');
  return `${lines.join('\n')}\n`;
}
