import type { ProjectInfo } from '../project/project.ts';
import type { SyncPhoto, SyncTask } from './selection.ts';

export interface ManifestPhoto {
  photo: SyncPhoto;
  key: string;
  md5: string;
  size: number;
}

/**
 * The task's manifest: what a reader of the bucket needs to trust and use the photos. Deterministic (no timestamps of
 * its own), so an unchanged task yields the same bytes and a rerun skips it like any other object.
 */
export function buildManifest(project: ProjectInfo, task: SyncTask, taskPrefix: string, photos: readonly ManifestPhoto[]): Buffer {
  const manifest = {
    format: 'postflight-manifest/1',
    project: { id: project.id, name: project.name },
    task: {
      id: task.taskId,
      name: task.name,
      verifiedAt: task.verifiedAt,
      verifyForced: task.verifyForced,
      geometry: task.geometry,
      coverage: task.coverage,
    },
    photos: photos.map(({ photo: p, key, md5, size }) => ({
      key,
      path: key.slice(taskPrefix.length),
      fileName: p.fileName,
      md5,
      size,
      status: p.status,
      manualDecision: p.manualDecision,
      reasons: p.reasons,
      capturedAt: p.capturedAt,
      position: { lat: p.lat, lon: p.lon, alt: p.alt, relAlt: p.relAlt },
      footprint: p.footprint,
      gsdCm: p.gsdCm,
    })),
  };
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}
