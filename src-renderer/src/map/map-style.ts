import type { LayerSpecification, Map as MlMap } from 'maplibre-gl';
import { TASK_STATE_LABELS, taskStateBorder, type TaskState } from '../tasks/task-state.ts';
import { GAP_KINDS, gapPatternId, RTK_STYLE, STATUS_COLOURS, STATUS_LABELS, TASK_STYLE, type GapKind, type MapTheme } from './layers.ts';
import type { RtkSolution } from '../../../src-preload/contract-base.ts';
import { OVERLAP_BANDS } from './overlap.ts';

/**
 * The review map's vector overlays: GeoJSON sources and the layers over them, bottom to top, with their paint per
 * theme, the toggle group each belongs to, and the legend. To add an overlay: a source in OVERLAY_SOURCES (if new),
 * a spec in OVERLAY_LAYERS (its `group` gives it a checkbox), a LEGEND entry; ReviewMap sets the source's data.
 */

export const OVERLAY_SOURCES = ['footprints', 'gaps', 'tasks', 'points', 'rtk', 'plan', 'refly'] as const;
export type OverlaySource = (typeof OVERLAY_SOURCES)[number];

/** Toggle groups, in the order of the checkboxes. Image groups (mosaic, orthophoto, overlap) are raster layers. */
export const GROUP_LABELS = {
  mosaic: 'Photo mosaic',
  orthophoto: 'Orthophoto (ODM)',
  overlap: 'Overlap',
  footprints: 'Footprints',
  gaps: 'Coverage gaps',
  tasks: 'Tasks',
  points: 'Photo points',
  rtk: 'RTK',
  plan: 'Flight plan',
  refly: 'Re-fly plan',
} as const;
export type LayerGroup = keyof typeof GROUP_LABELS;

type Paint = Record<string, unknown>;
export interface OverlayLayer {
  id: string;
  source: OverlaySource;
  group: LayerGroup;
  type: 'fill' | 'line' | 'circle';
  paint: (theme: MapTheme) => Paint;
  filter?: unknown[];
}

const stateMatch = (pick: (s: TaskState) => unknown, fallback: unknown) => [
  'match',
  ['get', 'state'],
  ...(Object.keys(TASK_STYLE) as TaskState[]).flatMap((s) => [s, pick(s)]),
  fallback,
];

const taskLine = (state: TaskState): OverlayLayer => ({
  id: `task-line-${state}`,
  source: 'tasks',
  group: 'tasks',
  type: 'line',
  filter: ['==', ['get', 'state'], state],
  paint: (theme) => ({
    'line-color': TASK_STYLE[state].colour[theme],
    'line-width': TASK_STYLE[state].width * (theme === 'sunlight' ? 1.4 : 1),
    ...(TASK_STYLE[state].dash ? { 'line-dasharray': TASK_STYLE[state].dash } : {}),
  }),
});

/**
 * A task's flight plan (tasks.flightPlans, layers.ts planCollection): planned waylines thin and dashed in a neutral
 * tone, the stretches no accepted photo was taken along thick magenta (apart from gap reds, task and re-fly colours).
 */
const PLAN_COLOUR: Record<MapTheme, string> = { standard: '#e0e0e0', sunlight: '#37474f' };
const UNFLOWN_COLOUR: Record<MapTheme, string> = { standard: '#ff40c0', sunlight: '#a0006e' };

/** Planned re-fly lines and photo points: yellow (dark amber on a white screen), apart from task, gap and photo colours. */
const REFLY_COLOUR: Record<MapTheme, string> = { standard: '#ffd600', sunlight: '#8a6d00' };

export const OVERLAY_LAYERS: readonly OverlayLayer[] = [
  {
    id: 'footprint-fill',
    source: 'footprints',
    group: 'footprints',
    type: 'fill',
    // Footprints stack translucently, so ground seen by more photos reads denser.
    paint: (theme) => ({ 'fill-color': theme === 'sunlight' ? '#003f8a' : '#64b5f6', 'fill-opacity': theme === 'sunlight' ? 0.1 : 0.08 }),
  },
  {
    id: 'footprint-line',
    source: 'footprints',
    group: 'footprints',
    type: 'line',
    paint: (theme) => ({ 'line-color': theme === 'sunlight' ? '#002a5c' : '#90caf9', 'line-width': theme === 'sunlight' ? 1 : 0.6, 'line-opacity': 0.7 }),
  },
  {
    id: 'gap-fill',
    source: 'gaps',
    group: 'gaps',
    type: 'fill',
    paint: () => ({ 'fill-pattern': ['match', ['get', 'kind'], 'thin_overlap', gapPatternId('thin_overlap'), gapPatternId('unphotographed')], 'fill-opacity': 0.85 }),
  },
  {
    id: 'gap-line',
    source: 'gaps',
    group: 'gaps',
    type: 'line',
    paint: (theme) => ({
      'line-color': ['match', ['get', 'kind'], 'thin_overlap', GAP_KINDS.thin_overlap.stripe, GAP_KINDS.unphotographed.stripe],
      'line-width': theme === 'sunlight' ? 3 : 2,
    }),
  },
  // Tasks: a near-invisible fill so a click inside a task finds it; the state is in the outline.
  { id: 'task-fill', source: 'tasks', group: 'tasks', type: 'fill', paint: () => ({ 'fill-color': '#000000', 'fill-opacity': 0.01 }) },
  {
    id: 'task-casing',
    source: 'tasks',
    group: 'tasks',
    type: 'line',
    paint: (theme) => ({
      'line-color': theme === 'sunlight' ? '#ffffff' : '#000000',
      'line-width': stateMatch((s) => TASK_STYLE[s].width * (theme === 'sunlight' ? 1.4 : 1) + 3, 5),
      'line-opacity': 0.8,
    }),
  },
  ...(Object.keys(TASK_STYLE) as TaskState[]).map(taskLine),
  {
    id: 'plan-line',
    source: 'plan',
    group: 'plan',
    type: 'line',
    filter: ['==', ['get', 'role'], 'planned'],
    paint: (theme) => ({ 'line-color': PLAN_COLOUR[theme], 'line-width': theme === 'sunlight' ? 2 : 1.5, 'line-dasharray': [3, 2] }),
  },
  {
    id: 'plan-unflown',
    source: 'plan',
    group: 'plan',
    type: 'line',
    filter: ['==', ['get', 'role'], 'unflown'],
    paint: (theme) => ({ 'line-color': UNFLOWN_COLOUR[theme], 'line-width': theme === 'sunlight' ? 7 : 6, 'line-opacity': 0.9 }),
  },
  // The re-fly plan (refly/refly.ts features, role 'line' | 'photo'): dashed yellow lines and small yellow points.
  {
    id: 'refly-line',
    source: 'refly',
    group: 'refly',
    type: 'line',
    filter: ['==', ['get', 'role'], 'line'],
    paint: (theme) => ({ 'line-color': REFLY_COLOUR[theme], 'line-width': theme === 'sunlight' ? 4 : 3, 'line-dasharray': [2, 1] }),
  },
  {
    id: 'refly-photo',
    source: 'refly',
    group: 'refly',
    type: 'circle',
    filter: ['==', ['get', 'role'], 'photo'],
    paint: (theme) => ({ 'circle-radius': 3, 'circle-color': REFLY_COLOUR[theme], 'circle-stroke-color': '#000000', 'circle-stroke-width': 1 }),
  },
  {
    id: 'photo-points',
    source: 'points',
    group: 'points',
    type: 'circle',
    paint: (theme) => ({
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, theme === 'sunlight' ? 4 : 3, 18, theme === 'sunlight' ? 9 : 8],
      'circle-color': ['get', 'colour'],
      'circle-stroke-color': '#000000',
      'circle-stroke-width': ['case', ['get', 'decided'], 2.5, theme === 'sunlight' ? 1.5 : 1],
    }),
  },
  // RTK solution: a ring around each photo point that carries a flag (drones without RTK draw nothing here).
  {
    id: 'rtk-ring',
    source: 'rtk',
    group: 'rtk',
    type: 'circle',
    paint: (theme) => ({
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 6, 18, 13],
      'circle-color': 'rgba(0, 0, 0, 0)',
      'circle-stroke-color': ['match', ['get', 'solution'], ...(Object.keys(RTK_STYLE) as RtkSolution[]).flatMap((k) => [k, RTK_STYLE[k].colour[theme]]), '#888888'],
      'circle-stroke-width': theme === 'sunlight' ? 3 : 2.5,
    }),
  },
];

export function overlayLayerSpec(l: OverlayLayer, theme: MapTheme, visible: boolean): LayerSpecification {
  return {
    id: l.id,
    type: l.type,
    source: l.source,
    ...(l.filter ? { filter: l.filter } : {}),
    paint: l.paint(theme),
    layout: { visibility: visible ? 'visible' : 'none' },
  } as LayerSpecification;
}

/** Re-applies every overlay's paint for a theme (sunlight mode changes the map too, not only the page). */
export function applyOverlayTheme(map: MlMap, theme: MapTheme): void {
  for (const l of OVERLAY_LAYERS) {
    if (!map.getLayer(l.id)) continue;
    for (const [k, v] of Object.entries(l.paint(theme))) map.setPaintProperty(l.id, k as 'fill-color', v as never);
  }
  map.setPaintProperty('background', 'background-color', theme === 'sunlight' ? '#f4f4f4' : '#3a4148');
}

export interface LegendEntry {
  key: string;
  label: string;
  /** CSS for the swatch (a background, a border style…). */
  swatch: (theme: MapTheme) => Record<string, string>;
  round?: boolean;
}
export interface LegendSection {
  title: string;
  group: LayerGroup;
  entries: LegendEntry[];
}

const hatch = (kind: GapKind) => {
  const { stripe, ground } = GAP_KINDS[kind];
  const lines = `repeating-linear-gradient(45deg, ${stripe} 0 3px, ${ground} 3px 6px)`;
  return kind === 'thin_overlap' ? `${lines}, repeating-linear-gradient(-45deg, ${stripe} 0 2px, transparent 2px 6px)` : lines;
};

export const LEGEND: readonly LegendSection[] = [
  {
    title: 'Overlap',
    group: 'overlap',
    entries: OVERLAP_BANDS.map((b) => ({ key: `overlap-${b.id}`, label: b.label, swatch: () => ({ background: `rgb(${b.rgba.slice(0, 3).join(' ')})` }) })),
  },
  {
    title: 'Gaps',
    group: 'gaps',
    entries: (Object.keys(GAP_KINDS) as GapKind[]).map((k) => ({ key: `gap-${k}`, label: GAP_KINDS[k].label, swatch: () => ({ background: hatch(k) }) })),
  },
  {
    title: 'Tasks',
    group: 'tasks',
    entries: (Object.keys(TASK_STYLE) as TaskState[]).map((s) => ({
      key: `task-${s}`,
      label: TASK_STATE_LABELS[s],
      swatch: (theme: MapTheme) => {
        const { borderColor, borderStyle } = taskStateBorder(s, theme);
        return { background: 'transparent', border: `3px ${borderStyle} ${borderColor}`, outline: `1px solid ${theme === 'sunlight' ? '#fff' : '#000'}` };
      },
    })),
  },
  {
    title: 'Photos',
    group: 'points',
    entries: (Object.keys(STATUS_LABELS) as (keyof typeof STATUS_LABELS)[]).map((s) => ({
      key: `photo-${s}`,
      label: STATUS_LABELS[s],
      round: true,
      swatch: () => ({ background: STATUS_COLOURS[s] }),
    })),
  },
  {
    title: 'RTK',
    group: 'rtk',
    entries: (Object.keys(RTK_STYLE) as RtkSolution[]).map((k) => ({
      key: `rtk-${k}`,
      label: RTK_STYLE[k].label,
      round: true,
      swatch: (theme: MapTheme) => ({ background: 'transparent', border: `3px solid ${RTK_STYLE[k].colour[theme]}` }),
    })),
  },
  {
    title: 'Flight plan',
    group: 'plan',
    entries: [
      { key: 'plan-planned', label: 'Planned waylines', swatch: (theme: MapTheme) => ({ background: 'transparent', borderTop: `2px dashed ${PLAN_COLOUR[theme]}` }) },
      { key: 'plan-unflown', label: 'Planned, no accepted photo (unflown)', swatch: (theme: MapTheme) => ({ background: UNFLOWN_COLOUR[theme] }) },
    ],
  },
  {
    title: 'Re-fly',
    group: 'refly',
    entries: [{ key: 'refly', label: 'Re-fly lines and photo points', swatch: (theme: MapTheme) => ({ background: REFLY_COLOUR[theme] }) }],
  },
];
