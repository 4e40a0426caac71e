/**
 * Reads one entry of a zip archive (a KMZ) without trusting it: the entry list comes from the central directory
 * (nothing is inflated to list it), only the chosen entry is inflated, and inflating stops at a byte cap and a
 * compression-ratio cap whatever sizes the archive declares. A KMZ holding a 1.5 GB entry (1.5 MB of zeros,
 * deflated) is refused after reading at most the cap, instead of filling the laptop's memory.
 */
import zlib from 'node:zlib';
import { AppError } from './errors.ts';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated */
  method: number;
  compressedSize: number;
  /** as declared by the archive: a hostile archive may lie, the inflate cap does not rely on it */
  declaredSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** the most bytes the entry may unpack to */
  maxBytes: number;
  /** the largest unpacked/packed ratio allowed once the entry is past 1 MB */
  maxRatio: number;
}

/** A task file or flight plan's KML is a few MB at most; 64 MB leaves room for a densely surveyed boundary. */
export const KMZ_LIMITS: ZipLimits = { maxBytes: 64 * 1024 * 1024, maxRatio: 200 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The archive's entries, from its central directory. `what` names the file for the pilot ("The task file"). */
export function listZipEntries(bytes: Uint8Array, what: string): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new AppError('invalid_input', `${what} is not a readable KMZ (zip) file (${why}).`);
  };
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) bad('no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  const cdSize = buf.readUInt32LE(end + 12);
  let at = buf.readUInt32LE(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || at === 0xffffffff) {
    throw new AppError('invalid_input', `${what} is a ZIP64 archive (over 4 GB or 65 535 entries); a KMZ is never that large.`);
  }
  if (at + cdSize > end) bad('its directory points past its end');
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) bad(`directory entry ${k + 1} is damaged`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const flags = buf.readUInt16LE(at + 8);
    entries.push({
      name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      declaredSize: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's bytes, inflated under the limits (refused with a worded error past them). */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, what: string, limits: ZipLimits = KMZ_LIMITS): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  const tooBig = (why: string): never => {
    throw new AppError('invalid_input', `${what}'s ${entry.name} would unpack to ${why}; it was not unpacked.`, { entry: entry.name });
  };
  const overCap = (size: string) => `${size}, more than the ${mb(limits.maxBytes)} a KMZ's document may hold`;
  if (entry.declaredSize > limits.maxBytes) tooBig(overCap(mb(entry.declaredSize)));
  const o = entry.localHeaderOffset;
  if (o + 30 > buf.length || buf.readUInt32LE(o) !== LOCAL) {
    throw new AppError('invalid_input', `${what} is not a readable KMZ (zip) file (its entry ${entry.name} is damaged).`);
  }
  const start = o + 30 + buf.readUInt16LE(o + 26) + buf.readUInt16LE(o + 28);
  if (start + entry.compressedSize > buf.length) {
    throw new AppError('invalid_input', `${what} is not a readable KMZ (zip) file (its entry ${entry.name} is cut short).`);
  }
  const packed = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (packed.length > limits.maxBytes) tooBig(overCap(mb(packed.length)));
    return packed;
  }
  if (entry.method !== 8) {
    throw new AppError('invalid_input', `${what}'s ${entry.name} is packed with method ${entry.method}; only stored and deflated entries are read.`);
  }
  // The cap is the smaller of the byte limit and the ratio allowed for this entry's packed size (at least 1 MB).
  const cap = Math.min(limits.maxBytes, Math.max(1024 * 1024, packed.length * limits.maxRatio));
  try {
    return zlib.inflateRawSync(packed, { maxOutputLength: cap });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      tooBig(
        cap < limits.maxBytes
          ? `more than ${limits.maxRatio} times its packed ${Math.ceil(packed.length / 1024)} kB (a zip bomb)`
          : overCap(`more than ${mb(cap)}`),
      );
    }
    throw new AppError('invalid_input', `${what}'s ${entry.name} cannot be unpacked: ${(err as Error).message}.`, { entry: entry.name });
  }
}
