import { useEffect, useState } from 'react';
import type { CloudTargetInfo, JobInfo, SyncTargetInfo, TaskInfo } from '../../../src-preload/contract.ts';
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
 * Upload verified tasks to the project's DroneTM project (address, project id, sign-in kept in the OS keychain, pull
 * of its tasks) or to an S3 bucket: the target, the keys (kept by the app, never shown again), one
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
  const [cloud, setCloud] = useState<CloudTargetInfo | null>(null);
  const [link, setLink] = useState({ server: '', projectId: '' });
  const [login, setLogin] = useState({ email: '', password: '' });
  const job = jobs.find((j) => j.kind === 'sync' && j.params.odmPush !== true);
  const running = job !== undefined && isActive(job);
  const verified = tasks.filter((t) => t.verified);
  const dronetm = cloud?.kind === 'dronetm';
  const ready = dronetm ? cloud.dronetm !== null && cloud.signedIn : Boolean(info?.target);

  useEffect(() => {
    api.call('sync.getTarget', {}).then(
      (i) => {
        setInfo(i);
        if (i.target) setForm({ ...BLANK, ...i.target });
      },
      (e: unknown) => setError(errorMessage(e)),
    );
    api.call('sync.getCloud', {}).then(
      (c) => {
        setCloud(c);
        if (c.dronetm) setLink(c.dronetm);
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
  const chooseKind = (kind: 's3' | 'dronetm') =>
    act(async () => {
      // DroneTM needs its project first: choosing it only shows the form until one is saved.
      if (kind === 'dronetm' && !cloud?.dronetm) setCloud({ kind, dronetm: null, signedIn: false });
      else setCloud(await api.call('sync.setKind', { kind }));
    });
  const saveLink = () =>
    act(async () => setCloud(await api.call('dronetm.setProject', { server: link.server.trim(), projectId: link.projectId.trim() })), 'DroneTM project saved.');
  const signIn = () =>
    act(async () => {
      setCloud(await api.call('dronetm.login', { email: login.email.trim(), password: login.password }));
      setLogin({ email: login.email, password: '' }); // the password is not kept in the page
    }, 'Signed in to DroneTM.');
  const signOut = () => act(async () => setCloud(await api.call('dronetm.logout', {})), 'Signed out of DroneTM.');
  const pullTasks = () =>
    act(async () => {
      const r = await api.call('dronetm.importTasks', {});
      setSaved(`Pulled ${r.taskIds.length} tasks from DroneTM.`);
    });
  const sync = (taskId?: string) =>
    act(async () => {
      setPaused(null);
      await api.call('sync.start', taskId ? { taskId } : {});
    });
  // Pausing stops the upload now; what reached the server stays, and a resumed sync skips it.
  const pause = () =>
    act(async () => {
      setPaused({ taskId: job!.params.taskId as string | undefined });
      await api.call('jobs.cancel', { jobId: job!.id, pause: true });
    });

  return (
    <div className="panel sync">
      <h2>Sync to the cloud project</h2>
      <fieldset className="card sync-kind" aria-label="Send verified photos to">
        <legend>Send verified photos to</legend>
        <label className="check">
          <input type="radio" name="sync-kind" checked={dronetm} onChange={() => void chooseKind('dronetm')} />
          DroneTM project
        </label>
        <label className="check">
          <input type="radio" name="sync-kind" checked={cloud !== null && !dronetm} onChange={() => void chooseKind('s3')} />
          S3 bucket
        </label>
      </fieldset>
      {dronetm && (
        <>
          <form
            className="card sync-form"
            aria-label="DroneTM project"
            onSubmit={(e) => {
              e.preventDefault();
              void saveLink();
            }}
          >
            <label htmlFor="dtm-server">DroneTM address</label>
            <input id="dtm-server" type="url" placeholder="https://dronetm.hotosm.org" value={link.server} onChange={(e) => setLink({ ...link, server: e.currentTarget.value })} />
            <label htmlFor="dtm-project">Project id</label>
            <input id="dtm-project" placeholder="the uuid in the project's address" value={link.projectId} onChange={(e) => setLink({ ...link, projectId: e.currentTarget.value })} />
            <span />
            <div className="actions">
              <button type="submit" disabled={!link.server || !link.projectId}>
                Save DroneTM project
              </button>
              <button type="button" disabled={!cloud?.dronetm || !cloud.signedIn} onClick={() => void pullTasks()}>
                Pull tasks from DroneTM
              </button>
            </div>
          </form>
          <form
            className="card sync-form"
            aria-label="DroneTM sign-in"
            onSubmit={(e) => {
              e.preventDefault();
              void signIn();
            }}
          >
            <span>Sign-in</span>
            <span data-testid="dtm-signin-state">{cloud?.signedIn ? 'Signed in (kept in the system keychain)' : 'Not signed in'}</span>
            <label htmlFor="dtm-email">E-mail</label>
            <input id="dtm-email" type="email" autoComplete="username" value={login.email} onChange={(e) => setLogin({ ...login, email: e.currentTarget.value })} />
            <label htmlFor="dtm-password">Password</label>
            <input id="dtm-password" type="password" autoComplete="current-password" value={login.password} onChange={(e) => setLogin({ ...login, password: e.currentTarget.value })} />
            <span />
            <div className="actions">
              <button type="submit" disabled={!cloud?.dronetm || !login.email || !login.password}>
                Sign in
              </button>
              <button type="button" disabled={!cloud?.signedIn} onClick={() => void signOut()}>
                Sign out
              </button>
            </div>
          </form>
        </>
      )}
      {!dronetm && (
        <>
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
        </>
      )}
      {(error || saved) && (
        <p role={error ? 'alert' : 'status'} className={error ? 'error' : 'muted'}>
          {error ?? saved}
        </p>
      )}
      <section className="card" aria-label="Upload">
        <div className="actions">
          <button type="button" disabled={running || !ready || verified.length === 0} onClick={() => void sync()}>
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
        {job && <JobCard job={job} paused={paused !== null} />}
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
            <SyncRow key={t.taskId} task={t} disabled={running || !ready} onSync={() => void sync(t.taskId)} />
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
