import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, ImageSource, Map as MlMap, MapGeoJSONFeature, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from '../../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { FlightPlanInfo, OdmRunInfo, PhotoFootprint, ReflyPlanInfo, RtkPoint, TaskInfo } from '../../../src-preload/contract.ts';
import type { ApiClient } from '../api/client.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import type { ProjectContext } from '../common/project-context.ts';
import { useImageList } from '../gallery/useImageList.ts';
import { ReflyPanel } from '../refly/ReflyPanel.tsx';
import { reflyMapFeatures } from '../refly/refly.ts';
import { formatPct, gapTally, GAP_KIND_LABELS, taskState, taskStateBorder, TASK_STATE_LABELS } from '../tasks/task-state.ts';
import { useDocumentTheme } from '../theme/use-document-theme.ts';
import { addPmtilesBasemap, removeBasemap } from './basemap.ts';
import {
  dataBounds,
  footprintFeatures,
  gapCollection,
  planCollection,
  geometryBounds,
  indexFootprints,
  LABEL_PRIORITY,
  labelPoint,
  placeLabels,
  pointFeatures,
  rtkFeatures,
  taskFeatures,
  thumbnailsInView,
  type Bounds,
  type MapTheme,
} from './layers.ts';
import { addGapPatterns } from './gap-patterns.ts';
import {
  applyOverlayTheme,
  GROUP_LABELS,
  LEGEND,
  OVERLAY_LAYERS,
  OVERLAY_SOURCES,
  overlayLayerSpec,
  type LayerGroup,
} from './map-style.ts';
import { imageCorners } from './overlap.ts';
import { overlapImageUrl } from './overlap-image.ts';

declare const __POSTFLIGHT_TEST_HOOKS__: boolean;
declare global {
  interface Window {
    /** The review map, for the end-to-end tests to query what is drawn (only in a build made for the tests). */
    __postflightMap?: MlMap;
  }
}

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);

/** No tiles by default: a plain background, so nothing is fetched unless the pilot adds a basemap file. */
const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#3a4148' } }],
};
const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** Footprints are read in pages of this many (every one is drawn: 10k photos are ~2 MB of corners). */
const FOOTPRINT_PAGE = 5000;
const NO_FOOTPRINTS: PhotoFootprint[] = [];
const NO_PLANS: FlightPlanInfo[] = [];
const NO_IMAGES: ImageLayer[] = [];
const NO_RTK: RtkPoint[] = [];

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
    const source = map.getSource<ImageSource>(id);
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
  const query = useQuery(
    (signal) => {
      const made: string[] = [];
      // Replaced (or the map closed): the map has copied the pixels once loaded; a newer raster replaces these.
      signal.addEventListener('abort', () => setTimeout(() => made.forEach((u) => URL.revokeObjectURL(u)), 5000));
      const withCoverage = tasks.filter((t) => t.coveragePct !== null);
      return Promise.all(
        withCoverage.map(async (t) => {
          const layer = await api.call('coverage.overlapLayer', { taskId: t.taskId });
          const url = await overlapImageUrl(layer);
          made.push(url);
          return { key: t.taskId, url, corners: imageCorners(layer) };
        }),
      );
    },
    [api, tasks],
    { onError },
  );
  return query.data ?? NO_IMAGES;
}

/** The newest finished orthophoto of each verified task, as served by run id through the media route. */
function useOrthophotos(api: ApiClient, tasks: readonly TaskInfo[], revision: number, onError: (message: string) => void): ImageLayer[] {
  const query = useQuery(
    async () => {
      const runsPerTask = await Promise.all(tasks.filter((t) => t.verified).map((t) => api.call('odm.runs', { taskId: t.taskId })));
      const latest = runsPerTask.flatMap((runs) => runs.filter((r: OdmRunInfo) => r.state === 'done' && r.overlay).slice(0, 1));
      return latest.map((r) => ({ key: r.id, url: api.mediaUrl('overlay', r.id), corners: r.overlay!.corners as Corners }));
    },
    [api, tasks],
    { refresh: [revision], onError },
  );
  return query.data ?? NO_IMAGES;
}

/** Every task's flight plan against its photos (planned waylines, unflown stretches); refetched as photos change. */
function useFlightPlans(api: ApiClient, revision: number, onError: (message: string) => void): FlightPlanInfo[] {
  const query = useQuery(() => api.call('tasks.flightPlans', {}), [api], { refresh: [revision], onError });
  return query.data ?? NO_PLANS;
}

/** Every footprint of the project, page by page (no cap: a 10k-photo project draws 10k footprints). */
function useFootprints(api: ApiClient, revision: number, onError: (message: string) => void): PhotoFootprint[] {
  const query = useQuery(
    async (signal) => {
      const all: PhotoFootprint[] = [];
      for (let offset = 0; ; offset += FOOTPRINT_PAGE) {
        const page = await api.call('images.footprints', { offset, limit: FOOTPRINT_PAGE });
        signal.throwIfAborted(); // a newer revision: no more pages for this one
        if (page.length === 0) break;
        all.push(...page);
      }
      return all;
    },
    [api],
    { refresh: [revision], onError },
  );
  return query.data ?? NO_FOOTPRINTS;
}

/** Gives a GeoJSON source its features; a failure (the map's worker) is said, not left unhandled. */
function showData(map: MlMap, source: string, data: Parameters<GeoJSONSource['setData']>[0], onError: (message: string) => void): void {
  (map.getSource(source) as GeoJSONSource).setData(data).catch((e: unknown) => onError(errorMessage(e)));
}

function addOverlayLayers(map: MlMap, theme: MapTheme): void {
  for (const id of OVERLAY_SOURCES) map.addSource(id, { type: 'geojson', data: EMPTY });
  addGapPatterns(map);
  for (const l of OVERLAY_LAYERS) map.addLayer(overlayLayerSpec(l, theme, true));
  applyOverlayTheme(map, theme);
}

/** Text for a popup, built as DOM text (task ids and names come from a file: never parsed as HTML). */
function popupContent(title: string, lines: string[]): HTMLElement {
  const el = document.createElement('div');
  el.className = 'map-popup';
  el.dataset.testid = 'map-popup';
  const h = document.createElement('strong');
  h.textContent = title;
  el.append(h);
  for (const line of lines) {
    const p = document.createElement('div');
    p.textContent = line;
    el.append(p);
  }
  return el;
}

function taskLines(t: TaskInfo): string[] {
  const un = gapTally(t, 'unphotographed');
  const thin = gapTally(t, 'thin_overlap');
  return [
    `${TASK_STATE_LABELS[taskState(t)]}${t.verifyForced ? ' (overridden)' : ''}`,
    `Coverage ${formatPct(t.coveragePct)} · overlap 3+ ${formatPct(t.overlap3Pct)} · 5+ ${formatPct(t.overlap5Pct)}`,
    `Photos: ${t.assignedCount} assigned of ${t.imageCount}${t.rtk ? ` · ${t.rtk.summary}` : ''}`,
    un.count + thin.count === 0
      ? 'No gaps'
      : `Gaps: ${un.count} with no photos (${Math.round(un.areaM2)} m²), ${thin.count} thin (${Math.round(thin.areaM2)} m²)`,
  ];
}

/**
 * The review map: tasks by state with coverage, photo points by status, footprints, gaps by kind, the overlap
 * raster, ODM orthophotos and the thumbnail mosaic (by level of detail), a task list to zoom to, and popups.
 */
export function ReviewMap({ tasks, revision, refresh, openPhoto, recomputing }: ProjectContext) {
  const api = useApi();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  const [idle, setIdle] = useState(false);
  const [visible, setVisible] = useState<Record<LayerGroup, boolean>>({
    mosaic: true,
    orthophoto: true,
    overlap: true,
    footprints: true,
    gaps: true,
    tasks: true,
    points: true,
    rtk: true,
    plan: true,
    refly: true,
  });
  const [basemap, setBasemap] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<{ bounds: Bounds; zoom: number } | null>(null);
  const theme = useDocumentTheme();
  const { items } = useImageList({}, revision);
  const footprints = useFootprints(api, revision, setError);
  const framedFor = useRef<string | null>(null);
  const open = useRef(openPhoto);
  open.current = openPhoto;
  const tasksRef = useRef(tasks);
  tasksRef.current = tasks;
  const overlap = useOverlapImages(api, tasks, setError);
  const [reflyPlan, setReflyPlan] = useState<ReflyPlanInfo | null>(null);
  const flightPlans = useFlightPlans(api, revision, setError);
  const orthophotos = useOrthophotos(api, tasks, revision, setError);
  const footprintIndex = useMemo(() => indexFootprints(footprints), [footprints]);
  const rtkQuery = useQuery(() => api.call('images.rtk', {}), [api], { refresh: [revision], onError: setError });
  const rtkData = useMemo(() => rtkFeatures(rtkQuery.data ?? NO_RTK), [rtkQuery.data]);

  useEffect(() => {
    const m = new maplibregl.Map({ container: container.current!, style: OFFLINE_STYLE, center: [0, 0], zoom: 1, attributionControl: false });
    m.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    const readView = () => {
      const b = m.getBounds();
      setView({ bounds: [[b.getWest(), b.getSouth()], [b.getEast(), b.getNorth()]], zoom: m.getZoom() });
    };
    m.on('load', () => {
      addOverlayLayers(m, document.documentElement.dataset.theme === 'sunlight' ? 'sunlight' : 'standard');
      setMap(m);
      readView();
    });
    m.on('moveend', readView);
    // One click, one answer: a photo point opens the photo; else a gap or a task says its figures.
    m.on('click', (e) => {
      const at = (layers: string[]): MapGeoJSONFeature | undefined =>
        m.queryRenderedFeatures(e.point, { layers: layers.filter((l) => m.getLayer(l)) })[0];
      const point = at(['photo-points', 'rtk-ring']);
      if (point) {
        const id = Number(point.properties.id);
        if (Number.isFinite(id)) open.current(id);
        return;
      }
      const unflown = at(['plan-unflown']);
      if (unflown) {
        const p = unflown.properties;
        const content = popupContent(`Unflown stretch of task ${String(p.taskId)}`, [
          `${Number(p.points) || 0} planned photo points with no accepted photo near them`,
          `${Math.round(Number(p.lengthM) || 0)} m of the planned wayline`,
          'Re-fly → "Only the flight plan\'s unflown stretches" plans exactly these.',
        ]);
        new maplibregl.Popup({ closeButton: true, maxWidth: '22em' }).setLngLat(e.lngLat).setDOMContent(content).addTo(m);
        return;
      }
      const gap = at(['gap-fill']);
      const taskHit = at(['task-fill']);
      const taskId = String((gap ?? taskHit)?.properties.taskId ?? '');
      const task = tasksRef.current.find((t) => t.taskId === taskId);
      if (!task) return;
      const content = gap
        ? popupContent(`Gap in task ${task.taskId}`, [
            GAP_KIND_LABELS[gap.properties.kind === 'unphotographed' ? 'unphotographed' : 'thin_overlap'],
            `Area ${Math.round(Number(gap.properties.areaM2) || 0)} m²`,
            ...taskLines(task).slice(1, 3),
          ])
        : popupContent(`Task ${task.taskId}${task.name ? ` · ${task.name}` : ''}`, taskLines(task));
      new maplibregl.Popup({ closeButton: true, maxWidth: '22em' }).setLngLat(e.lngLat).setDOMContent(content).addTo(m);
    });
    for (const layer of ['photo-points', 'rtk-ring', 'task-fill', 'gap-fill', 'plan-unflown']) {
      m.on('mouseenter', layer, () => (m.getCanvas().style.cursor = 'pointer'));
      m.on('mouseleave', layer, () => (m.getCanvas().style.cursor = ''));
    }
    if (__POSTFLIGHT_TEST_HOOKS__) window.__postflightMap = m;
    return () => {
      if (__POSTFLIGHT_TEST_HOOKS__) delete window.__postflightMap;
      m.remove();
    };
  }, []);

  useEffect(() => {
    if (map) applyOverlayTheme(map, theme);
  }, [map, theme]);

  useEffect(() => {
    if (map) showData(map, 'refly', reflyMapFeatures(reflyPlan), setError);
  }, [map, reflyPlan]);

  const taskData = useMemo(() => taskFeatures(tasks), [tasks]);
  const pointData = useMemo(() => pointFeatures(items), [items]);
  const footprintData = useMemo(() => footprintFeatures(footprints), [footprints]);
  const gapData = useMemo(() => gapCollection(tasks), [tasks]);
  const planData = useMemo(() => planCollection(flightPlans), [flightPlans]);

  useEffect(() => {
    if (map) showData(map, 'plan', planData, setError);
  }, [map, planData]);

  useEffect(() => {
    if (!map) return;
    setIdle(false);
    showData(map, 'tasks', taskData, setError);
    showData(map, 'points', pointData, setError);
    showData(map, 'footprints', footprintData, setError);
    showData(map, 'gaps', gapData, setError);
    showData(map, 'rtk', rtkData, setError);
    // Fit the project (every task, flown or not, and every photo) when it opens and whenever its set of tasks changes.
    const key = `${tasks.map((t) => t.taskId).join('\u0000')}|${pointData.features.length > 0}`;
    const bounds = dataBounds(taskData, pointData);
    if (bounds && framedFor.current !== key) {
      framedFor.current = key;
      map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 19 });
    }
    map.once('idle', () => setIdle(true));
  }, [map, tasks, taskData, pointData, footprintData, gapData, rtkData]);

  // The thumbnail mosaic by level of detail: thumbnails of the footprints in view above a zoom, the rest outlines.
  const thumbs = useMemo(() => {
    if (!view) return [];
    const byId = new Map(footprints.map((f) => [f.id, f]));
    return thumbnailsInView(footprintIndex, view.bounds, view.zoom).map((id) => ({ key: String(id), url: api.mediaUrl('thumb', id), corners: byId.get(id)!.corners }));
  }, [api, view, footprints, footprintIndex]);

  useEffect(() => {
    if (!map) return;
    setImageLayers(map, 'mosaic', thumbs, visible.mosaic);
    setImageLayers(map, 'orthophoto', orthophotos, visible.orthophoto);
    setImageLayers(map, 'overlap', overlap, visible.overlap);
    // New layers start as their group's toggle says (on a toggle this adds nothing: the effect below applies it).
  }, [map, thumbs, orthophotos, overlap, visible.mosaic, visible.orthophoto, visible.overlap]);

  useEffect(() => {
    if (!map) return;
    for (const group of Object.keys(GROUP_LABELS) as LayerGroup[]) {
      const ids = isImageGroup(group) ? layersWithPrefix(map, IMAGE_GROUPS[group].prefix) : OVERLAY_LAYERS.filter((l) => l.group === group).map((l) => l.id);
      for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
    }
  }, [map, visible, thumbs, orthophotos, overlap]);

  useTaskLabels(map, tasks, visible.tasks, recomputing);

  const fitProject = useCallback(() => {
    const b = dataBounds(taskData, pointData);
    if (map && b) map.fitBounds(b, { padding: 60, duration: 0, maxZoom: 19 });
  }, [map, taskData, pointData]);
  const zoomTo = useCallback(
    (t: TaskInfo) => {
      const b = geometryBounds(t.geometry);
      if (map && b) map.fitBounds(b, { padding: 60, duration: 0, maxZoom: 20 });
    },
    [map],
  );

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
      <ReflyPanel tasks={tasks} plans={flightPlans} onPlan={setReflyPlan} onChanged={refresh} />
      <div className="map-body">
        <div className="map-side">
          <TaskList tasks={tasks} recomputing={recomputing} onZoom={zoomTo} onFit={fitProject} theme={theme} />
          <Legend visible={visible} theme={theme} refly={reflyPlan !== null} plan={flightPlans.length > 0} rtk={rtkData.features.length > 0} />
        </div>
        <div className="map-wrap">
          <div
            ref={container}
            className="map"
            data-testid="review-map"
            data-ready={map !== null && idle}
            data-thumbnails={thumbs.length}
            data-footprints={footprints.length}
            role="region"
            aria-label="Review map: click a photo point to open it, a task or gap for its figures"
          />
        </div>
      </div>
    </div>
  );
}

/** Tasks beside the map: state, coverage (or "recomputing…") and a button to zoom to each. */
function TaskList(props: { tasks: readonly TaskInfo[]; recomputing: boolean; onZoom: (t: TaskInfo) => void; onFit: () => void; theme: MapTheme }) {
  const { tasks, recomputing, onZoom, theme } = props;
  return (
    <nav className="map-tasks" aria-label="Tasks on the map">
      <h3>Tasks</h3>
      <button type="button" onClick={props.onFit}>
        Fit project
      </button>
      {tasks.length === 0 && <p className="muted">No tasks yet.</p>}
      <ul>
        {tasks.map((t) => {
          const state = taskState(t);
          return (
            <li key={t.taskId} data-testid={`map-task-${t.taskId}`} data-state={state}>
              <button type="button" onClick={() => onZoom(t)} aria-label={`Zoom to task ${t.taskId}`}>
                <span className="swatch" style={{ ...taskStateBorder(state, theme), borderWidth: 3, background: 'transparent' }} />{' '}
                <strong>{t.taskId}</strong> <span className="muted">{TASK_STATE_LABELS[state]}</span>{' '}
                <span className="pct">{recomputing ? 'recomputing…' : formatPct(t.coveragePct)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/**
 * Task labels as DOM markers (the offline style has no glyphs for symbol layers), placed so none overlaps another:
 * re-placed after every move, the tasks that need the pilot first.
 */
function useTaskLabels(map: MlMap | null, tasks: readonly TaskInfo[], visible: boolean, recomputing: boolean): void {
  useEffect(() => {
    if (!map || !visible) return;
    const markers = tasks.flatMap((t) => {
      const at = labelPoint(t.geometry);
      if (!at) return [];
      const el = document.createElement('div');
      el.className = 'task-label';
      el.dataset.task = t.taskId;
      el.textContent = `${t.taskId} · ${recomputing ? 'recomputing…' : formatPct(t.coveragePct)}`;
      return [{ task: t, el, marker: new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map) }];
    });
    const place = () => {
      const boxes = markers.map(({ task, el, marker }) => {
        const p = map.project(marker.getLngLat());
        return { id: task.taskId, x: p.x, y: p.y, w: el.offsetWidth, h: el.offsetHeight, priority: LABEL_PRIORITY[taskState(task)] };
      });
      const shown = placeLabels(boxes);
      for (const { task, el } of markers) el.style.visibility = shown.has(task.taskId) ? 'visible' : 'hidden';
    };
    place();
    map.on('move', place);
    return () => {
      map.off('move', place);
      markers.forEach((m) => m.marker.remove());
    };
  }, [map, tasks, visible, recomputing]);
}

/** The legend of what is shown: a section per visible group; the re-fly, flight plan and RTK sections only when there is one to show. */
function Legend(props: { visible: Record<LayerGroup, boolean>; theme: MapTheme; refly: boolean; plan: boolean; rtk: boolean }) {
  const { visible, theme } = props;
  const shown = (g: LayerGroup) => visible[g] && (g !== 'refly' || props.refly) && (g !== 'plan' || props.plan) && (g !== 'rtk' || props.rtk);
  return (
    <aside className="legend" aria-label="Legend">
      {LEGEND.filter((s) => shown(s.group)).map((s) => (
        <section key={s.title}>
          <h3>{s.title}</h3>
          {s.entries.map((e) => (
            <div key={e.key} data-testid={`legend-${e.key}`}>
              <span className={e.round ? 'swatch round' : 'swatch'} style={e.swatch(theme)} /> {e.label}
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
