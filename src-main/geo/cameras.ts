/**
 * The camera's angular field of view, from the photo's own EXIF when possible.
 *
 * Order of trust: (1) the 35 mm-equivalent focal length, which by definition relates the lens to the 36x24 mm frame
 * whose diagonal is 43.27 mm, so it fixes the *diagonal* angle of view of the sensor; (2) the physical sensor size of
 * a known drone camera with the real focal length; (3) a stated default. A photo whose aspect differs from the
 * sensor's (DJI 16:9 mode on a 4:3 sensor) is a crop of the full frame: the long side keeps its angle and the short
 * side is cut, which is why the sensor's native aspect is looked up even when the focal length is equivalent.
 */

export interface SensorSpec {
  /** Sensor width and height in mm (long side first), from the maker's public specifications. */
  widthMm: number;
  heightMm: number;
  /** Nominal lens focal length in mm, used when EXIF lacks one. */
  focalMm: number;
}

/** Common mapping-drone cameras by EXIF model. */
export const CAMERA_SENSORS: Readonly<Record<string, SensorSpec>> = {
  FC300S: { widthMm: 6.17, heightMm: 4.55, focalMm: 3.61 }, // Phantom 3 Advanced, 1/2.3"
  FC300X: { widthMm: 6.17, heightMm: 4.55, focalMm: 3.61 }, // Phantom 3 Professional
  FC330: { widthMm: 6.17, heightMm: 4.55, focalMm: 3.61 }, // Phantom 4
  FC220: { widthMm: 6.17, heightMm: 4.55, focalMm: 4.73 }, // Mavic Pro
  FC7303: { widthMm: 6.17, heightMm: 4.55, focalMm: 4.49 }, // Mini 2
  FC6310: { widthMm: 13.2, heightMm: 8.8, focalMm: 8.8 }, // Phantom 4 Pro / Advanced, 1"
  FC6310S: { widthMm: 13.2, heightMm: 8.8, focalMm: 8.8 }, // Phantom 4 Pro V2.0
  FC6360: { widthMm: 4.96, heightMm: 3.72, focalMm: 5.74 }, // Phantom 4 Multispectral RGB, 1/2.9"
  FC6510: { widthMm: 13.2, heightMm: 8.8, focalMm: 8.8 }, // Zenmuse X4S
  FC3170: { widthMm: 13.2, heightMm: 8.8, focalMm: 8.38 }, // Air 2S
  'L1D-20c': { widthMm: 13.2, heightMm: 8.8, focalMm: 10.26 }, // Mavic 2 Pro (Hasselblad)
  M3E: { widthMm: 17.3, heightMm: 13.0, focalMm: 12.29 }, // Mavic 3 Enterprise, 4/3"
};

/**
 * Thermal cores by EXIF model: pixel pitch (the sensor is pitch x the frame's own pixels, so a 640x512 and a 336x256
 * core of one family both come out right) and the usual lens. A thermal frame of a paired payload (H20T, M30T) carries
 * the payload's model and often the wide camera's 35 mm figure, so thermal frames never use the focal35 rule.
 */
export const THERMAL_CORES: Readonly<Record<string, { pitchUm: number; focalMm: number }>> = {
  FLIR: { pitchUm: 17, focalMm: 13 }, // DJI Zenmuse XT (FLIR Tau 2 640)
  XT2: { pitchUm: 12, focalMm: 13 }, // DJI Zenmuse XT2
  'Vue Pro 640 9mm': { pitchUm: 17, focalMm: 9 }, // FLIR Vue Pro 640
  ZH20T: { pitchUm: 12, focalMm: 13.5 }, // Zenmuse H20T thermal
  M30T: { pitchUm: 12, focalMm: 9.1 }, // Matrice 30T thermal
  'MAVIC2-ENTERPRISE-ADVANCED': { pitchUm: 12, focalMm: 9 }, // Mavic 2 Enterprise Advanced thermal
};

/** 35 mm-equivalent focal length assumed when nothing is known: the common 84 degree diagonal drone lens. */
export const DEFAULT_FOCAL35_MM = 24;
const FULL_FRAME_HALF_DIAGONAL_MM = Math.hypot(36, 24) / 2;

export type FovSource = 'focal35' | 'sensor_table' | 'thermal_core' | 'default';

export interface FieldOfView {
  /** tan of half the angle across the image width and height (as the pixels are stored). */
  tanHalfW: number;
  tanHalfH: number;
  source: FovSource;
}

export interface CameraInput {
  model: string | null;
  focalMm: number | null;
  focal35Mm: number | null;
  width: number;
  height: number;
  /** A thermal frame is seen through the thermal lens (THERMAL_CORES), not the payload's visible camera. */
  thermal?: boolean;
}

export function lookupSensor(model: string | null): SensorSpec | undefined {
  return model ? CAMERA_SENSORS[model.trim()] : undefined;
}

export function fieldOfView(cam: CameraInput): FieldOfView {
  const core = cam.thermal && cam.model ? THERMAL_CORES[cam.model.trim()] : undefined;
  if (core) {
    // The frame's pixels are the sensor: nothing is cropped.
    const f = positive(cam.focalMm) ? cam.focalMm : core.focalMm;
    const mm = core.pitchUm / 1000;
    return { tanHalfW: (cam.width * mm) / 2 / f, tanHalfH: (cam.height * mm) / 2 / f, source: 'thermal_core' };
  }
  const sensor = lookupSensor(cam.model);
  const portrait = cam.height > cam.width;
  // Everything below works with the long side as "w" and swaps back at the end.
  const imageAspect = Math.max(cam.width, cam.height) / Math.min(cam.width, cam.height);
  const nativeAspect = sensor ? sensor.widthMm / sensor.heightMm : imageAspect;

  let native: { w: number; h: number };
  let source: FovSource;
  if (positive(cam.focal35Mm) || !sensor) {
    source = positive(cam.focal35Mm) ? 'focal35' : 'default';
    const tanHalfDiag = FULL_FRAME_HALF_DIAGONAL_MM / (positive(cam.focal35Mm) ? cam.focal35Mm : DEFAULT_FOCAL35_MM);
    const diag = Math.hypot(nativeAspect, 1);
    native = { w: (tanHalfDiag * nativeAspect) / diag, h: tanHalfDiag / diag };
  } else {
    source = 'sensor_table';
    const f = positive(cam.focalMm) ? cam.focalMm : sensor.focalMm;
    native = { w: sensor.widthMm / 2 / f, h: sensor.heightMm / 2 / f };
  }
  // Crop the native frame to the image aspect: the side that fits keeps its full angle.
  const w = imageAspect >= nativeAspect ? native.w : native.h * imageAspect;
  const h = imageAspect >= nativeAspect ? native.w / imageAspect : native.h;
  return portrait ? { tanHalfW: h, tanHalfH: w, source } : { tanHalfW: w, tanHalfH: h, source };
}

function positive(v: number | null): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}
