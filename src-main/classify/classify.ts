/**
 * Classification of a whole project: per-photo checks, task matching, flights, hover bursts and take-off/landing
 * transit, then one status per photo. Every run recomputes everything from the stored photos and writes it in one
 * transaction, so a rerun gives the same result, a cancelled run changes nothing, and the pilot's own decisions
 * (which live apart from the automatic reasons) always win.
 */
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import { timeSlice } from '../common/yield.ts';
import {
  getImage,
  listImages,
  listReasons,
  replaceReasons,
  updateImage,
  type ImageRow,
  type Reason,
  type ReasonCode,
} from '../db/images.ts';
import { listTasks } from '../db/tasks.ts';
import { transaction } from '../db/database.ts';
import { imagesWithEventsSince, lastEventId } from '../db/events.ts';
import type { Project } from '../project/project.ts';
import { reportSummary, type ReportSummary } from '../report/report.ts';
import { findCalibrationPanels, groupCaptures, representative, type Capture } from './captures.ts';
import { checkPhoto } from './checks.ts';
import { findFlightTails } from './flight-tail.ts';
import { replaceFlights, type FlightRecord } from '../db/flights.ts';
import { splitFlights, trackPhotosByCamera, type TrackPhoto } from './flights.ts';
import type { LatLon } from './geodesy.ts';
import { buildTaskMatcher } from './match.ts';
import { loadQualityThresholds } from './quality.ts';
import { findStationary } from './stationary.ts';
import { estimateMotion, motionFinding, trackSpeeds } from './motion.ts';
import { CLASSIFY_CODES, deriveStatus, rejects } from './status.ts';
import { footprintContext } from '../geo/coverage-service.ts';
import { loadClassifyThresholds } from './thresholds.ts';

export interface ClassifyOptions extends WorkControl {
  /** Run the flight-tail pass; defaults to the project setting (on). */
  flightTail?: boolean;
}

/** The project's counts after the run (as in the report), and whether the flight-tail pass ran. */
export interface ClassifySummary extends ReportSummary {
  flight_tail: boolean;
}

/**
 * Metadata owns the `exif` and `gps` findings when it wrote them (its messages say more: a damaged block, no capture
 * time). Classification adds its own only where none exists and never removes theirs; every other code of its own
 * it replaces on each run.
 */
const KEEP_IF_PRESENT: ReadonlySet<ReasonCode> = new Set(['exif', 'gps']);
const REPLACED_CODES = CLASSIFY_CODES.filter((c) => !KEEP_IF_PRESENT.has(c));

const STATIONARY_REASON = (toleranceM: number): Reason => ({
  code: 'stationary',
  message: `Redundant photo: the drone stood still (within ${toleranceM} m of an earlier photo in the same hover).`,
});
const CALIBRATION_REASON: Reason = {
  code: 'calibration_panel',
  message: 'Calibration-panel capture: taken on the ground before take-off or after landing, kept for radiometric calibration, not survey imagery.',
};
/** Findings a multispectral capture shares: the judged member's blur and exposure stand for every band. */
const CAPTURE_JUDGED: ReadonlySet<ReasonCode> = new Set(['blur', 'black', 'white']);
/** Findings of the capture's file on the flight path that hold for every file of the capture. */
const CAPTURE_PASSES: ReadonlySet<ReasonCode> = new Set(['stationary', 'flight_tail']);

const FLIGHT_TAIL_REASON: Reason = {
  code: 'flight_tail',
  message: 'Take-off or landing transit: taken on the way to or from the survey, not part of the flight plan.',
};

interface Finding {
  row: ImageRow;
  position: LatLon | null;
  taskId: number | null;
  reasons: Reason[];
  /** Automatic reasons kept from before this run (metadata's exif/gps, ingest's corrupt). */
  kept: ReasonCode[];
  /** This module's reasons from the previous run, which this run replaces. */
  replaced: Reason[];
  /** Predicted motion smear (px), null when exposure, speed or ground pixel is unknown. */
  motionPx: number | null;
}

/** Same findings in the same order, so the stored rows can stay. */
function sameReasons(before: readonly Reason[], after: readonly Reason[]): boolean {
  return before.length === after.length && before.every((r, i) => r.code === after[i]!.code && r.message === after[i]!.message);
}

/**
 * Every file of a capture goes to the task of the file standing for it; a multispectral capture's bands share the
 * judged member's blur and exposure findings (each band's own figures stay in its metrics), and a capture missing a
 * band or holding an unreadable one is incomplete.
 */
function shareCaptureFindings(c: Capture<ImageRow>, findings: Map<number, Finding>): void {
  const rep = findings.get(representative(c).id)!;
  const judged = c.judged ? findings.get(c.judged.id)! : null;
  const outside = rep.reasons.filter((r) => r.code === 'outside');
  const what = judged ? (judged.row.sensor_kind === 'visible' ? 'its colour image' : `its most textured band (${judged.row.band})`) : '';
  const incomplete = incompleteReason(c);
  for (const m of c.members) {
    const f = findings.get(m.id)!;
    f.taskId = rep.taskId;
    f.reasons = [...f.reasons.filter((r) => r.code !== 'outside'), ...outside];
    if (c.multispectral && judged && f !== judged) {
      const shared = judged.reasons.filter((r) => CAPTURE_JUDGED.has(r.code)).map((r) => ({ code: r.code, message: `${r.message} The capture is judged on ${what}.` }));
      f.reasons = [...f.reasons.filter((r) => !CAPTURE_JUDGED.has(r.code)), ...shared];
    }
    if (incomplete) f.reasons.push(incomplete);
  }
}

function incompleteReason(c: Capture<ImageRow>): Reason | null {
  if (!c.multispectral || (c.missing.length === 0 && c.unreadable.length === 0)) return null;
  const parts: string[] = [];
  if (c.missing.length > 0) parts.push(`missing ${c.missing.join(', ')}`);
  if (c.unreadable.length > 0) parts.push(`unreadable ${c.unreadable.map((m) => `${m.band ?? '?'} (${m.file_name})`).join(', ')}`);
  return { code: 'incomplete_capture', message: `Incomplete capture: ${parts.join('; ')}. Multispectral processing needs every band of a capture.` };
}

export async function classifyProject(project: Project, opts: ClassifyOptions = {}): Promise<ClassifySummary> {
  const { db } = project;
  const t = loadClassifyThresholds(db);
  const q = loadQualityThresholds(db);
  const flightTail = opts.flightTail ?? t.flightTail;
  const step = (stage: string, done: number, total: number | null): void => {
    if (opts.signal?.aborted) throw new AppError('cancelled', 'Classification was cancelled; nothing was changed.');
    opts.onProgress?.({ stage, done, total });
  };

  // ~2 s of checks at 50k photos: the loops yield every slice, so other calls are answered and a cancel lands mid-loop.
  const slice = timeSlice();
  const decisionsMark = lastEventId(db);
  const tasks = listTasks(db);
  const match = buildTaskMatcher(tasks, t);
  const rows = listImages(db).filter((r) => r.status !== 'duplicate');
  const existing = listReasons(db);
  step('checks', 0, rows.length);

  const findings = new Map<number, Finding>();
  for (const row of rows) {
    const auto = (existing.get(row.id) ?? []).filter((r) => r.source === 'auto');
    const kept = auto.filter((r) => !REPLACED_CODES.includes(r.code)).map((r) => r.code);
    const replaced = auto.filter((r) => REPLACED_CODES.includes(r.code)).map((r) => ({ code: r.code, message: r.message }));
    const check = checkPhoto(row, t, q);
    const reasons = check.reasons.filter((r) => !(KEEP_IF_PRESENT.has(r.code) && kept.includes(r.code)));
    let taskId: number | null = null;
    let outside: Reason | null = null;
    if (check.position) {
      const m = match(check.position);
      if (m.taskId === null) outside = m.reason;
      else taskId = m.taskId;
    }
    if (outside) reasons.push(outside);
    findings.set(row.id, { row, position: check.position, taskId, reasons, kept, replaced, motionPx: null });
    if (findings.size % 5000 === 0) step('checks', findings.size, rows.length);
    if (slice.due()) {
      await slice.pause();
      step('checks', findings.size, rows.length);
    }
  }

  // One trigger of a multispectral or thermal payload wrote several files: judged, tracked and placed once.
  const unreadable = new Set([...findings.values()].filter((f) => f.kept.includes('corrupt')).map((f) => f.row.id));
  const captures = groupCaptures(rows, unreadable);
  const captureOf = new Map<number, Capture<ImageRow>>();
  for (const c of captures) for (const m of c.members) captureOf.set(m.id, c);
  for (const c of captures) shareCaptureFindings(c, findings);
  const standsForCapture = (id: number): boolean => {
    const c = captureOf.get(id);
    return !c || representative(c).id === id;
  };

  step('flights', 0, null);
  const located = [...findings.values()]
    .filter((f) => f.position !== null && standsForCapture(f.row.id))
    .map((f) => ({ row: f.row, ...f.position! }));
  const flights = trackPhotosByCamera(located).flatMap((camera) => splitFlights(camera, t));
  const panels = findCalibrationPanels(
    flights.map((flight) => flight.map((p) => findings.get(p.id)!.row)),
    (id) => captureOf.get(id)?.multispectral === true,
  );
  // A flight's passes see only the photos still in the running: a blurred or black frame is no waypoint.
  const usable = (p: TrackPhoto): boolean => {
    const f = findings.get(p.id)!;
    return f.kept.length === 0 && f.reasons.every((r) => !rejects(r.code));
  };
  addMotionFindings(findings, flights, captureOf, footprintContext(db));
  for (const [i, flight] of flights.entries()) {
    if (slice.due()) {
      await slice.pause();
      step('flights', i, flights.length);
    }
    const candidates = flight.filter((p) => usable(p) && !panels.has(p.id));
    const hover = findStationary(candidates, t.stationaryToleranceM, t.stationaryMinRun);
    for (const id of hover) findings.get(id)!.reasons.push(STATIONARY_REASON(t.stationaryToleranceM));
    if (flightTail) {
      for (const id of findFlightTails(candidates.filter((p) => !hover.has(p.id)))) findings.get(id)!.reasons.push(FLIGHT_TAIL_REASON);
    }
  }

  for (const id of panels) {
    for (const m of captureOf.get(id)!.members) {
      const f = findings.get(m.id)!;
      f.taskId = null;
      f.reasons = [...f.reasons.filter((r) => r.code !== 'outside'), CALIBRATION_REASON];
    }
  }
  for (const c of captures) {
    const passes = findings.get(representative(c).id)!.reasons.filter((r) => CAPTURE_PASSES.has(r.code));
    for (const m of c.members) if (m.id !== representative(c).id) findings.get(m.id)!.reasons.push(...passes);
  }

  step('saving', 0, rows.length);
  const flightRecords = flights
    .sort((a, b) => a[0]!.t - b[0]!.t || a[0]!.id - b[0]!.id)
    .map((f): FlightRecord => {
      const first = findings.get(f[0]!.id)!.row;
      const last = findings.get(f[f.length - 1]!.id)!.row;
      return { startedAt: first.captured_at ?? first.captured_local, endedAt: last.captured_at ?? last.captured_local, imageIds: f.map((p) => p.id) };
    });

  transaction(db, () => {
    const redecided = new Set(imagesWithEventsSince(db, 'photo.decision', decisionsMark));
    const flightOf = replaceFlights(db, flightRecords);
    for (const f of findings.values()) {
      // An outside note only explains an otherwise good photo; a rejected one already says why it is unusable.
      const rejected = f.kept.length > 0 || f.reasons.some((r) => rejects(r.code));
      const reasons = rejected ? f.reasons.filter((r) => r.code !== 'outside') : f.reasons;
      // Rows are only written where something changed, so a rerun over an unchanged project writes next to nothing.
      if (!sameReasons(f.replaced, reasons)) replaceReasons(db, f.row.id, 'auto', reasons, REPLACED_CODES);
      // The run yielded to other calls while it read: the pilot may have decided on this photo meanwhile.
      const now = (redecided.has(f.row.id) && getImage(db, f.row.id)) || f.row;
      const status = deriveStatus([...f.kept, ...reasons.map((r) => r.code)], f.taskId, now.manual_decision);
      const flightId = flightOf.get(f.row.id) ?? null;
      if (status !== now.status || f.taskId !== now.task_id || flightId !== now.flight_id || f.motionPx !== now.motion_px) {
        updateImage(db, f.row.id, { status, task_id: f.taskId, flight_id: flightId, motion_px: f.motionPx });
      }
    }
  });
  step('done', rows.length, rows.length);
  return { ...reportSummary(project), flight_tail: flightTail };
}

/**
 * Predicted motion smear of every photo: its own recorded velocity, else the ground speed along its flight (a
 * capture's files share the speed of the file on the flight path). Smear over the limit adds a `motion` warning.
 */
function addMotionFindings(
  findings: Map<number, Finding>,
  flights: readonly TrackPhoto[][],
  captureOf: Map<number, Capture<ImageRow>>,
  ctx: ReturnType<typeof footprintContext>,
): void {
  const speeds = new Map<number, number>();
  for (const flight of flights) for (const [id, v] of trackSpeeds(flight)) speeds.set(id, v);
  for (const f of findings.values()) {
    const c = captureOf.get(f.row.id);
    const tracked = speeds.get(f.row.id) ?? (c ? speeds.get(representative(c).id) : undefined) ?? null;
    const m = estimateMotion(f.row, tracked, ctx);
    f.motionPx = m === null ? null : Math.round(m.smearPx * 100) / 100;
    const warning = m && motionFinding(m, f.row.exposure_s!, f.row.sharpness);
    if (warning) f.reasons.push(warning);
  }
}
