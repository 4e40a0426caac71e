import { openProject } from '../../project/project.ts';
import type { Progress } from '../../common/progress.ts';
import { syncVerifiedTasks } from '../../sync/sync.ts';
import { resolveTarget } from '../../sync/target.ts';
import { requireString, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { syncSpec } from './specs.js';
import { setSyncKind } from '../../dronetm/project-link.ts';
import { runDronetmSync, wantsDronetm } from './sync-dronetm.ts';

const MB = 1_000_000;

export function positiveNumber(args: ParsedArgs, name: string): number | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number`);
  return n;
}

function clock(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function progressLine(p: Progress): string {
  const mb = (b: number | null | undefined): string => ((b ?? 0) / MB).toFixed(1);
  return `sync ${p.stage ?? ''}  ${p.done}/${p.total ?? '?'} files  ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB  ${mb(p.rate)} MB/s  ETA ${clock(p.etaSeconds)}`;
}

/**
 * Progress on stderr: one redrawn line in a terminal, a line every 5 s otherwise, nothing with --json. A retry is
 * said on a line of its own as it happens, in both.
 */
export function cliProgress(args: ParsedArgs, io: CliIo): (p: Progress) => void {
  let lastLine = 0;
  let lastNote: string | undefined;
  return (p) => {
    if (args.values.json) return;
    if (p.message && p.message !== lastNote) io.stderr.write(io.isTty ? `\r${p.message}\x1b[K\n` : `${p.message}\n`);
    lastNote = p.message;
    if (io.isTty) io.stderr.write(`\r${progressLine(p)}\x1b[K`);
    else if (Date.now() - lastLine > 5000 || p.stage === 'done') {
      lastLine = Date.now();
      io.stderr.write(`${progressLine(p)}\n`);
    }
  };
}

/**
 * `postflight sync`: uploads the project's verified tasks to its S3 target. Target flags given once are saved in the
 * project; credentials come only from the AWS environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE).
 * Ctrl-C pauses cleanly; running it again resumes.
 */
export const syncCommand: Command = {
  ...syncSpec,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const project = openProject(requireString(args, 'project'), { writer: 'sync' });
    if (wantsDronetm(project.db, args)) {
      const partMiB = positiveNumber(args, 'part-size');
      const maxRate = positiveNumber(args, 'max-rate');
      const concurrency = positiveNumber(args, 'concurrency');
      return runDronetmSync(project, args, io, cliProgress(args, io), {
        ...(partMiB ? { partSize: Math.round(partMiB * 1024 * 1024) } : {}),
        ...(maxRate ? { maxBytesPerSecond: maxRate * MB } : {}),
        ...(concurrency ? { concurrency: Math.round(concurrency) } : {}),
      });
    }
    const controller = new AbortController();
    const pause = (): void => controller.abort(new Error('paused by the user'));
    process.once('SIGINT', pause);
    try {
      const str = (name: string): string | undefined => (typeof args.values[name] === 'string' ? args.values[name] : undefined);
      setSyncKind(project.db, 's3');
      const target = resolveTarget(project.db, {
        endpoint: str('endpoint'),
        bucket: str('bucket'),
        prefix: str('prefix'),
        region: str('region'),
        pathStyle: args.values['path-style'] === true ? true : undefined,
      });
      const partMiB = positiveNumber(args, 'part-size');
      const maxRate = positiveNumber(args, 'max-rate');
      const concurrency = positiveNumber(args, 'concurrency');
      const tasks = args.values.task;
      const report = await syncVerifiedTasks(
        project,
        {
          target,
          taskIds: Array.isArray(tasks) ? tasks : typeof tasks === 'string' ? [tasks] : [],
          ...(partMiB ? { partSize: Math.round(partMiB * 1024 * 1024) } : {}),
          ...(maxRate ? { maxBytesPerSecond: maxRate * MB } : {}),
          ...(concurrency ? { concurrency: Math.round(concurrency) } : {}),
        },
        { signal: controller.signal, onProgress: cliProgress(args, io) },
      );
      if (io.isTty && !args.values.json) io.stderr.write('\n');
      if (args.values.json) {
        io.stdout.write(`${JSON.stringify(report)}\n`);
      } else if (report.tasks.length === 0) {
        io.stdout.write('Nothing to sync: no verified task is waiting.\n');
      } else {
        for (const t of report.tasks) {
          io.stdout.write(`Task ${t.taskId}: ${t.photos} photos synced (${t.uploaded} sent, ${t.skipped} already there)\n`);
        }
        io.stdout.write(`Sent ${(report.bytesSent / MB).toFixed(1)} MB in ${report.seconds.toFixed(1)} s.\n`);
      }
      return 0;
    } finally {
      process.off('SIGINT', pause);
      project.close();
    }
  },
};
