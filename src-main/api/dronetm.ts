import type { CloudTargetInfo } from '../../src-preload/contract-base.ts';
import { memoryTokens, type TokenStore } from '../dronetm/auth.ts';
import { DronetmClient } from '../dronetm/client.ts';
import { loadDronetmLink, loadSyncKind, resolveDronetmLink, setSyncKind } from '../dronetm/project-link.ts';
import { importDronetmTasks } from '../dronetm/tasks.ts';
import { requireTask } from '../db/tasks.ts';
import type { CredentialStore } from '../sync/credentials.ts';
import type { ApiHandlers } from './dispatch.ts';
import type { Session } from './session.ts';
import { requireDronetmLink, startSync, type WorkEnv } from './work.ts';

type CloudHandlers = Pick<
  ApiHandlers,
  'sync.start' | 'sync.getCloud' | 'sync.setKind' | 'dronetm.setProject' | 'dronetm.login' | 'dronetm.logout' | 'dronetm.importTasks' | 'odm.push'
>;

/**
 * The cloud-target methods: which target sync uses, the DroneTM link and sign-in (tokens in `tokens`: the OS keychain
 * in the app, memory in the browser harness), pulling DroneTM tasks, and the sync / ODM push jobs.
 */
export function cloudHandlers(session: Session, credentials: CredentialStore, tokens: TokenStore = memoryTokens()): CloudHandlers {
  const db = () => session.require().project.db;
  const env = (): WorkEnv => ({ ...session.require(), emit: session.emit });
  const info = async (): Promise<CloudTargetInfo> => {
    const link = loadDronetmLink(db());
    return { kind: loadSyncKind(db()), dronetm: link, signedIn: link !== null && (await tokens.get(link.server)) !== null };
  };
  const requireLink = () => requireDronetmLink(db());
  return {
    'sync.start': async (params) => {
      if (loadSyncKind(db()) === 's3') return { jobId: startSync(env(), params, { credentials, tokens }) };
      requireLink();
      return { jobId: startSync(env(), { ...params, target: 'dronetm' }, { credentials, tokens }) };
    },
    'sync.getCloud': info,
    'sync.setKind': async ({ kind }) => {
      if (kind === 'dronetm') requireLink();
      setSyncKind(db(), kind);
      return info();
    },
    'dronetm.setProject': async ({ server, projectId }) => {
      resolveDronetmLink(db(), { server, projectId });
      setSyncKind(db(), 'dronetm');
      return info();
    },
    'dronetm.login': async (params) => {
      const link = requireLink();
      const client = new DronetmClient(link.server, { tokens });
      if ('token' in params) {
        await tokens.set(link.server, { accessToken: params.token });
        try {
          await client.whoAmI();
        } catch (err) {
          await tokens.delete(link.server);
          throw err;
        }
      } else {
        await client.login(params.email, params.password);
      }
      return info();
    },
    'dronetm.logout': async () => {
      await tokens.delete(requireLink().server);
      return info();
    },
    'dronetm.importTasks': async () => {
      const { project } = session.require();
      const link = requireLink();
      const r = await importDronetmTasks(project, new DronetmClient(link.server, { tokens }), link.projectId);
      session.emit('project.changed', { what: 'tasks' });
      return { imported: r.added.length + r.updated.length, taskIds: [...r.added, ...r.updated, ...r.unchanged] };
    },
    'odm.push': async ({ taskId }) => {
      requireLink();
      requireTask(db(), taskId);
      return { jobId: startSync(env(), { taskId, target: 'dronetm', odmPush: true }, { credentials, tokens }) };
    },
  };
}
