import type { OdmRun } from '../db/odm-runs.ts';
import type { OdmRunInfo } from '../../src-preload/contract.ts';

/** An ODM run as the panel shows it: no paths of the pilot's machine, the overlay by its run id only. */
export function odmRunInfo(run: OdmRun): OdmRunInfo {
  const overlay = run.outputs?.overlay;
  return {
    id: run.id,
    engine: run.engine,
    state: run.state,
    stage: run.stage,
    progress: run.progress,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    error: run.error,
    gpu: typeof run.options.gpu === 'boolean' ? run.options.gpu : null,
    overlay: overlay ? { corners: overlay.corners, bounds: overlay.bounds } : null,
    overlayError: run.outputs?.overlayError ?? null,
  };
}
