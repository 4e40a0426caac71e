/**
 * Understanding ODM's console output: the stage markers its pipeline prints ("Running <stage> stage",
 * "Finished <stage> stage"), its error lines, and the failures a pilot can act on.
 */

/** ODM's pipeline stages in order, with the share of the whole run done when each one finishes (ODM's own weights). */
export const ODM_STAGES: readonly { name: string; doneAt: number }[] = [
  { name: 'dataset', doneAt: 5 },
  { name: 'split', doneAt: 5 },
  { name: 'merge', doneAt: 5 },
  { name: 'opensfm', doneAt: 25 },
  { name: 'openmvs', doneAt: 50 },
  { name: 'odm_filterpoints', doneAt: 52 },
  { name: 'odm_meshing', doneAt: 60 },
  { name: 'mvs_texturing', doneAt: 70 },
  { name: 'odm_georeferencing', doneAt: 80 },
  { name: 'odm_dem', doneAt: 90 },
  { name: 'odm_orthophoto', doneAt: 98 },
  { name: 'odm_report', doneAt: 99 },
  { name: 'odm_postprocess', doneAt: 100 },
];

export interface StageEvent {
  stage: string;
  /** Percent of the whole run done at this marker. */
  percent: number;
  finished: boolean;
}

// Colour codes are stripped first: ODM colours its log level tags when it writes to a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const STAGE_MARKER = /\b(Running|Finished) ([a-z_0-9]+) stage\b/;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

/** The stage marker on one log line, or null. A stage starts where the previous one finished. */
export function parseStageMarker(line: string): StageEvent | null {
  const m = STAGE_MARKER.exec(stripAnsi(line));
  if (!m) return null;
  const index = ODM_STAGES.findIndex((s) => s.name === m[2]);
  if (index < 0) return null;
  const finished = m[1] === 'Finished';
  const percent = finished ? ODM_STAGES[index]!.doneAt : index > 0 ? ODM_STAGES[index - 1]!.doneAt : 0;
  return { stage: m[2]!, percent, finished };
}

/** Keeps the last lines of a run, for the failure message. */
export class LogTail {
  private readonly lines: string[] = [];
  private readonly max: number;

  constructor(max = 20) {
    this.max = max;
  }

  push(line: string): void {
    this.lines.push(stripAnsi(line));
    if (this.lines.length > this.max) this.lines.shift();
  }

  get(): string[] {
    return [...this.lines];
  }
}

const EXPLANATIONS: { match: RegExp; say: string }[] = [
  {
    match: /Not enough supported images/i,
    say: 'ODM did not get enough usable photos to build an orthophoto. Accept more photos of this task (it needs overlapping nadir photos with GPS), or re-fly it.',
  },
  {
    match: /ran out of memory|Killed|bad_alloc|exit code 137/i,
    say: 'ODM ran out of memory. Close other programs, give Docker more memory, or process fewer photos at a time.',
  },
  {
    match: /reconstruction|not enough (matches|overlap)/i,
    say: 'ODM could not match the photos to each other. Check that they overlap enough and are sharp.',
  },
];

/** A pilot-readable reason for a failed run, from ODM's last lines. */
export function explainFailure(lastLines: readonly string[], exitCode?: number): string {
  const text = lastLines.join('\n');
  // 137 = 128 + SIGKILL: the container was killed from outside (docker kill, the kernel's out-of-memory killer).
  if (exitCode === 137) {
    return 'The ODM container was killed (exit code 137): Docker or the system stopped it, most often for lack of memory. Give Docker more memory or close other programs, then run it again.';
  }
  for (const e of EXPLANATIONS) if (e.match.test(text)) return e.say;
  const errors = lastLines.filter((l) => /\[ERROR\]|Error|error:/.test(l));
  const last = (errors.at(-1) ?? lastLines.at(-1) ?? '').replace(/^\s*\[ERROR\]\s*/, '').trim();
  return last ? `ODM stopped with an error: ${last}` : 'ODM stopped with an error and printed nothing.';
}
