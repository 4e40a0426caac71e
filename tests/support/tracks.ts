/**
 * Synthetic flight tracks for classification tests: a cursor that flies in local metres (x east, y north) around an
 * origin and drops photos the way a drone's interval timer does.
 */
import type { TrackPhoto } from '../../src-main/classify/flights.ts';
import { metresPerDegree } from '../../src-main/classify/geodesy.ts';

export interface SyntheticPhoto extends TrackPhoto {
  /** Aircraft heading; differs from the track with a crab angle in wind. */
  flightYaw: number;
}

export interface FlyOptions {
  /** Metres between photos. */
  every: number;
  speed: number;
  /** Height to reach at the end of the leg (linear on the way); defaults to the current height. */
  alt?: number;
  /** Sideways GPS/wind wander of each photo, metres (deterministic). */
  jitter?: number;
  /** Aircraft yaw minus track, degrees. */
  crab?: number;
}

export class TrackBuilder {
  readonly photos: SyntheticPhoto[] = [];
  x = 0;
  y = 0;
  alt = 0;
  t = 0;
  gimbalPitch = -90;
  private nextId: number;
  private readonly lat0: number;
  private readonly lon0: number;
  private seed = 12345;

  constructor(origin: { lat: number; lon: number }, startId = 1) {
    this.lat0 = origin.lat;
    this.lon0 = origin.lon;
    this.nextId = startId;
  }

  /** Puts the cursor somewhere without taking photos or spending time. */
  moveTo(x: number, y: number, alt = this.alt): this {
    this.x = x;
    this.y = y;
    this.alt = alt;
    return this;
  }

  wait(seconds: number): this {
    this.t += seconds;
    return this;
  }

  photo(dx = 0, dy = 0, yaw = 0): this {
    this.photos.push({
      id: this.nextId++,
      t: this.t,
      ...this.latLon(this.x + dx, this.y + dy),
      alt: this.alt,
      gimbalPitch: this.gimbalPitch,
      flightYaw: yaw,
    });
    return this;
  }

  /** Flies straight to (x, y), a photo every `every` metres including on arrival. */
  fly(x: number, y: number, o: FlyOptions): this {
    const x0 = this.x;
    const y0 = this.y;
    const a0 = this.alt;
    const a1 = o.alt ?? a0;
    const len = Math.hypot(x - x0, y - y0);
    const n = Math.max(1, Math.round(len / o.every));
    const track = (Math.atan2(x - x0, y - y0) * 180) / Math.PI;
    for (let i = 1; i <= n; i++) {
      const f = i / n;
      this.x = x0 + (x - x0) * f;
      this.y = y0 + (y - y0) * f;
      this.alt = a0 + (a1 - a0) * f;
      this.t += len / n / o.speed;
      const wander = o.jitter ? (this.random() * 2 - 1) * o.jitter : 0;
      // Sideways: perpendicular to the track.
      const nx = len > 0 ? (y - y0) / len : 0;
      const ny = len > 0 ? -(x - x0) / len : 0;
      this.photo(nx * wander, ny * wander, (track + (o.crab ?? 0) + 360) % 360);
    }
    return this;
  }

  /** Straight up or down on the spot, a photo every `interval` seconds. */
  climb(toAlt: number, rate: number, interval: number): this {
    const dir = Math.sign(toAlt - this.alt);
    while (Math.abs(toAlt - this.alt) > 1e-9) {
      const stepAlt = Math.min(Math.abs(toAlt - this.alt), rate * interval);
      this.alt += dir * stepAlt;
      this.t += stepAlt / rate;
      this.photo();
    }
    return this;
  }

  /** `count` photos on the spot, `interval` seconds apart, with up to `jitter` metres of GPS wander. */
  hover(count: number, interval: number, jitter = 0.8): this {
    for (let i = 0; i < count; i++) {
      this.t += interval;
      this.photo((this.random() * 2 - 1) * jitter, (this.random() * 2 - 1) * jitter);
    }
    return this;
  }

  /**
   * A lawnmower survey from the cursor: `strips` parallel lines `length` m long along `axisDeg` (0 = north, 90 = east),
   * `spacing` m apart to the right of the first line's direction.
   */
  survey(o: { strips: number; length: number; spacing: number; axisDeg?: number; firstLength?: number } & FlyOptions): this {
    const a = ((o.axisDeg ?? 90) * Math.PI) / 180;
    const along = { x: Math.sin(a), y: Math.cos(a) };
    const across = { x: Math.cos(a), y: -Math.sin(a) };
    const sx = this.x;
    const sy = this.y;
    for (let s = 0; s < o.strips; s++) {
      const len = s === 0 && o.firstLength !== undefined ? o.firstLength : o.length;
      const forward = s % 2 === 0;
      const startAlong = forward ? o.length - len : o.length;
      const endAlong = forward ? o.length : 0;
      const off = s * o.spacing;
      const px = (d: number): number => sx + along.x * d + across.x * off;
      const py = (d: number): number => sy + along.y * d + across.y * off;
      if (s === 0) {
        const here = this.x === px(startAlong) && this.y === py(startAlong);
        this.moveTo(px(startAlong), py(startAlong));
        // The leg that brought the drone here already photographed the first waypoint.
        if (!here || this.photos.length === 0) this.photo();
      }
      else this.fly(px(startAlong), py(startAlong), { ...o, every: o.spacing });
      this.fly(px(endAlong), py(endAlong), o);
    }
    return this;
  }

  /** Local metres of a position (inverse of the builder's own placement). */
  xy(p: { lat: number; lon: number }): { x: number; y: number } {
    const m = metresPerDegree(this.lat0);
    return { x: (p.lon - this.lon0) * m.east, y: (p.lat - this.lat0) * m.north };
  }

  ids(from: number, to: number): number[] {
    return this.photos.slice(from, to).map((p) => p.id);
  }

  private latLon(x: number, y: number): { lat: number; lon: number } {
    const m = metresPerDegree(this.lat0);
    return { lat: this.lat0 + y / m.north, lon: this.lon0 + x / m.east };
  }

  /** Deterministic 0..1 (a test must fail or pass the same way every run). */
  private random(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return this.seed / 2147483648;
  }
}
