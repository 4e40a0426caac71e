import type { Command } from '../command.ts';
import { requireString } from '../command.ts';
import { openProject } from '../../project/project.ts';
import { classifyProject } from '../../classify/classify.ts';
import { computeCoverage } from '../../geo/coverage-service.ts';
import { buildReport } from '../../report/report.ts';
import { formatReport } from '../../report/text.ts';
import { progressReporter } from '../progress-bar.ts';

export const classifyCommand: Command = {
  name: ['classify'],
  summary: 'Check every photo, match it to its task, find flights, hover bursts and take-off/landing transit; then compute coverage',
  options: {
    project: { type: 'string', description: 'Project folder' },
    'no-flight-tail': { type: 'boolean', description: 'Skip the take-off/landing transit pass for this run' },
    json: { type: 'boolean', description: 'Print a machine-readable summary on stdout' },
  },
  async run(args, io) {
    const project = openProject(requireString(args, 'project'));
    const bar = progressReporter(io);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const summary = await classifyProject(project, {
        ...(args.values['no-flight-tail'] ? { flightTail: false } : {}),
        signal: controller.signal,
        onProgress: bar.update,
      });
      // Coverage follows from the assignments just made: the pilot's next question is whether each task is covered.
      computeCoverage(project, { signal: controller.signal });
      bar.end();
      if (args.values.json) {
        io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        const tail = summary.flight_tail ? '' : ' (take-off/landing pass skipped)';
        io.stdout.write(`Classified ${summary.images} photos${tail}.\n${formatReport(buildReport(project))}`);
      }
      return 0;
    } finally {
      bar.end();
      process.off('SIGINT', onSignal);
      project.close();
    }
  },
};
