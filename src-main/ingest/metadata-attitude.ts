import { decodeUserComment, tag, toNumber, type TagGroups } from './metadata-values.ts';

/**
 * Two conventions that must never be mixed:
 * - gimbal: the camera's pitch relative to the horizon, -90 = straight down (nadir), 0 = horizon, > 0 = up.
 * - aircraft: the attitude of the airframe, or of a camera body fixed to it; pitch ~0 when level, which for a
 *   fixed down-looking camera is nadir. Reading this as a gimbal pitch would call every level frame "horizontal".
 */
export type GimbalSource = 'drone-dji' | 'user-comment';
export type AircraftSource = 'xmp-camera' | 'drone-dji' | 'micasense-dls';

export interface Attitude<S extends string> {
  pitch: number | null;
  yaw: number | null;
  roll: number | null;
  source: S;
}

/**
 * Where the camera's pointing can be read from: a gimbal (read `gimbal.pitch`, nadir = -90) or a fixed camera body
 * (read `aircraft.pitch`, nadir = 0). Null when nothing says where the camera pointed (aircraft attitude alone does
 * not: a gimballed camera moves independently of it).
 */
export type CameraPitchSource = 'gimbal' | 'fixed-camera-body' | null;

export interface PhotoAttitude {
  gimbal: Attitude<GimbalSource> | null;
  aircraft: Attitude<AircraftSource> | null;
  cameraPitchSource: CameraPitchSource;
}

function attitude<S extends string>(pitch: unknown, yaw: unknown, roll: unknown, source: S, scale = 1): Attitude<S> | null {
  const [p, y, r] = [pitch, yaw, roll].map((v) => {
    const n = toNumber(v);
    return n === null ? null : n * scale;
  });
  return p === null && y === null && r === null ? null : { pitch: p ?? null, yaw: y ?? null, roll: r ?? null, source };
}

/** A JSON object some drones write into UserComment, or null. */
function userCommentJson(groups: TagGroups): Record<string, unknown> | null {
  const text = decodeUserComment(tag(groups, 'exif', 'UserComment'));
  if (!text?.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function pick(obj: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null && obj[k] !== '') return obj[k];
  return undefined;
}

export function readAttitude(groups: TagGroups): PhotoAttitude {
  const dji = (name: string) => tag(groups, 'drone-dji', name);
  const camera = (name: string) => tag(groups, 'Camera', name);
  const dls = (name: string) => tag(groups, 'DLS', name);
  const comment = userCommentJson(groups);

  // DJI's JSON UserComment carries the camera's pitch in DJI's gimbal convention (as Drone Tasking Manager reads it).
  const gimbal =
    attitude(dji('GimbalPitchDegree'), dji('GimbalYawDegree'), dji('GimbalRollDegree'), 'drone-dji') ??
    (comment
      ? attitude(
          pick(comment, 'GimbalPitchDegree', 'gimbal_pitch', 'gimbalPitch', 'pitch'),
          pick(comment, 'GimbalYawDegree', 'gimbal_yaw', 'gimbalYaw', 'yaw'),
          pick(comment, 'GimbalRollDegree', 'gimbal_roll', 'gimbalRoll', 'roll'),
          'user-comment',
        )
      : null);

  // senseFly/eBee, Pix4D-tagged (Parrot Sequoia) and FLIR write the fixed camera body's attitude as Camera:Pitch etc.
  const body = attitude(camera('Pitch'), camera('Yaw'), camera('Roll'), 'xmp-camera');
  const aircraft =
    body ??
    attitude(dji('FlightPitchDegree'), dji('FlightYawDegree'), dji('FlightRollDegree'), 'drone-dji') ??
    // MicaSense's downwelling light sensor is fixed to the airframe and reports radians.
    attitude(dls('Pitch'), dls('Yaw'), dls('Roll'), 'micasense-dls', 180 / Math.PI);

  const cameraPitchSource: CameraPitchSource = gimbal?.pitch != null ? 'gimbal' : body?.pitch != null ? 'fixed-camera-body' : null;
  return { gimbal, aircraft, cameraPitchSource };
}
