import { useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { cardStateText } from './summary.ts';

/**
 * Every card a copy run finished on, each with a clear state: safe to format, or not (and which photos stop it).
 * Refreshed whenever `refreshKey` changes (an ingest ended).
 */
export function CardOffloads({ refreshKey }: { refreshKey: string }) {
  const api = useApi();
  const { data: cards = [], error } = useQuery(() => api.call('ingest.offloads', {}), [api], { refresh: [refreshKey] });
  if (error) return <p className="error">Card records could not be read: {error}</p>;
  if (cards.length === 0) return null;
  return (
    <section className="card" aria-label="Offloaded cards" data-testid="card-offloads">
      <h3>Offloaded cards</h3>
      <ul className="problems">
        {cards.map((c) => (
          <li key={c.source} data-safe={c.safeToFormat}>
            <strong>{c.cardLabel}</strong> <span className="muted">{c.source}</span>
            {c.droneSerial && <span className="muted"> · drone {c.droneSerial}</span>}
            <div className={c.safeToFormat ? 'ok' : 'error'}>{cardStateText(c)}</div>
            {c.unverified.length > 0 && (
              <ul>
                {c.unverified.slice(0, 10).map((u) => (
                  <li key={u.path}>
                    {u.path}: {u.reason}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
