import type { Progress } from '../../common/progress.ts';
import type { ProjectDb } from '../../db/database.ts';
import { envTokens } from '../../dronetm/auth.ts';
import { loadSyncKind, resolveDronetmLink, setSyncKind } from '../../dronetm/project-link.ts';
import { syncToDronetm } from '../../dronetm/sync.ts';
import type { Project } from '../../project/project.ts';
import type { CliIo, ParsedArgs } from '../command.ts';

const MB = 1_000_000;

const S3_FLAGS = ['bucket', 'endpoint', 'prefix', 'region', 'path-style'];

/** DroneTM when its flags are given, S3 when bucket flags are, otherwise the project's saved choice. */
export function wantsDronetm(db: ProjectDb, args: ParsedArgs): boolean {
  if (args.values.dronetm !== undefined || args.values['dronetm-project'] !== undefined) return true;
  if (S3_FLAGS.some((f) => args.values[f] !== undefined)) return false;
  return loadSyncKind(db) === 'dronetm';
}

/** `postflight sync --dronetm <url> --dronetm-project <uuid> [--task id]`: accepted photos of verified tasks to DroneTM. */
export async function runDronetmSync(
  project: Project,
  args: ParsedArgs,
  io: CliIo,
  onProgress: (p: Progress) => void,
  numbers: { partSize?: number; maxBytesPerSecond?: number; concurrency?: number },
): Promise<number> {
  const controller = new AbortController();
  const pause = (): void => controller.abort(new Error('paused by the user'));
  process.once('SIGINT', pause);
  try {
    const str = (name: string): string | undefined => (typeof args.values[name] === 'string' ? args.values[name] : undefined);
    const link = resolveDronetmLink(project.db, { server: str('dronetm'), projectId: str('dronetm-project') });
    setSyncKind(project.db, 'dronetm');
    const tasks = args.values.task;
    const report = await syncToDronetm(
      project,
      {
        link,
        tokens: envTokens(io.env),
        taskIds: Array.isArray(tasks) ? tasks : typeof tasks === 'string' ? [tasks] : [],
        ...numbers,
      },
      { signal: controller.signal, onProgress },
    );
    if (io.isTty && !args.values.json) io.stderr.write('\n');
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
    } else if (report.tasks.length === 0) {
      io.stdout.write('Nothing to sync: no verified task.\n');
    } else {
      for (const t of report.tasks) {
        const name = t.dronetmTaskIndex !== null ? ` (DroneTM task ${t.dronetmTaskIndex})` : '';
        io.stdout.write(`Task ${t.taskId}${name}: ${t.photos} photos in DroneTM (${t.uploaded} sent, ${t.skipped} already there)\n`);
      }
      io.stdout.write(`Sent ${(report.bytesSent / MB).toFixed(1)} MB in ${report.seconds.toFixed(1)} s, batch ${report.batchId}.\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', pause);
    project.close();
  }
}
