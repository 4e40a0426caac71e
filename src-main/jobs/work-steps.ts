/**
 * The one work sequence, for the app and the CLI alike: ingest, then classification, then coverage. A pilot who
 * inserts a card sees statuses and coverage without starting three things by hand. The app runs each step as its
 * own job (own progress, own cancel: api/work.ts starts the next one when a step succeeds); the CLI runs them one
 * after the other in its process (runWork). A failed or cancelled step never starts the next.
 */
import type { JobKind, ParsedParamsOf } from '../../src-preload/contract.ts';
import type { WorkControl } from '../common/progress.ts';
import type { Project } from '../project/project.ts';
import { runIngest, type IngestSummary } from '../ingest/ingest.ts';
import { classifyProject, type ClassifySummary } from '../classify/classify.ts';
import { computeCoverageYielding, type ComputeCoverageResult } from '../geo/coverage-service.ts';

export type WorkStep = Extract<JobKind, 'ingest' | 'classify' | 'coverage'>;

/** What follows each step. */
export const NEXT_STEP: Readonly<Record<WorkStep, WorkStep | null>> = { ingest: 'classify', classify: 'coverage', coverage: null };

/** Each step's params: those of its contract method (`ingest.start`, ...), so the CLI's flags pass the same schema. */
export interface StepParams {
  ingest: ParsedParamsOf<'ingest.start'>;
  classify: ParsedParamsOf<'classify.start'>;
  coverage: ParsedParamsOf<'coverage.start'>;
}

export interface StepResults {
  ingest: IngestSummary;
  classify: ClassifySummary;
  coverage: ComputeCoverageResult;
}

type Control = Pick<WorkControl, 'signal' | 'onProgress'>;

/** Runs one step of the sequence; the step after it (NEXT_STEP) runs with default params. */
export function runWorkStep<S extends WorkStep>(project: Project, step: S, params: StepParams[S], control: Control): Promise<StepResults[S]> {
  const steps: { [K in WorkStep]: (p: StepParams[K]) => Promise<StepResults[K]> } = {
    ingest: (p) => runIngest(project, { ...p, ...control }),
    classify: (p) => classifyProject(project, { ...p, ...control }),
    coverage: () => computeCoverageYielding(project, { signal: control.signal }),
  };
  return steps[step](params);
}

/**
 * Runs `from` and the steps after it, through `through`, in this process (the CLI's way); returns each step's result.
 * `control.signal` cancels the running step and stops the sequence.
 */
export async function runWork<S extends WorkStep>(
  project: Project,
  from: S,
  params: StepParams[S],
  control: Control,
  through: WorkStep = 'coverage',
): Promise<Partial<StepResults>> {
  const results: Partial<StepResults> = {};
  let step: WorkStep | null = from;
  let stepParams: StepParams[WorkStep] = params;
  while (step !== null) {
    (results as Record<WorkStep, unknown>)[step] = await runWorkStep(project, step, stepParams as never, control);
    if (step === through) break;
    step = NEXT_STEP[step];
    stepParams = {};
  }
  return results;
}
