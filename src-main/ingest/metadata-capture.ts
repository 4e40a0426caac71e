/**
 * Which sensor of a multi-sensor payload wrote a file, and which trigger (capture) it belongs to. A multispectral
 * camera writes one file per band for each trigger (P4 Multispectral: an RGB JPEG + 5 band TIFFs; MicaSense: 5-10
 * TIFFs); a thermal payload (H20T, M30T, Mavic 3T) writes wide, zoom and thermal frames for one trigger.
 */
import { firstOf, tag, toNumber, toText, type TagGroups } from './metadata-values.ts';

/** visible: an ordinary colour camera; multispectral: one narrow band; thermal: a long-wave infrared frame. */
export type SensorKind = 'visible' | 'multispectral' | 'thermal';

export interface SensorInfo {
  kind: SensorKind;
  /**
   * The band or stream within a capture: a band name (Blue, Green, Red, RedEdge, NIR, LWIR, Panchro), 'RGB' for the
   * colour image of a multispectral capture, or a payload stream ('wide', 'zoom', 'thermal'). Null for a plain photo.
   */
  band: string | null;
  /** The camera's own index of the band's lens (MicaSense RigCameraIndex, DJI SensorIndex). */
  bandIndex: number | null;
  /**
   * The trigger the file belongs to: `dji:<CaptureUUID>`, `micasense:<CaptureId>`, or, for a band or stream file
   * without such an id, `same:<camera serial>|<capture second>|<position to ~1 m>`. Null for a plain photo.
   */
  captureKey: string | null;
}

const BAND_NAMES: Record<string, string> = {
  blue: 'Blue',
  green: 'Green',
  red: 'Red',
  rededge: 'RedEdge',
  nir: 'NIR',
  nearinfrared: 'NIR',
  lwir: 'LWIR',
  panchro: 'Panchro',
  rgb: 'RGB',
};

/** 'Red edge', 'RedEdge', 'red_edge' -> 'RedEdge'; unknown names are kept as written. */
export function normaliseBand(name: string): string {
  return BAND_NAMES[name.toLowerCase().replace(/[^a-z]/g, '')] ?? name;
}

/** DJI's ImageSource (H20T, M30T, Mavic 3T/3E/3M) -> the stream name. */
function streamOf(source: string | null): 'wide' | 'zoom' | 'thermal' | null {
  if (!source) return null;
  if (/infrared|thermal/i.test(source)) return 'thermal';
  if (/zoom/i.test(source)) return 'zoom';
  if (/wide|visible/i.test(source)) return 'wide';
  return null;
}

export interface CaptureFacts {
  model: string | null;
  serial: string | null;
  capturedLocal: string | null;
  lat: number | null;
  lon: number | null;
}

export function readSensor(groups: TagGroups, facts: CaptureFacts): SensorInfo {
  const text = (group: string, name: string) => toText(firstItem(tag(groups, group, name)));
  const rawBand = firstOf(text('Camera', 'BandName'), text('drone-dji', 'BandName'), text('FLIR', 'BandName'));
  const band = rawBand ? normaliseBand(rawBand) : null;
  const stream = streamOf(text('drone-dji', 'ImageSource'));
  // A payload that names its stream says which camera wrote the frame; otherwise FLIR tags, an LWIR band or a
  // thermal camera model do.
  const thermal = stream ? stream === 'thermal' : band === 'LWIR' || groups['FLIR'] !== undefined || /flir|thermal|^xt2?$/i.test(facts.model ?? '');
  const kind: SensorKind = thermal ? 'thermal' : band && band !== 'RGB' ? 'multispectral' : 'visible';
  const id = firstOf(text('drone-dji', 'CaptureUUID'), text('MicaSense', 'CaptureId'), text('Camera', 'CaptureId'));
  const idSource = text('drone-dji', 'CaptureUUID') ? 'dji' : 'micasense';
  const bandIndex = firstOf(
    toNumber(tag(groups, 'Camera', 'RigCameraIndex')),
    toNumber(tag(groups, 'drone-dji', 'SensorIndex')),
    toNumber(tag(groups, 'DLS', 'SensorId')),
  );
  // A thermal frame outside a multispectral capture is the thermal stream of its trigger (paired, or alone).
  const member = stream ?? (kind === 'thermal' && !id ? 'thermal' : band);
  if (id) return { kind, band: member ?? (kind === 'visible' ? 'RGB' : null), bandIndex, captureKey: `${idSource}:${id}` };
  if (!member) return { kind, band: null, bandIndex, captureKey: null };
  return { kind, band: member, bandIndex, captureKey: fallbackKey(facts) };
}

/**
 * Files of one trigger without a capture id: same camera, same second, same position. Band files of one trigger
 * carry the same GPS fix, so ~1 m rounding does not split them; a file without time or position stays alone.
 */
function fallbackKey(f: CaptureFacts): string | null {
  const second = f.capturedLocal?.slice(0, 19) ?? null;
  if (!second || f.lat === null || f.lon === null) return null;
  return `same:${f.serial ?? f.model ?? ''}|${second}|${f.lat.toFixed(5)},${f.lon.toFixed(5)}`;
}

function firstItem(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
