import { describe, expect, it } from 'vitest';
import { computeFootprint, type Footprint, type PhotoPose } from '../../src-main/geo/footprint.ts';
import { fieldOfView } from '../../src-main/geo/cameras.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';

// Phantom 4 Pro: 1" sensor 13.2 x 8.8 mm, 8.8 mm lens, 5472 x 3648 px (maker's published specs).
const P4P: PhotoPose = {
  lat: 46.8426,
  lon: -91.9942,
  alt: 300,
  relAlt: 100,
  gimbalPitch: -90,
  gimbalYaw: 0,
  gimbalRoll: 0,
  flightYaw: 0,
  focal35Mm: null,
  focalMm: 8.8,
  width: 5472,
  height: 3648,
  make: 'DJI',
  model: 'FC6310',
};

function footprint(p: Partial<PhotoPose>, ctx = {}): Footprint {
  const r = computeFootprint({ ...P4P, ...p }, ctx);
  if (!r.ok) throw new Error(`no footprint: ${r.message}`);
  return r.footprint;
}

const RAD = Math.PI / 180;
/** Heading rotation of a point given in camera right/forward metres to east/north (clockwise from north). */
const rotate = ([right, fwd]: [number, number], headingDeg: number): [number, number] => [
  right * Math.cos(headingDeg * RAD) + fwd * Math.sin(headingDeg * RAD),
  -right * Math.sin(headingDeg * RAD) + fwd * Math.cos(headingDeg * RAD),
];

function expectCorners(actual: [number, number][], expected: [number, number][], tol = 1e-6) {
  expect(actual).toHaveLength(4);
  actual.forEach((c, i) => {
    expect(c[0]).toBeCloseTo(expected[i]![0], -Math.log10(tol));
    expect(c[1]).toBeCloseTo(expected[i]![1], -Math.log10(tol));
  });
}

describe('field of view', () => {
  it('uses the 43.27 mm full-frame diagonal for a 35 mm-equivalent focal length', () => {
    // A 24 mm equivalent lens on a 3:2 image sees exactly what it would on a 36 x 24 mm frame: 36/2/24 across.
    const fov = fieldOfView({ model: null, focalMm: null, focal35Mm: 24, width: 6000, height: 4000 });
    expect(fov.source).toBe('focal35');
    expect(fov.tanHalfW).toBeCloseTo(18 / 24, 9);
    expect(fov.tanHalfH).toBeCloseTo(12 / 24, 9);
  });

  it('treats a 16:9 photo from a 4:3 sensor as a crop that keeps the full width', () => {
    // FC300S: the 20 mm equivalent refers to the diagonal of its 6.17 x 4.55 mm sensor; the sensor width is
    // 6.17 / hypot(6.17, 4.55) of that diagonal, and the 16:9 image keeps the width.
    const fov = fieldOfView({ model: 'FC300S', focalMm: 3.61, focal35Mm: 20, width: 4000, height: 2250 });
    const tanHalfDiag = Math.hypot(36, 24) / 2 / 20;
    const tanHalfW = (tanHalfDiag * 6.17) / Math.hypot(6.17, 4.55);
    expect(fov.tanHalfW).toBeCloseTo(tanHalfW, 9);
    expect(fov.tanHalfH).toBeCloseTo((tanHalfW * 9) / 16, 9);
  });

  it('falls back to the sensor table, then to the stated default', () => {
    expect(fieldOfView({ model: 'FC6310', focalMm: 8.8, focal35Mm: null, width: 5472, height: 3648 })).toMatchObject({
      source: 'sensor_table',
      tanHalfW: 6.6 / 8.8,
    });
    expect(fieldOfView({ model: 'Unknown', focalMm: 5, focal35Mm: null, width: 4000, height: 3000 }).source).toBe('default');
  });
});

describe('footprint', () => {
  it('gives the textbook nadir footprint and GSD at 100 m', () => {
    const fp = footprint({});
    // Ground width = H * sensor width / f = 100 * 13.2 / 8.8 = 150 m; length = 100 * 8.8 / 8.8 = 100 m.
    expectCorners(fp.cornersM, [[-75, -50], [75, -50], [75, 50], [-75, 50]]);
    // GSD = H * sensor width / (f * image width) = 100 m * 13.2 / (8.8 * 5472) = 2.741 cm/px.
    expect(fp.gsdCm).toBeCloseTo((100 * 13.2 * 100) / (8.8 * 5472), 6);
    expect(fp).toMatchObject({ heightSource: 'relative_altitude', fovSource: 'sensor_table', headingSource: 'gimbal_yaw', flags: [] });
    expect(fp.offNadirDeg).toBeCloseTo(0, 9);
    // The WGS84 polygon is the same rectangle: back in metres around the photo it matches to the millimetre.
    const frame = localFrame(P4P.lon!, P4P.lat!);
    const ring = fp.polygon.coordinates[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    expectCorners(ring.slice(0, 4).map((p) => frame.toXY(p[0]!, p[1]!)), [[-75, -50], [75, -50], [75, 50], [-75, 50]], 1e-3);
  });

  it('rotates with the heading', () => {
    const fp = footprint({ gimbalYaw: 30 });
    const nadir: [number, number][] = [[-75, -50], [75, -50], [75, 50], [-75, 50]];
    expectCorners(fp.cornersM, nadir.map((c) => rotate(c, 30)));
    expect(fp.headingDeg).toBe(30);
  });

  it('widens and shifts forward with off-nadir pitch', () => {
    const theta = 15 * RAD; // gimbal pitch -75
    const alpha = Math.atan(0.5); // half the vertical angle: tan = 4.4 / 8.8
    const tw = 0.75;
    const fp = footprint({ gimbalPitch: -75, gimbalYaw: 90 });
    // Along the view: near edge at H tan(theta - alpha), far edge at H tan(theta + alpha); across: each edge's
    // half-width is H tw cos(alpha) / cos(theta +- alpha) (slant range to the edge line over the image plane).
    const near = 100 * Math.tan(theta - alpha);
    const far = 100 * Math.tan(theta + alpha);
    const halfNear = (100 * tw * Math.cos(alpha)) / Math.cos(theta - alpha);
    const halfFar = (100 * tw * Math.cos(alpha)) / Math.cos(theta + alpha);
    const local: [number, number][] = [[-halfNear, near], [halfNear, near], [halfFar, far], [-halfFar, far]];
    expectCorners(fp.cornersM, local.map((c) => rotate(c, 90)));
    expect(fp.offNadirDeg).toBeCloseTo(15, 9);
    // Centre GSD grows with the slant range H / cos(theta).
    expect(fp.gsdCm).toBeCloseTo((100 * 13.2 * 100) / (8.8 * 5472) / Math.cos(theta), 6);
  });

  it('refuses photos more than 30 degrees off nadir', () => {
    const r = computeFootprint({ ...P4P, gimbalPitch: -55 });
    expect(r).toMatchObject({ ok: false, skip: 'off_nadir' });
    expect(computeFootprint({ ...P4P, gimbalPitch: -61 }).ok).toBe(true);
  });

  it('takes the heading from flight yaw, then the track', () => {
    expect(footprint({ gimbalYaw: null, flightYaw: 120 })).toMatchObject({ headingDeg: 120, headingSource: 'flight_yaw' });
    expect(footprint({ gimbalYaw: null, flightYaw: null }, { trackYawDeg: 200 })).toMatchObject({
      headingDeg: 200,
      headingSource: 'track',
    });
  });

  it('takes the height from relative altitude, the flight-height setting, then GPS minus take-off (flagged)', () => {
    expect(footprint({ relAlt: null }, { flightHeightM: 80 })).toMatchObject({ heightM: 80, heightSource: 'flight_height_setting' });
    const est = footprint({ relAlt: null, alt: 312 }, { takeoffAltM: 250 });
    expect(est).toMatchObject({ heightM: 62, heightSource: 'gps_minus_takeoff', flags: ['height_estimated'] });
    expect(est.cornersM[2]![0]).toBeCloseTo((62 * 13.2) / 8.8 / 2, 9);
    expect(computeFootprint({ ...P4P, relAlt: null })).toMatchObject({ ok: false, skip: 'no_height' });
    expect(computeFootprint({ ...P4P, lat: null })).toMatchObject({ ok: false, skip: 'no_position' });
  });
});
