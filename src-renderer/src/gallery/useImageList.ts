import { useCallback } from 'react';
import type { ImageFilter, ImageListItem } from '../../../src-preload/contract.ts';
import { useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';

const PAGE = 5000;
const NOTHING: { items: ImageListItem[]; total: number } = { items: [], total: 0 };

/**
 * All photos matching a filter, fetched page by page (10k photos are ~3 MB of JSON: fine to hold, too much to
 * render, hence the virtualised grid). `patch` re-reads given photos after a decision, leaving them in place even
 * if they no longer match the filter, so the grid doesn't jump under the pilot's keys.
 */
export function useImageList(filter: ImageFilter, revision: number) {
  const api = useApi();
  const key = JSON.stringify(filter);
  const query = useQuery(
    async (signal) => {
      const items: ImageListItem[] = [];
      let total: number;
      for (let offset = 0; ; offset += PAGE) {
        const page = await api.call('images.list', { filter: JSON.parse(key) as ImageFilter, offset, limit: PAGE });
        signal.throwIfAborted(); // a newer filter or revision: no more pages for this one
        items.push(...page.items);
        total = page.total;
        if (items.length >= page.total || page.items.length === 0) break;
      }
      return { items, total };
    },
    [api, key],
    { refresh: [revision] },
  );
  const { setData } = query;

  const patch = useCallback(
    async (ids: readonly number[]) => {
      const fresh = new Map<number, ImageListItem>();
      for (let i = 0; i < ids.length; i += PAGE) {
        const chunk = ids.slice(i, i + PAGE);
        const page = await api.call('images.list', { filter: { ids: chunk }, limit: chunk.length });
        for (const item of page.items) fresh.set(item.id, item);
      }
      setData((list) => list && { ...list, items: list.items.map((item) => fresh.get(item.id) ?? item) });
    },
    [api, setData],
  );
  const { items, total } = query.data ?? NOTHING;
  return { items, total, loading: query.loading, error: query.error, patch };
}
