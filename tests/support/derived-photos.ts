/**
 * Broken and edited photos derived at test time from the real ones in ../shared/data, for the ingest, metadata,
 * quality, classify and coverage tests. Every factory writes one new file into `dir` and returns its path; the
 * originals are only read.
 *
 * Metadata edits work on the bytes (EXIF IFD entries, the XMP packet) so that every other tag stays exactly as the
 * camera wrote it; pixel edits go through sharp with the metadata kept.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { sharedData } from './paths.ts';

/** A DJI Phantom 3 photo: EXIF GPS, DJI XMP (gimbal -89.9, relative altitude 39.8 m), 4000x2250. */
export const BRIGHTON_PHOTO = path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG');
/** A DJI P4 Multispectral RGB photo: EXIF GPS plus GPS and RTK fields in its XMP, 1600x1300. */
export const P4M_PHOTO = path.join(sharedData, 'p4m_mirafiori', 'DJI_0010.JPG');

export interface DeriveOptions {
  /** The real JPEG to derive from (default BRIGHTON_PHOTO). */
  source?: string;
  /** File name inside `dir`; by default the source's name with the kind of change appended. */
  name?: string;
}

function target(dir: string, kind: string, opts: DeriveOptions, ext?: string): string {
  const source = opts.source ?? BRIGHTON_PHOTO;
  const parsed = path.parse(source);
  const wanted = opts.name ?? `${parsed.name}_${kind}${ext ?? parsed.ext}`;
  fs.mkdirSync(dir, { recursive: true });
  let file = path.join(dir, wanted);
  const p = path.parse(file);
  for (let n = 2; fs.existsSync(file); n++) file = path.join(p.dir, `${p.name}_${n}${p.ext}`);
  return file;
}

function write(file: string, bytes: Buffer | string): string {
  fs.writeFileSync(file, bytes);
  return file;
}

function sourceBytes(opts: DeriveOptions): Buffer {
  return fs.readFileSync(opts.source ?? BRIGHTON_PHOTO);
}

// ---- Broken files ---------------------------------------------------------------------------------------------

/** The first `keepFraction` of a JPEG: headers and metadata intact, image data cut off (a pulled card). */
export function truncatedJpeg(dir: string, opts: DeriveOptions & { keepFraction?: number } = {}): string {
  const bytes = sourceBytes(opts);
  return write(target(dir, 'truncated', opts), bytes.subarray(0, Math.floor(bytes.length * (opts.keepFraction ?? 0.6))));
}

/** An empty file with a photo's name. */
export function zeroBytes(dir: string, opts: DeriveOptions = {}): string {
  return write(target(dir, 'empty', opts), Buffer.alloc(0));
}

/** A text file renamed to .JPG. */
export function textAsJpeg(dir: string, opts: DeriveOptions = {}): string {
  return write(target(dir, 'text', opts), 'Flight log notes, not a photo.\n'.repeat(40));
}

/** A byte-for-byte copy under another name (a photo offloaded twice). */
export function exactCopy(dir: string, opts: DeriveOptions = {}): string {
  const file = target(dir, 'copy', opts);
  fs.copyFileSync(opts.source ?? BRIGHTON_PHOTO, file);
  // The shared originals are read-only; the copy should behave like a freshly offloaded file.
  fs.chmodSync(file, 0o644);
  return file;
}

// ---- Pixel edits, metadata kept -------------------------------------------------------------------------------

async function repaint(dir: string, kind: string, opts: DeriveOptions, paint: (img: Sharp) => Sharp): Promise<string> {
  const file = target(dir, kind, opts);
  await paint(sharp(sourceBytes(opts)).keepMetadata()).jpeg({ quality: 92 }).toFile(file);
  return file;
}

/** Strong gaussian blur (motion blur or missed focus), every tag kept. */
export function blurred(dir: string, opts: DeriveOptions & { sigma?: number } = {}): Promise<string> {
  return repaint(dir, 'blurred', opts, (img) => img.blur(opts.sigma ?? 25));
}

/** Lens cap on: pixel values 0-5, every tag kept. */
export function black(dir: string, opts: DeriveOptions = {}): Promise<string> {
  return repaint(dir, 'black', opts, (img) => img.linear(0.02, 0));
}

/** Blown out: pixel values 243-255, every tag kept. */
export function white(dir: string, opts: DeriveOptions = {}): Promise<string> {
  return repaint(dir, 'white', opts, (img) => img.linear(0.05, 243));
}

/**
 * The photo as a 16-bit TIFF (RGB, or one grey band like thermal and multispectral cameras write), scaled to
 * `longEdge` (default 1600) to keep fixtures small. libvips keeps the XMP packet; EXIF does not survive into TIFF.
 */
export async function sixteenBitTiff(dir: string, opts: DeriveOptions & { grey?: boolean; longEdge?: number } = {}): Promise<string> {
  const file = target(dir, opts.grey ? 'grey16' : 'rgb16', opts, '.tif');
  const edge = opts.longEdge ?? 1600;
  await sharp(sourceBytes(opts))
    .keepMetadata()
    .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
    .toColourspace(opts.grey ? 'grey16' : 'rgb16')
    .tiff({ compression: 'deflate' })
    .toFile(file);
  return file;
}

// ---- Metadata edits on the bytes ------------------------------------------------------------------------------

interface Segment {
  marker: number;
  /** Offset of the segment's payload (after the 2-byte length). */
  data: number;
  /** Offset just past the segment. */
  end: number;
}

/** JPEG marker segments up to the start of the image data. */
function jpegSegments(bytes: Buffer): Segment[] {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('derived-photos: the source is not a JPEG');
  const out: Segment[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    out.push({ marker, data: at + 4, end: at + 2 + length });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return out;
}

const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

function findSegment(bytes: Buffer, header: Buffer): Segment | undefined {
  return jpegSegments(bytes).find((s) => s.marker === 0xe1 && bytes.subarray(s.data, s.data + header.length).equals(header));
}

/** Rewrites the XMP packet as text, giving its APP1 segment the new length. Without a packet: unchanged, or an error. */
function editXmp(bytes: Buffer, edit: (xml: string) => string, { optional = false } = {}): Buffer {
  const seg = findSegment(bytes, XMP_HEADER);
  if (!seg && optional) return bytes;
  if (!seg) throw new Error('derived-photos: the source has no XMP packet');
  const xml = Buffer.from(edit(bytes.subarray(seg.data + XMP_HEADER.length, seg.end).toString('utf8')), 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(2 + XMP_HEADER.length + xml.length);
  return Buffer.concat([bytes.subarray(0, seg.data - 2), length, XMP_HEADER, xml, bytes.subarray(seg.end)]);
}

/** Sets one XMP property, written either as an attribute or as an element. */
function setXmpProperty(xml: string, qname: string, value: string): string {
  const attr = new RegExp(`(\\s${qname}=")[^"]*(")`);
  const elem = new RegExp(`(<${qname}>)[^<]*(</${qname}>)`);
  const re = attr.test(xml) ? attr : elem.test(xml) ? elem : null;
  if (!re) throw new Error(`derived-photos: the XMP has no ${qname}`);
  return xml.replace(re, `$1${value}$2`);
}

const XMP_GPS = '(?:drone-dji:Gps(?:Latitude|Longitude|Longtitude)|exif:GPS\\w+)';

function removeXmpGps(xml: string): string {
  return xml.replace(new RegExp(`\\s${XMP_GPS}="[^"]*"`, 'g'), '').replace(new RegExp(`<(${XMP_GPS})>[^<]*</\\1>`, 'g'), '');
}

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the entry's 12 bytes start. */
  entry: number;
  /** Where its value is (inline in the entry or at the offset it points to). */
  value: number;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** Little helper over the EXIF block of a JPEG: reads IFDs, writes values in place. */
class ExifBlock {
  readonly bytes: Buffer;
  private readonly base: number;
  private readonly le: boolean;

  constructor(bytes: Buffer) {
    const seg = findSegment(bytes, EXIF_HEADER);
    if (!seg) throw new Error('derived-photos: the source has no EXIF block');
    this.bytes = Buffer.from(bytes);
    this.base = seg.data + EXIF_HEADER.length;
    this.le = this.bytes.toString('latin1', this.base, this.base + 2) === 'II';
  }

  u16(at: number): number {
    return this.le ? this.bytes.readUInt16LE(at) : this.bytes.readUInt16BE(at);
  }
  u32(at: number): number {
    return this.le ? this.bytes.readUInt32LE(at) : this.bytes.readUInt32BE(at);
  }
  w16(at: number, v: number): void {
    if (this.le) this.bytes.writeUInt16LE(v, at);
    else this.bytes.writeUInt16BE(v, at);
  }
  w32(at: number, v: number): void {
    if (this.le) this.bytes.writeUInt32LE(v, at);
    else this.bytes.writeUInt32BE(v, at);
  }

  /** Absolute offset of IFD0. */
  get ifd0(): number {
    return this.base + this.u32(this.base + 4);
  }

  entries(ifd: number): IfdEntry[] {
    const n = this.u16(ifd);
    return Array.from({ length: n }, (_, i) => {
      const entry = ifd + 2 + i * 12;
      const type = this.u16(entry + 2);
      const count = this.u32(entry + 4);
      const inline = (TYPE_SIZE[type] ?? 1) * count <= 4;
      return { tag: this.u16(entry), type, count, entry, value: inline ? entry + 8 : this.base + this.u32(entry + 8) };
    });
  }

  /** The IFD a pointer tag in IFD0 leads to (0x8769 EXIF, 0x8825 GPS). */
  subIfd(pointerTag: number): number | null {
    const ptr = this.entries(this.ifd0).find((e) => e.tag === pointerTag);
    return ptr ? this.base + this.u32(ptr.value) : null;
  }

  /** Deletes an entry from an IFD: the later entries move up and the next-IFD link follows them. */
  removeEntry(ifd: number, tag: number): void {
    const list = this.entries(ifd);
    const index = list.findIndex((e) => e.tag === tag);
    if (index < 0) throw new Error(`derived-photos: no tag 0x${tag.toString(16)} to remove`);
    // Entries and the 4-byte next-IFD link after them move up by one entry; the freed bytes are zeroed.
    const tail = ifd + 2 + list.length * 12 + 4;
    this.bytes.copy(this.bytes, list[index]!.entry, list[index]!.entry + 12, tail);
    this.bytes.fill(0, tail - 12, tail);
    this.w16(ifd, list.length - 1);
  }

  /** Overwrites an ASCII value of the same length. */
  setAscii(entry: IfdEntry, text: string): void {
    if (text.length + 1 !== entry.count) throw new Error(`derived-photos: "${text}" does not fit tag 0x${entry.tag.toString(16)}`);
    this.bytes.write(`${text}\0`, entry.value, 'latin1');
  }

  setRationals(entry: IfdEntry, values: [number, number][]): void {
    values.forEach(([num, den], i) => {
      this.w32(entry.value + i * 8, num);
      this.w32(entry.value + i * 8 + 4, den);
    });
  }
}

const GPS_POINTER = 0x8825;
const EXIF_POINTER = 0x8769;
const DATE_TAGS = new Set([0x0132, 0x9003, 0x9004]); // ModifyDate, DateTimeOriginal, CreateDate (DateTimeDigitized)

/** No position anywhere: the EXIF GPS block is unlinked and GPS properties leave the XMP; all else is kept. */
export function withoutGps(dir: string, opts: DeriveOptions = {}): string {
  const exif = new ExifBlock(sourceBytes(opts));
  exif.removeEntry(exif.ifd0, GPS_POINTER);
  return write(target(dir, 'nogps', opts), editXmp(exif.bytes, removeXmpGps, { optional: true }));
}

/** DJI-format signed degrees, e.g. "+1.00", "-89.90". */
function djiDegrees(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

/** drone-dji:GimbalPitchDegree set to `pitch` (-90 nadir, 0 horizon, > 0 pointing up). */
export function withGimbalPitch(dir: string, pitch: number, opts: DeriveOptions = {}): string {
  const bytes = editXmp(sourceBytes(opts), (xml) => setXmpProperty(xml, 'drone-dji:GimbalPitchDegree', djiDegrees(pitch)));
  return write(target(dir, `pitch${pitch}`, opts), bytes);
}

/** drone-dji:RtkFlag set to `flag` (50 fixed, 32-49 float, 16 single, 0 none). */
export function withRtkFlag(dir: string, flag: number, opts: DeriveOptions = {}): string {
  const bytes = editXmp(sourceBytes(opts), (xml) => setXmpProperty(xml, 'drone-dji:RtkFlag', String(flag)));
  return write(target(dir, `rtk${flag}`, opts), bytes);
}

const EXPOSURE_TIME = 0x829a;

/** EXIF ExposureTime set to `seconds` (a slow shutter); the rest of the photo exactly as the camera wrote it. */
export function withExposureTime(dir: string, seconds: number, opts: DeriveOptions = {}): string {
  const exif = new ExifBlock(sourceBytes(opts));
  const exifIfd = exif.subIfd(EXIF_POINTER);
  const entry = exifIfd === null ? undefined : exif.entries(exifIfd).find((e) => e.tag === EXPOSURE_TIME);
  if (!entry) throw new Error('derived-photos: the source has no ExposureTime to change');
  exif.setRationals(entry, [[Math.round(seconds * 1_000_000), 1_000_000]]);
  return write(target(dir, `exposure${seconds}s`, opts), exif.bytes);
}

/** DateTimeOriginal, CreateDate and ModifyDate moved by `seconds` (clock wrong, or a later flight). */
export function withTimeShift(dir: string, seconds: number, opts: DeriveOptions = {}): string {
  const exif = new ExifBlock(sourceBytes(opts));
  shiftDates(exif, seconds);
  return write(target(dir, `shift${seconds}s`, opts), exif.bytes);
}

function shiftDates(exif: ExifBlock, seconds: number): void {
  const exifIfd = exif.subIfd(EXIF_POINTER);
  const entries = [...exif.entries(exif.ifd0), ...(exifIfd === null ? [] : exif.entries(exifIfd))];
  for (const entry of entries.filter((e) => DATE_TAGS.has(e.tag) && e.type === 2)) {
    const old = exif.bytes.toString('latin1', entry.value, entry.value + 19);
    const [, y, mo, d, h, mi, s] = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(old) ?? [];
    if (!y) throw new Error(`derived-photos: unexpected date "${old}"`);
    const moved = new Date(Date.UTC(+y, +mo! - 1, +d!, +h!, +mi!, +s!) + seconds * 1000).toISOString();
    exif.setAscii(entry, `${moved.slice(0, 10).replace(/-/g, ':')} ${moved.slice(11, 19)}`);
  }
}

function dms(value: number): [number, number][] {
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  const min = Math.floor((abs - deg) * 60);
  const sec = (abs - deg - min / 60) * 3600;
  return [[deg, 1], [min, 1], [Math.round(sec * 10000), 10000]];
}

/** The photo placed at `lat`, `lon` (EXIF GPS and any XMP position), e.g. outside every task. */
export function movedTo(dir: string, lat: number, lon: number, opts: DeriveOptions = {}): string {
  const exif = new ExifBlock(sourceBytes(opts));
  return write(target(dir, 'moved', opts), editXmp(moveGps(exif, lat, lon), (xml) => moveXmpGps(xml, lat, lon), { optional: true }));
}

function moveGps(exif: ExifBlock, lat: number, lon: number): Buffer {
  const gps = exif.subIfd(GPS_POINTER);
  if (gps === null) throw new Error('derived-photos: the source has no GPS block to move');
  for (const entry of exif.entries(gps)) {
    if (entry.tag === 1) exif.setAscii(entry, lat < 0 ? 'S' : 'N');
    if (entry.tag === 2) exif.setRationals(entry, dms(lat));
    if (entry.tag === 3) exif.setAscii(entry, lon < 0 ? 'W' : 'E');
    if (entry.tag === 4) exif.setRationals(entry, dms(lon));
  }
  return exif.bytes;
}

function moveXmpGps(xml: string, lat: number, lon: number): string {
  return /drone-dji:GpsLatitude/.test(xml)
    ? setXmpProperty(setXmpProperty(xml, 'drone-dji:GpsLatitude', lat.toFixed(8)), 'drone-dji:GpsLongitude', lon.toFixed(8))
    : xml;
}

export interface Pose {
  lat: number;
  lon: number;
  /** Height above the take-off point (drone-dji:RelativeAltitude), m. */
  relAltM: number;
  /** Heading of the aircraft and the gimbal, degrees clockwise from north. */
  yawDeg: number;
  /** Capture time moved by this many seconds (a later flight). */
  timeShiftS: number;
}

/**
 * The photo as if taken at another pose: GPS position, height above take-off, gimbal and aircraft yaw, capture time
 * (and a capture id of its own); the gimbal pointing straight down. What a flight of a planned mission would write, pixels of the original.
 */
export function withPose(dir: string, pose: Pose, opts: DeriveOptions = {}): string {
  const exif = new ExifBlock(sourceBytes(opts));
  shiftDates(exif, pose.timeShiftS);
  const bytes = editXmp(moveGps(exif, pose.lat, pose.lon), (xml) => {
    let out = moveXmpGps(xml, pose.lat, pose.lon);
    out = setXmpProperty(out, 'drone-dji:RelativeAltitude', djiDegrees(pose.relAltM));
    out = setXmpProperty(out, 'drone-dji:GimbalYawDegree', djiDegrees(pose.yawDeg));
    out = setXmpProperty(out, 'drone-dji:FlightYawDegree', djiDegrees(pose.yawDeg));
    // A new trigger of the camera: multispectral DJIs group the files of one capture by this id.
    if (/drone-dji:CaptureUUID/.test(out)) out = setXmpProperty(out, 'drone-dji:CaptureUUID', randomUUID().replace(/-/g, ''));
    return setXmpProperty(out, 'drone-dji:GimbalPitchDegree', djiDegrees(-90));
  });
  return write(target(dir, 'posed', opts), bytes);
}
