import { useEffect, useState } from 'react';
import type { JobInfo, SyncTargetInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import type { ProjectContext } from '../common/project-context.ts';
import { JobCard } from '../jobs/JobCard.tsx';
import { isActive } from '../jobs/format.ts';

type Target = NonNullable<SyncTargetInfo['target']>;
const BLANK: Target = { endpoint: '', region: '', bucket: '', prefix: '', pathStyle: false };

/** The form's target as the contract takes it: blank optional fields left out. */
function targetParams(t: Target): Target {
  return {
    bucket: t.bucket.trim(),
    prefix: t.prefix.trim(),
    pathStyle: t.pathStyle,
    ...(t.endpoint?.trim() ? { endpoint: t.endpoint.trim() } : {}),
    ...(t.region?.trim() ? { region: t.region.trim() } : {}),
  };
}

/**
 * Upload verified tasks to the project's S3 bucket: the target, the keys (kept by the app, never shown again), one
 * task or all, progress with MB/s and ETA (the job card, which also cancels), pause (stop now, resume later where it
 * stopped).
 */
export function SyncPanel({ tasks, jobs }: ProjectContext & { jobs: readonly JobInfo[] }) {
  const api = useApi();
  const [info, setInfo] = useState<SyncTargetInfo | null>(null);
  const [form, setForm] = useState<Target>(BLANK);
  const [keys, setKeys] = useState({ accessKeyId: '', secretAccessKey: '' });
  const [paused, setPaused] = useState<{ taskId?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const job = jobs.find((j) => j.kind === 'sync');
  const running = job !== undefined && isActive(job);
  const verified = tasks.filter((t) => t.verified);

  useEffect(() => {
    api.call('sync.getTarget', {}).then(
      (i) => {
        setInfo(i);
        if (i.target) setForm({ ...BLANK, ...i.target });
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [api]);

  const act = async (what: () => Promise<unknown>, done?: string) => {
    setError(null);
    setSaved(null);
    try {
      await what();
      if (done) setSaved(done);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const saveTarget = () => act(async () => setInfo(await api.call('sync.setTarget', targetParams(form))), 'Target saved.');
  const saveKeys = () =>
    act(async () => {
      setInfo(await api.call('sync.setCredentials', keys));
      setKeys({ accessKeyId: '', secretAccessKey: '' }); // the secret is not kept in the page
    }, 'Keys saved.');
  const forgetKeys = () => act(async () => setInfo(await api.call('sync.clearCredentials', {})), 'Keys forgotten.');
  const sync = (taskId?: string) =>
    act(async () => {
      setPaused(null);
      await api.call('sync.start', taskId ? { taskId } : {});
    });
  // Pausing stops the upload now; what reached the server stays, and a resumed sync skips it.
  const pause = () =>
    act(async () => {
      setPaused({ taskId: job!.params.taskId as string | undefined });
      await api.call('jobs.cancel', { jobId: job!.id });
    });

  return (
    <div className="panel sync">
      <h2>Sync to the cloud project (S3)</h2>
      <form
        className="card sync-form"
        aria-label="Sync target"
        onSubmit={(e) => {
          e.preventDefault();
          void saveTarget();
        }}
      >
        <label htmlFor="sync-endpoint">Endpoint</label>
        <input id="sync-endpoint" type="url" placeholder="https://s3.example.org (empty for AWS)" value={form.endpoint ?? ''} onChange={(e) => setForm({ ...form, endpoint: e.currentTarget.value })} />
        <label htmlFor="sync-region">Region</label>
        <input id="sync-region" placeholder="us-east-1" value={form.region ?? ''} onChange={(e) => setForm({ ...form, region: e.currentTarget.value })} />
        <label htmlFor="sync-bucket">Bucket</label>
        <input id="sync-bucket" required value={form.bucket} onChange={(e) => setForm({ ...form, bucket: e.currentTarget.value })} />
        <label htmlFor="sync-prefix">Prefix</label>
        <input id="sync-prefix" placeholder="optional/folder/" value={form.prefix} onChange={(e) => setForm({ ...form, prefix: e.currentTarget.value })} />
        <span />
        <label className="check">
          <input type="checkbox" checked={form.pathStyle} onChange={(e) => setForm({ ...form, pathStyle: e.currentTarget.checked })} />
          Path-style addressing (most non-AWS servers)
        </label>
        <span />
        <div className="actions">
          <button type="submit" disabled={!form.bucket}>
            Save target
          </button>
        </div>
      </form>
      <form
        className="card sync-form"
        aria-label="S3 keys"
        onSubmit={(e) => {
          e.preventDefault();
          void saveKeys();
        }}
      >
        <span>Keys</span>
        <span data-testid="sync-keys-state">
          {info?.hasCredentials ? 'Saved for this target' : 'None saved (the system’s AWS settings are used)'}
        </span>
        <label htmlFor="sync-access-key">Access key</label>
        <input id="sync-access-key" autoComplete="off" value={keys.accessKeyId} onChange={(e) => setKeys({ ...keys, accessKeyId: e.currentTarget.value })} />
        <label htmlFor="sync-secret-key">Secret key</label>
        <input id="sync-secret-key" type="password" autoComplete="off" value={keys.secretAccessKey} onChange={(e) => setKeys({ ...keys, secretAccessKey: e.currentTarget.value })} />
        <span />
        <div className="actions">
          <button type="submit" disabled={!info?.target || !keys.accessKeyId || !keys.secretAccessKey}>
            Save keys
          </button>
          <button type="button" disabled={!info?.hasCredentials} onClick={() => void forgetKeys()}>
            Forget keys
          </button>
        </div>
      </form>
      {(error || saved) && (
        <p role={error ? 'alert' : 'status'} className={error ? 'error' : 'muted'}>
          {error ?? saved}
        </p>
      )}
      <section className="card" aria-label="Upload">
        <div className="actions">
          <button type="button" disabled={running || !info?.target || verified.length === 0} onClick={() => void sync()}>
            Sync all verified tasks
          </button>
          <button type="button" disabled={!running} onClick={() => void pause()}>
            Pause sync
          </button>
          {paused && !running && (
            <button type="button" onClick={() => void sync(paused.taskId)}>
              Resume sync
            </button>
          )}
        </div>
        {job && <JobCard job={job} />}
      </section>
      <table className="task-table">
        <caption>Verified tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Photos</th>
            <th scope="col">Synced</th>
            <th scope="col">Upload</th>
          </tr>
        </thead>
        <tbody>
          {verified.map((t) => (
            <SyncRow key={t.taskId} task={t} disabled={running || !info?.target} onSync={() => void sync(t.taskId)} />
          ))}
        </tbody>
      </table>
      {verified.length === 0 && <p className="muted">No verified task yet: verify tasks on the Tasks view first.</p>}
    </div>
  );
}

function SyncRow({ task, disabled, onSync }: { task: TaskInfo; disabled: boolean; onSync: () => void }) {
  return (
    <tr data-testid={`sync-task-${task.taskId}`} data-synced={task.syncedAt !== null}>
      <th scope="row">{task.taskId}</th>
      <td>{task.assignedCount}</td>
      <td>{task.syncedAt ? `Synced ${new Date(task.syncedAt).toLocaleString()}` : 'Not synced'}</td>
      <td>
        <button type="button" disabled={disabled} onClick={onSync} aria-label={`Sync task ${task.taskId}`}>
          Sync
        </button>
      </td>
    </tr>
  );
}
