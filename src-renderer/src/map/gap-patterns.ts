import type { Map as MlMap } from 'maplibre-gl';
import { GAP_KINDS, gapPatternId, type GapKind } from './layers.ts';

// Kept apart from map-style.ts: this needs the DOM, the style data there is tested under Node.
/** Draws the hatching of each gap kind into the map's sprite (offline: made here, never fetched). */
export function addGapPatterns(map: MlMap): void {
  for (const kind of Object.keys(GAP_KINDS) as GapKind[]) {
    const { stripe, ground } = GAP_KINDS[kind];
    const size = 16;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = ground;
    ctx.globalAlpha = 0.55;
    ctx.fillRect(0, 0, size, size);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = stripe;
    ctx.lineWidth = kind === 'unphotographed' ? 5 : 3;
    ctx.beginPath();
    // Diagonal stripes for no photo, a cross-hatch for too few photos: told apart by shape too.
    for (const o of [-size, 0, size]) {
      ctx.moveTo(o, size);
      ctx.lineTo(o + size, 0);
      if (kind === 'thin_overlap') {
        ctx.moveTo(o, 0);
        ctx.lineTo(o + size, size);
      }
    }
    ctx.stroke();
    const id = gapPatternId(kind);
    if (map.hasImage(id)) map.removeImage(id);
    map.addImage(id, ctx.getImageData(0, 0, size, size));
  }
}

