/**
 * Per-photo checks, in the Drone Tasking Manager's order: camera information, GPS, sun elevation, gimbal pitch,
 * sharpness, exposure. Each failed check is one reason; all are reported, so the pilot sees every problem at once.
 */
import { metricsOf, type ImageRow, type Reason } from '../db/images.ts';
import { isValidPosition } from '../ingest/metadata-gps.ts';
import { statedUtc } from '../ingest/metadata-time.ts';
import type { QualityThresholds } from '../quality/types.ts';
import type { LatLon } from './geodesy.ts';
import { blurFinding, exposureFindings } from './quality.ts';
import { solarElevationDeg } from './sun.ts';
import type { ClassifyThresholds } from './thresholds.ts';

export interface PhotoCheck {
  reasons: Reason[];
  /** A valid position, or null when the GPS check failed. */
  position: LatLon | null;
}

type Photo = Pick<
  ImageRow,
  'id' | 'file_name' | 'tags_read' | 'lat' | 'lon' | 'captured_at' | 'gps_time_utc' | 'gimbal_pitch' | 'metrics_json'
> & Partial<Pick<ImageRow, 'sensor_kind'>>;

export function checkPhoto(photo: Photo, t: ClassifyThresholds, q: QualityThresholds): PhotoCheck {
  const reasons: Reason[] = [];
  if (photo.tags_read !== 1) {
    reasons.push({ code: 'exif', message: 'Photo has no camera information (EXIF data).' });
  }

  const gps = checkGps(photo);
  if ('reason' in gps) reasons.push(gps.reason);
  const position = 'position' in gps ? gps.position : null;

  if (position) {
    const when = statedUtc(photo);
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

/** The position ingest normalised (every EXIF/XMP spelling it reads); never re-read from the raw tags here. */
function checkGps(photo: Photo): { position: LatLon } | { reason: Reason } {
  const { lat, lon } = photo;
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return { reason: { code: 'gps', message: 'Photo has no GPS position.' } };
  }
  if (!isValidPosition(lat, lon)) {
    return { reason: { code: 'gps', message: `Invalid GPS position (lat ${lat}, lon ${lon}): outside the range of the Earth or no GPS fix.` } };
  }
  return { position: { lat, lon } };
}
