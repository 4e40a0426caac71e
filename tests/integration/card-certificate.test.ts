/**
 * The card certificate, field by field: after a copy run, `report --json` carries per card every file's count and
 * bytes, every photo's md5 (the card's own bytes), the drone serial from EXIF, the skipped files with reasons, and
 * "safe to format" only when every photo has a verified copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterEach, describe, expect, it } from 'vitest';
import { runPostflight } from '../support/cli.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { listFiles, md5File } from '../support/card.ts';
import type { CardCertificate } from '../../src-main/ingest/certificate.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(rmTemp));

/** Three P4 Multispectral colour photos (they carry a serial) and one Phantom 3 photo, with a card's clutter. */
function makeMixedCard(): { root: string; photos: string[] } {
  const root = makeTemp('postflight-card-');
  temps.push(root);
  const dcim = path.join(root, 'DCIM', '100MEDIA');
  fs.mkdirSync(dcim, { recursive: true });
  const p4m = fs.readdirSync(path.join(sharedData, 'p4m_mirafiori')).filter((f) => f.endsWith('.JPG')).sort().slice(0, 3);
  for (const f of p4m) fs.copyFileSync(path.join(sharedData, 'p4m_mirafiori', f), path.join(dcim, f));
  fs.copyFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG'), path.join(dcim, 'DJI_9018.JPG'));
  fs.writeFileSync(path.join(root, 'DCIM', 'flight.log'), 'not a photo');
  fs.writeFileSync(path.join(root, '.Spotlight-V100'), 'hidden');
  return { root, photos: [...p4m, 'DJI_9018.JPG'].map((f) => `DCIM/100MEDIA/${f}`).sort() };
}

async function serialOf(file: string): Promise<string> {
  const t = (await exifr.parse(file, { xmp: true, tiff: true, exif: true })) as Record<string, unknown>;
  return String(t.BodySerialNumber ?? t.SerialNumber ?? t.DroneSerialNumber ?? t.CameraSerialNumber);
}

function cardsOf(dir: string): CardCertificate[] {
  const report = runPostflight(['report', '--project', dir, '--json']);
  expect(report.code, report.stderr).toBe(0);
  return (JSON.parse(report.stdout) as { cards: CardCertificate[] }).cards;
}

describe('the card certificate', () => {
  it('records every file, every photo md5, the drone serial and the skipped files; safe to format only when all are copied', async () => {
    const card = makeMixedCard();
    const dir = makeTemp();
    temps.push(dir);
    const ingest = runPostflight(['ingest', card.root, '--project', dir]);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stdout).toMatch(/Safe to format/);

    const [record, ...others] = cardsOf(dir);
    expect(others).toEqual([]);
    const files = listFiles(card.root);
    expect(record!.file_count).toBe(files.length);
    expect(record!.bytes).toBe(files.reduce((sum, f) => sum + fs.statSync(f).size, 0));
    expect(record!.photo_count).toBe(card.photos.length);
    expect(record!.photos_verified).toBe(card.photos.length);
    expect(record!.safe_to_format).toBe(true);
    expect(record!.unverified).toEqual([]);
    expect(record!.photos.map((p) => [p.path, p.size, p.md5, p.verified]).sort()).toEqual(
      card.photos.map((p) => [p, fs.statSync(path.join(card.root, p)).size, md5File(path.join(card.root, p)), true]),
    );
    // The drone that wrote most of the card's photos.
    expect(record!.drone_serial).toBe(await serialOf(path.join(card.root, card.photos[0]!)));
    expect(record!.skipped.map((s) => s.path).sort()).toEqual(['.Spotlight-V100', 'DCIM/flight.log']);
    for (const s of record!.skipped) expect(s.reason).toMatch(/\w{4}/);

    // A photo added to the card after the run has no verified copy: the next run's certificate says so until copied.
    fs.copyFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0019.JPG'), path.join(card.root, 'DCIM', '100MEDIA', 'DJI_9019.JPG'));
    const inPlace = runPostflight(['ingest', card.root, '--project', dir, '--in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stdout).not.toMatch(/Safe to format/);
    const copy = runPostflight(['ingest', card.root, '--project', dir]);
    expect(copy.code, copy.stderr).toBe(0);
    const [after] = cardsOf(dir);
    expect(after!.photo_count).toBe(card.photos.length + 1);
    expect(after!.photos.find((p) => p.path === 'DCIM/100MEDIA/DJI_9019.JPG')).toMatchObject({ verified: true });
    expect(after!.safe_to_format).toBe(true);
  });
});
