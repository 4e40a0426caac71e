import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import type { NewImage } from '../../src-main/db/images.ts';
import { sharedData } from './paths.ts';

export const BRIGHTON = path.join(sharedData, 'brighton_beach');

/** The brighton_beach photos' pose columns as ingest would store them, read with exifr, in file (capture) order. */
export function brightonRows(): Promise<NewImage[]> {
  return photoRows(BRIGHTON);
}

/** The pose columns of a folder of DJI photos as ingest would store them, read with exifr, in file order. */
export async function photoRows(folder: string): Promise<NewImage[]> {
  const files = fs.readdirSync(folder).filter((f) => /\.jpe?g$/i.test(f)).sort();
  return Promise.all(
    files.map(async (file): Promise<NewImage> => {
      const m = await exifr.parse(path.join(folder, file), { xmp: true, gps: true, exif: true, tiff: true });
      return {
        source_root: folder,
        source_path: file,
        file_name: file,
        status: 'staged',
        ingested_at: new Date().toISOString(),
        captured_at: (m.DateTimeOriginal as Date).toISOString(),
        lat: m.latitude,
        lon: m.longitude,
        alt: m.GPSAltitude,
        rel_alt: Number(m.RelativeAltitude),
        gimbal_pitch: Number(m.GimbalPitchDegree),
        gimbal_yaw: Number(m.GimbalYawDegree),
        gimbal_roll: Number(m.GimbalRollDegree),
        flight_yaw: Number(m.FlightYawDegree),
        make: m.Make,
        model: m.Model,
        focal_mm: m.FocalLength,
        focal35_mm: m.FocalLengthIn35mmFormat,
        width: m.ExifImageWidth,
        height: m.ExifImageHeight,
      };
    }),
  );
}
