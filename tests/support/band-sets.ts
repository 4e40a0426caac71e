/**
 * Multispectral band sets derived at test time from the real files in ../shared/data: MicaSense RedEdge captures
 * from the two real 16-bit band TIFFs (XMP edited: band, lens index, capture id), and Phantom 4 Multispectral
 * captures from the real RGB JPEGs plus 16-bit band TIFFs made from their pixels, tagged the way P4M bands are
 * (drone-dji:CaptureUUID + Camera:BandName). Nothing here is written outside the caller's temp folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { sharedData } from './paths.ts';

export const MICASENSE_BLUE = path.join(sharedData, 'metadata_samples', '0000SET_IMG_0001_1.tif');
export const MICASENSE_GREEN = path.join(sharedData, 'metadata_samples', '0000SET_IMG_0001_2.tif');
export const P4M_DIR = path.join(sharedData, 'p4m_mirafiori');

/**
 * Edits a file's XMP packet in place. Cameras pad the packet with whitespace, so the edited packet is fitted into
 * the same number of bytes and nothing else in the file moves (JPEG segment lengths and TIFF offsets stay right).
 */
export function rewriteXmp(bytes: Buffer, edit: (xmp: string) => string): Buffer {
  const text = bytes.toString('latin1');
  const start = text.indexOf('<x:xmpmeta');
  const endTag = '</x:xmpmeta>';
  const end = text.indexOf(endTag, start) + endTag.length;
  const trailer = text.indexOf('<?xpacket end', end);
  if (start < 0 || end < endTag.length || trailer < 0) throw new Error('no XMP packet with padding');
  const room = trailer - start;
  const edited = edit(text.slice(start, end));
  if (edited.length > room) throw new Error(`edited XMP is ${edited.length - room} bytes too long for its padding`);
  const out = Buffer.from(bytes);
  out.write(edited + ' '.repeat(room - edited.length), start, 'latin1');
  return out;
}

/** Replaces an XML element's text or an attribute's value (`<ns:Name>v</ns:Name>` or `ns:Name="v"`). */
export function setXmpValue(xmp: string, name: string, value: string): string {
  const element = new RegExp(`(<${name}>)[^<]*(</${name}>)`);
  if (element.test(xmp)) return xmp.replace(element, `$1${value}$2`);
  const attribute = new RegExp(`(${name}=")[^"]*(")`);
  if (attribute.test(xmp)) return xmp.replace(attribute, `$1${value}$2`);
  throw new Error(`${name} not in the XMP packet`);
}

/** Replaces every occurrence of an ASCII string by one of the same length (EXIF dates, ids). */
export function replaceAscii(bytes: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('same length only');
  const out = Buffer.from(bytes);
  const needle = Buffer.from(from, 'latin1');
  for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + 1)) out.write(to, i, 'latin1');
  return out;
}

/** Box-blurs the pixels of an uncompressed little-endian single-strip-run 16-bit TIFF (MicaSense's layout) in place. */
export function blurMicaSensePixels(bytes: Buffer, width = 1280, height = 960, radius = 4): Buffer {
  if (bytes.toString('latin1', 0, 2) !== 'II') throw new Error('expected a little-endian TIFF');
  const out = Buffer.from(bytes);
  const px = new Uint16Array(width * height);
  for (let i = 0; i < px.length; i++) px[i] = out.readUInt16LE(8 + 2 * i);
  const pass = (src: Uint16Array, horizontal: boolean): Uint16Array => {
    const dst = new Uint16Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let n = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = horizontal ? x + k : x;
          const yy = horizontal ? y : y + k;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          sum += src[yy * width + xx]!;
          n++;
        }
        dst[y * width + x] = Math.round(sum / n);
      }
    }
    return dst;
  };
  const blurred = pass(pass(px, true), false);
  for (let i = 0; i < blurred.length; i++) out.writeUInt16LE(blurred[i]!, 8 + 2 * i);
  return out;
}

export const MICASENSE_BANDS = [
  { band: 'Blue', index: 0, from: MICASENSE_BLUE },
  { band: 'Green', index: 1, from: MICASENSE_GREEN },
  { band: 'Red', index: 2, from: MICASENSE_BLUE },
  { band: 'NIR', index: 3, from: MICASENSE_GREEN },
  { band: 'Red edge', index: 4, from: MICASENSE_BLUE },
] as const;

/**
 * One MicaSense RedEdge capture: IMG_<n>_<1..5>.tif with the given 20-character capture id. `blur` lists band names
 * whose pixels are box-blurred; `omit` band names not written.
 */
export function writeMicaSenseCapture(dir: string, n: number, captureId: string, opts: { blur?: string[]; omit?: string[] } = {}): string[] {
  if (captureId.length !== 20) throw new Error('MicaSense capture ids are 20 characters');
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const b of MICASENSE_BANDS) {
    if (opts.omit?.includes(b.band)) continue;
    let bytes = rewriteXmp(fs.readFileSync(b.from), (xmp) => {
      let x = setXmpValue(xmp, 'Camera:BandName', b.band);
      x = setXmpValue(x, 'Camera:RigCameraIndex', String(b.index));
      return setXmpValue(x, 'MicaSense:CaptureId', captureId);
    });
    if (opts.blur?.includes(b.band)) bytes = blurMicaSensePixels(bytes);
    const file = path.join(dir, `IMG_${String(n).padStart(4, '0')}_${b.index + 1}.tif`);
    fs.writeFileSync(file, bytes);
    written.push(file);
  }
  return written;
}

export const P4M_BANDS = [
  { band: 'Blue', index: 1, channel: 2 },
  { band: 'Green', index: 2, channel: 1 },
  { band: 'Red', index: 3, channel: 0 },
  { band: 'RedEdge', index: 4, channel: 0 },
  { band: 'NIR', index: 5, channel: 1 },
] as const;

export interface P4mCaptureOptions {
  /** Overrides of the RGB image's DJI XMP attributes (e.g. RelativeAltitude) before the bands copy them. */
  xmp?: Record<string, string>;
  /** A new CaptureUUID (32 hex characters) instead of the photo's own. */
  captureUuid?: string;
  /** Replace the EXIF date-time string (same length) in the RGB image. */
  time?: { from: string; to: string };
  omit?: string[];
  /** Bands written blurred (Gaussian sigma 4). */
  blur?: string[];
}

/**
 * One Phantom 4 Multispectral capture from a real P4M RGB photo: the JPEG (XMP edited as asked) and five 16-bit
 * single-channel band TIFFs (colour channels of its pixels, left-aligned in 16 bits) carrying its CaptureUUID,
 * position, altitudes and gimbal angles in drone-dji XMP and the band in Camera:BandName / RigCameraIndex.
 */
export async function writeP4mCapture(dir: string, photo: string, opts: P4mCaptureOptions = {}): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  let rgb: Buffer = fs.readFileSync(path.join(P4M_DIR, photo));
  if (opts.time) rgb = replaceAscii(rgb, opts.time.from, opts.time.to);
  rgb = rewriteXmp(rgb, (xmp) => {
    let x = xmp;
    for (const [k, v] of Object.entries(opts.xmp ?? {})) x = setXmpValue(x, `drone-dji:${k}`, v);
    return opts.captureUuid ? setXmpValue(x, 'drone-dji:CaptureUUID', opts.captureUuid) : x;
  });
  const stem = path.basename(photo, path.extname(photo));
  const rgbFile = path.join(dir, `${stem}.JPG`);
  fs.writeFileSync(rgbFile, rgb);
  const written = [rgbFile];
  const packet = rgb.toString('latin1');
  const attr = (name: string) => new RegExp(`drone-dji:${name}="([^"]*)"`).exec(packet)?.[1] ?? '';
  const time = /\d{4}:\d\d:\d\d \d\d:\d\d:\d\d/.exec(rgb.toString('latin1'))![0].replace(/^(\d{4}):(\d\d):(\d\d) /, '$1-$2-$3T');
  const { data, info } = await sharp(rgb).raw().toBuffer({ resolveWithObject: true });
  for (const b of P4M_BANDS) {
    if (opts.omit?.includes(b.band)) continue;
    const px = new Uint16Array(info.width * info.height);
    for (let i = 0; i < px.length; i++) px[i] = data[i * info.channels + b.channel]! * 256;
    const djiNames = ['CaptureUUID', 'GpsLatitude', 'GpsLongitude', 'AbsoluteAltitude', 'RelativeAltitude', 'GimbalPitchDegree', 'GimbalYawDegree', 'GimbalRollDegree', 'FlightYawDegree'];
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="DJI Meta Data" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" ' +
      'xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" xmlns:Camera="http://pix4d.com/camera/1.0" ' +
      `tiff:Make="DJI" tiff:Model="FC6360" exif:DateTimeOriginal="${time}" ` +
      djiNames.map((n) => `drone-dji:${n}="${attr(n)}"`).join(' ') +
      ` Camera:BandName="${b.band}" Camera:RigCameraIndex="${b.index}"/></rdf:RDF></x:xmpmeta>`;
    let image = sharp(px, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('grey16');
    if (opts.blur?.includes(b.band)) image = image.blur(4);
    const file = path.join(dir, `${stem.replace(/0$/, '')}${b.index}.TIF`);
    fs.writeFileSync(file, await image.withXmp(xmp).tiff({ compression: 'lzw' }).toBuffer());
    written.push(file);
  }
  return written;
}
