/**
 * Who flew what: per card and per flight, the drone (make, model, serial), the time span and the photo count, and the
 * pilot's name (entered once per project, overridable per card) — what DroneTM needs to pay pilots.
 */
import { z } from 'zod';
import { sql, type ProjectDb } from './database.ts';
import { getSetting, setSetting } from './settings.ts';
import { listSourceRoots } from './offload.ts';
import type { CrewInfo, DroneSpanInfo } from '../../src-preload/contract-base.ts';

export const PILOT_SETTING = 'pilot.name';
export const CARD_PILOTS_SETTING = 'pilot.cards';

export interface DroneSpan {
  make: string | null;
  model: string | null;
  serial: string | null;
  photo_count: number;
  first_capture: string | null;
  last_capture: string | null;
}

const SPAN = `make, model, serial, count(*) AS photo_count, min(coalesce(captured_at, captured_local)) AS first_capture,
  max(coalesce(captured_at, captured_local)) AS last_capture`;

/** The drones whose photos came from one card (duplicates left out), each with its time span and photo count. */
export function cardDrones(db: ProjectDb, sourceRoot: string): DroneSpan[] {
  return sql(db)
    .prepare<[string], DroneSpan>(
      `SELECT ${SPAN} FROM images WHERE source_root = ? AND status != 'duplicate' GROUP BY make, model, serial ORDER BY first_capture`,
    )
    .all(sourceRoot);
}

export interface FlightSpan extends DroneSpan {
  flight_id: number;
  /** The card (folder) the flight's photos were ingested from. */
  source: string;
}

/** Every flight with its drone, card, time span and photo count, in flight order. */
export function flightSpans(db: ProjectDb): FlightSpan[] {
  return sql(db)
    .prepare<[], FlightSpan>(
      `SELECT flight_id, min(source_root) AS source, ${SPAN} FROM images WHERE flight_id IS NOT NULL
        GROUP BY flight_id ORDER BY flight_id`,
    )
    .all();
}

const cardPilotsSchema = z.record(z.string(), z.string());

/** The pilot of a card: the card's own entry, else the project's pilot, else null. */
export function pilotOf(db: ProjectDb, sourceRoot: string): string | null {
  return getSetting(db, CARD_PILOTS_SETTING, cardPilotsSchema, {})[sourceRoot] ?? getSetting(db, PILOT_SETTING, z.string().nullable(), null);
}

/** The project's pilot (entered once); null clears it. */
export function setProjectPilot(db: ProjectDb, name: string | null): void {
  setSetting(db, PILOT_SETTING, name?.trim() || null);
}

/** Another pilot for one card only; null goes back to the project's pilot. */
export function setCardPilot(db: ProjectDb, sourceRoot: string, name: string | null): void {
  const all = { ...getSetting(db, CARD_PILOTS_SETTING, cardPilotsSchema, {}) };
  if (name?.trim()) all[sourceRoot] = name.trim();
  else delete all[sourceRoot];
  setSetting(db, CARD_PILOTS_SETTING, all);
}

function spanInfo(d: DroneSpan): DroneSpanInfo {
  return { make: d.make, model: d.model, serial: d.serial, photoCount: d.photo_count, firstCapture: d.first_capture, lastCapture: d.last_capture };
}

/** The app's view of who flew what: every card ingested from (not only certified ones) and every flight. */
export function crewInfo(db: ProjectDb): CrewInfo {
  return {
    projectPilot: getSetting(db, PILOT_SETTING, z.string().nullable(), null),
    cards: listSourceRoots(db).map((source) => ({ source, pilot: pilotOf(db, source), drones: cardDrones(db, source).map(spanInfo) })),
    flights: flightSpans(db).map((f) => ({ ...spanInfo(f), flightId: f.flight_id, source: f.source, pilot: pilotOf(db, f.source) })),
  };
}
