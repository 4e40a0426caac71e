import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap } from 'maplibre-gl';
import { FileSource, PMTiles, Protocol, TileType } from 'pmtiles';

/** One PMTiles protocol for the page; each added basemap file is registered with it by name. */
let protocol: Protocol | null = null;
function pmtilesProtocol(): Protocol {
  if (!protocol) {
    protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  return protocol;
}

export const BASEMAP_SOURCE = 'basemap';
const BASEMAP_LAYER_PREFIX = 'basemap-';

export function removeBasemap(map: MlMap): void {
  for (const layer of map.getStyle().layers ?? []) {
    if (layer.id.startsWith(BASEMAP_LAYER_PREFIX)) map.removeLayer(layer.id);
  }
  if (map.getSource(BASEMAP_SOURCE)) map.removeSource(BASEMAP_SOURCE);
}

/**
 * Adds an offline basemap from a PMTiles file the pilot picked. The file is read in place by byte ranges (nothing
 * goes over the network): raster archives draw as imagery, vector archives as plain outlines of every layer they hold.
 */
export async function addPmtilesBasemap(map: MlMap, file: File, beforeLayerId: string | undefined): Promise<{ kind: 'raster' | 'vector' }> {
  const archive = new PMTiles(new FileSource(file));
  const header = await archive.getHeader();
  pmtilesProtocol().add(archive);
  removeBasemap(map);
  const url = `pmtiles://${file.name}`;
  if (header.tileType === TileType.Mvt) {
    const metadata = (await archive.getMetadata()) as { vector_layers?: { id: string }[] };
    map.addSource(BASEMAP_SOURCE, { type: 'vector', url });
    for (const layer of metadata.vector_layers ?? []) {
      map.addLayer(
        {
          id: `${BASEMAP_LAYER_PREFIX}${layer.id}`,
          type: 'line',
          source: BASEMAP_SOURCE,
          'source-layer': layer.id,
          paint: { 'line-color': '#7a8a99', 'line-width': 0.8 },
        },
        beforeLayerId,
      );
    }
    return { kind: 'vector' };
  }
  map.addSource(BASEMAP_SOURCE, { type: 'raster', url, tileSize: 256 });
  map.addLayer({ id: `${BASEMAP_LAYER_PREFIX}raster`, type: 'raster', source: BASEMAP_SOURCE }, beforeLayerId);
  return { kind: 'raster' };
}
