/**
 * Zip archives with entries far larger unpacked than packed, built without ever holding the unpacked bytes: a
 * deflate stream of zeros is the same bytes for every 16 MB once each chunk ends in a full flush, so a 1.5 GB entry
 * is 96 copies of a 16 KB block (1.5 MB on disk).
 */
import zlib from 'node:zlib';

const CHUNK = 16 * 1024 * 1024;

export interface ZipItem {
  name: string;
  /** the entry's packed bytes (raw deflate for method 8) */
  packed: Buffer;
  method: 0 | 8;
  /** the size written in the headers (a hostile archive may write a small one) */
  declaredSize: number;
  crc: number;
}

/** An entry of `size` zero bytes (a multiple of 16 MB), deflated. */
export function zeroEntry(name: string, size: number, declaredSize = size): ZipItem {
  if (size % CHUNK !== 0) throw new Error('size must be a multiple of 16 MB');
  const zeros = Buffer.alloc(CHUNK);
  const block = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  // A final empty block with fixed codes ends the stream.
  const packed = Buffer.concat([...Array<Buffer>(size / CHUNK).fill(block), Buffer.from([0x03, 0x00])]);
  let crc = 0;
  for (let i = 0; i < size / CHUNK; i++) crc = zlib.crc32(zeros, crc);
  return { name, packed, method: 8, declaredSize, crc };
}

export function deflatedEntry(name: string, data: Buffer | string): ZipItem {
  const bytes = Buffer.from(data);
  return { name, packed: zlib.deflateRawSync(bytes), method: 8, declaredSize: bytes.length, crc: zlib.crc32(bytes) };
}

/** A zip archive (no ZIP64, no data descriptors) of the items, in order. */
export function zipOf(items: ZipItem[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const item of items) {
    const name = Buffer.from(item.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(item.method, 8);
    local.writeUInt32LE(item.crc >>> 0, 14);
    local.writeUInt32LE(item.packed.length, 18);
    local.writeUInt32LE(item.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(item.method, 10);
    central.writeUInt32LE(item.crc >>> 0, 16);
    central.writeUInt32LE(item.packed.length, 20);
    central.writeUInt32LE(item.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, item.packed);
    centrals.push(central, name);
    offset += local.length + name.length + item.packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(items.length, 8);
  end.writeUInt16LE(items.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
