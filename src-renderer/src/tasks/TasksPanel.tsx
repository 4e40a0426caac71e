import { useState } from 'react';
import type { JobInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { ApiCallError } from '../api/client.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { formatPct, GAP_KIND_LABELS, gapTally, leaveSiteChecklist, taskState, TASK_STATE_COLOURS, TASK_STATE_LABELS } from './task-state.ts';
import { TaskImport } from './TaskImport.tsx';
import { OdmPanel } from '../odm/OdmPanel.tsx';
import { isActive } from '../jobs/format.ts';

/** Refusal reasons as the core sends them (strings, or objects with a message). */
function refusalReasons(err: unknown): string[] | null {
  if (!(err instanceof ApiCallError) || err.code !== 'refused') return null;
  const reasons = err.details?.reasons;
  if (!Array.isArray(reasons) || reasons.length === 0) return [err.message];
  return reasons.map((r) => (typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? JSON.stringify(r))));
}

export function TasksPanel({ tasks, refresh, revision, jobs }: ProjectContext & { jobs: readonly JobInfo[] }) {
  const checklist = leaveSiteChecklist(tasks, jobs.filter(isActive).length);
  const verified = tasks.filter((t) => t.verified);
  const ready = checklist.every((c) => c.ok);
  return (
    <div className="panel tasks">
      <section className="card" aria-labelledby="ready-heading" data-testid="checklist" data-ready={ready}>
        <h2 id="ready-heading">Ready to leave site? {ready ? 'Yes' : 'Not yet'}</h2>
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
            <TaskRow key={t.taskId} task={t} onChanged={refresh} />
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

function TaskRow({ task, onChanged }: { task: TaskInfo; onChanged: () => void }) {
  const api = useApi();
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
        <span className="chip" style={{ borderColor: TASK_STATE_COLOURS[state] }}>
          {TASK_STATE_LABELS[state]}
          {task.verifyForced && ' (override)'}
        </span>
      </td>
      <td>
        {task.assignedCount} / {task.imageCount}
      </td>
      <td>{formatPct(task.coveragePct)}</td>
      <td>
        {formatPct(task.overlap3Pct)} / {formatPct(task.overlap5Pct)}
      </td>
      <td>{task.gsdCm === null ? '–' : `${task.gsdCm.toFixed(2)} cm/px`}</td>
      <td>
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
            <button type="button" className="danger" disabled={busy} onClick={() => void verify(true)}>
              Verify anyway (override)
            </button>
          </div>
        )}
        {error && <p role="alert" className="error">{error}</p>}
      </td>
      <td data-testid="synced">{task.syncedAt ? new Date(task.syncedAt).toLocaleString() : 'not yet'}</td>
    </tr>
  );
}
