/** A task's flight plan (table task_flight_plans, migration 0090). */
import { sql, type ProjectDb } from './database.ts';
import { decodeStored, storedFlightPlanSchema, type StoredFlightPlan } from './stored.ts';

export interface TaskFlightPlan {
  /** The task's row id. */
  taskRowId: number;
  /** File name it was imported from. */
  source: string;
  importedAt: string;
  plan: StoredFlightPlan;
}

interface Raw {
  task_id: number;
  source: string;
  imported_at: string;
  plan_json: string;
}

const decode = (r: Raw): TaskFlightPlan => ({
  taskRowId: r.task_id,
  source: r.source,
  importedAt: r.imported_at,
  plan: decodeStored(storedFlightPlanSchema, r.plan_json, { table: 'task_flight_plans', column: 'plan_json', row: r.task_id, what: 'flight plan' }),
});

/** Stores (or replaces) a task's flight plan. */
export function setTaskFlightPlan(db: ProjectDb, taskRowId: number, source: string, plan: StoredFlightPlan, importedAt = new Date().toISOString()): void {
  sql(db).prepare(
    `INSERT INTO task_flight_plans (task_id, source, imported_at, plan_json) VALUES (?, ?, ?, ?)
     ON CONFLICT(task_id) DO UPDATE SET source = excluded.source, imported_at = excluded.imported_at, plan_json = excluded.plan_json`,
  ).run(taskRowId, source, importedAt, JSON.stringify(plan));
}

export function getTaskFlightPlan(db: ProjectDb, taskRowId: number): TaskFlightPlan | null {
  const r = sql(db).prepare<[number], Raw>('SELECT task_id, source, imported_at, plan_json FROM task_flight_plans WHERE task_id = ?').get(taskRowId);
  return r ? decode(r) : null;
}

/** Every stored flight plan, by task row id. */
export function listTaskFlightPlans(db: ProjectDb): TaskFlightPlan[] {
  return sql(db).prepare<[], Raw>('SELECT task_id, source, imported_at, plan_json FROM task_flight_plans ORDER BY task_id').all().map(decode);
}
