import type { WorkControl } from '../common/progress.ts';
import { openProject, type Project } from '../project/project.ts';
import type { CliIo } from './command.ts';
import { progressReporter } from './progress-bar.ts';

/**
 * Runs one long piece of work on a project for a CLI command: the project is opened and always closed, progress is
 * drawn on stderr, and Ctrl-C cancels through the work's signal (so journals record where it stopped).
 */
export async function withProjectWork<T>(
  io: CliIo,
  projectDir: string,
  work: (project: Project, control: Required<Pick<WorkControl, 'signal' | 'onProgress'>>) => Promise<T>,
  options: { create?: boolean; writer: string },
): Promise<T> {
  const project = openProject(projectDir, options);
  const bar = progressReporter(io);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await work(project, { signal: controller.signal, onProgress: bar.update });
  } finally {
    bar.end();
    process.off('SIGINT', onSignal);
    project.close();
  }
}
