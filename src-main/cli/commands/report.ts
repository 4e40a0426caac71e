import type { Command } from '../command.ts';
import { reportSpec } from './specs.js';
import { requireString } from '../command.ts';
import { openProject } from '../../project/project.ts';
import { buildReport } from '../../report/report.ts';
import { formatReport } from '../../report/text.ts';

export const reportCommand: Command = {
  ...reportSpec,
  async run(args, io) {
    const project = openProject(requireString(args, 'project'));
    try {
      const report = buildReport(project);
      io.stdout.write(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return 0;
    } finally {
      project.close();
    }
  },
};
