import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ImageListItem } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { STATUS_COLOURS, STATUS_LABELS } from '../map/layers.ts';
import { cullReducer, historyEntry, initialCull, keyCommand, targetIds, undoCalls, type Decision } from './culling.ts';
import {
  buildFilter,
  emptyFilters,
  galleryRows,
  isFiltered,
  orderItems,
  reasonBadges,
  rowOfIndex,
  verticalTarget,
  type FilterState,
  type GalleryOrder,
} from './filters.ts';
import { FilterBar } from './FilterBar.tsx';
import { useImageList } from './useImageList.ts';

const CELL_W = 176;
const ROW_H = 168;
const HEADER_H = 40;

/** Thumbnails grouped by task and flight, virtualised, with keyboard culling and bulk decisions. */
export function Gallery({ revision, openPhoto, recomputing }: ProjectContext) {
  const api = useApi();
  const [filters, setFilters] = useState<FilterState>(emptyFilters);
  const filter = useMemo(() => buildFilter(filters), [filters]);
  const { items: loaded, total, loading, error, patch } = useImageList(filter, revision);
  const [order, setOrder] = useState<GalleryOrder>('capture');
  const items = useMemo(() => orderItems(loaded, order), [loaded, order]);
  const [cull, dispatch] = useReducer(cullReducer, initialCull);
  const [announce, setAnnounce] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setColumns(Math.max(1, Math.floor((el.clientWidth - 16) / CELL_W)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => dispatch({ type: 'reset' }), [filter, order]);
  // The arrow keys work as soon as the gallery opens: the grid takes the focus.
  useEffect(() => scrollRef.current?.focus({ preventScroll: true }), []);
  const open = (id: number) => openPhoto(id, items.map((i) => i.id));

  const rows = useMemo(() => galleryRows(items, columns), [items, columns]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'header' ? HEADER_H : ROW_H),
    overscan: 3,
  });
  // A refresh or a filter can shorten the list under the cursor: bring it back onto the last photo, so A and R
  // keep acting on a photo the pilot can see.
  useEffect(() => {
    if (items.length > 0 && cull.cursor >= items.length) dispatch({ type: 'focus', index: items.length - 1 });
  }, [items.length, cull.cursor]);
  useEffect(() => {
    const row = rowOfIndex(rows, cull.cursor);
    if (row >= 0) virtualizer.scrollToIndex(row, { align: 'auto' });
  }, [cull.cursor, rows, virtualizer]);

  // Keys come faster than the core answers: the cursor and the undo history move at once, so the next key acts on
  // the next photo, and the calls go to the core one after another in key order. Decisions still on their way count
  // as the photos' current ones for the undo history.
  const pending = useRef<Promise<void>>(Promise.resolve());
  const unsaved = useRef(new Map<number, { decision: Decision }>());
  const enqueue = (work: () => Promise<void>) => {
    pending.current = pending.current.then(work).catch((err: unknown) => setActionError(errorMessage(err)));
  };
  const record = (ids: readonly number[], decision: Decision): (() => void) => {
    const mark = { decision };
    for (const id of ids) unsaved.current.set(id, mark);
    return () => ids.forEach((id) => unsaved.current.get(id) === mark && unsaved.current.delete(id));
  };
  const decide = (decision: Decision) => {
    const ids = targetIds(cull, items);
    if (ids.length === 0) return;
    const current = items.map((i) => {
      const mark = unsaved.current.get(i.id);
      return { id: i.id, manualDecision: mark ? mark.decision : i.manualDecision };
    });
    dispatch({ type: 'decided', entry: historyEntry(ids, current), advance: cull.selection.size === 0, count: items.length });
    setActionError(null);
    const saved = record(ids, decision);
    enqueue(async () => {
      try {
        await api.call('images.decide', { ids, decision });
        setAnnounce(`${ids.length} photo(s) ${decision ?? 'reset'}`);
        await patch(ids);
      } finally {
        saved();
      }
    });
  };
  const undo = () => {
    const entry = cull.history.at(-1);
    if (!entry) return;
    dispatch({ type: 'undone' });
    setActionError(null);
    const saved = undoCalls(entry).map((call) => record(call.ids, call.decision));
    enqueue(async () => {
      try {
        for (const call of undoCalls(entry)) await api.call('images.decide', call);
        setAnnounce(`Undid the last decision on ${entry.previous.length} photo(s)`);
        await patch(entry.previous.map((p) => p.id));
      } finally {
        saved.forEach((done) => done());
      }
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const cmd = keyCommand(e.key);
    if (!cmd) return;
    e.preventDefault();
    const focused: ImageListItem | undefined = items[cull.cursor];
    if (cmd.kind === 'move') dispatch({ type: 'move', delta: cmd.delta, count: items.length });
    else if (cmd.kind === 'vertical') dispatch({ type: 'focus', index: verticalTarget(rows, cull.cursor, cmd.dir) });
    else if (cmd.kind === 'decide') decide(cmd.decision);
    else if (cmd.kind === 'undo') undo();
    else if (cmd.kind === 'toggle' && focused) dispatch({ type: 'toggle', id: focused.id });
    else if (cmd.kind === 'open' && focused) open(focused.id);
  };
  const onCellClick = (e: MouseEvent, index: number, id: number) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) dispatch({ type: 'toggle', id });
    dispatch({ type: 'focus', index });
  };
  const focusedId = items[cull.cursor]?.id;

  return (
    <div className="panel gallery">
      <FilterBar value={filters} onChange={setFilters} revision={revision} />
      <div className="gallery-bar">
        <span data-testid="gallery-count" data-total={total} aria-live="polite">
          {loading ? 'Loading…' : `${total} photos`}
          {recomputing && <span className="muted recomputing"> · recomputing… (statuses and reasons may change)</span>}
        </span>
        <label>
          Order{' '}
          <select value={order} onChange={(e) => setOrder(e.currentTarget.value as GalleryOrder)} data-testid="gallery-order">
            <option value="capture">Capture order</option>
            <option value="problems">Problems first</option>
          </select>
        </label>
        <span className="muted">Arrows move · A accept · R reject · U undo · Space select · Enter open</span>
        {cull.selection.size > 0 && (
          <span className="bulk" role="group" aria-label="Selection">
            {cull.selection.size} selected
            <button type="button" onClick={() => decide('accepted')}>Accept selected</button>
            <button type="button" onClick={() => decide('rejected')}>Reject selected</button>
            <button type="button" onClick={() => dispatch({ type: 'clearSelection' })}>Clear</button>
          </span>
        )}
        <button type="button" disabled={items.length === 0} onClick={() => dispatch({ type: 'selectOnly', ids: items.map((i) => i.id) })}>
          Select all shown
        </button>
      </div>
      {(error || actionError) && <p role="alert" className="error">{error ?? actionError}</p>}
      <p className="sr-only" aria-live="polite">{announce}</p>
      {!loading && !error && total === 0 && (
        <p role="status" className="empty" data-testid="gallery-empty">
          {isFiltered(filters) ? 'No photos match these filters.' : 'No photos yet: ingest a card first.'}
        </p>
      )}
      <div
        ref={scrollRef}
        className="gallery-scroll"
        role="grid"
        aria-label="Photos"
        aria-rowcount={rows.length}
        aria-activedescendant={focusedId === undefined ? undefined : `photo-${focusedId}`}
        tabIndex={0}
        data-testid="gallery-grid"
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index]!;
            return (
              <div
                key={row.key}
                role="row"
                aria-rowindex={v.index + 1}
                className={row.kind === 'header' ? 'gallery-header' : 'gallery-row'}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: v.size, transform: `translateY(${v.start}px)` }}
              >
                {row.kind === 'header' ? (
                  <h3 role="columnheader">
                    {row.label} <span className="muted">({row.count})</span>
                  </h3>
                ) : (
                  items.slice(row.start, row.end).map((item, k) => (
                    <Thumb
                      key={item.id}
                      item={item}
                      index={row.start + k}
                      focused={row.start + k === cull.cursor}
                      selected={cull.selection.has(item.id)}
                      onClick={onCellClick}
                      onOpen={open}
                    />
                  ))
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Thumb(props: {
  item: ImageListItem;
  index: number;
  focused: boolean;
  selected: boolean;
  onClick: (e: MouseEvent, index: number, id: number) => void;
  onOpen: (id: number) => void;
}) {
  const api = useApi();
  const { item } = props;
  const decision = item.manualDecision ? ` (${item.manualDecision} by you)` : '';
  const reasons = reasonBadges(item);
  return (
    <div
      id={`photo-${item.id}`}
      role="gridcell"
      aria-selected={props.selected}
      aria-label={`${item.fileName}, ${STATUS_LABELS[item.status]}${reasons.length ? `: ${reasons.map((r) => r.label).join(', ')}` : ''}${decision}`}
      className={`thumb${props.focused ? ' focused' : ''}${props.selected ? ' selected' : ''}`}
      data-testid="thumb"
      data-id={item.id}
      data-status={item.status}
      data-decision={item.manualDecision ?? ''}
      data-reasons={reasons.map((r) => r.code).join(' ')}
      onClick={(e) => props.onClick(e, props.index, item.id)}
      onDoubleClick={() => props.onOpen(item.id)}
    >
      <img src={api.mediaUrl('thumb', item.originalId ?? item.id)} alt="" loading="lazy" decoding="async" draggable={false} />
      <span className="badges">
        <span className="badge" style={{ background: STATUS_COLOURS[item.status] }}>
          {STATUS_LABELS[item.status]}
        </span>
        {reasons.slice(0, 2).map((r) => (
          <span key={r.code} className="badge reason" data-testid="reason-badge">
            {r.label}
          </span>
        ))}
        {reasons.length > 2 && <span className="badge reason">+{reasons.length - 2}</span>}
      </span>
      {item.manualDecision && <span className={`decision ${item.manualDecision}`}>{item.manualDecision === 'accepted' ? 'A' : 'R'}</span>}
      <span className="name">{item.fileName}</span>
    </div>
  );
}
