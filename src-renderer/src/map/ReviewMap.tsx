import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MlMap, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from '../../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { PhotoFootprint } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { useImageList } from '../gallery/useImageList.ts';
import { formatPct, TASK_STATE_COLOURS, TASK_STATE_LABELS, type TaskState } from '../tasks/task-state.ts';
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
const MOSAIC_PREFIX = 'mosaic-';
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

type LayerGroup = 'mosaic' | 'footprints' | 'gaps' | 'points';
const GROUP_LAYERS: Record<LayerGroup, string[]> = {
  mosaic: [],
  footprints: ['footprint-fill', 'footprint-line'],
  gaps: ['gap-fill', 'gap-line'],
  points: ['photo-points'],
};
const GROUP_LABELS: Record<LayerGroup, string> = {
  mosaic: 'Photo mosaic',
  footprints: 'Footprints / overlap',
  gaps: 'Coverage gaps',
  points: 'Photo points',
};

function addOverlayLayers(map: MlMap): void {
  for (const id of ['footprints', 'gaps', 'tasks', 'points']) map.addSource(id, { type: 'geojson', data: EMPTY });
  // Footprints stack translucently, so ground seen by more photos reads darker: the overlap layer.
  map.addLayer({ id: 'footprint-fill', type: 'fill', source: 'footprints', paint: { 'fill-color': '#1565c0', 'fill-opacity': 0.12 } });
  map.addLayer({ id: 'footprint-line', type: 'line', source: 'footprints', paint: { 'line-color': '#0d47a1', 'line-width': 0.5, 'line-opacity': 0.5 } });
  map.addLayer({ id: 'gap-fill', type: 'fill', source: 'gaps', paint: { 'fill-color': '#d50000', 'fill-opacity': 0.45 } });
  map.addLayer({ id: 'gap-line', type: 'line', source: 'gaps', paint: { 'line-color': '#d50000', 'line-width': 2 } });
  map.addLayer({ id: 'task-fill', type: 'fill', source: 'tasks', paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.18 } });
  map.addLayer({ id: 'task-line', type: 'line', source: 'tasks', paint: { 'line-color': ['get', 'colour'], 'line-width': 3 } });
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

function setMosaic(map: MlMap, footprints: readonly PhotoFootprint[], mediaUrl: (id: number) => string, visible: boolean): void {
  const wanted = new Set(footprints.map((f) => `${MOSAIC_PREFIX}${f.id}`));
  for (const layer of map.getStyle().layers ?? []) {
    if (layer.id.startsWith(MOSAIC_PREFIX) && !wanted.has(layer.id)) {
      map.removeLayer(layer.id);
      map.removeSource(layer.id);
    }
  }
  for (const f of footprints) {
    const id = `${MOSAIC_PREFIX}${f.id}`;
    if (map.getSource(id)) continue;
    map.addSource(id, { type: 'image', url: mediaUrl(f.id), coordinates: f.corners });
    map.addLayer(
      { id, type: 'raster', source: id, paint: { 'raster-opacity': 0.95, 'raster-fade-duration': 0 }, layout: { visibility: visible ? 'visible' : 'none' } },
      'footprint-fill',
    );
  }
}

/** The review map: tasks by state with coverage, photo points by status, footprints, gaps, the thumbnail mosaic. */
export function ReviewMap({ tasks, revision, openPhoto }: ProjectContext) {
  const api = useApi();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  const [idle, setIdle] = useState(false);
  const [footprints, setFootprints] = useState<PhotoFootprint[]>([]);
  const [visible, setVisible] = useState<Record<LayerGroup, boolean>>({ mosaic: true, footprints: true, gaps: true, points: true });
  const [basemap, setBasemap] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { items } = useImageList({}, revision);
  const framed = useRef(false);
  const open = useRef(openPhoto);
  open.current = openPhoto;

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
    setMosaic(map, footprints, (id) => api.mediaUrl('thumb', id), visible.mosaic);
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
    // `visible.mosaic` is deliberately not a dependency: the visibility effect below applies toggles.
  }, [map, tasks, items, footprints, api]);

  useEffect(() => {
    if (!map) return;
    for (const group of Object.keys(GROUP_LAYERS) as LayerGroup[]) {
      const ids = group === 'mosaic' ? footprints.map((f) => `${MOSAIC_PREFIX}${f.id}`) : GROUP_LAYERS[group];
      for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
    }
  }, [map, visible, footprints]);

  const loadBasemap = async (file: File) => {
    if (!map) return;
    try {
      const firstOverlay = map.getStyle().layers?.find((l) => l.id.startsWith(MOSAIC_PREFIX))?.id ?? 'footprint-fill';
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
      <div className="map-wrap">
        <div
          ref={container}
          className="map"
          data-testid="review-map"
          data-ready={map !== null && idle}
          role="region"
          aria-label="Review map: click a photo point to open it"
        />
        <Legend />
      </div>
    </div>
  );
}

function Legend() {
  return (
    <aside className="legend" aria-label="Legend">
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
      <div>
        <span className="swatch" style={{ background: '#d50000' }} /> Gap
      </div>
    </aside>
  );
}
