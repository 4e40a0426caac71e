import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import type { OdmOutputs } from '../db/odm-runs.ts';
import type { Project } from '../project/project.ts';
import { readFootprint, writeOverlayPng } from './overlay.ts';

/** ODM's output layout inside `<project-path>/<name>/`. */
export const ORTHOPHOTO = path.join('odm_orthophoto', 'odm_orthophoto.tif');
export const REPORT = path.join('odm_report', 'report.pdf');
export const OVERLAY_PNG = 'postflight_overlay.png';

/**
 * Registers what a finished run produced: the orthophoto, the report when ODM wrote one, the log, and the overlay
 * for the review map (corners in WGS84 + a small PNG). No orthophoto means the run did not do its job.
 */
export async function collectOutputs(project: Project, odmDir: string, logFile: string): Promise<OdmOutputs> {
  const rel = (p: string): string => path.relative(project.dir, p);
  const ortho = path.join(odmDir, ORTHOPHOTO);
  if (!fs.existsSync(ortho)) {
    throw new AppError('remote_failed', 'ODM finished but wrote no orthophoto. See the run log for what it did.', { log: rel(logFile) });
  }
  const outputs: OdmOutputs = { orthophoto: rel(ortho), log: rel(logFile) };
  const report = path.join(odmDir, REPORT);
  if (fs.existsSync(report)) outputs.report = rel(report);
  try {
    const footprint = await readFootprint(ortho);
    const png = path.join(odmDir, OVERLAY_PNG);
    const size = await writeOverlayPng(ortho, png);
    outputs.overlay = { png: rel(png), ...size, epsg: footprint.epsg, corners: footprint.corners, bounds: footprint.bounds };
  } catch (err) {
    // The orthophoto is still the pilot's to open in a GIS; only the map preview is missing.
    outputs.overlayError = err instanceof Error ? err.message : String(err);
  }
  return outputs;
}
