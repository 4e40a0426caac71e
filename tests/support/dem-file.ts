import fs from 'node:fs';
import { writeArrayBuffer } from 'geotiff';

/**
 * Writes a synthetic elevation GeoTIFF (32-bit float, one band) with geotiff's writer: `cols` x `rows` cells of
 * `cell` units from the north-west corner (x0, y0) in EPSG `epsg` (4326: degrees; a UTM zone: metres), each cell
 * the height z(x, y) at its centre.
 */
export function writeDem(file: string, opts: { epsg: number; x0: number; y0: number; cell: number; cols: number; rows: number; z: (x: number, y: number) => number }): void {
  const values = new Float32Array(opts.cols * opts.rows);
  for (let r = 0; r < opts.rows; r++) {
    for (let c = 0; c < opts.cols; c++) values[r * opts.cols + c] = opts.z(opts.x0 + (c + 0.5) * opts.cell, opts.y0 - (r + 0.5) * opts.cell);
  }
  const geo = opts.epsg === 4326 ? { GeographicTypeGeoKey: 4326, GTModelTypeGeoKey: 2 } : { ProjectedCSTypeGeoKey: opts.epsg, GTModelTypeGeoKey: 1 };
  const buf = writeArrayBuffer(values, {
    width: opts.cols,
    height: opts.rows,
    ModelPixelScale: [opts.cell, opts.cell, 0],
    ModelTiepoint: [0, 0, 0, opts.x0, opts.y0, 0],
    GTRasterTypeGeoKey: 1,
    BitsPerSample: [32],
    SampleFormat: [3],
    ...geo,
  });
  fs.writeFileSync(file, Buffer.from(buf));
}
