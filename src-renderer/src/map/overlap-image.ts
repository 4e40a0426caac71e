import type { OverlapLayerInfo } from '../../../src-preload/contract.ts';
import { decodeValues, overlapPixels } from './overlap.ts';

// Kept apart from overlap.ts: this needs the DOM, the colour logic there is tested under Node.
/** Paints the raster into a PNG blob URL for a MapLibre image source (the caller revokes it when replaced). */
export async function overlapImageUrl(layer: OverlapLayerInfo): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = layer.cols;
  canvas.height = layer.rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the overlap layer (no 2D canvas).');
  ctx.putImageData(new ImageData(overlapPixels(decodeValues(layer.values)), layer.cols, layer.rows), 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The overlap layer could not be encoded.');
  return URL.createObjectURL(blob);
}
