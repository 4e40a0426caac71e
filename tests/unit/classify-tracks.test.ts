import { describe, expect, it } from 'vitest';
import { findFlightTails } from '../../src-main/classify/flight-tail.ts';
import { splitFlights } from '../../src-main/classify/flights.ts';
import { findStationary } from '../../src-main/classify/stationary.ts';
import { DEFAULT_CLASSIFY_THRESHOLDS as T } from '../../src-main/classify/thresholds.ts';
import { TrackBuilder } from '../support/tracks.ts';

const ORIGIN = { lat: 27.7, lon: 85.3 };
const GRID = { strips: 8, length: 400, spacing: 40, every: 20, speed: 8 };

const sorted = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b);

describe('flight tail', () => {
  it('cuts a diagonal take-off leg and a diagonal way home, keeping the waypoints where the survey starts and ends', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(150, -500, 60);
    b.photo().fly(0, 0, { every: 25, speed: 10 });
    const takeoff = b.photos.length - 1; // the arrival photo is the first waypoint
    b.survey(GRID);
    const surveyEnd = b.photos.length;
    b.fly(150, -500, { every: 25, speed: 10 });

    const tails = findFlightTails(b.photos);
    const expected = [...b.ids(0, takeoff), ...b.ids(surveyEnd, b.photos.length)];
    expect(takeoff).toBeGreaterThanOrEqual(15);
    expect(sorted(tails)).toEqual(sorted(expected));
  });

  it('cuts the photos of a vertical climb over the take-off point, but not the strip that follows', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 0);
    b.photo().climb(60, 3, 2); // a photo every 6 m of height
    const climbed = b.photos.findIndex((p) => p.alt === 60);
    b.survey({ ...GRID, firstLength: 120 });

    const tails = findFlightTails(b.photos);
    // Everything more than 5 m under the survey height (0..54 m) goes; the photo at 60 m over the start stays.
    expect(sorted(tails)).toEqual(b.ids(0, climbed));
    expect(climbed).toBe(10);
  });

  it('cuts a transit flown along the strip axis when it is flown well below the survey height', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(300, 0, 40);
    b.photo().fly(0, 0, { every: 20, speed: 10 });
    const leg = b.photos.length - 1;
    b.moveTo(0, 0, 60).survey(GRID);

    expect(sorted(findFlightTails(b.photos))).toEqual(b.ids(0, leg));
  });

  it('leaves a plain grid alone: wind crab, GPS wander and a shortened first strip are no transit', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 60);
    b.survey({ ...GRID, firstLength: 120, jitter: 1.5, crab: 25 });
    expect(b.photos.some((p) => Math.abs(p.flightYaw - 90) > 20)).toBe(true);
    expect(findFlightTails(b.photos).size).toBe(0);
  });

  it('cuts nothing when the tails would exceed a quarter of the flight, or the flight is under 10 photos', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(150, -300, 60);
    b.photo().fly(0, 0, { every: 25, speed: 10 });
    b.survey({ strips: 2, length: 200, spacing: 40, every: 20, speed: 8 });
    expect(findFlightTails(b.photos).size).toBe(0);

    const short = new TrackBuilder(ORIGIN).moveTo(0, 0, 60).survey({ strips: 1, length: 160, spacing: 40, every: 20, speed: 8 });
    expect(short.photos.length).toBeLessThan(10);
    expect(findFlightTails(short.photos).size).toBe(0);
  });
});

describe('flights', () => {
  it('splits two flights hours apart, a jump over 1 km and a hop faster than a drone', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 60).survey({ strips: 2, length: 200, spacing: 40, every: 20, speed: 8 });
    const first = b.photos.length;
    b.wait(3 * 3600).moveTo(0, 0).survey({ strips: 2, length: 200, spacing: 40, every: 20, speed: 8 });
    const second = b.photos.length;
    b.wait(30).moveTo(1500, 0).photo().wait(5).fly(1500, 100, { every: 20, speed: 8 });
    const third = b.photos.length;
    b.wait(2).moveTo(1500, 400).photo(); // 300 m in 2 s

    const flights = splitFlights(b.photos, T);
    expect(flights.map((f) => f.length)).toEqual([first, second - first, third - second, 1]);
    expect(flights.flat().map((p) => p.id)).toEqual(b.photos.map((p) => p.id));
  });

  it('orders photos by time before splitting', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 60).survey({ strips: 2, length: 200, spacing: 40, every: 20, speed: 8 });
    const flights = splitFlights([...b.photos].reverse(), T);
    expect(flights).toHaveLength(1);
    expect(flights[0]!.map((p) => p.id)).toEqual(b.photos.map((p) => p.id));
  });
});

describe('stationary', () => {
  it('keeps the first photo of a hover burst of 6 or more and rejects the rest; shorter bursts stay', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 60).survey({ strips: 2, length: 200, spacing: 40, every: 20, speed: 8 });
    const burst = b.photos.length - 1; // the last waypoint photo anchors the hover
    b.hover(7, 2);
    const afterBurst = b.photos.length;
    b.fly(200, 0, { every: 20, speed: 8 }).hover(4, 2);

    const hover = findStationary(b.photos, T.stationaryToleranceM, T.stationaryMinRun);
    expect(sorted(hover)).toEqual(b.ids(burst + 1, afterBurst));
  });

  it('does not mistake a vertical climb for a hover', () => {
    const b = new TrackBuilder(ORIGIN).moveTo(0, 0, 0).photo().climb(60, 3, 2);
    expect(findStationary(b.photos, T.stationaryToleranceM, T.stationaryMinRun).size).toBe(0);
  });
});
