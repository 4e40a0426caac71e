import type { Command } from '../command.ts';
import { classifySpec } from './specs.js';
import { requireString } from '../command.ts';
import { runWork } from '../../jobs/work-steps.ts';
import { cliParams } from '../params.ts';
import { buildReport } from '../../report/report.ts';
import { formatReport } from '../../report/text.ts';
import { withProjectWork } from '../project-work.ts';

export const classifyCommand: Command = {
  ...classifySpec,
  async run(args, io) {
    // The output is built inside (it needs the open project) and written after the progress bar is gone.
    const params = cliParams('classify.start', { flightTail: args.values['no-flight-tail'] ? false : undefined }, { flightTail: '--no-flight-tail' });
    const output = await withProjectWork(io, requireString(args, 'project'), async (project, control) => {
      // Classification, then coverage from the assignments just made (the app's sequence): is each task covered?
      const summary = (await runWork(project, 'classify', params, control)).classify!;
      if (args.values.json) return `${JSON.stringify(summary, null, 2)}\n`;
      const tail = summary.flight_tail ? '' : ' (take-off/landing pass skipped)';
      return `Classified ${summary.images} photos${tail}.\n${formatReport(buildReport(project))}`;
    }, { writer: 'classify' });
    io.stdout.write(output);
    return 0;
  },
};
