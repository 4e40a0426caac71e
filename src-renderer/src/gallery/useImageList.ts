import { useCallback, useEffect, useState } from 'react';
import type { ImageFilter, ImageListItem } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';

const PAGE = 5000;

/**
 * All photos matching a filter, fetched page by page (10k photos are ~3 MB of JSON: fine to hold, too much to
 * render, hence the virtualised grid). `patch` re-reads given photos after a decision, leaving them in place even
 * if they no longer match the filter, so the grid doesn't jump under the pilot's keys.
 */
export function useImageList(filter: ImageFilter, revision: number) {
  const api = useApi();
  const [items, setItems] = useState<ImageListItem[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(filter);
  useEffect(() => {
    let live = true;
    setLoading(true);
    (async () => {
      const all: ImageListItem[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await api.call('images.list', { filter: JSON.parse(key) as ImageFilter, offset, limit: PAGE });
        if (!live) return;
        all.push(...page.items);
        setTotal(page.total);
        if (all.length >= page.total || page.items.length === 0) break;
      }
      setItems(all);
      setError(null);
    })()
      .catch((err: unknown) => live && setError(errorMessage(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, key, revision]);

  const patch = useCallback(
    async (ids: readonly number[]) => {
      const fresh = new Map<number, ImageListItem>();
      for (let i = 0; i < ids.length; i += PAGE) {
        const chunk = ids.slice(i, i + PAGE);
        const page = await api.call('images.list', { filter: { ids: chunk }, limit: chunk.length });
        for (const item of page.items) fresh.set(item.id, item);
      }
      setItems((list) => list.map((item) => fresh.get(item.id) ?? item));
    },
    [api],
  );
  return { items, total, loading, error, patch };
}
