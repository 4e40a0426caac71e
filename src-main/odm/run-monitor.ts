import fs from 'node:fs';
import type { Progress } from '../common/progress.ts';
import { setOdmRunProgress } from '../db/odm-runs.ts';
import type { Project } from '../project/project.ts';
import { LogTail, parseStageMarker, stripAnsi } from './odm-log.ts';

export interface OdmControlCallbacks {
  onProgress?: (p: Progress) => void;
  /** Every line ODM prints, as it prints it (for the UI's log view). */
  onLog?: (line: string) => void;
}

/**
 * Where a run's output goes: the log file in the project's logs/ folder, the caller's log callback, the last lines
 * kept for a failure message, and the stage markers turned into progress (recorded on the run row too).
 */
export class RunMonitor {
  readonly tail = new LogTail(25);
  private readonly fd: number;
  private readonly project: Project;
  private readonly runId: string;
  private readonly callbacks: OdmControlCallbacks;
  private percent = 0;

  constructor(project: Project, runId: string, logFile: string, callbacks: OdmControlCallbacks) {
    this.project = project;
    this.runId = runId;
    this.callbacks = callbacks;
    this.fd = fs.openSync(logFile, 'a');
  }

  line(raw: string): void {
    const line = stripAnsi(raw).replace(/\r$/, '');
    fs.writeSync(this.fd, `${line}\n`);
    this.tail.push(line);
    this.callbacks.onLog?.(line);
    const marker = parseStageMarker(line);
    if (marker && marker.percent >= this.percent) this.report(marker.stage, marker.percent);
  }

  /** Progress from elsewhere (NodeODM's own estimate, uploads). Never goes backwards. */
  report(stage: string, percent: number, message?: string): void {
    this.percent = Math.max(this.percent, percent);
    setOdmRunProgress(this.project.db, this.runId, stage, this.percent);
    this.callbacks.onProgress?.({ stage, done: this.percent, total: 100, message });
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Splits a byte stream into lines, handing each complete one over. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const p of parts) onLine(p);
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}
