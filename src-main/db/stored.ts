/**
 * The owning type of every JSON column: a zod schema per column, and the one decoder that reads them back. A stored
 * value that does not parse or does not match is a worded error naming the table, row and column, never a silent
 * null and never an unchecked cast. A field a module starts writing goes into its schema here first: the decoder keeps
 * only what the schema names.
 */
import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import { GAP_KINDS, type TaskCoverage } from '../geo/coverage.ts';
import type { Footprint } from '../geo/footprint.ts';
import type { QualityMetrics } from '../quality/types.ts';
import { ERROR_CODES, type ProgressInfo } from '../../src-preload/contract-base.ts';

/** Where a stored value came from, for the error a damaged one raises. */
export interface StoredAt {
  table: string;
  column: string;
  /** The row's id (or key), as a person would look it up. */
  row: string | number;
  /** What the value is, in the pilot's words: "the coverage of task 12". */
  what: string;
}

/** Parses and checks one stored JSON text; throws AppError('internal') naming the row when it is damaged. */
export function decodeStored<S extends z.ZodType>(schema: S, text: string, at: StoredAt): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(at, 'it is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw damaged(at, `${field}${issue.message}`);
  }
  return parsed.data;
}

/** As decodeStored, with SQL NULL read as null. */
export function decodeStoredOrNull<S extends z.ZodType>(schema: S, text: string | null, at: StoredAt): z.output<S> | null {
  return text === null ? null : decodeStored(schema, text, at);
}

function damaged(at: StoredAt, why: string): AppError {
  return new AppError(
    'internal',
    `The project's stored ${at.what} is damaged (${why}; ${at.table} row ${at.row}, column ${at.column}). Recompute it, or restore the project folder from a backup.`,
    { table: at.table, row: at.row, column: at.column },
  );
}

// --- GeoJSON ------------------------------------------------------------------------------------------------------

const position = z.array(z.number()).min(2);
export const polygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) });
export const multiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(position))),
});
/** `tasks.geometry`: a task's outline. */
export const taskGeometrySchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]);

// --- Coverage (tasks.coverage_json) ---------------------------------------------------------------------------------

const gapFeature = z.object({
  type: z.literal('Feature'),
  geometry: polygonSchema,
  // Coverage written before gaps had kinds carries only the area.
  properties: z.object({ kind: z.enum(GAP_KINDS).optional(), areaM2: z.number() }),
});

/**
 * `tasks.coverage_json`: the last computed coverage of a task (geo/coverage-service.ts writes it). The one coverage
 * type: `gsdCm` is always `{ median, min, max }` or null. Figures added after the first release are optional, absent
 * in coverage computed before them.
 */
export const storedCoverageSchema = z.object({
  photoCount: z.number(),
  taskAreaM2: z.number(),
  coveragePct: z.number(),
  overlap3Pct: z.number(),
  overlap5Pct: z.number(),
  frontOverlapPct: z.number().nullable(),
  sideOverlapPct: z.number().nullable(),
  flightLines: z.number(),
  gsdCm: z.object({ median: z.number(), min: z.number(), max: z.number() }).nullable(),
  cellM: z.number(),
  gapBelow: z.number(),
  gapAreaM2: z.number(),
  unphotographedAreaM2: z.number().optional(),
  thinOverlapAreaM2: z.number().optional(),
  minGapAreaM2: z.number().optional(),
  gaps: z.object({ type: z.literal('FeatureCollection'), features: z.array(gapFeature) }),
  gapsTruncated: z.boolean(),
  computedAt: z.string(),
  /** Photos that got a footprint, and why the others did not. */
  footprintCount: z.number(),
  skipped: z.record(z.string(), z.number()),
  /** Assumptions behind the figures, e.g. 'height_estimated' when some heights came from GPS minus take-off. */
  flags: z.array(z.string()),
  /** How heights above ground were found: the project's DEM for every footprint, none, or some (photos off the DEM). */
  heightModel: z.enum(['flat', 'dem', 'mixed']).optional(),
});
export type StoredCoverage = z.output<typeof storedCoverageSchema>;

// --- Photo footprint (images.footprint) -----------------------------------------------------------------------------

/** `images.footprint`: the photo's ground polygon (WGS84) and how it was obtained (geo/footprint.ts). */
export const storedFootprintSchema = z.object({
  type: z.literal('Feature'),
  geometry: polygonSchema,
  properties: z.object({
    gsdCm: z.number(),
    heightM: z.number(),
    heightSource: z.string(),
    fovSource: z.string(),
    headingDeg: z.number(),
    headingSource: z.string(),
    offNadirDeg: z.number(),
    flags: z.array(z.string()),
  }),
});
export type StoredFootprint = z.output<typeof storedFootprintSchema>;

// --- Photo measurements and metadata (images.metrics_json, images.metadata_json) ------------------------------------

const colourStats = z.object({
  meanHue: z.number(),
  meanSat: z.number(),
  meanVal: z.number(),
  blueRatio: z.number(),
  warmRatio: z.number(),
  greenRatio: z.number(),
  samples: z.number(),
});

/**
 * `images.metrics_json`: what the quality module measured (quality/types.ts QualityMetrics). Partial: photos measured
 * by an earlier version lack the newer figures, and each check skips what is absent.
 */
export const storedMetricsSchema = z
  .object({
    width: z.number(),
    height: z.number(),
    gridVariances: z.array(z.number()),
    gridScore: z.number(),
    lowTextureRatio: z.number(),
    wholeVariance: z.number(),
    mean: z.number(),
    std: z.number(),
    p5: z.number(),
    p95: z.number(),
    fracDark: z.number(),
    fracBright: z.number(),
    black: z.boolean(),
    white: z.boolean(),
    blurEffect: z.number(),
    colour: colourStats,
    terrain: z.enum(['water', 'snow_ice', 'sand', 'land']),
    engine: z.enum(['native', 'typescript']),
    /** Bits per sample of a single-band sensor file (16-bit multispectral bands). */
    bitDepth: z.number(),
  })
  .partial();
export type StoredMetrics = z.output<typeof storedMetricsSchema>;

/** `images.metadata_json`: the metadata record ingest read (ingest/metadata.ts), shown as-is in the photo's details. */
export const storedMetadataSchema = z.record(z.string(), z.unknown());

// Every field a writer produces has a place in its column's schema: a field added to TaskCoverage, Footprint or
// QualityMetrics without one here fails to compile, naming the field (the decoder would otherwise drop it).
export const everyWrittenFieldDecoded: [
  Record<Exclude<keyof TaskCoverage, keyof StoredCoverage>, never>,
  Record<Exclude<keyof Omit<Footprint, 'polygon' | 'cornersM'>, keyof StoredFootprint['properties']>, never>,
  Record<Exclude<keyof QualityMetrics, keyof StoredMetrics>, never>,
] = [{}, {}, {}];

// --- Jobs (jobs.params_json, progress_json, result_json, error_json) and ODM runs (odm_runs.*_json) ----------------

/** Params and options: a flat JSON object, whatever the job kind or engine takes (each checks its own on start). */
export const storedObjectSchema = z.record(z.string(), z.unknown());

export const storedProgressSchema = z.object({
  stage: z.string().optional(),
  done: z.number(),
  total: z.number().nullable(),
  bytesDone: z.number().optional(),
  bytesTotal: z.number().nullable().optional(),
  rate: z.number().optional(),
  etaSeconds: z.number().nullable().optional(),
  message: z.string().optional(),
}) satisfies z.ZodType<ProgressInfo>;

export const storedErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A job's result: what its work returned, shown as-is. */
export const storedResultSchema = z.unknown();

const lonLat = z.tuple([z.number(), z.number()]);
export const storedOdmOutputsSchema = z.object({
  orthophoto: z.string().optional(),
  report: z.string().optional(),
  log: z.string().optional(),
  overlay: z
    .object({
      png: z.string(),
      width: z.number(),
      height: z.number(),
      epsg: z.number(),
      corners: z.array(lonLat),
      bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    })
    .optional(),
  overlayError: z.string().optional(),
});

// --- Terrain (setting terrain.dem) -----------------------------------------------------------------------------------

/**
 * Setting `terrain.dem`: the georeferencing of the project's elevation grid (geo/dem.ts), whose float32 cells are in
 * the project's dem/terrain.f32. Cell (col, row) has its centre at origin + (col + 0.5, row + 0.5) * res.
 */
export const storedDemHeaderSchema = z.object({
  epsg: z.number(),
  width: z.number(),
  height: z.number(),
  originX: z.number(),
  originY: z.number(),
  resX: z.number(),
  /** Negative for a north-up grid. */
  resY: z.number(),
  noData: z.number().nullable(),
  /** The file it came from, when, and its extent in WGS84 [west, south, east, north]. */
  source: z.string(),
  importedAt: z.string(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type DemHeader = z.output<typeof storedDemHeaderSchema>;

// --- A task's flight plan (task_flight_plans.plan_json) ---------------------------------------------------------------

/**
 * The routes of a task's flight plan as read from the file (refly/flight-plan.ts): each waypoint is
 * [lon, lat, height above take-off or null, 1 when the plan takes a photo there else 0], in flight order.
 */
export const storedFlightPlanSchema = z.object({
  format: z.enum(['dji_wpml', 'kml']),
  routes: z.array(z.object({ points: z.array(z.tuple([z.number(), z.number(), z.number().nullable(), z.union([z.literal(0), z.literal(1)])])) })).min(1),
});
export type StoredFlightPlan = z.output<typeof storedFlightPlanSchema>;
