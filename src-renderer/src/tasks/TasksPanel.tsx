import { useState } from 'react';
import type { JobInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { ApiCallError } from '../api/client.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { formatPct, GAP_KIND_LABELS, gapTally, leaveSiteChecklist, taskState, taskStateBorder, TASK_STATE_LABELS } from './task-state.ts';
import { TaskImport } from './TaskImport.tsx';
import { OdmPanel } from '../odm/OdmPanel.tsx';
import { isActive } from '../jobs/format.ts';
import { useDocumentTheme } from '../theme/use-document-theme.ts';

/** Refusal reasons as the core sends them (strings, or objects with a message). */
function refusalReasons(err: unknown): string[] | null {
  if (!(err instanceof ApiCallError) || err.code !== 'refused') return null;
  const reasons = err.details?.reasons;
  if (!Array.isArray(reasons) || reasons.length === 0) return [err.message];
  return reasons.map((r) => {
    if (typeof r === 'string') return r;
    const message = (r as { message?: unknown }).message;
    return typeof message === 'string' ? message : JSON.stringify(r);
  });
}

export function TasksPanel({ tasks, refresh, revision, jobs, recomputing }: ProjectContext & { jobs: readonly JobInfo[] }) {
  const checklist = leaveSiteChecklist(tasks, jobs.filter(isActive).length, recomputing);
  const verified = tasks.filter((t) => t.verified);
  const ready = checklist.every((c) => c.ok);
  return (
    <div className="panel tasks">
      <section className="card" aria-labelledby="ready-heading" data-testid="checklist" data-ready={ready}>
        <h2 id="ready-heading">Ready to leave site? {ready ? 'Yes' : recomputing ? 'Recomputing…' : 'Not yet'}</h2>
        <RecomputeButton recomputing={recomputing} />
        <ul className="checklist">
          {checklist.map((c) => (
            <li key={c.id} className={c.ok ? 'ok' : 'todo'}>
              <span aria-hidden="true">{c.ok ? '✔' : '✘'}</span> <strong>{c.label}</strong>{' '}
              <span className="sr-only">{c.ok ? 'done' : 'not done'}</span>
              <span className="muted">{c.detail}</span>
            </li>
          ))}
        </ul>
      </section>
      <TaskImport onImported={refresh} />
      <table className="task-table">
        <caption>Tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">State</th>
            <th scope="col">Photos</th>
            <th scope="col">Coverage</th>
            <th scope="col">Overlap 3+ / 5+</th>
            <th scope="col">GSD</th>
            <th scope="col">Gaps</th>
            <th scope="col">Verify</th>
            <th scope="col">Synced</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <TaskRow key={t.taskId} task={t} onChanged={refresh} recomputing={recomputing} />
          ))}
        </tbody>
      </table>
      {tasks.length === 0 && <p className="muted">No tasks yet: import the project's task file.</p>}
      {verified.length > 0 && <h2>Orthophotos (OpenDroneMap)</h2>}
      {verified.map((t) => (
        <OdmPanel key={t.taskId} task={t} jobs={jobs} revision={revision} />
      ))}
    </div>
  );
}

/** Classify and cover the project again, for a pilot who wants to be sure (changes already trigger it by themselves). */
function RecomputeButton({ recomputing }: { recomputing: boolean }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  return (
    <p className="recompute">
      <button
        type="button"
        disabled={recomputing}
        onClick={() => {
          setError(null);
          api.call('classify.start', {}).catch((e: unknown) => setError(errorMessage(e)));
        }}
      >
        {recomputing ? 'Recomputing…' : 'Recompute'}
      </button>{' '}
      <span className="muted">Match photos to tasks and compute coverage again.</span>
      {error && <span role="alert" className="error"> {error}</span>}
    </p>
  );
}

/**
 * Photos without a footprint for want of a height above take-off: said on the task (else its 0 % has no reason), with
 * a field per flight for the height it was flown at.
 */
function HeightUnknown({ task, onChanged }: { task: TaskInfo; onChanged: () => void }) {
  const api = useApi();
  const [heights, setHeights] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const total = task.heightUnknown.reduce((n, h) => n + h.count, 0);
  if (total === 0) return null;
  const save = async (flightId: number, text: string) => {
    setError(null);
    try {
      await api.call('flights.setHeight', { flightId, heightM: Number(text) });
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="height-unknown" data-testid="height-unknown">
      <p className="warning-note">Height above ground unknown for {total} photo{total === 1 ? '' : 's'}: no footprint, no coverage from them.</p>
      {task.heightUnknown.map((h) =>
        h.flightId === null ? null : (
          <form
            key={h.flightId}
            className="flown-height"
            onSubmit={(e) => {
              e.preventDefault();
              void save(h.flightId!, heights[h.flightId!] ?? '');
            }}
          >
            <label>
              Flight {h.flightId} ({h.count}) flown at{' '}
              <input
                type="number"
                min={2}
                max={1000}
                step="any"
                required
                size={5}
                aria-label={`Flown height of flight ${h.flightId} in metres`}
                value={heights[h.flightId] ?? ''}
                onChange={(e) => setHeights({ ...heights, [h.flightId!]: e.currentTarget.value })}
              />{' '}
              m
            </label>{' '}
            <button type="submit">Use this height</button>
          </form>
        ),
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

/** Removing a task asks once more, in place; its photos are then matched again by themselves. */
function RemoveTask({ taskId, onRemoved }: { taskId: string; onRemoved: () => void }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!asking) {
    return (
      <button type="button" className="quiet" onClick={() => setAsking(true)} aria-label={`Remove task ${taskId}`}>
        Remove
      </button>
    );
  }
  const remove = async () => {
    setError(null);
    try {
      await api.call('tasks.remove', { taskIds: [taskId] });
      onRemoved();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="confirm" role="group" aria-label={`Remove task ${taskId}?`}>
      <p>Remove task {taskId}? Its photos are matched to tasks again.</p>
      <button type="button" className="danger" onClick={() => void remove()}>
        Remove task {taskId}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

/** A figure of the last computation, or "recomputing…" while a newer one is on its way. */
const figure = (recomputing: boolean, text: string) => (recomputing ? <span className="muted recomputing">recomputing…</span> : text);

function TaskRow({ task, onChanged, recomputing }: { task: TaskInfo; onChanged: () => void; recomputing: boolean }) {
  const api = useApi();
  const theme = useDocumentTheme();
  const [refused, setRefused] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const state = taskState(task);
  const unphotographed = gapTally(task, 'unphotographed');
  const thin = gapTally(task, 'thin_overlap');

  const verify = async (force: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.call('tasks.verify', { taskId: task.taskId, force });
      setRefused(null);
      onChanged();
    } catch (err) {
      const reasons = refusalReasons(err);
      if (reasons) setRefused(reasons);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const unverify = async () => {
    try {
      await api.call('tasks.unverify', { taskId: task.taskId });
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <tr data-testid={`task-${task.taskId}`} data-state={state}>
      <th scope="row">
        {task.taskId}
        {task.name && <div className="muted">{task.name}</div>}
      </th>
      <td>
        <span className="chip" data-testid="state-chip" style={taskStateBorder(state, theme)}>
          {TASK_STATE_LABELS[state]}
          {task.verifyForced && ' (overridden)'}
        </span>
      </td>
      <td>
        {figure(recomputing, `${task.assignedCount} / ${task.imageCount}`)}
        {!recomputing && task.rtk && (
          <div className="muted" data-testid="rtk">
            {task.rtk.summary}
          </div>
        )}
      </td>
      <td data-testid="coverage">
        {figure(recomputing, formatPct(task.coveragePct))}
        {!recomputing && <HeightUnknown task={task} onChanged={onChanged} />}
      </td>
      <td>{figure(recomputing, `${formatPct(task.overlap3Pct)} / ${formatPct(task.overlap5Pct)}`)}</td>
      <td>{figure(recomputing, task.gsdCm === null ? '–' : `${task.gsdCm.toFixed(2)} cm/px`)}</td>
      <td>
        {recomputing ? (
          figure(true, '')
        ) : state === 'not_flown' ? (
          'all of it (not flown)'
        ) : (
          <>
            {unphotographed.count + thin.count === 0 && 'none'}
            {unphotographed.count > 0 && (
              <div title={GAP_KIND_LABELS.unphotographed}>
                no photos: {unphotographed.count} ({Math.round(unphotographed.areaM2)} m²)
              </div>
            )}
            {thin.count > 0 && (
              <div title={GAP_KIND_LABELS.thin_overlap}>
                thin overlap: {thin.count} ({Math.round(thin.areaM2)} m²)
              </div>
            )}
          </>
        )}
      </td>
      <td className="verify-cell">
        {task.verified ? (
          <button type="button" onClick={() => void unverify()}>
            Undo verify
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void verify(false)} aria-label={`Verify task ${task.taskId}`}>
            Verify
          </button>
        )}
        {refused && (
          <div role="alert" className="refusal" data-testid="verify-refusal">
            <p>Not verified:</p>
            <ul>
              {refused.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
            {/* Overriding is for a task flown but short; a task with no photos is re-flown, not waved through. */}
            {state !== 'not_flown' && (
              <button type="button" className="danger" disabled={busy} onClick={() => void verify(true)}>
                Verify anyway (override)
              </button>
            )}
          </div>
        )}
        {error && <p role="alert" className="error">{error}</p>}
        <RemoveTask taskId={task.taskId} onRemoved={onChanged} />
      </td>
      <td data-testid="synced">{task.syncedAt ? new Date(task.syncedAt).toLocaleString() : 'not yet'}</td>
    </tr>
  );
}
