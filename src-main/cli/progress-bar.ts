import type { Progress } from '../common/progress.ts';
import type { CliIo } from './command.ts';

const WIDTH = 28;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One progress line: bar, files, MB/s and ETA. */
export function progressLine(p: Progress): string {
  const fraction = p.total ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(fraction * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  const parts = [`${bar} ${p.done}/${p.total ?? '?'}`];
  if (p.bytesDone !== undefined) parts.push(formatBytes(p.bytesDone));
  if (p.rate) parts.push(`${(p.rate / 1e6).toFixed(1)} MB/s`);
  if (p.etaSeconds != null) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join('  ');
}

/**
 * Draws progress on stderr: redrawn in place on a terminal, a line every few seconds otherwise (logs, CI), so stdout
 * stays clean for --json.
 */
export function progressReporter(io: CliIo): { update: (p: Progress) => void; end: () => void } {
  let last = 0;
  let lastLine = '';
  let drawn = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < (io.isTty ? 100 : 5000) && p.done !== p.total) return;
      const line = progressLine(p);
      if (line === lastLine) return;
      last = now;
      lastLine = line;
      if (io.isTty) {
        io.stderr.write(`\r${line}\x1b[K`);
        drawn = true;
      } else io.stderr.write(`${line}\n`);
    },
    end: () => {
      if (drawn) io.stderr.write('\n');
    },
  };
}
