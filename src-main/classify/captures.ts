/**
 * Captures: the files one trigger of a multi-sensor payload wrote (a multispectral camera's bands, a thermal
 * payload's wide/zoom/thermal frames), grouped by the capture key ingest stored. A capture is judged, tracked and
 * counted once; see docs/decisions.md "Captures".
 */
import { metricsOf, type ImageRow } from '../db/images.ts';

type Member = Pick<ImageRow, 'id' | 'file_name' | 'capture_key' | 'band' | 'band_index' | 'sensor_kind' | 'make' | 'model' | 'metrics_json'>;

export interface Capture<R extends Member = Member> {
  key: string;
  /** Band order: the camera's lens index, then name. */
  members: R[];
  /** Any member is a narrow band: completeness and per-capture judging apply. */
  multispectral: boolean;
  /**
   * The member whose blur and exposure stand for the capture: its colour image where it has one, else the most
   * textured readable band (narrow bands of a sharp capture often score below the RGB threshold). Null when no
   * member could be measured.
   */
  judged: R | null;
  /** Bands the camera writes that this capture lacks, and members that could not be read. */
  missing: string[];
  unreadable: R[];
}

/**
 * Bands each known multispectral camera writes per trigger, by EXIF model. Other cameras are held to the bands
 * they wrote in any capture of the project.
 */
export const CAMERA_BANDS: Readonly<Record<string, readonly string[]>> = {
  FC6360: ['RGB', 'Blue', 'Green', 'Red', 'RedEdge', 'NIR'], // Phantom 4 Multispectral
  RedEdge: ['Blue', 'Green', 'Red', 'NIR', 'RedEdge'], // MicaSense RedEdge / RedEdge-M
  'RedEdge-M': ['Blue', 'Green', 'Red', 'NIR', 'RedEdge'],
  Altum: ['Blue', 'Green', 'Red', 'NIR', 'RedEdge', 'LWIR'],
};

const cameraOf = (r: Member) => `${r.make ?? ''}|${r.model ?? ''}`;

function gridScore(r: Member): number | null {
  const v = metricsOf(r)?.gridScore;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Groups rows by capture key (rows without one are not captures). `unreadable`: ids whose pixels failed. */
export function groupCaptures<R extends Member>(rows: readonly R[], unreadable: ReadonlySet<number> = new Set()): Capture<R>[] {
  const byKey = new Map<string, R[]>();
  for (const r of rows) {
    if (!r.capture_key) continue;
    const list = byKey.get(r.capture_key);
    if (list) list.push(r);
    else byKey.set(r.capture_key, [r]);
  }
  const bandsOfCamera = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.capture_key || !r.band || r.sensor_kind === null) continue;
    const set = bandsOfCamera.get(cameraOf(r)) ?? new Set(CAMERA_BANDS[r.model ?? ''] ?? []);
    set.add(r.band);
    bandsOfCamera.set(cameraOf(r), set);
  }
  const captures: Capture<R>[] = [];
  for (const [key, list] of byKey) {
    const members = [...list].sort((a, b) => (a.band_index ?? 99) - (b.band_index ?? 99) || (a.band ?? '').localeCompare(b.band ?? '') || a.id - b.id);
    const multispectral = members.some((m) => m.sensor_kind === 'multispectral');
    const readable = members.filter((m) => !unreadable.has(m.id) && gridScore(m) !== null);
    const colour = readable.find((m) => m.sensor_kind === 'visible');
    const bands = readable.filter((m) => m.sensor_kind === 'multispectral');
    const textured = bands.reduce<R | null>((best, m) => (best === null || gridScore(m)! > gridScore(best)! ? m : best), null);
    const judged = colour ?? textured ?? readable[0] ?? null;
    const present = new Set(members.map((m) => m.band));
    const expected = multispectral ? (bandsOfCamera.get(cameraOf(members[0]!)) ?? new Set<string>()) : new Set<string>();
    captures.push({
      key,
      members,
      multispectral,
      judged,
      missing: [...expected].filter((b) => !present.has(b)).sort(),
      unreadable: members.filter((m) => unreadable.has(m.id) || gridScore(m) === null),
    });
  }
  return captures;
}

/** The capture's file standing for it on a flight path: the judged member, else its first. */
export function representative<R extends Member>(c: Capture<R>): R {
  return c.judged ?? c.members[0]!;
}

/**
 * The rows a task counts, one per capture: the member of the stream the task needs ('thermal', 'NIR', 'wide', ...),
 * or by default the capture's colour image (else its first band; a thermal frame only for a task that asks for it).
 * Photos outside any capture count as themselves when they fit the stream. Input order is kept.
 */
export function pickStream<R extends Member>(rows: readonly R[], stream: string | null): R[] {
  const chosen = new Map<string, R>();
  for (const c of groupCaptures(rows)) {
    const m = stream
      ? c.members.find((x) => x.band === stream)
      : (c.members.find((x) => x.sensor_kind === 'visible' && (x.band === 'RGB' || x.band === 'wide' || x.band === null)) ??
        c.members.find((x) => x.sensor_kind !== 'thermal'));
    if (m) chosen.set(c.key, m);
  }
  return rows.filter((r) => {
    if (r.capture_key) return chosen.get(r.capture_key) === r;
    if (!stream) return r.sensor_kind !== 'thermal' || r.band === null;
    return r.band === stream || (stream === 'thermal' && r.sensor_kind === 'thermal');
  });
}

/** Below this height above take-off a capture is on the ground (GPS altitude alone is good to a few metres). */
const ON_GROUND_M = 5;
/** A camera whose photos span less height than this never left the ground, or has no ground photos to compare. */
const MIN_CLIMB_M = 20;

type Placed = Pick<ImageRow, 'id' | 'alt' | 'rel_alt' | 'make' | 'model' | 'serial'>;

/**
 * Calibration-panel captures: multispectral captures on the ground before take-off or after landing (the pilot
 * holds the camera over the reflectance panel). `flights` are the capture representatives of each flight in time
 * order. Height is the relative altitude, else the GPS altitude over the camera's lowest photo when the camera
 * clearly climbed.
 */
export function findCalibrationPanels<R extends Placed>(flights: readonly (readonly R[])[], multispectral: (id: number) => boolean): Set<number> {
  const lowest = new Map<string, { min: number; max: number }>();
  for (const r of flights.flat()) {
    if (r.alt === null) continue;
    const key = `${r.make}|${r.model}|${r.serial}`;
    const s = lowest.get(key) ?? { min: Infinity, max: -Infinity };
    lowest.set(key, { min: Math.min(s.min, r.alt), max: Math.max(s.max, r.alt) });
  }
  const height = (r: R): number | null => {
    if (r.rel_alt !== null) return r.rel_alt;
    const s = r.alt === null ? undefined : lowest.get(`${r.make}|${r.model}|${r.serial}`);
    return s && s.max - s.min >= MIN_CLIMB_M ? r.alt! - s.min : null;
  };
  const panels = new Set<number>();
  for (const flight of flights) {
    const airborne = flight.map((r) => {
      const h = height(r);
      return h !== null && h >= ON_GROUND_M;
    });
    const first = airborne.indexOf(true);
    const last = airborne.lastIndexOf(true);
    flight.forEach((r, i) => {
      const h = height(r);
      const outside = first === -1 || i < first || i > last;
      if (h !== null && h < ON_GROUND_M && outside && multispectral(r.id)) panels.add(r.id);
    });
  }
  return panels;
}
