import { openProject } from '../../project/project.ts';
import { importDem } from '../../geo/dem.ts';
import { importTasks } from '../../geo/task-import.ts';
import { requireString, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { tasksImportSpec } from './specs.ts';
import { runDronetmImport } from './tasks-import-dronetm.ts';

/** `postflight tasks import <file>`: adds or updates the project's task polygons from GeoJSON, DroneTM, KML or KMZ. */
export const tasksImportCommand: Command = {
  ...tasksImportSpec,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.values.dronetm !== undefined) {
      if (args.positionals.length > 0) throw new UsageError('give a task file or --dronetm, not both');
      return runDronetmImport(args, io);
    }
    const file = args.positionals[0];
    const dem = typeof args.values.dem === 'string' ? args.values.dem : null;
    if ((!file && !dem) || args.positionals.length > 1) throw new UsageError('give exactly one task file, or --dem <elevation.tif>');
    const project = openProject(requireString(args, 'project'), { writer: 'tasks import' });
    try {
      if (dem) {
        const h = await importDem(project, dem);
        const [w, s, e, n] = h.bounds.map((v) => v.toFixed(5));
        io.stdout.write(`Terrain ${h.source}: ${h.width} x ${h.height} cells in EPSG:${h.epsg}, covering ${w},${s} to ${e},${n}. Footprints now use heights above it.\n`);
        if (!file) return 0;
      }
      const r = importTasks(project, file!);
      if (args.values.json) {
        io.stdout.write(JSON.stringify(r) + '\n');
        return 0;
      }
      const list = (ids: string[]) => (ids.length ? `: ${ids.join(', ')}` : '');
      io.stdout.write(
        [
          `Imported ${r.file} (${r.format}).`,
          `  added ${r.added.length}${list(r.added)}`,
          `  updated ${r.updated.length}${list(r.updated)}`,
          `  unchanged ${r.unchanged.length}${list(r.unchanged)}`,
          `  project boundary: ${r.boundary.source === 'given' ? 'as given' : 'union of the tasks'}`,
        ].join('\n') + '\n',
      );
      return 0;
    } finally {
      project.close();
    }
  },
};
