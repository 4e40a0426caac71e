/**
 * Take-off and landing transit ("flight tails"): photos shot while the drone flew from the take-off point to the first
 * waypoint, or home from the last one. They are oblique to the plan, often low, and spoil the reconstruction.
 *
 * The heading rule is the Drone Tasking Manager's: in a flight of at least 10 photos, the first 5 usable steps (moved
 * >= 5 m, not a vertical climb) give a baseline heading that must be straight (spread <= 30 deg); walking on, headings
 * within 45 deg refine it, and the first step that turns more than 60 deg and then holds its new heading (the next 5
 * usable steps within 10 deg) ends the tail. The search covers at most 30 photos and a quarter of the flight; both
 * tails together may not exceed 25 % of the flight. Landing is the same rule walked backwards. Headings are true
 * ellipsoidal azimuths, so the rule behaves the same at any latitude.
 *
 * DroneTM's rule alone also cuts a plain first survey strip (its turn looks like the end of a transit) and misfires
 * when wind or a shifted plan bends the track. So a heading tail is only cut when the photos themselves say transit:
 * the leg crosses the survey strips (more than 20 deg off their axis), or most of its photos are more than 5 m below
 * the survey height, or their gimbal pitch is more than 10 deg off the survey's.
 * A vertical take-off or landing (>= 2 m/s up or down with <= 10 m sideways) whose photos sit below the survey height
 * is cut even without a heading change. The aircraft's yaw is never used: with a crab angle in wind it points off the
 * track while the photos are fine.
 */
import { angleDiffDeg, axialMeanDeg, axisDiffDeg, azimuthDeg, circularMeanDeg, distanceMetres } from './geodesy.ts';
import type { TrackPhoto } from './flights.ts';

const MIN_FLIGHT = 10;
const MAX_SEARCH = 30;
const MAX_TAIL_FRACTION = 0.25;
const MIN_STEP_M = 5;
const BASELINE_STEPS = 5;
const MAX_BASELINE_SPREAD_DEG = 30;
const KEEP_BASELINE_DEG = 45;
const TURN_DEG = 60;
const STABLE_STEPS = 5;
const STABLE_DEG = 10;
/** A turn earlier than this step leaves too short a leg to call a transit. */
const MIN_TURN_STEP = 5;
const VERTICAL_RATE_MPS = 2;
const VERTICAL_MAX_LATERAL_M = 10;
const BELOW_SURVEY_M = 5;
const GIMBAL_OFF_DEG = 10;
const CROSS_AXIS_DEG = 20;

interface Step {
  az: number | null;
  dist: number;
  vertical: boolean;
  usable: boolean;
}

/** Ids of the transit photos at both ends of one flight (photos in capture order). */
export function findFlightTails(flight: readonly TrackPhoto[]): Set<number> {
  const n = flight.length;
  if (n < MIN_FLIGHT) return new Set();
  const takeoff = tailLength(flight);
  const landing = tailLength([...flight].reverse());
  if (takeoff + landing === 0 || takeoff + landing > MAX_TAIL_FRACTION * n) return new Set();
  const ids = new Set<number>();
  for (let i = 0; i < takeoff; i++) ids.add(flight[i]!.id);
  for (let i = n - landing; i < n; i++) ids.add(flight[i]!.id);
  return ids;
}

/** How many photos from the start of `run` are transit (0 if none). */
function tailLength(run: readonly TrackPhoto[]): number {
  const steps = stepsOf(run);
  const heading = headingTail(run, steps);
  const byHeading = heading !== null && looksLikeTransit(run, steps, heading) ? heading.length : 0;
  return Math.max(byHeading, verticalTail(run, steps));
}

function stepsOf(run: readonly TrackPhoto[]): Step[] {
  return run.map((p, i) => {
    if (i === 0) return { az: null, dist: 0, vertical: false, usable: false };
    const prev = run[i - 1]!;
    const dist = distanceMetres(prev, p);
    const dt = Math.abs(p.t - prev.t);
    const vertical =
      p.alt !== null && prev.alt !== null && dt > 0 && Math.abs(p.alt - prev.alt) / dt >= VERTICAL_RATE_MPS && dist <= VERTICAL_MAX_LATERAL_M;
    const az = dist > 0 ? azimuthDeg(prev, p) : null;
    return { az, dist, vertical, usable: az !== null && dist >= MIN_STEP_M && !vertical };
  });
}

/**
 * DroneTM's heading rule. Returns the photos before the turning point (the waypoint photo where the survey begins is
 * kept: it lies on the plan) and the transit leg's bearing.
 */
function headingTail(run: readonly TrackPhoto[], steps: readonly Step[]): { length: number; legStart: number; bearing: number } | null {
  const searchLimit = Math.min(MAX_SEARCH, Math.floor(run.length / 4));
  const samples: number[] = [];
  let legStart = -1;
  let j = 1;
  for (; j < searchLimit && samples.length < BASELINE_STEPS; j++) {
    if (!steps[j]!.usable) continue;
    if (legStart < 0) legStart = j - 1;
    samples.push(steps[j]!.az!);
  }
  if (samples.length < BASELINE_STEPS) return null;
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) if (angleDiffDeg(samples[a]!, samples[b]!) > MAX_BASELINE_SPREAD_DEG) return null;
  }
  const bearing = circularMeanDeg(samples);
  if (bearing === null) return null;
  let baseline = bearing;
  for (; j < searchLimit; j++) {
    const s = steps[j]!;
    if (!s.usable) continue;
    const diff = angleDiffDeg(baseline, s.az!);
    if (diff < KEEP_BASELINE_DEG) baseline = circularMeanDeg([baseline, s.az!]) ?? baseline;
    else if (diff > TURN_DEG && j >= MIN_TURN_STEP && holdsHeading(steps, j)) return { length: j - 1, legStart, bearing };
  }
  return null;
}

/** The new heading at step `j` holds for the next usable steps in the window. */
function holdsHeading(steps: readonly Step[], j: number): boolean {
  const end = Math.min(j + STABLE_STEPS, steps.length - 1);
  for (let k = j + 1; k <= end; k++) {
    const s = steps[k]!;
    if (s.usable && angleDiffDeg(steps[j]!.az!, s.az!) > STABLE_DEG) return false;
  }
  return true;
}

/**
 * Evidence beyond the heading change that the leg before the turn was transit rather than the first strip. Only the
 * leg itself is weighed (from its first horizontal step), not a vertical climb before it: a climb is no reason to
 * cut the strip that follows.
 */
function looksLikeTransit(run: readonly TrackPhoto[], steps: readonly Step[], tail: { length: number; legStart: number; bearing: number }): boolean {
  const leg = run.slice(tail.legStart, tail.length);
  const survey = run.slice(tail.length);
  const surveySteps = steps.slice(tail.length + 1).filter((s) => s.usable);
  const axis = axialMeanDeg(
    surveySteps.map((s) => s.az!),
    surveySteps.map((s) => s.dist),
  );
  if (axis === null || axisDiffDeg(tail.bearing, axis) > CROSS_AXIS_DEG) return true;

  const surveyAlt = median(survey.map((p) => p.alt));
  if (surveyAlt !== null && mostly(leg.map((p) => (p.alt === null ? null : p.alt < surveyAlt - BELOW_SURVEY_M)))) return true;
  const surveyPitch = median(survey.map((p) => p.gimbalPitch));
  return (
    surveyPitch !== null &&
    mostly(leg.map((p) => (p.gimbalPitch === null ? null : Math.abs(p.gimbalPitch - surveyPitch) > GIMBAL_OFF_DEG)))
  );
}

/** Leading photos below the survey height around a vertical climb (or, walked backwards, a vertical descent). */
function verticalTail(run: readonly TrackPhoto[], steps: readonly Step[]): number {
  const surveyAlt = median(run.map((p) => p.alt));
  if (surveyAlt === null) return 0;
  let low = 0;
  while (low < run.length && run[low]!.alt !== null && run[low]!.alt! < surveyAlt - BELOW_SURVEY_M) low++;
  // The climb ends at the step onto the first photo at survey height, so steps 1..low are the ones to look at.
  const climbed = steps.slice(1, Math.min(low + 1, steps.length)).some((s) => s.vertical);
  return climbed ? low : 0;
}

function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** More than half of the known answers are yes. */
function mostly(answers: readonly (boolean | null)[]): boolean {
  const known = answers.filter((a) => a !== null);
  return known.length > 0 && known.filter(Boolean).length * 2 > known.length;
}
