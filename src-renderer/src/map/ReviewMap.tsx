import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, ImageSource, Map as MlMap, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from '../../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { OdmRunInfo, PhotoFootprint, ReflyPlanInfo, TaskInfo } from '../../../src-preload/contract.ts';
import type { ApiClient } from '../api/client.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { useImageList } from '../gallery/useImageList.ts';
import { ReflyPanel } from '../refly/ReflyPanel.tsx';
import { reflyMapFeatures } from '../refly/refly.ts';
import {
  formatPct, GAP_KIND_COLOURS, GAP_KIND_LABELS, TASK_STATE_COLOURS, TASK_STATE_LABELS, type GapKind, type TaskState,
} from '../tasks/task-state.ts';
import { addPmtilesBasemap, removeBasemap } from './basemap.ts';
import {
  dataBounds,
  footprintFeatures,
  gapCollection,
  labelPoint,
  pointFeatures,
  STATUS_COLOURS,
  STATUS_LABELS,
  taskFeatures,
} from './layers.ts';
import { imageCorners, OVERLAP_BANDS } from './overlap.ts';
import { overlapImageUrl } from './overlap-image.ts';

declare global {
  interface Window {
    /** The review map, for the end-to-end tests to query what is drawn. */
    __postflightMap?: MlMap;
  }
}

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);

/** No tiles by default: a plain background, so nothing is fetched unless the pilot adds a basemap file. */
const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#cfd6dc' } }],
};
/** Georeferenced thumbnails are the offline basemap; this many keeps the GPU and the media route comfortable. */
const MOSAIC_LIMIT = 400;
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

type Corners = [[number, number], [number, number], [number, number], [number, number]];
/** A georeferenced picture on the map (thumbnail, orthophoto, overlap raster): one image source and its raster layer. */
interface ImageLayer {
  key: string;
  url: string;
  corners: Corners;
}

/** Groups of image layers, by layer id prefix, bottom to top: photo mosaic, orthophotos, the overlap raster. */
const IMAGE_GROUPS = {
  mosaic: { prefix: 'mosaic-', opacity: 0.95, nearest: false },
  orthophoto: { prefix: 'ortho-', opacity: 1, nearest: false },
  overlap: { prefix: 'overlap-', opacity: 0.65, nearest: true },
} as const;
type ImageGroup = keyof typeof IMAGE_GROUPS;

type LayerGroup = ImageGroup | 'footprints' | 'gaps' | 'points';
const GROUP_LAYERS: Record<Exclude<LayerGroup, ImageGroup>, string[]> = {
  footprints: ['footprint-fill', 'footprint-line'],
  gaps: ['gap-fill', 'gap-line'],
  points: ['photo-points'],
};
const GROUP_LABELS: Record<LayerGroup, string> = {
  mosaic: 'Photo mosaic',
  orthophoto: 'Orthophoto (ODM)',
  overlap: 'Overlap',
  footprints: 'Footprints',
  gaps: 'Coverage gaps',
  points: 'Photo points',
};
const isImageGroup = (g: LayerGroup): g is ImageGroup => g in IMAGE_GROUPS;

const layersWithPrefix = (map: MlMap, prefix: string): string[] =>
  (map.getStyle().layers ?? []).filter((l) => l.id.startsWith(prefix)).map((l) => l.id);

/** Where a group's layers go: below the first layer of a group above it, else below the vector overlays. */
function layerAbove(map: MlMap, group: ImageGroup): string {
  const order = Object.keys(IMAGE_GROUPS) as ImageGroup[];
  for (const above of order.slice(order.indexOf(group) + 1)) {
    const first = layersWithPrefix(map, IMAGE_GROUPS[above].prefix)[0];
    if (first) return first;
  }
  return group === 'overlap' ? 'gap-fill' : 'footprint-fill';
}

/** Makes the map's image layers of a group exactly `wanted`: gone ones removed, changed pictures replaced. */
function setImageLayers(map: MlMap, group: ImageGroup, wanted: readonly ImageLayer[], visible: boolean): void {
  const { prefix, opacity, nearest } = IMAGE_GROUPS[group];
  const ids = new Set(wanted.map((w) => `${prefix}${w.key}`));
  for (const id of layersWithPrefix(map, prefix)) {
    if (ids.has(id)) continue;
    map.removeLayer(id);
    map.removeSource(id);
  }
  for (const w of wanted) {
    const id = `${prefix}${w.key}`;
    const source = map.getSource(id) as ImageSource | undefined;
    if (source) {
      if (source.url !== w.url) source.updateImage({ url: w.url, coordinates: w.corners });
      continue;
    }
    map.addSource(id, { type: 'image', url: w.url, coordinates: w.corners });
    map.addLayer(
      {
        id,
        type: 'raster',
        source: id,
        paint: { 'raster-opacity': opacity, 'raster-fade-duration': 0, ...(nearest ? { 'raster-resampling': 'nearest' as const } : {}) },
        layout: { visibility: visible ? 'visible' : 'none' },
      },
      layerAbove(map, group),
    );
  }
}

/** The overlap raster of every task with coverage, painted into PNG blob URLs (revoked when replaced). */
function useOverlapImages(api: ApiClient, tasks: readonly TaskInfo[], onError: (message: string) => void): ImageLayer[] {
  const [images, setImages] = useState<ImageLayer[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    const withCoverage = tasks.filter((t) => t.coveragePct !== null);
    Promise.all(
      withCoverage.map(async (t) => {
        const layer = await api.call('coverage.overlapLayer', { taskId: t.taskId });
        const url = await overlapImageUrl(layer);
        made.push(url);
        return { key: t.taskId, url, corners: imageCorners(layer) };
      }),
    ).then(
      (list) => live && setImages(list),
      (e: unknown) => live && onError(errorMessage(e)),
    );
    return () => {
      live = false;
      // The map has copied the pixels once loaded; a newer raster replaces these.
      setTimeout(() => made.forEach((u) => URL.revokeObjectURL(u)), 5000);
    };
  }, [api, tasks, onError]);
  return images;
}

/** The newest finished orthophoto of each verified task, as served by run id through the media route. */
function useOrthophotos(api: ApiClient, tasks: readonly TaskInfo[], revision: number, onError: (message: string) => void): ImageLayer[] {
  const [images, setImages] = useState<ImageLayer[]>([]);
  useEffect(() => {
    let live = true;
    Promise.all(tasks.filter((t) => t.verified).map((t) => api.call('odm.runs', { taskId: t.taskId }))).then(
      (runsPerTask) => {
        const latest = runsPerTask.flatMap((runs) => runs.filter((r: OdmRunInfo) => r.state === 'done' && r.overlay).slice(0, 1));
        if (live) setImages(latest.map((r) => ({ key: r.id, url: api.mediaUrl('overlay', r.id), corners: r.overlay!.corners as Corners })));
      },
      (e: unknown) => live && onError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, tasks, revision, onError]);
  return images;
}

/** Planned re-fly lines and photo points: yellow, apart from the task, gap and photo colours. */
const REFLY_COLOUR = '#ffd600';

function addOverlayLayers(map: MlMap): void {
  for (const id of ['footprints', 'gaps', 'tasks', 'points', 'refly']) map.addSource(id, { type: 'geojson', data: EMPTY });
  // Footprints stack translucently, so ground seen by more photos reads darker: the overlap layer.
  map.addLayer({ id: 'footprint-fill', type: 'fill', source: 'footprints', paint: { 'fill-color': '#1565c0', 'fill-opacity': 0.12 } });
  map.addLayer({ id: 'footprint-line', type: 'line', source: 'footprints', paint: { 'line-color': '#0d47a1', 'line-width': 0.5, 'line-opacity': 0.5 } });
  // Gaps by kind: no photos here vs too little overlap.
  const gapColour = ['match', ['get', 'kind'], 'unphotographed', GAP_KIND_COLOURS.unphotographed, GAP_KIND_COLOURS.thin_overlap] as never;
  map.addLayer({ id: 'gap-fill', type: 'fill', source: 'gaps', paint: { 'fill-color': gapColour, 'fill-opacity': 0.45 } });
  map.addLayer({ id: 'gap-line', type: 'line', source: 'gaps', paint: { 'line-color': gapColour, 'line-width': 2 } });
  map.addLayer({ id: 'task-fill', type: 'fill', source: 'tasks', paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.18 } });
  map.addLayer({ id: 'task-line', type: 'line', source: 'tasks', paint: { 'line-color': ['get', 'colour'], 'line-width': 3 } });
  map.addLayer({ id: 'refly-line', type: 'line', source: 'refly', filter: ['==', ['get', 'role'], 'line'], paint: { 'line-color': REFLY_COLOUR, 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'refly-photo',
    type: 'circle',
    source: 'refly',
    filter: ['==', ['get', 'role'], 'photo'],
    paint: { 'circle-radius': 3, 'circle-color': REFLY_COLOUR, 'circle-stroke-color': '#000000', 'circle-stroke-width': 1 },
  });
  map.addLayer({
    id: 'photo-points',
    type: 'circle',
    source: 'points',
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 18, 8],
      'circle-color': ['get', 'colour'],
      'circle-stroke-color': '#000000',
      'circle-stroke-width': ['case', ['get', 'decided'], 2.5, 1],
    },
  });
}

/**
 * The review map: tasks by state with coverage, photo points by status, footprints, gaps, the overlap raster, ODM
 * orthophotos and the thumbnail mosaic.
 */
export function ReviewMap({ tasks, revision, openPhoto }: ProjectContext) {
  const api = useApi();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  const [idle, setIdle] = useState(false);
  const [footprints, setFootprints] = useState<PhotoFootprint[]>([]);
  const [visible, setVisible] = useState<Record<LayerGroup, boolean>>({
    mosaic: true,
    orthophoto: true,
    overlap: true,
    footprints: true,
    gaps: true,
    points: true,
  });
  const [basemap, setBasemap] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { items } = useImageList({}, revision);
  const framed = useRef(false);
  const open = useRef(openPhoto);
  open.current = openPhoto;
  const overlap = useOverlapImages(api, tasks, setError);
  const [reflyPlan, setReflyPlan] = useState<ReflyPlanInfo | null>(null);
  const orthophotos = useOrthophotos(api, tasks, revision, setError);

  useEffect(() => {
    const m = new maplibregl.Map({ container: container.current!, style: OFFLINE_STYLE, center: [0, 0], zoom: 1, attributionControl: false });
    m.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    m.on('load', () => {
      addOverlayLayers(m);
      setMap(m);
    });
    m.on('click', 'photo-points', (e) => {
      const id = Number(e.features?.[0]?.properties?.id);
      if (Number.isFinite(id)) open.current(id);
    });
    m.on('mouseenter', 'photo-points', () => (m.getCanvas().style.cursor = 'pointer'));
    m.on('mouseleave', 'photo-points', () => (m.getCanvas().style.cursor = ''));
    window.__postflightMap = m;
    return () => {
      delete window.__postflightMap;
      m.remove();
    };
  }, []);

  useEffect(() => {
    if (!map) return;
    (map.getSource('refly') as GeoJSONSource).setData(reflyMapFeatures(reflyPlan) as never);
  }, [map, reflyPlan]);

  useEffect(() => {
    api.call('images.footprints', { limit: MOSAIC_LIMIT }).then(setFootprints, (e: unknown) => setError(errorMessage(e)));
  }, [api, revision]);

  useEffect(() => {
    if (!map) return;
    setIdle(false);
    const taskData = taskFeatures(tasks);
    const pointData = pointFeatures(items);
    (map.getSource('tasks') as GeoJSONSource).setData(taskData as never);
    (map.getSource('points') as GeoJSONSource).setData(pointData as never);
    (map.getSource('footprints') as GeoJSONSource).setData(footprintFeatures(footprints) as never);
    (map.getSource('gaps') as GeoJSONSource).setData(gapCollection(tasks) as never);
    const thumbs = footprints.map((f) => ({ key: String(f.id), url: api.mediaUrl('thumb', f.id), corners: f.corners }));
    setImageLayers(map, 'mosaic', thumbs, visible.mosaic);
    setImageLayers(map, 'orthophoto', orthophotos, visible.orthophoto);
    setImageLayers(map, 'overlap', overlap, visible.overlap);
    const bounds = dataBounds(taskData, pointData);
    if (bounds && !framed.current) {
      framed.current = true;
      map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 19 });
    }
    const markers = tasks.flatMap((t) => {
      const at = labelPoint(t.geometry);
      if (!at) return [];
      const el = document.createElement('div');
      el.className = 'task-label';
      el.textContent = `${t.taskId} · ${formatPct(t.coveragePct)}`;
      return [new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map)];
    });
    map.once('idle', () => setIdle(true));
    return () => markers.forEach((m) => m.remove());
    // `visible` is deliberately not a dependency: the visibility effect below applies toggles.
  }, [map, tasks, items, footprints, orthophotos, overlap, api]);

  useEffect(() => {
    if (!map) return;
    for (const group of Object.keys(GROUP_LABELS) as LayerGroup[]) {
      const ids = isImageGroup(group) ? layersWithPrefix(map, IMAGE_GROUPS[group].prefix) : GROUP_LAYERS[group];
      for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
    }
  }, [map, visible, footprints, orthophotos, overlap]);

  const loadBasemap = async (file: File) => {
    if (!map) return;
    try {
      const firstOverlay = map.getStyle().layers?.find((l) => l.id.startsWith(IMAGE_GROUPS.mosaic.prefix))?.id ?? layerAbove(map, 'mosaic');
      const { kind } = await addPmtilesBasemap(map, file, firstOverlay);
      setBasemap(`${file.name} (${kind})`);
      setError(null);
    } catch (err) {
      setError(`${file.name}: ${errorMessage(err)}`);
    }
  };

  return (
    <div className="panel map-view">
      <div className="map-tools" role="group" aria-label="Map layers">
        {(Object.keys(GROUP_LABELS) as LayerGroup[]).map((g) => (
          <label key={g} className="check">
            <input type="checkbox" checked={visible[g]} onChange={(e) => setVisible({ ...visible, [g]: e.currentTarget.checked })} />
            {GROUP_LABELS[g]}
          </label>
        ))}
        <label>
          Offline basemap (.pmtiles){' '}
          <input
            type="file"
            accept=".pmtiles"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void loadBasemap(file);
            }}
          />
        </label>
        {basemap && (
          <span>
            Basemap: {basemap}{' '}
            <button
              type="button"
              onClick={() => {
                if (map) removeBasemap(map);
                setBasemap(null);
              }}
            >
              Remove
            </button>
          </span>
        )}
        {error && <span role="alert" className="error">{error}</span>}
      </div>
      <ReflyPanel tasks={tasks} onPlan={setReflyPlan} />
      <div className="map-wrap">
        <div
          ref={container}
          className="map"
          data-testid="review-map"
          data-ready={map !== null && idle}
          role="region"
          aria-label="Review map: click a photo point to open it"
        />
        <Legend overlap={visible.overlap} refly={reflyPlan !== null} />
      </div>
    </div>
  );
}

function Legend({ overlap, refly }: { overlap: boolean; refly: boolean }) {
  return (
    <aside className="legend" aria-label="Legend">
      {overlap && (
        <>
          <h3>Overlap</h3>
          {OVERLAP_BANDS.map((b) => (
            <div key={b.id} data-testid={`legend-overlap-${b.id}`}>
              <span className="swatch" style={{ background: `rgb(${b.rgba.slice(0, 3).join(' ')})` }} /> {b.label}
            </div>
          ))}
        </>
      )}
      <h3>Tasks</h3>
      {(Object.keys(TASK_STATE_LABELS) as TaskState[]).map((s) => (
        <div key={s}>
          <span className="swatch" style={{ background: TASK_STATE_COLOURS[s] }} /> {TASK_STATE_LABELS[s]}
        </div>
      ))}
      <h3>Photos</h3>
      {(Object.keys(STATUS_LABELS) as (keyof typeof STATUS_LABELS)[]).map((s) => (
        <div key={s}>
          <span className="swatch round" style={{ background: STATUS_COLOURS[s] }} /> {STATUS_LABELS[s]}
        </div>
      ))}
      <h3>Gaps</h3>
      {(Object.keys(GAP_KIND_LABELS) as GapKind[]).map((k) => (
        <div key={k} data-testid={`legend-gap-${k}`}>
          <span className="swatch" style={{ background: GAP_KIND_COLOURS[k] }} /> {GAP_KIND_LABELS[k]}
        </div>
      ))}
      {refly && (
        <div data-testid="legend-refly">
          <span className="swatch" style={{ background: REFLY_COLOUR }} /> Re-fly lines and photo points
        </div>
      )}
    </aside>
  );
}
