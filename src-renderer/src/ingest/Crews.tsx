import { useState } from 'react';
import type { CrewInfo, DroneSpanInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { droneText, spanText } from './crew-words.ts';

/**
 * Who flew what (DroneTM pays pilots by it): the project's pilot, entered once, and per card its pilot (the project's
 * unless changed for that card), its drones (model, serial, photos, time span); then every flight with its drone, card,
 * pilot, time span and photo count.
 */
export function Crews({ revision }: { revision: number }) {
  const api = useApi();
  const q = useQuery(() => api.call('crews.get', {}), [api], { refresh: [revision] });
  const [error, setError] = useState<string | null>(null);
  const crews = q.data;
  const save = async (source: string | null, name: string | null) => {
    setError(null);
    try {
      const next = await api.call('crews.setPilot', { source, name });
      q.setData(() => next);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  if (q.error) return <p className="error">Who flew what could not be read: {q.error}</p>;
  if (!crews) return null;
  return (
    <section className="card crews" aria-label="Who flew what" data-testid="crews">
      <h3>Who flew what</h3>
      <PilotField
        label="Pilot (whole project)"
        testId="project-pilot"
        value={crews.projectPilot}
        placeholder="Name of the pilot"
        onSave={(name) => void save(null, name)}
      />
      {error && <p role="alert" className="error">{error}</p>}
      {crews.cards.length === 0 && <p className="muted">No card ingested yet.</p>}
      {crews.cards.map((c) => (
        <CardCrew key={c.source} card={c} projectPilot={crews.projectPilot} onSave={(name) => void save(c.source, name)} />
      ))}
      {crews.flights.length > 0 && (
        <table className="crew-flights" data-testid="crew-flights">
          <caption>Flights</caption>
          <thead>
            <tr>
              <th scope="col">Flight</th>
              <th scope="col">Drone</th>
              <th scope="col">Pilot</th>
              <th scope="col">Time</th>
              <th scope="col">Photos</th>
              <th scope="col">Card</th>
            </tr>
          </thead>
          <tbody>
            {crews.flights.map((f) => (
              <tr key={f.flightId} data-testid={`crew-flight-${f.flightId}`}>
                <th scope="row">{f.flightId}</th>
                <td>{droneText(f)}</td>
                <td>{f.pilot ?? <span className="muted">not entered</span>}</td>
                <td>{spanText(f)}</td>
                <td>{f.photoCount}</td>
                <td className="muted path">{f.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CardCrew(props: { card: CrewInfo['cards'][number]; projectPilot: string | null; onSave: (name: string | null) => void }) {
  const { card, projectPilot } = props;
  const own = card.pilot !== null && card.pilot !== projectPilot;
  return (
    <div className="crew-card" data-testid="crew-card" data-source={card.source}>
      <div>
        <strong>Card</strong> <span className="muted path">{card.source}</span>
      </div>
      <PilotField
        label="Pilot of this card"
        testId="card-pilot"
        value={card.pilot}
        placeholder={projectPilot ?? 'Name of the pilot'}
        onSave={props.onSave}
        note={own ? 'changed for this card' : projectPilot ? "the project's pilot" : null}
        clearLabel={own ? "Use the project's pilot" : null}
      />
      <ul className="crew-drones">
        {card.drones.map((d: DroneSpanInfo, i) => (
          <li key={i} data-testid="crew-drone">
            {droneText(d)} · {d.photoCount} photo{d.photoCount === 1 ? '' : 's'} · {spanText(d)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A name field saved on Enter or with its button; `clearLabel` offers going back to the default (null). */
function PilotField(props: {
  label: string;
  testId: string;
  value: string | null;
  placeholder: string;
  onSave: (name: string | null) => void;
  note?: string | null;
  clearLabel?: string | null;
}) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? props.value ?? '';
  return (
    <form
      className="pilot-field"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(shown.trim() || null);
        setText(null);
      }}
    >
      <label>
        {props.label}{' '}
        <input type="text" data-testid={props.testId} value={shown} placeholder={props.placeholder} onChange={(e) => setText(e.currentTarget.value)} />
      </label>{' '}
      <button type="submit" disabled={text === null}>
        Save
      </button>
      {props.clearLabel && (
        <>
          {' '}
          <button type="button" onClick={() => props.onSave(null)}>
            {props.clearLabel}
          </button>
        </>
      )}
      {props.note && <span className="muted"> ({props.note})</span>}
    </form>
  );
}
