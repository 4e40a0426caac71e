import { describe, expect, it } from 'vitest';
import { findCalibrationPanels, groupCaptures, pickStream } from '../../src-main/classify/captures.ts';
import type { ImageRow } from '../../src-main/db/images.ts';
import { heightAboveTerrain, terrainOf } from '../../src-main/geo/dem.ts';
import { lonLatToUtm, utmToLonLat } from '../../src-main/odm/utm.ts';
import { realBitDepth } from '../../src-main/quality/decode.ts';

type Row = Pick<ImageRow, 'id' | 'file_name' | 'capture_key' | 'band' | 'band_index' | 'sensor_kind' | 'make' | 'model' | 'metrics_json' | 'serial' | 'alt' | 'rel_alt'>;
const row = (id: number, key: string | null, band: string | null, kind: Row['sensor_kind'], score = 200, extra: Partial<Row> = {}): Row => ({
  id,
  file_name: `F${id}.TIF`,
  capture_key: key,
  band,
  band_index: null,
  sensor_kind: kind,
  make: 'MicaSense',
  model: 'RedEdge',
  serial: 'S1',
  alt: null,
  rel_alt: null,
  metrics_json: JSON.stringify({ gridScore: score }),
  ...extra,
});

describe('captures', () => {
  it('judges a band capture on its most textured band and lists the bands its camera writes but it lacks', () => {
    const rows = [row(1, 'a', 'Blue', 'multispectral', 80), row(2, 'a', 'Green', 'multispectral', 300), row(3, 'a', 'Red', 'multispectral', 70)];
    const [c] = groupCaptures(rows);
    expect(c!.judged!.id).toBe(2);
    expect(c!.missing).toEqual(['NIR', 'RedEdge']);
  });

  it('picks one file per capture: the colour image, a chosen stream, never a thermal frame for a colour task', () => {
    const rows = [row(1, 'p', 'wide', 'visible'), row(2, 'p', 'thermal', 'thermal'), row(3, null, null, 'visible'), row(4, 'q', 'thermal', 'thermal')];
    expect(pickStream(rows, null).map((r) => r.id)).toEqual([1, 3]);
    expect(pickStream(rows, 'thermal').map((r) => r.id)).toEqual([2, 4]);
  });

  it('calls a multispectral capture on the ground before take-off a calibration panel, not one on the ground mid-flight', () => {
    const at = (id: number, rel: number) => row(id, `k${id}`, 'Blue', 'multispectral', 200, { rel_alt: rel });
    const flight = [at(1, 0.2), at(2, 40), at(3, 1), at(4, 40), at(5, 0.5)];
    expect([...findCalibrationPanels([flight], () => true)].sort()).toEqual([1, 5]);
    expect(findCalibrationPanels([flight], () => false).size).toBe(0);
  });
});

describe('sensor and terrain arithmetic', () => {
  it('finds the real bit depth of a band from its largest sample', () => {
    expect([255, 1023, 4095, 7810, 16383, 65520].map(realBitDepth)).toEqual([8, 10, 12, 14, 14, 16]);
  });

  it('projects to UTM and back to well under a millimetre of a degree', () => {
    for (const [lon, lat, zone] of [[7.62, 45.03, 32], [-119.43, 36.57, 11], [34.1, -12.5, 36]] as const) {
      const z = { zone, south: lat < 0 };
      const [e, n] = lonLatToUtm(lon, lat, z);
      const [lon2, lat2] = utmToLonLat(e, n, z);
      expect(Math.abs(lon2 - lon) + Math.abs(lat2 - lat)).toBeLessThan(1e-8);
    }
  });

  it('takes the height above the ground as the height above take-off plus the ground falling away under the camera', () => {
    // A UTM 32N grid of 1 m cells rising 1 m per metre east: z = 100 + x.
    const values = new Float32Array(200 * 10).map((_, i) => 100 + (i % 200) + 0.5);
    const terrain = terrainOf(
      { epsg: 32632, width: 200, height: 10, originX: 400000, originY: 5000010, resX: 1, resY: -1, noData: null, source: 't', importedAt: '', bounds: [0, 0, 0, 0] },
      values,
    );
    const [lonA, latA] = utmToLonLat(400020, 5000005, { zone: 32, south: false });
    const [lonB, latB] = utmToLonLat(400120, 5000005, { zone: 32, south: false });
    expect(terrain.elevationAt(lonA, latA)).toBeCloseTo(120, 3);
    expect(heightAboveTerrain(terrain, { lon: lonB, lat: latB, heightAboveTakeoffM: 150 }, { lon: lonA, lat: latA })).toBeCloseTo(50, 3);
    expect(terrain.elevationAt(lonA + 1, latA)).toBeNull();
  });
});
