import type { Command } from '../command.ts';
import { classifySpec } from './specs.ts';
import { requireString } from '../command.ts';
import { classifyProject } from '../../classify/classify.ts';
import { computeCoverage } from '../../geo/coverage-service.ts';
import { buildReport } from '../../report/report.ts';
import { formatReport } from '../../report/text.ts';
import { withProjectWork } from '../project-work.ts';

export const classifyCommand: Command = {
  ...classifySpec,
  async run(args, io) {
    // The output is built inside (it needs the open project) and written after the progress bar is gone.
    const output = await withProjectWork(io, requireString(args, 'project'), async (project, control) => {
      const summary = await classifyProject(project, {
        ...(args.values['no-flight-tail'] ? { flightTail: false } : {}),
        ...control,
      });
      // Coverage follows from the assignments just made: the pilot's next question is whether each task is covered.
      computeCoverage(project, { signal: control.signal });
      if (args.values.json) return `${JSON.stringify(summary, null, 2)}\n`;
      const tail = summary.flight_tail ? '' : ' (take-off/landing pass skipped)';
      return `Classified ${summary.images} photos${tail}.\n${formatReport(buildReport(project))}`;
    }, { writer: 'classify' });
    io.stdout.write(output);
    return 0;
  },
};
