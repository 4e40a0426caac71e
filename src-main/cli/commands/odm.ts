import type { Command } from '../command.ts';
import { odmSpec } from './specs.js';
import { requireString } from '../command.ts';
import { cliParams } from '../params.ts';
import { parseOptionPairs } from '../../odm/options.ts';
import { reapOrphans, runOdm } from '../../odm/service.ts';
import { requireTask } from '../../db/tasks.ts';
import { withProjectWork } from '../project-work.ts';
import { envTokens } from '../../dronetm/auth.ts';
import { pushOdmResult } from '../../dronetm/odm-push.ts';
import { resolveDronetmLink } from '../../dronetm/project-link.ts';

/** `postflight odm`: a quick orthophoto of a verified task, in Docker on this laptop or on a NodeODM server. */
export const odmCommand: Command = {
  ...odmSpec,
  async run(args, io) {
    if (args.values.push) {
      const out = await withProjectWork(io, requireString(args, 'project'), async (project, control) => {
        const server = typeof args.values.dronetm === 'string' ? args.values.dronetm : undefined;
        const link = resolveDronetmLink(project.db, { server });
        return pushOdmResult(project, requireTask(project.db, requireString(args, 'task')).id, { link, tokens: envTokens(io.env) }, control);
      }, { writer: 'odm --push' });
      io.stdout.write(
        args.values.json
          ? `${JSON.stringify(out)}\n`
          : `Orthophoto of task ${out.taskId} ${out.sent ? 'sent to' : 'already in'} DroneTM as ${out.fileKey} (${(out.bytes / 1e6).toFixed(1)} MB); DroneTM now imports it.\n`,
      );
      return 0;
    }
    const checked = cliParams('odm.start', { taskId: requireString(args, 'task'), engine: args.values.engine, gpu: args.values.gpu }, { taskId: '--task' });
    const engine = checked.engine ?? 'docker';
    const gpu = checked.gpu ?? 'auto';
    const url = args.values['nodeodm-url'] as string | undefined;
    // The output is built inside (it needs the open project) and written after the progress bar is gone.
    const output = await withProjectWork(io, requireString(args, 'project'), async (project, control) => {
      const taskRowId = requireTask(project.db, checked.taskId).id;
      // A CLI run is an app start too: containers left by a killed run are cleaned up first.
      if (engine === 'docker') await reapOrphans(project);
      const run = await runOdm(
        project,
        taskRowId,
        {
          engine,
          gpu,
          ...(typeof args.values.image === 'string' ? { image: args.values.image } : {}),
          ...(url ? { nodeOdm: { url, token: io.env.POSTFLIGHT_NODEODM_TOKEN } } : {}),
          ...(typeof args.values.resume === 'string' ? { resumeRunId: args.values.resume } : {}),
          options: parseOptionPairs((args.values.option as string[] | undefined) ?? []),
        },
        {
          ...control,
          // The full log goes to the project's logs/ folder; in a terminal only the bar is drawn.
          onLog: io.isTty || args.values.json ? undefined : (line) => io.stderr.write(`${line}\n`),
        },
      );
      if (args.values.json) return `${JSON.stringify(run, null, 2)}\n`;
      const o = run.outputs!;
      const lines = [`Orthophoto ready: ${project.resolve(o.orthophoto!)}`];
      if (o.report) lines.push(`Report: ${project.resolve(o.report)}`);
      if (o.overlayError) lines.push(`No map preview: ${o.overlayError}`);
      lines.push(`Log: ${project.resolve(o.log!)}`);
      return `${lines.join('\n')}\n`;
    }, { writer: 'odm' });
    io.stdout.write(output);
    return 0;
  },
};
