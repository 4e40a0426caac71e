import { openProject } from '../../project/project.ts';
import { unverifyTask, verifyTask } from '../../geo/verify.ts';
import { requireString, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { verifySpec } from './specs.js';
import { cliParams } from '../params.ts';

/**
 * `postflight verify --task <id>`: recomputes the task's coverage from its photos, then marks it verified when it
 * meets the project's thresholds (or with --force, which is logged). Refusals exit non-zero with the reasons.
 */
export const verifyCommand: Command = {
  ...verifySpec,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const { taskId, force } = cliParams('tasks.verify', { taskId: requireString(args, 'task'), force: args.values.force === true }, { taskId: '--task' });
    const project = openProject(requireString(args, 'project'), { writer: 'verify' });
    try {
      let task;
      if (args.values.undo) task = unverifyTask(project, taskId);
      else task = verifyTask(project, taskId, { force: force === true });
      if (args.values.json) {
        io.stdout.write(JSON.stringify(task) + '\n');
        return 0;
      }
      const state = task.verifiedAt ? `verified${task.verifyForced ? ' (forced)' : ''} at ${task.verifiedAt}` : 'not verified';
      const c = task.coverage;
      const figures = c ? ` Coverage ${c.coveragePct.toFixed(1)}%, seen by 3+ photos ${c.overlap3Pct.toFixed(1)}%.` : '';
      io.stdout.write(`Task ${task.taskId}: ${state}.${figures}\n`);
      return 0;
    } finally {
      project.close();
    }
  },
};
