import type { Command } from '../command.ts';
import { requireString } from '../command.ts';
import { openProject } from '../../project/project.ts';
import { buildReport } from '../../report/report.ts';
import { formatReport } from '../../report/text.ts';

export const reportCommand: Command = {
  name: ['report'],
  summary: 'Show every photo with its status and reasons, and every task with its coverage',
  options: {
    project: { type: 'string', description: 'Project folder' },
    json: { type: 'boolean', description: 'Print the full report (photos, tasks, summary) as JSON' },
  },
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
