import type { ImageListItem } from '../../../src-preload/contract.ts';

export type Decision = 'accepted' | 'rejected' | null;

/** One decision the pilot made, with what each photo had before, so U can put it back exactly. */
export interface HistoryEntry {
  previous: { id: number; decision: Decision }[];
}

export interface CullState {
  /** Index of the focused photo in the gallery's flat order. */
  cursor: number;
  selection: ReadonlySet<number>;
  history: readonly HistoryEntry[];
}

export type CullAction =
  | { type: 'move'; delta: number; count: number }
  | { type: 'focus'; index: number }
  | { type: 'toggle'; id: number }
  | { type: 'selectOnly'; ids: readonly number[] }
  | { type: 'clearSelection' }
  | { type: 'decided'; entry: HistoryEntry; advance: boolean; count: number }
  | { type: 'undone' }
  | { type: 'reset' };

export const initialCull: CullState = { cursor: 0, selection: new Set(), history: [] };

const HISTORY_LIMIT = 200;
const clamp = (i: number, count: number) => Math.max(0, Math.min(count - 1, i));

export function cullReducer(state: CullState, action: CullAction): CullState {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: clamp(state.cursor + action.delta, action.count) };
    case 'focus':
      return { ...state, cursor: Math.max(0, action.index) };
    case 'toggle': {
      const selection = new Set(state.selection);
      if (!selection.delete(action.id)) selection.add(action.id);
      return { ...state, selection };
    }
    case 'selectOnly':
      return { ...state, selection: new Set(action.ids) };
    case 'clearSelection':
      return { ...state, selection: new Set() };
    case 'decided':
      return {
        cursor: action.advance ? clamp(state.cursor + 1, action.count) : state.cursor,
        selection: new Set(),
        history: [...state.history, action.entry].slice(-HISTORY_LIMIT),
      };
    case 'undone':
      return { ...state, history: state.history.slice(0, -1) };
    case 'reset':
      return initialCull;
  }
}

/** The photos a key press acts on: the selection when there is one, else the focused photo. */
export function targetIds(state: CullState, items: readonly Pick<ImageListItem, 'id'>[]): number[] {
  if (state.selection.size > 0) return [...state.selection];
  const focused = items[state.cursor];
  return focused ? [focused.id] : [];
}

export function historyEntry(ids: readonly number[], items: readonly Pick<ImageListItem, 'id' | 'manualDecision'>[]): HistoryEntry {
  const byId = new Map(items.map((i) => [i.id, i.manualDecision]));
  return { previous: ids.map((id) => ({ id, decision: byId.get(id) ?? null })) };
}

/** The `images.decide` calls that restore an entry: one per distinct earlier decision. */
export function undoCalls(entry: HistoryEntry): { ids: number[]; decision: Decision }[] {
  const groups = new Map<Decision, number[]>();
  for (const p of entry.previous) groups.set(p.decision, [...(groups.get(p.decision) ?? []), p.id]);
  return [...groups].map(([decision, ids]) => ({ decision, ids }));
}

/** Maps a key to a culling command, or null for keys the gallery leaves alone. */
export function keyCommand(
  key: string,
): { kind: 'move'; delta: number } | { kind: 'vertical'; dir: 1 | -1 } | { kind: 'decide'; decision: 'accepted' | 'rejected' } | { kind: 'undo' } | { kind: 'toggle' } | { kind: 'open' } | null {
  switch (key) {
    case 'ArrowRight':
      return { kind: 'move', delta: 1 };
    case 'ArrowLeft':
      return { kind: 'move', delta: -1 };
    case 'ArrowDown':
      return { kind: 'vertical', dir: 1 };
    case 'ArrowUp':
      return { kind: 'vertical', dir: -1 };
    case 'a':
    case 'A':
      return { kind: 'decide', decision: 'accepted' };
    case 'r':
    case 'R':
      return { kind: 'decide', decision: 'rejected' };
    case 'u':
    case 'U':
      return { kind: 'undo' };
    case ' ':
      return { kind: 'toggle' };
    case 'Enter':
      return { kind: 'open' };
    default:
      return null;
  }
}
