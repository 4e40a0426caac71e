import type { Report } from './report.ts';

const STATUS_WORDS: Record<string, string> = {
  assigned: 'assigned to a task',
  rejected: 'rejected',
  unmatched: 'outside every task',
  invalid_exif: 'without usable metadata',
  duplicate: 'duplicates',
  staged: 'not yet classified',
};

/** The report as a pilot reads it in a terminal: totals first, then reasons, then one line per task. */
export function formatReport(report: Report): string {
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`${s.images} photos in ${s.flights} flight${s.flights === 1 ? '' : 's'}`);
  for (const [status, n] of Object.entries(s.by_status)) {
    if (n > 0) lines.push(`  ${String(n).padStart(6)}  ${STATUS_WORDS[status] ?? status}`);
  }
  const reasons = Object.entries(s.by_reason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) lines.push('', 'Reasons:', ...reasons.map(([code, n]) => `  ${String(n).padStart(6)}  ${code}`));
  if (s.manual_decisions > 0) lines.push(`  (${s.manual_decisions} decided by hand)`);

  if (report.cards.length > 0) {
    lines.push('', 'Cards:');
    for (const c of report.cards) {
      const state = c.safe_to_format ? 'safe to format' : 'NOT safe to format';
      lines.push(`  ${c.card_label}: ${c.photos_verified_now} of ${c.photo_count} photos with a verified copy, ${state}`);
    }
  }
  lines.push('', `Tasks: ${s.tasks} (${s.tasks_verified} verified)`);
  if (report.tasks.length > 0) {
    const pct = (v: number | null): string => (v === null ? '-' : `${v.toFixed(0)}%`);
    const area = (v: number | null): string => (v === null ? '-' : `${Math.round(v)} m²`);
    const rows = report.tasks.map((t) => [
      t.task_id,
      String(t.image_count),
      String(t.assigned_count),
      pct(t.coverage_pct),
      pct(t.overlap3_pct),
      pct(t.overlap5_pct),
      t.gsd_cm === null ? '-' : `${t.gsd_cm.toFixed(1)} cm`,
      area(t.unphotographed_m2),
      area(t.thin_overlap_m2),
      t.verified ? 'yes' : 'no',
    ]);
    const header = ['task', 'photos', 'assigned', 'coverage', 'overlap>=3', 'overlap>=5', 'GSD', 'no photos', 'thin overlap', 'verified'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows]) lines.push('  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
    for (const t of report.tasks) if (t.captures) lines.push(`  ${t.task_id}: ${t.captures.summary}`);
    const models = { dem: 'heights above the imported terrain (DEM)', flat: 'flat ground at take-off level', mixed: 'DEM where it reaches, flat ground elsewhere' };
    for (const t of report.tasks) if (t.height_model) lines.push(`  ${t.task_id}: footprints on ${models[t.height_model]}`);
  }
  return lines.join('\n') + '\n';
}
