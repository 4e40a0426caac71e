import { computeCoverage } from '../../geo/coverage-service.ts';
import { requireTask, setTaskStream } from '../../db/tasks.ts';
import { openProject } from '../../project/project.ts';
import { requireString, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { tasksStreamSpec } from './specs.js';
import { cliParams } from '../params.ts';

/**
 * `postflight tasks stream <task> <stream>`: which file of each capture the task's coverage counts (a thermal task
 * flown with an H20T counts the thermal frames; 'colour' goes back to the colour image). Coverage is recomputed.
 */
export const tasksStreamCommand: Command = {
  ...tasksStreamSpec,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [taskId, stream] = args.positionals;
    if (!taskId || !stream || args.positionals.length > 2) throw new UsageError('give a task id and a stream (wide, zoom, thermal, a band name, or colour)');
    const params = cliParams('tasks.setStream', { taskId, stream: stream === 'colour' ? null : stream }, { taskId: '<task>', stream: '<stream>' });
    const project = openProject(requireString(args, 'project'), { writer: 'tasks stream' });
    try {
      const task = requireTask(project.db, params.taskId);
      setTaskStream(project.db, task.id, params.stream);
      const [result] = computeCoverage(project, { taskIds: [taskId] }).tasks;
      io.stdout.write(`Task ${taskId} now counts ${stream === 'colour' ? 'the colour image' : `the ${stream} file`} of each capture: ${result!.coverage.footprintCount} photos, coverage ${result!.coverage.coveragePct.toFixed(0)}%.\n`);
      return 0;
    } finally {
      project.close();
    }
  },
};
