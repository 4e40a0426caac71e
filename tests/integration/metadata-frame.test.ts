/**
 * Ingest reads a JPEG's size from its frame header instead of asking sharp (issue 18): the same answer as sharp's
 * metadata() for every shared photo, and null (so sharp looks) for anything that is not a plain 8-bit JPEG.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegFrame } from '../../src-main/ingest/metadata.ts';
import { sharedData } from '../support/paths.ts';

const jpegs = ['brighton_beach', 'p4m_mirafiori', 'metadata_samples'].flatMap((d) =>
  fs.readdirSync(path.join(sharedData, d), { recursive: true, encoding: 'utf8' }).filter((f) => /\.jpe?g$/i.test(f)).map((f) => path.join(sharedData, d, f)),
);

describe('jpegFrame', () => {
  it('gives the stored size sharp gives, for every shared JPEG it accepts', async () => {
    let read = 0;
    for (const file of jpegs) {
      const bytes = fs.readFileSync(file);
      const frame = jpegFrame(bytes);
      const info = await sharp(bytes).metadata().catch(() => null);
      if (!frame) continue;
      read++;
      expect(info, file).not.toBeNull();
      expect({ width: frame.width, height: frame.height, format: 'jpeg', depth: 'uchar' }, file).toEqual({ width: info!.width, height: info!.height, format: info!.format, depth: info!.depth });
    }
    expect(read).toBeGreaterThanOrEqual(jpegs.length * 0.8);
  });

  it('leaves everything else to sharp: other formats, cut headers, 12-bit and lossless frames', async () => {
    const photo = fs.readFileSync(jpegs.find((f) => f.includes('brighton_beach'))!);
    expect(jpegFrame(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).png().toBuffer())).toBeNull();
    expect(jpegFrame(photo.subarray(0, 200))).toBeNull();
    expect(jpegFrame(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    const sof = (marker: number, precision: number) => Buffer.from([0xff, 0xd8, 0xff, marker, 0, 17, precision, 0, 16, 0, 32, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    expect(jpegFrame(sof(0xc0, 8))).toEqual({ width: 32, height: 16 });
    expect(jpegFrame(sof(0xc0, 12))).toBeNull();
    expect(jpegFrame(sof(0xc3, 8))).toBeNull();
  });
});
