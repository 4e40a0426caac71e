import fs from 'node:fs';
import path from 'node:path';
import { openProject } from '../../project/project.ts';
import { exportPlan, formatFromFileName } from '../../refly/export.ts';
import { readFlightPlan } from '../../refly/flight-plan.ts';
import { planTaskRefly, reflyPlanInfo, type TaskReflyPlan } from '../../refly/service.ts';
import { requireString, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.ts';
import { reflySpec } from './specs.js';
import { cliParams } from '../params.ts';

/**
 * `postflight refly --task <id> --out <file>`: plans lawnmower lines over the task's coverage gaps at the height and
 * with the camera it was flown with, and writes them for the drone. A DJI plan over 250 photo points is split into
 * `<name>-1.kmz`, `<name>-2.kmz`, ... in flight order.
 */
export const reflyCommand: Command = {
  ...reflySpec,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const dir = requireString(args, 'project');
    const out = requireString(args, 'out');
    // The flags as refly.export's params, checked by its schema (ranges, formats) as IPC and HTTP are.
    const { taskId, format, frontOverlap, sideOverlap, heightM } = cliParams(
      'refly.export',
      { taskId: requireString(args, 'task'), format: pickFormat(out, args.values.format), ...parseOverlap(args.values.overlap), heightM: parseHeight(args.values.height) },
      { taskId: '--task', frontOverlap: '--overlap', sideOverlap: '--overlap', heightM: '--height' },
    );
    const overlap = { frontOverlap, sideOverlap };
    const project = openProject(dir, { writer: 'refly' });
    try {
      const planFile = typeof args.values.plan === 'string' ? args.values.plan : null;
      if (planFile && !args.values['from-plan']) throw new UsageError('--plan goes with --from-plan (re-fly the unflown stretches of that flight plan)');
      const fromPlan = args.values['from-plan'] ? (planFile ? readFlightPlan(planFile) : true) : undefined;
      const plan = planTaskRefly(project, taskId, { ...overlap, heightM, fromPlan });
      const files = exportPlan(plan, format, { fileName: path.basename(out), title: `Postflight re-fly, task ${taskId}` });
      const folder = path.dirname(path.resolve(out));
      fs.mkdirSync(folder, { recursive: true });
      const written = files.map((f) => {
        const file = path.join(folder, f.fileName);
        fs.writeFileSync(file, f.bytes);
        return file;
      });
      const info = reflyPlanInfo(plan);
      // The app's figures (one definition, reflyPlanInfo) without its map GeoJSON, rounded for a terminal.
      const { geojson: _geojson, ...figures } = info;
      const summary = { ...figures, format, files: written, lengthM: Math.round(info.lengthM), flightTimeS: Math.round(info.flightTimeS), gapAreaM2: Math.round(info.gapAreaM2) };
      if (args.values.json) {
        io.stdout.write(JSON.stringify(summary) + '\n');
        return 0;
      }
      const minutes = Math.ceil(info.flightTimeS / 60);
      io.stdout.write(
        [
          plan.source === 'flight_plan'
            ? `Re-fly plan for task ${taskId}: the ${plan.lines.length} unflown stretch${plan.lines.length === 1 ? '' : 'es'} of its flight plan (${info.photoCount} planned photo points without an accepted photo near them).`
            : `Re-fly plan for task ${taskId}: ${plan.gaps.length} gap${plan.gaps.length === 1 ? '' : 's'} (${Math.round(info.gapAreaM2)} m²) in ${info.blocks} block${info.blocks === 1 ? '' : 's'}.`,
          `  ${info.photoCount} photos on ${info.lineCount} lines at ${info.heightM.toFixed(1)} m ${plan.terrain ? 'above ground' : 'above take-off'} (${HEIGHT_WORDS[info.heightSource]}), overlap ${Math.round(info.frontOverlap * 100)}/${Math.round(info.sideOverlap * 100)}%`,
          ...(plan.terrain
            ? [
                `  terrain-following (project DEM): ${plan.terrain.aglM.toFixed(1)} m above the ground under every photo point, ` +
                  `${plan.terrain.minHeightM.toFixed(1)}-${plan.terrain.maxHeightM.toFixed(1)} m above take-off; take off where the task's first flight did` +
                  (plan.terrain.outsideDem ? ` (${plan.terrain.outsideDem} points outside the DEM stay at ${plan.terrain.aglM.toFixed(1)} m above take-off)` : ''),
              ]
            : []),
          `  about ${(info.lengthM / 1000).toFixed(2)} km and ${minutes} min of flight`,
          ...written.map((f) => `  wrote ${f}`),
        ].join('\n') + '\n',
      );
      return 0;
    } finally {
      project.close();
    }
  },
};

const HEIGHT_WORDS: Record<TaskReflyPlan['heightSource'], string> = {
  photos: 'as flown',
  given: 'as given',
  flight_height_setting: 'project flight height',
  flight_plan: "the flight plan's heights",
};

/** The --format given (checked by the schema), else the one the output file's name says. */
function pickFormat(out: string, given: unknown): unknown {
  if (given !== undefined) return given;
  const fromName = formatFromFileName(out);
  if (!fromName) {
    throw new UsageError(`cannot tell the format from "${path.basename(out)}": name it .kmz (DJI), .kml, .plan (QGroundControl) or .geojson, or give --format`);
  }
  return fromName;
}

/** --overlap front/side in percent ("75/70") as the fractions refly.export takes. */
function parseOverlap(value: unknown): { frontOverlap?: number; sideOverlap?: number } {
  if (typeof value !== 'string') return {};
  const m = /^(\d{1,3}(?:\.\d+)?)\/(\d{1,3}(?:\.\d+)?)$/.exec(value.trim());
  if (!m) throw new UsageError(`--overlap takes front/side in percent, e.g. 75/70; "${value}" is not that`);
  return { frontOverlap: Number(m[1]) / 100, sideOverlap: Number(m[2]) / 100 };
}

/** --height in metres; the schema checks the range. */
function parseHeight(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const h = Number(value);
  if (value.trim() === '' || !Number.isFinite(h)) throw new UsageError(`--height takes metres above take-off; "${value}" is not a number`);
  return h;
}
