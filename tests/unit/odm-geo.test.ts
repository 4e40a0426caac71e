import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFootprint, writeOverlayPng } from '../../src-main/odm/overlay.ts';
import { utmToLonLat, utmZoneOfEpsg } from '../../src-main/odm/utm.ts';
import { writeGeoTiff } from '../support/odm-geotiff.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

// Reference values from PROJ 9.1: `echo "E N" | cs2cs -f %.9f EPSG:326zz EPSG:4326` (lat lon order there).
const PROJ_REFERENCE: { e: number; n: number; epsg: number; lat: number; lon: number }[] = [
  { e: 500000, n: 0, epsg: 32633, lat: 0, lon: 15 },
  { e: 300000, n: 4000000, epsg: 32633, lat: 36.124095832, lon: 12.777608615 },
  { e: 700000, n: 6000000, epsg: 32633, lat: 54.109206448, lon: 18.059593683 },
  { e: 600000, n: 7000000, epsg: 32756, lat: -27.118845826, lon: 154.008942362 },
  { e: 250000, n: 5500000, epsg: 32718, lat: -40.613030282, lon: -77.955178106 },
];

describe('UTM to WGS84', () => {
  it.each(PROJ_REFERENCE)('matches PROJ at $e, $n in EPSG:$epsg', ({ e, n, epsg, lat, lon }) => {
    const [gotLon, gotLat] = utmToLonLat(e, n, utmZoneOfEpsg(epsg)!);
    // 1e-7 degrees is about 1 cm.
    expect(Math.abs(gotLat - lat)).toBeLessThan(1e-7);
    expect(Math.abs(gotLon - lon)).toBeLessThan(1e-7);
  });

  it('knows which EPSG codes are UTM zones', () => {
    expect(utmZoneOfEpsg(32601)).toEqual({ zone: 1, south: false });
    expect(utmZoneOfEpsg(32760)).toEqual({ zone: 60, south: true });
    expect(utmZoneOfEpsg(3857)).toBeNull();
  });
});

describe('orthophoto footprint', () => {
  const dir = makeTemp('postflight-odm-geo-');
  afterAll(() => rmTemp(dir));

  it('reads the corners of a UTM GeoTIFF in WGS84', async () => {
    const file = path.join(dir, 'utm.tif');
    fs.writeFileSync(file, writeGeoTiff({ width: 40, height: 20, originX: 300000, originY: 4000000, pixelSize: 2, epsg: 32633 }));
    const fp = await readFootprint(file);
    expect(fp.epsg).toBe(32633);
    expect(fp.corners[0]![1]).toBeCloseTo(36.124095832, 7);
    expect(fp.corners[0]![0]).toBeCloseTo(12.777608615, 7);
    // Bottom-right corner (300080, 3999960); PROJ: 36.123751959, 12.778507127.
    expect(fp.corners[2]![1]).toBeCloseTo(36.123751959, 7);
    expect(fp.corners[2]![0]).toBeCloseTo(12.778507127, 7);
    expect(fp.bounds[0]).toBeLessThan(fp.bounds[2]);
  });

  it('reads a WGS84 GeoTIFF as is and makes a PNG overlay', async () => {
    const file = path.join(dir, 'wgs.tif');
    fs.writeFileSync(file, writeGeoTiff({ width: 30, height: 10, originX: 151.1, originY: -33.9, pixelSize: 0.001, epsg: 4326 }));
    const fp = await readFootprint(file);
    expect(fp.bounds[0]).toBeCloseTo(151.1, 9);
    expect(fp.bounds[1]).toBeCloseTo(-33.91, 9);
    expect(fp.bounds[2]).toBeCloseTo(151.13, 9);
    expect(fp.bounds[3]).toBeCloseTo(-33.9, 9);
    const size = await writeOverlayPng(file, path.join(dir, 'o.png'), 15);
    expect(size).toEqual({ width: 15, height: 5 });
    expect(fs.readFileSync(path.join(dir, 'o.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses a coordinate system it cannot place', async () => {
    const file = path.join(dir, 'merc.tif');
    fs.writeFileSync(file, writeGeoTiff({ width: 4, height: 4, originX: 0, originY: 0, pixelSize: 1, epsg: 3857 }));
    await expect(readFootprint(file)).rejects.toThrow(/EPSG:3857/);
  });
});
