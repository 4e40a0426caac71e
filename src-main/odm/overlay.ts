import fs from 'node:fs';
import { fromFile } from 'geotiff';
import sharp from 'sharp';
import { AppError } from '../common/errors.ts';
import { utmToLonLat, utmZoneOfEpsg } from './utm.ts';

/** Where an orthophoto sits on the review map: its four corners (a UTM raster is not axis-aligned in WGS84). */
export interface OrthophotoFootprint {
  /** EPSG code of the GeoTIFF's own coordinates. */
  epsg: number;
  width: number;
  height: number;
  /** [lon, lat] of the top-left, top-right, bottom-right and bottom-left pixel corners (MapLibre image order). */
  corners: [number, number][];
  /** [minLon, minLat, maxLon, maxLat] around the corners. */
  bounds: [number, number, number, number];
}

const WGS84 = 4326;
/** The overlay only has to look right on a laptop map; a bigger PNG costs memory for nothing. */
export const OVERLAY_MAX_SIZE = 2048;

/**
 * Reads the georeferencing of a north-up GeoTIFF (ModelTiepoint + ModelPixelScale + GeoKeyDirectory), as ODM
 * writes its orthophoto, and puts its corners in WGS84. EPSG:4326 and WGS84 UTM zones are understood; anything
 * else needs reprojection first and is refused with that explanation.
 */
export async function readFootprint(tifPath: string): Promise<OrthophotoFootprint> {
  const tiff = await fromFile(tifPath);
  try {
    const image = await tiff.getImage();
    const keys = image.getGeoKeys() ?? {};
    const epsg = Number(keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey ?? NaN);
    const [originX, originY] = image.getOrigin() as [number, number];
    const [resX, resY] = image.getResolution() as [number, number];
    const width = image.getWidth();
    const height = image.getHeight();
    const toLonLat = lonLatConverter(epsg, tifPath);
    const corners = [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ].map(([px, py]) => toLonLat(originX + px! * resX, originY + py! * resY));
    const lons = corners.map((c) => c[0]);
    const lats = corners.map((c) => c[1]);
    return {
      epsg,
      width,
      height,
      corners,
      bounds: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    };
  } finally {
    await tiff.close();
  }
}

function lonLatConverter(epsg: number, tifPath: string): (x: number, y: number) => [number, number] {
  if (epsg === WGS84) return (x, y) => [x, y];
  const zone = utmZoneOfEpsg(epsg);
  if (zone) return (x, y) => utmToLonLat(x, y, zone);
  throw new AppError(
    'unsupported',
    `The orthophoto is in a coordinate system Postflight can't place on the map (EPSG:${Number.isNaN(epsg) ? 'unknown' : epsg}). Only WGS84 and UTM are supported.`,
    { file: tifPath, epsg },
  );
}

/** Writes a downsampled PNG of the orthophoto (transparent where ODM left no data) for the review map. */
export async function writeOverlayPng(tifPath: string, pngPath: string, maxSize = OVERLAY_MAX_SIZE): Promise<{ width: number; height: number }> {
  const tmp = `${pngPath}.partial`;
  // ODM orthophotos can exceed sharp's default pixel limit; we only ever shrink them.
  const info = await sharp(tifPath, { limitInputPixels: false })
    .resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true })
    .png()
    .toFile(tmp);
  fs.renameSync(tmp, pngPath);
  return { width: info.width, height: info.height };
}
