import { openProject } from '../../project/project.ts';
import { envTokens } from '../../dronetm/auth.ts';
import { DronetmClient } from '../../dronetm/client.ts';
import { resolveDronetmLink } from '../../dronetm/project-link.ts';
import { importDronetmTasks } from '../../dronetm/tasks.ts';
import { requireString, type CliIo, type ParsedArgs } from '../command.ts';

/** `tasks import --dronetm <url> --dronetm-project <uuid>`: the project's task outlines, pulled before leaving. */
export async function runDronetmImport(args: ParsedArgs, io: CliIo): Promise<number> {
  const project = openProject(requireString(args, 'project'), { writer: 'tasks import' });
  try {
    const given = typeof args.values['dronetm-project'] === 'string' ? args.values['dronetm-project'] : undefined;
    const link = resolveDronetmLink(project.db, { server: requireString(args, 'dronetm'), projectId: given });
    const client = new DronetmClient(link.server, { tokens: envTokens(io.env) });
    const r = await importDronetmTasks(project, client, link.projectId);
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    io.stdout.write(
      [
        `Pulled ${r.added.length + r.updated.length + r.unchanged.length} tasks of DroneTM project "${r.projectName}" (${r.projectId}).`,
        `  added ${r.added.length}, updated ${r.updated.length}, unchanged ${r.unchanged.length}`,
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    project.close();
  }
}
