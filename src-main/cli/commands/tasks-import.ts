import fs from 'node:fs';
import path from 'node:path';
import { openProject } from '../../project/project.ts';
import { importFlightPlan, taskFlightPlanInfo } from '../../refly/planned.ts';
import { importDem } from '../../geo/dem.ts';
import { importTasks } from '../../geo/task-import.ts';
import { requireString, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { tasksImportSpec } from './specs.js';
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
    const plan = typeof args.values.plan === 'string' ? args.values.plan : null;
    if ((!file && !dem && !plan) || args.positionals.length > 1) throw new UsageError('give exactly one task file, --dem <elevation.tif> or --plan <flight-plan.kmz>');
    if (args.values.task !== undefined && !plan) throw new UsageError('--task goes with --plan (the task the flight plan belongs to)');
    const project = openProject(requireString(args, 'project'), { writer: 'tasks import' });
    try {
      if (dem) {
        const h = await importDem(project, dem);
        const [w, s, e, n] = h.bounds.map((v) => v.toFixed(5));
        io.stdout.write(`Terrain ${h.source}: ${h.width} x ${h.height} cells in EPSG:${h.epsg}, covering ${w},${s} to ${e},${n}. Footprints now use heights above it.\n`);
        if (!file && !plan) return 0;
      }
      const r = file ? importTasks(project, file) : null;
      const p = plan ? importFlightPlan(project, fs.readFileSync(plan), path.basename(plan), typeof args.values.task === 'string' ? args.values.task : undefined) : null;
      if (p) {
        const info = taskFlightPlanInfo(project, p.taskId)!;
        const how = info.pointsFrom === 'actions' ? 'its photo waypoints' : `points every ${info.photoSpacingM.toFixed(1)} m along its lines`;
        const msg =
          `Flight plan ${p.source} kept for task ${p.taskId}: ${p.waypoints} waypoints; ${info.plannedPoints} planned photo points (${how}), ` +
          `${info.flownPoints} with an accepted photo near them` +
          (info.unflownStretches ? `, ${info.unflownPoints} in ${info.unflownStretches} unflown stretch${info.unflownStretches === 1 ? '' : 'es'} (refly --from-plan plans them).` : '.');
        if (!r) {
          io.stdout.write(args.values.json ? JSON.stringify({ plan: { ...p, ...info, geojson: undefined } }) + '\n' : msg + '\n');
          return 0;
        }
        if (!args.values.json) io.stdout.write(msg + '\n');
      }
      if (!r) return 0;
      if (args.values.json) {
        io.stdout.write(JSON.stringify(p ? { ...r, plan: p } : r) + '\n');
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
