import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { openProject, type Project } from '../project/project.ts';
import { JobRunner, type EventSink } from '../jobs/jobs.ts';
import { reapOrphans } from '../odm/service.ts';

interface RecentEntry {
  dir: string;
  name: string;
  openedAt: string;
}

const RECENT_LIMIT = 10;

/**
 * The one open project of an app window (or of a `serve` run), with its job runner. Opening another project closes
 * the previous one after cancelling its jobs (their journals let them resume later).
 */
export class Session {
  readonly emit: EventSink;
  private readonly recentFile: string | null;
  /** Named in the project lock, so a second Postflight can say who holds the project. */
  private readonly writer: string;
  private open_: { project: Project; jobs: JobRunner } | null = null;
  private reaping: Promise<void> = Promise.resolve();
  private opened: ((open: { project: Project; jobs: JobRunner }) => void) | null = null;

  constructor(options: { emit: EventSink; recentFile?: string | null; writer?: string }) {
    this.emit = options.emit;
    this.writer = options.writer ?? 'the app';
    this.recentFile = options.recentFile ?? null;
  }

  async openProject(dir: string, create = false): Promise<Project> {
    // The new project is opened (and its writer lock taken) first: a mistyped folder or a project open in another
    // Postflight fails here and leaves the current project and its running jobs alone.
    const project = openProject(dir, { create, writer: this.writer });
    try {
      await this.close();
    } catch (err) {
      project.close();
      throw err;
    }
    this.open_ = { project, jobs: new JobRunner(project.db, this.emit) };
    this.reaping = reapOdmOrphans(project);
    this.opened?.(this.open_);
    this.remember(project);
    this.emit('project.changed', { what: 'project' });
    return project;
  }

  /**
   * Called with each project as it opens, and at once with the one already open: the handlers resume there the jobs
   * a killed process left (they know the work and its secrets; the session does not).
   */
  onOpen(opened: (open: { project: Project; jobs: JobRunner }) => void): void {
    this.opened = opened;
    if (this.open_) opened(this.open_);
  }

  get project(): Project | null {
    return this.open_?.project ?? null;
  }

  /** The open project, or a clear error telling the pilot to open one. */
  require(): { project: Project; jobs: JobRunner } {
    if (!this.open_) throw new AppError('project_missing', 'Open or create a project first.');
    return this.open_;
  }

  recent(): RecentEntry[] {
    if (!this.recentFile || !fs.existsSync(this.recentFile)) return [];
    try {
      const parsed = JSON.parse(fs.readFileSync(this.recentFile, 'utf8')) as unknown;
      return Array.isArray(parsed) ? (parsed as RecentEntry[]).filter((e) => typeof e?.dir === 'string') : [];
    } catch {
      return []; // a damaged list of recent folders is not worth failing over
    }
  }

  async close(): Promise<void> {
    if (!this.open_) return;
    const { project, jobs } = this.open_;
    this.open_ = null;
    await this.reaping;
    await jobs.shutdown();
    project.close();
  }

  private remember(project: Project): void {
    if (!this.recentFile) return;
    const entry = { dir: project.dir, name: project.info.name, openedAt: new Date().toISOString() };
    const list = [entry, ...this.recent().filter((e) => e.dir !== project.dir)].slice(0, RECENT_LIMIT);
    fs.mkdirSync(path.dirname(this.recentFile), { recursive: true });
    const tmp = `${this.recentFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(list, null, 2));
    fs.renameSync(tmp, this.recentFile);
  }
}

/**
 * ODM containers a previous Postflight left running are stopped and their runs marked failed, once per opened
 * project. Without Docker there is nothing to reap: a log line says so and the project opens as usual.
 */
async function reapOdmOrphans(project: Project): Promise<void> {
  try {
    const { removedContainers, failedRuns } = await reapOrphans(project);
    if (removedContainers.length || failedRuns.length) {
      console.warn(`ODM: stopped ${removedContainers.length} abandoned container(s), ${failedRuns.length} run(s) marked failed.`);
    }
  } catch (err) {
    console.warn(`ODM: Docker unreachable, abandoned runs not checked (${err instanceof Error ? err.message : String(err)}).`);
  }
}
