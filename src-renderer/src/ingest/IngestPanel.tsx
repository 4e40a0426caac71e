import { useEffect, useState } from 'react';
import type { CardVolume, JobInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { FolderField } from '../common/FolderField.tsx';
import { JobCard } from '../jobs/JobCard.tsx';
import { isActive } from '../jobs/format.ts';
import { ingestWords } from './summary.ts';
import { CardOffloads } from './CardOffloads.tsx';
import { Crews } from './Crews.tsx';

/** Offload an SD card (or any folder of photos): pick it, start, watch progress, read the summary. */
export function IngestPanel({ jobs, taskCount, revision }: { jobs: JobInfo[]; taskCount: number; revision: number }) {
  const api = useApi();
  const [source, setSource] = useState('');
  const [inPlace, setInPlace] = useState(false);
  const [cards, setCards] = useState<CardVolume[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  useEffect(() => {
    api.call('ingest.cards', {}).then(
      (found) => {
        setCards(found);
        if (found.length === 1) setSource((s) => s || found[0]!.dir);
      },
      () => setCards([]),
    );
  }, [api]);
  const job = jobs.find((j) => j.id === jobId) ?? jobs.find((j) => j.kind === 'ingest');
  const running = job !== undefined && isActive(job);

  const start = async () => {
    setError(null);
    try {
      setJobId((await api.call('ingest.start', { source, inPlace })).jobId);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const words = ingestWords(job?.state === 'done' ? job.result : null, taskCount);
  const problems = words?.problems ?? [];

  return (
    <div className="panel ingest">
      <h2>Ingest an SD card</h2>
      {cards.length > 0 && (
        <section className="card" aria-label="Cards found">
          <h3>Cards found</h3>
          {cards.map((c) => (
            <button key={c.dir} type="button" aria-pressed={source === c.dir} onClick={() => setSource(c.dir)}>
              {c.label} <span className="muted">{c.dir}</span>
            </button>
          ))}
        </section>
      )}
      <form
        className="card"
        aria-label="Start ingest"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <FolderField label="Card or photo folder" purpose="card" value={source} onChange={setSource} testId="ingest-source" />
        <label className="check">
          <input type="checkbox" checked={inPlace} onChange={(e) => setInPlace(e.currentTarget.checked)} /> Leave the
          photos where they are (no copy into the project)
        </label>
        <button type="submit" disabled={!source || running}>
          Start ingest
        </button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      {job && (
        <section className="card" aria-label="Ingest progress">
          <JobCard job={job} />
          {words && (
            <div data-testid="ingest-summary" data-tone={words.tone} className={`ingest-summary tone-${words.tone}`} role={words.tone === 'warning' ? 'alert' : undefined}>
              <h3>{words.tone === 'warning' ? 'Nothing to check' : 'Summary'}</h3>
              <p className="headline">{words.headline}</p>
              {words.lines.length > 0 && (
                <ul>
                  {words.lines.map((l, i) => (
                    <li key={i}>{l}</li>
                  ))}
                </ul>
              )}
              <p className="next">{words.next}</p>
            </div>
          )}
          {problems.length > 0 && (
            <div role="alert">
              <h3>Problems ({problems.length})</h3>
              <ul className="problems">
                {problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}
      <CardOffloads refreshKey={`${job?.id ?? ''}:${job?.state ?? ''}`} />
      <Crews revision={revision} />
    </div>
  );
}
