import { IMAGE_STATUSES } from '../../../src-preload/contract.ts';
import { useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { STATUS_LABELS } from '../map/layers.ts';
import { emptyFilters, isFiltered, NONE, type FilterState } from './filters.ts';

/** Filters by status, reason, task, flight and capture date, offering only values the project has. */
export function FilterBar(props: { value: FilterState; onChange: (f: FilterState) => void; revision: number }) {
  const api = useApi();
  const query = useQuery(() => api.call('images.facets', {}), [api], { refresh: [props.revision] });
  const facets = query.error ? null : (query.data ?? null);
  // Empty filter lists would look like "no photos": say the lists could not be loaded instead.
  const error = query.error && `The filter lists could not be loaded: ${query.error}`;
  const f = props.value;
  const set = (change: Partial<FilterState>) => props.onChange({ ...f, ...change });
  const count = (status: string) => facets?.statuses.find((s) => s.status === status)?.count ?? 0;

  return (
    <form className="filter-bar" aria-label="Filter photos" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Status</legend>
        {IMAGE_STATUSES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              name="status"
              value={s}
              checked={f.statuses.includes(s)}
              onChange={(e) =>
                set({ statuses: e.currentTarget.checked ? [...f.statuses, s] : f.statuses.filter((x) => x !== s) })
              }
            />
            {STATUS_LABELS[s]} ({count(s)})
          </label>
        ))}
      </fieldset>
      <label>
        Reason
        <select value={f.reason} onChange={(e) => set({ reason: e.currentTarget.value })} data-testid="filter-reason">
          <option value="">Any</option>
          {facets?.reasons.map((r) => (
            <option key={r.code} value={r.code}>
              {r.code} ({r.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        Task
        <select value={f.task} onChange={(e) => set({ task: e.currentTarget.value })} data-testid="filter-task">
          <option value="">Any</option>
          {facets?.tasks.map((t) => (
            <option key={t.taskId ?? NONE} value={t.taskId ?? NONE}>
              {t.taskId ?? 'No task'} ({t.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        Flight
        <select value={f.flight} onChange={(e) => set({ flight: e.currentTarget.value })} data-testid="filter-flight">
          <option value="">Any</option>
          {facets?.flights.map((fl) => (
            <option key={fl.flightId ?? NONE} value={fl.flightId === null ? NONE : String(fl.flightId)}>
              {fl.flightId === null ? 'No flight' : `Flight ${fl.flightId}`} ({fl.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={f.from} onChange={(e) => set({ from: e.currentTarget.value })} />
      </label>
      <label>
        To
        <input type="date" value={f.to} onChange={(e) => set({ to: e.currentTarget.value })} />
      </label>
      {isFiltered(f) && (
        <button type="button" onClick={() => props.onChange(emptyFilters)}>
          Clear filters
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
