import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { errorMessage } from './api-context.tsx';

/** What a view reads of one query: the newest answer, its error, whether a request is out, and a way to ask again. */
export interface Query<T> {
  /**
   * The answer to the newest request that has answered; undefined until the first does. When the deps change, the
   * previous answer stays until the new one arrives (views keep their content instead of flashing empty).
   */
  data: T | undefined;
  /** Why the newest request failed (worded for the pilot), null once one succeeds. The data stays as it was. */
  error: string | null;
  loading: boolean;
  /** Asks again with the same deps (after a change this window made). */
  reload: () => void;
  /** Edits the held answer in place (a local patch); the next answer replaces it. */
  setData: (update: (data: T | undefined) => T | undefined) => void;
}

export interface QueryOptions {
  /**
   * Values that make it ask again though the fetcher reads none of them (the workspace's `revision`, bumped on
   * project.changed and at the end of each job; a job's state). Same length on every render.
   */
  refresh?: DependencyList;
  /** Also told of each failure of the newest request (for views that show errors in one shared place). */
  onError?: (message: string) => void;
}

/**
 * Reads data for a view: runs `fetcher` when the deps change (exactly what it reads, as for useCallback), when a
 * value in `options.refresh` changes, and on `reload()`. Requests overlap when work changes the project in bursts (`revision` bumps): only the newest one's
 * answer or error is kept; an older one's, or one arriving after the view is gone, is dropped. The fetcher's
 * `signal` aborts at that moment: a fetch in pages can stop early (`signal.throwIfAborted()`), and what a request
 * made for its answer alone (blob URLs) can be released on 'abort'.
 *
 * Lint checks the deps like useCallback's (react-hooks/exhaustive-deps `additionalHooks`): a refresh trigger the
 * fetcher does not read goes in `options.refresh`, not in the deps.
 */
export function useQuery<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: DependencyList, options: QueryOptions = {}): Query<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [asked, setAsked] = useState(0);
  const onError = useRef(options.onError);
  onError.current = options.onError;
  useEffect(
    () => {
      const request = new AbortController();
      setState((s) => (s.loading ? s : { ...s, loading: true }));
      fetcher(request.signal).then(
        (data) => {
          if (!request.signal.aborted) setState({ data, error: null, loading: false });
        },
        (err: unknown) => {
          if (request.signal.aborted) return;
          const message = errorMessage(err);
          setState((s) => ({ data: s.data, error: message, loading: false }));
          onError.current?.(message);
        },
      );
      return () => request.abort();
    },
    // The caller's deps (checked at the call site), its refresh triggers and reload(); the fetcher of this render runs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [...deps, ...(options.refresh ?? []), asked],
  );
  const reload = useCallback(() => setAsked((n) => n + 1), []);
  const setData = useCallback((update: (data: T | undefined) => T | undefined) => setState((s) => ({ ...s, data: update(s.data) })), []);
  return { ...state, reload, setData };
}
