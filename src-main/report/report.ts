/**
 * The project report: every photo with its status and reasons, every task with its counts and coverage, and a summary.
 * The same data the UI shows; `postflight report --json` prints it as is.
 */
import { countByReason, countByStatus, countManualDecisions, footprintOf, listImages, listReasons, type ImageStatus, type ReasonCode } from '../db/images.ts';
import { listTasks } from '../db/tasks.ts';
import { countFlights } from '../db/flights.ts';
import type { Project } from '../project/project.ts';
import { countSafeOnCard, listLatestCardOffloads } from '../db/offload.ts';
import { cardDrones, flightSpans, pilotOf, type DroneSpan, type FlightSpan } from '../db/crews.ts';
import { rtkByTask, rtkSolution } from '../db/rtk.ts';
import type { RtkSolution, RtkTally } from '../../src-preload/contract-base.ts';
import type { CardCertificate } from '../ingest/certificate.ts';

export interface ReportImage {
  id: number;
  /** Relative to the folder it was ingested from ('/' separated). */
  path: string;
  file_name: string;
  md5: string | null;
  status: ImageStatus;
  reasons: { code: ReasonCode; message: string }[];
  /** The task id pilots see, or null. */
  task_id: string | null;
  flight_id: number | null;
  lat: number | null;
  lon: number | null;
  captured_at: string | null;
  sharpness: number | null;
  /** Motion smear predicted from metadata (exposure x ground speed / GSD), px; over 0.5 is a `motion` warning. */
  motion_px: number | null;
  gimbal_pitch: number | null;
  /** GeoJSON polygon of the ground the photo sees, once coverage has run. */
  footprint: unknown;
  gsd_cm: number | null;
  /** The trigger the file belongs to and its band or stream in it (multispectral and thermal payloads). */
  capture_key: string | null;
  band: string | null;
  sensor_kind: string | null;
  /** DJI RtkFlag (50 fixed, 32-49 float, 16 single, 0 none) and its solution; null when the drone writes none. */
  rtk_flag: number | null;
  rtk_solution: RtkSolution | null;
}

export interface ReportTask {
  task_id: string;
  image_count: number;
  assigned_count: number;
  /** From the last coverage run; null until coverage has been computed. */
  coverage_pct: number | null;
  overlap3_pct: number | null;
  overlap5_pct: number | null;
  gsd_cm: number | null;
  /**
   * Gap polygons (GeoJSON FeatureCollection), or null. Each feature carries `properties.kind` ('unphotographed' or
   * 'thin_overlap') and `properties.areaM2`; slivers below max(100 m², half a footprint) are left out.
   */
  gaps: unknown;
  /** Task area no photo sees, and area seen by fewer photos than the project's minimum overlap, m². */
  unphotographed_m2: number | null;
  thin_overlap_m2: number | null;
  verified: boolean;
  /** Heights above ground from the project's DEM ('dem'), flat ground at take-off level ('flat') or both ('mixed'). */
  height_model: 'flat' | 'dem' | 'mixed' | null;
  /** Assigned photos by RTK solution ("92 % RTK fixed"); null when none carries an RTK flag. */
  rtk: RtkTally | null;
  /** Multi-file captures matched to the task: how many, how many lack a band, and the sentence the pilot reads. */
  captures: { count: number; incomplete: number; summary: string } | null;
}

export interface ReportSummary {
  images: number;
  by_status: Record<ImageStatus, number>;
  /** Photos carrying each reason. */
  by_reason: Partial<Record<ReasonCode, number>>;
  flights: number;
  tasks: number;
  tasks_verified: number;
  /** Photos the pilot accepted or rejected by hand. */
  manual_decisions: number;
}

/**
 * A card's offload record (the certificate of its last copy run) with today's word on it: a copy found damaged since
 * (ingest --recheck) takes "safe to format" back.
 */
export interface ReportCard extends CardCertificate {
  /** Photos recorded from this card that have a verified copy now. */
  photos_verified_now: number;
  /** Who flew the card: its own pilot entry, else the project's pilot; null when none was entered. */
  pilot: string | null;
  /** The drones whose photos are on the card, each with its serial, time span and photo count. */
  drones: DroneSpan[];
}

/** One flight: its drone, the card it came from, the card's pilot, time span and photo count. */
export interface ReportFlight extends FlightSpan {
  pilot: string | null;
}

export interface Report {
  images: ReportImage[];
  tasks: ReportTask[];
  summary: ReportSummary;
  /** One per card a copy run finished on (its latest certificate). */
  cards: ReportCard[];
  flights: ReportFlight[];
}

/** The latest certificate of every card, checked against the copies' state today. */
export function reportCards(project: Project): ReportCard[] {
  return listLatestCardOffloads(project.db).map((row) => {
    const record = JSON.parse(row.record_json) as CardCertificate;
    const now = countSafeOnCard(project.db, row.source_root);
    const stillAll = now.safe >= record.photo_count && now.safe === now.photos;
    return {
      ...record,
      safe_to_format: record.safe_to_format && stillAll,
      photos_verified_now: now.safe,
      pilot: pilotOf(project.db, row.source_root),
      drones: cardDrones(project.db, row.source_root),
    };
  });
}

export function buildReport(project: Project): Report {
  const { db } = project;
  const tasks = listTasks(db);
  const taskIdOf = new Map(tasks.map((t) => [t.id, t.taskId]));
  const reasons = listReasons(db);
  const rows = listImages(db);

  const perTask = new Map<number, { images: number; assigned: number }>();
  const incompleteIds = new Set([...reasons.values()].flat().filter((x) => x.code === 'incomplete_capture').map((x) => x.image_id));
  const capturesOf = new Map<number, Map<string, boolean>>();

  const images = rows.map((r): ReportImage => {
    const own = reasons.get(r.id) ?? [];
    if (r.task_id !== null) {
      const c = perTask.get(r.task_id) ?? { images: 0, assigned: 0 };
      c.images++;
      if (r.status === 'assigned') c.assigned++;
      perTask.set(r.task_id, c);
      if (r.capture_key) {
        const keys = capturesOf.get(r.task_id) ?? new Map<string, boolean>();
        keys.set(r.capture_key, (keys.get(r.capture_key) ?? false) || incompleteIds.has(r.id));
        capturesOf.set(r.task_id, keys);
      }
    }
    return {
      id: r.id,
      path: r.source_path,
      file_name: r.file_name,
      md5: r.md5,
      status: r.status,
      reasons: own.map((x) => ({ code: x.code, message: x.message })),
      task_id: r.task_id === null ? null : (taskIdOf.get(r.task_id) ?? null),
      flight_id: r.flight_id,
      lat: r.lat,
      lon: r.lon,
      captured_at: r.captured_at,
      sharpness: r.sharpness,
      motion_px: r.motion_px,
      gimbal_pitch: r.gimbal_pitch,
      footprint: footprintOf(r),
      gsd_cm: r.gsd_cm,
      capture_key: r.capture_key,
      band: r.band,
      sensor_kind: r.sensor_kind,
      rtk_flag: r.rtk_flag,
      rtk_solution: rtkSolution(r.rtk_flag),
    };
  });

  const rtk = rtkByTask(db);
  const reportTasks = tasks.map((t): ReportTask => {
    const c = perTask.get(t.id) ?? { images: 0, assigned: 0 };
    const cov = t.coverage;
    return {
      task_id: t.taskId,
      image_count: c.images,
      assigned_count: c.assigned,
      coverage_pct: cov?.coveragePct ?? null,
      overlap3_pct: cov?.overlap3Pct ?? null,
      overlap5_pct: cov?.overlap5Pct ?? null,
      gsd_cm: cov?.gsdCm?.median ?? null,
      gaps: cov?.gaps ?? null,
      unphotographed_m2: cov?.unphotographedAreaM2 ?? null,
      thin_overlap_m2: cov?.thinOverlapAreaM2 ?? null,
      verified: t.verifiedAt !== null,
      rtk: rtk.get(t.id) ?? null,
      captures: captureSummary(capturesOf.get(t.id)),
      height_model: cov ? (cov.heightModel ?? 'flat') : null,
    };
  });

  const flights = flightSpans(db).map((f): ReportFlight => ({ ...f, pilot: pilotOf(db, f.source) }));
  return { images, tasks: reportTasks, summary: reportSummary(project), cards: reportCards(project), flights };
}

/** The counts alone, straight from the tables (cheap enough to give after every classification run). */
export function reportSummary(project: Project): ReportSummary {
  const { db } = project;
  const byStatus = countByStatus(db);
  const tasks = listTasks(db);
  return {
    images: Object.values(byStatus).reduce((a, b) => a + b, 0),
    by_status: byStatus,
    by_reason: countByReason(db),
    flights: countFlights(db),
    tasks: tasks.length,
    tasks_verified: tasks.filter((t) => t.verifiedAt !== null).length,
    manual_decisions: countManualDecisions(db),
  };
}

function captureSummary(keys: Map<string, boolean> | undefined): ReportTask['captures'] {
  if (!keys || keys.size === 0) return null;
  const count = keys.size;
  const incomplete = [...keys.values()].filter(Boolean).length;
  const summary = incomplete === 0 ? `${count} captures, all bands present` : `${count} captures, ${incomplete} missing a band or with an unreadable one`;
  return { count, incomplete, summary };
}
