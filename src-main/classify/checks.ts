/**
 * Per-photo checks, in the Drone Tasking Manager's order: camera information, GPS, sun elevation, gimbal pitch,
 * sharpness, exposure. Each failed check is one reason; all are reported, so the pilot sees every problem at once.
 */
import { metadataOf, metricsOf, type ImageRow, type Reason } from '../db/images.ts';
import { isValidPosition, parseCoordinate } from '../ingest/metadata-gps.ts';
import type { QualityThresholds } from '../quality/types.ts';
import type { LatLon } from './geodesy.ts';
import { blurFinding, exposureFindings } from './quality.ts';
import { solarElevationDeg } from './sun.ts';
import { unambiguousUtc } from './time.ts';
import type { ClassifyThresholds } from './thresholds.ts';

export interface PhotoCheck {
  reasons: Reason[];
  /** A valid position, or null when the GPS check failed. */
  position: LatLon | null;
}

type Photo = Pick<
  ImageRow,
  'id' | 'file_name' | 'metadata_json' | 'lat' | 'lon' | 'captured_at' | 'gimbal_pitch' | 'metrics_json'
> & Partial<Pick<ImageRow, 'sensor_kind'>>;

export function checkPhoto(photo: Photo, t: ClassifyThresholds, q: QualityThresholds): PhotoCheck {
  const reasons: Reason[] = [];
  const meta = metadataOf(photo);
  if (!hasCameraInfo(meta)) {
    reasons.push({ code: 'exif', message: 'Photo has no camera information (EXIF data).' });
  }
  const tag = tagReader(meta ?? {});

  const gps = checkGps(photo, tag);
  if ('reason' in gps) reasons.push(gps.reason);
  const position = 'position' in gps ? gps.position : null;

  if (position) {
    const when = unambiguousUtc(photo.captured_at, tag);
    if (when) {
      const elevation = solarElevationDeg(position.lat, position.lon, when);
      if (elevation < t.minSunElevationDeg) {
        reasons.push({
          code: 'sun',
          message: `Sun too low when the photo was taken (${elevation.toFixed(1)}°, minimum ${t.minSunElevationDeg}°): long shadows spoil stitching.`,
        });
      }
    }
  }

  // Only the gimbal's pitch (-90 = straight down) says where the camera looked; the aircraft's own pitch does not.
  const pitch = photo.gimbal_pitch;
  if (pitch !== null && Number.isFinite(pitch) && pitch > t.maxGimbalPitchDeg) {
    reasons.push({
      code: 'gimbal',
      message: `Camera must point down (gimbal pitch ${t.maxGimbalPitchDeg}° or lower), got ${pitch.toFixed(0)}°.`,
    });
  }

  const metrics = metricsOf(photo);
  if (metrics) {
    const blur = blurFinding(metrics, q, photo.sensor_kind ?? null);
    if (blur) reasons.push(blur);
    reasons.push(...exposureFindings(metrics, q));
  }
  return { reasons, position };
}

function checkGps(photo: Photo, tag: (name: string) => unknown): { position: LatLon } | { reason: Reason } {
  let lat = photo.lat;
  let lon = photo.lon;
  // Normalised columns first; raw EXIF text (e.g. 8 deg 17' 58.73" S) when metadata could not normalise it.
  if (lat === null || lon === null) {
    lat = parseCoordinate(tag('GPSLatitude'), tag('GPSLatitudeRef'));
    lon = parseCoordinate(tag('GPSLongitude'), tag('GPSLongitudeRef'));
  }
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return { reason: { code: 'gps', message: 'Photo has no GPS position.' } };
  }
  if (!isValidPosition(lat, lon)) {
    return { reason: { code: 'gps', message: `Invalid GPS position (lat ${lat}, lon ${lon}): outside the range of the Earth or no GPS fix.` } };
  }
  return { position: { lat, lon } };
}

/** Looks a tag up at the top of the metadata record, then in its groups (e.g. raw.exif, raw.gps), nearest first. */
function tagReader(meta: Record<string, unknown>): (name: string) => unknown {
  return (name) => {
    let level: Record<string, unknown>[] = [meta];
    for (let depth = 0; depth < 3 && level.length > 0; depth++) {
      for (const obj of level) if (obj[name] !== undefined) return obj[name];
      level = level.flatMap((obj) => Object.values(obj).filter(isObject));
    }
    return undefined;
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The photo had readable camera metadata: the record's raw tags when it keeps them, else any field at all. */
function hasCameraInfo(meta: Record<string, unknown> | null): boolean {
  if (meta === null) return false;
  const raw = meta['raw'];
  return raw === undefined ? Object.keys(meta).length > 0 : isObject(raw) && Object.keys(raw).length > 0;
}
