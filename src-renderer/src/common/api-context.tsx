import { createContext, useContext, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import { ApiCallError } from '../api/client.ts';
import type { EventName, Events } from '../../../src-preload/contract.ts';

const ApiContext = createContext<ApiClient | null>(null);
export const ApiProvider = ApiContext.Provider;

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** Subscribes to one core event for the life of the component. */
export function useEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void {
  const api = useApi();
  const [current] = useState(() => ({ listener }));
  current.listener = listener;
  useEffect(() => api.on(event, (p) => current.listener(p)), [api, event, current]);
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiCallError || err instanceof Error) return err.message;
  return String(err);
}
