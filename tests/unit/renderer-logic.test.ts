import { describe, expect, it } from 'vitest';
import type { ImageListItem, JobInfo, TaskInfo } from '../../src-preload/contract.ts';
import { COVERED_PCT, formatPct, gapTally, leaveSiteChecklist, taskState } from '../../src-renderer/src/tasks/task-state.ts';
import { cullReducer, historyEntry, initialCull, keyCommand, targetIds, undoCalls } from '../../src-renderer/src/gallery/culling.ts';
import { buildFilter, emptyFilters, galleryRows, NONE, orderItems, reasonBadges, rowOfIndex, verticalTarget } from '../../src-renderer/src/gallery/filters.ts';
import { formatCount, formatEta, formatRate, lastEndedOfEachKind, mergeJob, progressFraction } from '../../src-renderer/src/jobs/format.ts';
import {
  dataBounds,
  footprintFeatures,
  GAP_KINDS,
  indexFootprints,
  LABEL_PRIORITY,
  MOSAIC_MIN_ZOOM,
  placeLabels,
  pointFeatures,
  rtkFeatures,
  RTK_STYLE,
  taskFeatures,
  TASK_STYLE,
  thumbnailsInView,
  planCollection,
} from '../../src-renderer/src/map/layers.ts';
import { LEGEND, OVERLAY_LAYERS } from '../../src-renderer/src/map/map-style.ts';
import { OVERLAP_BANDS } from '../../src-renderer/src/map/overlap.ts';
import { cardStateText, ingestWords } from '../../src-renderer/src/ingest/summary.ts';

const task = (over: Partial<TaskInfo>): TaskInfo => ({
  taskId: 't',
  name: null,
  geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] },
  imageCount: 0,
  assignedCount: 0,
  coveragePct: null,
  overlap3Pct: null,
  overlap5Pct: null,
  gsdCm: null,
  gaps: null,
  unphotographedM2: null,
  thinOverlapM2: null,
  verified: false,
  verifyForced: false,
  syncedAt: null,
  heightUnknown: [],
  rtk: null,
  ...over,
});

const item = (id: number, over: Partial<ImageListItem> = {}): ImageListItem => ({
  id,
  fileName: `P${id}.JPG`,
  path: `DCIM/P${id}.JPG`,
  status: 'assigned',
  manualDecision: null,
  reasons: [],
  taskId: '1',
  flightId: 1,
  lat: 46 + id / 1000,
  lon: -92,
  capturedAt: null,
  sharpness: null,
  gimbalPitch: null,
  originalId: null,
  ...over,
});

describe('task state colouring', () => {
  it('follows photos, coverage and verification', () => {
    expect(taskState(task({}))).toBe('not_flown');
    expect(taskState(task({ assignedCount: 4, coveragePct: null }))).toBe('partial');
    expect(taskState(task({ assignedCount: 4, coveragePct: COVERED_PCT - 0.1 }))).toBe('partial');
    expect(taskState(task({ assignedCount: 9, coveragePct: COVERED_PCT }))).toBe('covered');
    expect(taskState(task({ assignedCount: 0, coveragePct: 0, verified: true }))).toBe('verified');
    expect(formatPct(99.797)).toBe('99.8%');
    expect(formatPct(null)).toBe('–');
  });

  it('gives each task feature its state and colour for the map', () => {
    const fc = taskFeatures([task({ taskId: 'a' }), task({ taskId: 'b', assignedCount: 3, coveragePct: 99, verified: true })]);
    expect(fc.features.map((f) => [f.properties.taskId, f.properties.state])).toEqual([['a', 'not_flown'], ['b', 'verified']]);
    expect(fc.features.map((f) => f.properties.coveragePct)).toEqual([null, 99]);
  });

  it('keeps task states, gap kinds and overlap bands apart: each state its own colour and line style, in both themes', () => {
    for (const theme of ['standard', 'sunlight'] as const) {
      const looks = Object.values(TASK_STYLE).map((s) => `${s.colour[theme]}|${JSON.stringify(s.dash)}|${s.width}`);
      expect(new Set(looks).size).toBe(looks.length);
      const colours = Object.values(TASK_STYLE).map((s) => s.colour[theme].toLowerCase());
      const overlap = OVERLAP_BANDS.map((b) => `#${b.rgba.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`);
      for (const c of colours) expect(overlap).not.toContain(c);
    }
    expect(GAP_KINDS.unphotographed.stripe).not.toBe(GAP_KINDS.thin_overlap.stripe);
    // Every overlay layer has paint for both themes, and sunlight changes the map, not only the page.
    const changed = OVERLAY_LAYERS.filter((l) => JSON.stringify(l.paint('standard')) !== JSON.stringify(l.paint('sunlight')));
    expect(changed.map((l) => l.id)).toEqual(expect.arrayContaining(['task-line-not_flown', 'task-line-covered', 'photo-points', 'footprint-fill']));
    expect(LEGEND.map((s) => s.title)).toEqual(['Overlap', 'Gaps', 'Tasks', 'Photos', 'RTK', 'Flight plan', 'Re-fly']);
    // The unflown stretches of a flight plan read apart from task outlines and gap stripes.
    for (const theme of ['standard', 'sunlight'] as const) {
      const unflown = String(OVERLAY_LAYERS.find((l) => l.id === 'plan-unflown')!.paint(theme)['line-color']).toLowerCase();
      const taken = [...Object.values(TASK_STYLE).map((s) => s.colour[theme]), GAP_KINDS.unphotographed.stripe, GAP_KINDS.thin_overlap.stripe].map((c) => c.toLowerCase());
      expect(taken).not.toContain(unflown);
    }
    // RTK rings: one colour per solution, apart from each other in both themes.
    for (const theme of ['standard', 'sunlight'] as const) expect(new Set(Object.values(RTK_STYLE).map((r) => r.colour[theme])).size).toBe(4);
  });

  it("puts every task's flight plan on the map's plan source, each feature naming its task", () => {
    const line = (role: string) => ({ type: 'Feature', properties: { role }, geometry: { type: 'LineString', coordinates: [[0, 0], [0, 1e-4]] } });
    const plan = (taskId: string, features: unknown[]) =>
      ({ taskId, source: 'p.kmz', importedAt: '', pointsFrom: 'actions', plannedPoints: 2, flownPoints: 1, unflownPoints: 1, unflownStretches: 1, unflownLengthM: 10, photoSpacingM: 10, lineSpacingM: 30, geojson: { type: 'FeatureCollection', features } }) as const;
    const data = planCollection([plan('A', [line('planned'), line('unflown')]), plan('B', [line('planned')])]);
    expect(data.features.map((f) => [f.properties['taskId'], f.properties['role']])).toEqual([['A', 'planned'], ['A', 'unflown'], ['B', 'planned']]);
    const filters = OVERLAY_LAYERS.filter((l) => l.source === 'plan').map((l) => [l.id, l.filter]);
    expect(filters).toEqual([['plan-line', ['==', ['get', 'role'], 'planned']], ['plan-unflown', ['==', ['get', 'role'], 'unflown']]]);
  });

  it('turns RTK points into ring features with the solution and the worse horizontal deviation', () => {
    const fc = rtkFeatures([
      { id: 7, lon: 7.6, lat: 45.0, flag: 50, solution: 'fixed', stdM: { lon: 0.012, lat: 0.02, hgt: 0.03 } },
      { id: 8, lon: 7.7, lat: 45.1, flag: 34, solution: 'float', stdM: { lon: null, lat: null, hgt: null } },
    ]);
    expect(fc.features.map((f) => [f.properties.id, f.properties.solution, f.properties.stdM])).toEqual([[7, 'fixed', 0.02], [8, 'float', null]]);
    expect(fc.features[0]!.geometry.coordinates).toEqual([7.6, 45.0]);
  });

  it('places task labels so none overlaps, the ones needing the pilot first', () => {
    const box = (id: string, x: number, priority: number) => ({ id, x, y: 100, w: 80, h: 20, priority });
    expect([...placeLabels([box('done', 100, LABEL_PRIORITY.verified), box('todo', 150, LABEL_PRIORITY.not_flown), box('far', 400, 0)])].sort()).toEqual(['far', 'todo']);
    expect(placeLabels([box('a', 0, 1), box('b', 200, 1)]).size).toBe(2);
  });

  it('draws thumbnails only above the mosaic zoom, those in view nearest the centre first, capped', () => {
    const fp = (id: number, x: number) => ({ id, status: 'assigned' as const, corners: [[x, 1], [x + 1, 1], [x + 1, 0], [x, 0]] as [[number, number], [number, number], [number, number], [number, number]] });
    const index = indexFootprints([fp(1, 0), fp(2, 10), fp(3, 20), fp(4, 100)]);
    const view: [[number, number], [number, number]] = [[-1, -1], [25, 2]];
    expect(thumbnailsInView(index, view, MOSAIC_MIN_ZOOM - 1)).toEqual([]);
    expect(thumbnailsInView(index, view, MOSAIC_MIN_ZOOM)).toEqual([2, 3, 1]);
    expect(thumbnailsInView(index, view, MOSAIC_MIN_ZOOM, 2)).toEqual([2, 3]);
  });

  it('answers "ready to leave site?" only when every task is flown, covered, gap-free and verified with no work running', () => {
    const gap = (kind: string | undefined, areaM2: number) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: { kind, areaM2 } });
    const done = task({ taskId: 'a', assignedCount: 9, coveragePct: 99, verified: true });
    const short = task({ taskId: 'b', assignedCount: 9, coveragePct: 80, gaps: { type: 'FeatureCollection', features: [gap('unphotographed', 120)] } });
    const thin = task({ taskId: 'c', assignedCount: 9, coveragePct: 99, gaps: { type: 'FeatureCollection', features: [gap('thin_overlap', 300), gap(undefined, 50)] } });
    const byId = (list: ReturnType<typeof leaveSiteChecklist>) => Object.fromEntries(list.map((c) => [c.id, c.ok]));
    expect(byId(leaveSiteChecklist([done, short], 1))).toEqual({
      tasks: true, jobs: false, flown: true, covered: false, unphotographed: false, thin_overlap: true, verified: false,
    });
    expect(leaveSiteChecklist([done, short], 0).find((c) => c.id === 'covered')!.detail).toBe('Short: b');
    const checklist = leaveSiteChecklist([done, short, thin], 0);
    expect(checklist.find((c) => c.id === 'unphotographed')!.detail).toBe('No photos here: b (re-fly)');
    expect(checklist.find((c) => c.id === 'thin_overlap')!.detail).toBe('Too little overlap for reconstruction: c (re-fly)');
    // Gaps stored before kinds existed read as thin overlap.
    expect(gapTally(thin, 'thin_overlap')).toEqual({ count: 2, areaM2: 350 });
    expect(leaveSiteChecklist([done], 0).every((c) => c.ok)).toBe(true);
    expect(leaveSiteChecklist([], 0).filter((c) => c.ok).map((c) => c.id)).toEqual(['jobs']); // no tasks: nothing is done
  });

  it('never says "no gaps" for a task without photos, names overridden tasks, and waits while recomputing', () => {
    const byId = (list: ReturnType<typeof leaveSiteChecklist>) => Object.fromEntries(list.map((c) => [c.id, c]));
    const unflown = task({ taskId: 'u' });
    const done = task({ taskId: 'a', assignedCount: 9, coveragePct: 99, verified: true });
    expect(byId(leaveSiteChecklist([done, unflown], 0)).unphotographed).toMatchObject({ ok: false, detail: 'No photos here: u (re-fly)' });
    const forced = task({ taskId: 'f', assignedCount: 3, coveragePct: 40, verified: true, verifyForced: true, gaps: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: { areaM2: 5 } }] } });
    const list = byId(leaveSiteChecklist([done, forced], 0));
    expect(list.covered).toMatchObject({ ok: true, detail: 'All covered (overridden: f)' });
    expect(list.thin_overlap!.detail).toBe('Overlap enough for reconstruction (overridden: f)');
    expect(list.verified).toMatchObject({ ok: true });
    const waiting = leaveSiteChecklist([done], 0, true);
    expect(waiting.filter((c) => c.ok).map((c) => c.id)).toEqual(['tasks', 'jobs']);
    expect(byId(waiting).covered!.detail).toBe('recomputing…');
  });
});

describe('gallery badges and order', () => {
  it('badges the automatic reasons in short words, never the pilot\'s own decision', () => {
    const i = item(1, { reasons: [{ code: 'blur', message: 'x', source: 'auto' }, { code: 'manual', message: 'y', source: 'manual' }, { code: 'flight_tail', message: 'z', source: 'auto' }] });
    expect(reasonBadges(i)).toEqual([{ code: 'blur', label: 'Blur' }, { code: 'flight_tail', label: 'Tail' }]);
  });

  it('"problems first" sorts within each task/flight group, keeping the groups and capture order otherwise', () => {
    const list = [
      item(1, { taskId: 'a' }),
      item(2, { taskId: 'a', reasons: [{ code: 'blur', message: '', source: 'auto' }] }),
      item(3, { taskId: 'a', status: 'rejected' }),
      item(4, { taskId: 'b' }),
      item(5, { taskId: 'b', status: 'duplicate' }),
    ];
    expect(orderItems(list, 'problems').map((i) => i.id)).toEqual([3, 2, 1, 5, 4]);
    expect(orderItems(list, 'capture').map((i) => i.id)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('culling', () => {
  const items = [item(1), item(2, { manualDecision: 'rejected' }), item(3)];

  it('maps keys to commands', () => {
    expect(keyCommand('a')).toEqual({ kind: 'decide', decision: 'accepted' });
    expect(keyCommand('R')).toEqual({ kind: 'decide', decision: 'rejected' });
    expect(keyCommand('u')).toEqual({ kind: 'undo' });
    expect(keyCommand('ArrowDown')).toEqual({ kind: 'vertical', dir: 1 });
    expect(keyCommand('x')).toBeNull();
  });

  it('moves within bounds and acts on the selection before the focused photo', () => {
    let s = cullReducer(initialCull, { type: 'move', delta: -1, count: 3 });
    expect(s.cursor).toBe(0);
    s = cullReducer(s, { type: 'move', delta: 5, count: 3 });
    expect(s.cursor).toBe(2);
    expect(targetIds(s, items)).toEqual([3]);
    s = cullReducer(cullReducer(s, { type: 'toggle', id: 1 }), { type: 'toggle', id: 2 });
    expect(targetIds(s, items).sort()).toEqual([1, 2]);
    s = cullReducer(s, { type: 'toggle', id: 1 });
    expect(targetIds(s, items)).toEqual([2]);
  });

  it('records what each photo had, so undo restores mixed earlier decisions exactly', () => {
    const entry = historyEntry([1, 2, 3], items);
    expect(undoCalls(entry)).toEqual([
      { decision: null, ids: [1, 3] },
      { decision: 'rejected', ids: [2] },
    ]);
    let s = cullReducer({ ...initialCull, selection: new Set([1]) }, { type: 'decided', entry, advance: false, count: 3 });
    expect(s.selection.size).toBe(0);
    expect(s.history).toHaveLength(1);
    s = cullReducer(s, { type: 'undone' });
    expect(s.history).toHaveLength(0);
    expect(cullReducer(initialCull, { type: 'decided', entry, advance: true, count: 3 }).cursor).toBe(1);
  });
});

describe('gallery filters and layout', () => {
  it('sends only the constraints the pilot set', () => {
    expect(buildFilter(emptyFilters)).toEqual({});
    expect(buildFilter({ ...emptyFilters, statuses: ['rejected'], reason: 'blur', task: NONE, flight: '3', from: '2024-05-01', to: '2024-05-02' })).toEqual({
      status: ['rejected'],
      reason: ['blur'],
      taskId: null,
      flightId: 3,
      from: '2024-05-01',
      to: '2024-05-02',
    });
    expect(buildFilter({ ...emptyFilters, task: '7', flight: NONE })).toEqual({ taskId: '7', flightId: null });
  });

  it('groups by task and flight into header and photo rows, and moves vertically across groups', () => {
    const list = [item(1), item(2), item(3), item(4, { taskId: '2' }), item(5, { taskId: null, flightId: null })];
    const rows = galleryRows(list, 2);
    expect(rows.map((r) => (r.kind === 'header' ? `${r.label}(${r.count})` : `${r.start}-${r.end}`))).toEqual([
      'Task 1 · flight 1(3)',
      '0-2',
      '2-3',
      'Task 2 · flight 1(1)',
      '3-4',
      'No task · no flight(1)',
      '4-5',
    ]);
    expect(rowOfIndex(rows, 2)).toBe(2);
    expect(verticalTarget(rows, 1, 1)).toBe(2); // clamped to the shorter row
    expect(verticalTarget(rows, 2, 1)).toBe(3); // across the header
    expect(verticalTarget(rows, 0, -1)).toBe(0);
  });
});

describe('jobs and map helpers', () => {
  it('formats progress for the bar', () => {
    expect(progressFraction({ done: 3, total: 10, bytesDone: 50, bytesTotal: 200 })).toBe(0.25);
    expect(progressFraction({ done: 3, total: 12 })).toBe(0.25);
    expect(progressFraction({ done: 3, total: null })).toBeNull();
    expect(formatRate(42_500_000)).toBe('43 MB/s');
    expect(formatRate(0)).toBe('–');
    expect(formatEta(59)).toBe('59 s');
    expect(formatEta(125)).toBe('2 min 05 s');
    expect(formatEta(3720)).toBe('1 h 02 min');
    expect(formatCount({ done: 4, total: 18 }, 'files')).toBe('4 / 18 files');
  });

  it('keeps the newest version of each job, newest job first', () => {
    const job = (id: string, state: JobInfo['state'], createdAt: string, updatedAt: string): JobInfo => ({
      id, kind: 'ingest', state, params: {}, progress: null, result: null, error: null, createdAt, updatedAt,
    });
    let jobs = mergeJob([], job('a', 'running', '2024-01-01T00:00:00Z', '2024-01-01T00:00:02Z'));
    jobs = mergeJob(jobs, job('b', 'queued', '2024-01-01T00:00:05Z', '2024-01-01T00:00:05Z'));
    jobs = mergeJob(jobs, job('a', 'queued', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z')); // stale event
    expect(jobs.map((j) => [j.id, j.state])).toEqual([['b', 'queued'], ['a', 'running']]);
  });

  it('shows the last ended job of each kind, so a flurry of coverage refreshes never hides the last ingest', () => {
    const job = (id: string, kind: JobInfo['kind'], state: JobInfo['state'], updatedAt: string): JobInfo => ({
      id, kind, state, params: {}, progress: null, result: null, error: null, createdAt: updatedAt, updatedAt,
    });
    const jobs = [
      job('c3', 'coverage', 'done', '2024-01-01T00:10:03Z'),
      job('c2', 'coverage', 'done', '2024-01-01T00:10:02Z'),
      job('c1', 'coverage', 'done', '2024-01-01T00:10:01Z'),
      job('s1', 'sync', 'running', '2024-01-01T00:09:00Z'),
      job('k1', 'classify', 'done', '2024-01-01T00:05:00Z'),
      job('i2', 'ingest', 'failed', '2024-01-01T00:04:00Z'),
      job('i1', 'ingest', 'done', '2024-01-01T00:01:00Z'),
    ];
    expect(lastEndedOfEachKind(jobs).map((j) => j.id)).toEqual(['c3', 'k1', 'i2']);
  });

  it('builds points, footprints and bounds', () => {
    const points = pointFeatures([item(1), item(2, { lat: null })]);
    expect(points.features.map((f) => f.properties.id)).toEqual([1]);
    const fp = footprintFeatures([{ id: 9, status: 'assigned', corners: [[0, 1], [1, 1], [1, 0], [0, 0]] }]);
    expect(fp.features[0]!.geometry.coordinates).toEqual([[[0, 1], [1, 1], [1, 0], [0, 0], [0, 1]]]);
    expect(dataBounds(points, fp)).toEqual([[-92, 0], [1, 46.001]]);
  });

  it('words an ingest result like the CLI, with the next step, and warns about a card without photos', () => {
    const base = { source: '/media/card', mode: 'copy' as const, found: 3, ingested: 3, alreadyIngested: 0, bytes: 25_000_000, elapsedSeconds: 10 };
    const w = ingestWords({ ...base, counts: { staged: 2, duplicate: 1 }, reasons: { duplicate: 1 }, errors: [{ path: 'a.JPG', message: 'unreadable' }] }, 0)!;
    expect(w.tone).toBe('ok');
    expect(w.headline).toBe('Ingested 3 photos in /media/card (25.0 MB in 10 s, 2.5 MB/s, copied and verified).');
    expect(w.lines).toEqual(['2 ready for classification.', 'duplicates of photos already in the project: 1']);
    expect(w.next).toMatch(/^Next: import the task file/);
    expect(w.problems).toEqual(['a.JPG: unreadable']);
    expect(ingestWords({ ...base, found: 0, ingested: 0, bytes: 0 }, 2)).toMatchObject({ tone: 'warning', headline: 'No photos found in /media/card.' });
    const again = ingestWords({ ...base, ingested: 0, alreadyIngested: 3, bytes: 0, elapsedSeconds: 0.009 }, 2)!;
    expect(again).toMatchObject({ tone: 'warning', headline: 'Nothing new in /media/card: all 3 photos were already in the project.' });
    expect(JSON.stringify(again)).not.toMatch(/MB\/s/);
  });

  it('says whether the card may be formatted, and counts photos copied now that were recorded without a copy', () => {
    const base = { source: '/media/card', mode: 'copy' as const, found: 5, ingested: 0, alreadyIngested: 0, copiedNow: 5, bytes: 1, elapsedSeconds: 1 };
    const safe = ingestWords({ ...base, card: { safe_to_format: true, photo_count: 5, photos_verified: 5 } }, 1)!;
    expect(safe).toMatchObject({ tone: 'ok', headline: 'Copied and verified 5 photos in /media/card recorded earlier without a verified copy.' });
    expect(safe.lines[0]).toBe('Safe to format: all 5 photos on the card have a verified copy.');
    const unsafe = ingestWords({ ...base, card: { safe_to_format: false, photo_count: 5, photos_verified: 4 } }, 1)!;
    expect(unsafe.lines[0]).toBe('Do not format the card: 1 of 5 photos have no verified copy.');
    expect(ingestWords({ ...base, mode: 'in_place', copiedNow: 0, ingested: 5 }, 1)!.lines[0]).toMatch(/Do not format it/);
    expect(cardStateText({ source: '/c', cardLabel: 'C', volumeId: null, droneSerial: null, photoCount: 3, photosVerified: 2, bytes: 1, safeToFormat: false, unverified: [], skippedCount: 0, checkedAt: '' })).toBe(
      'Do not format: 1 of 3 photos have no verified copy yet.',
    );
    // Every photo copied, but a folder on the card could not be read: it may hold photos nobody copied.
    const unread = [{ path: 'DCIM/101MEDIA', reason: 'folder could not be read (permission denied): photos in it may not have been copied' }];
    expect(ingestWords({ ...base, card: { safe_to_format: false, photo_count: 5, photos_verified: 5, unverified: unread } }, 1)!.lines[0]).toBe(
      'Do not format the card: 1 folder or file on the card could not be read.',
    );
    expect(cardStateText({ source: '/c', cardLabel: 'C', volumeId: null, droneSerial: null, photoCount: 3, photosVerified: 3, bytes: 1, safeToFormat: false, unverified: unread, skippedCount: 0, checkedAt: '' })).toBe(
      'Do not format: 1 folder or file on the card could not be read.',
    );
  });
});
