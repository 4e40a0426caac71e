import { useState } from 'react';
import type { FlightPlanInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { useApi } from '../common/api-context.tsx';
import { fileToBase64 } from '../common/file-bytes.ts';
import { FilePick, FileStatusLine, useFileImport } from '../common/FilePick.tsx';

/** What an imported plan says about its task, in the pilot's words. */
export function flightPlanWords(fileName: string, plan: FlightPlanInfo): string {
  const planned = `${plan.plannedPoints} planned photo point${plan.plannedPoints === 1 ? '' : 's'}`;
  const unflown =
    plan.unflownPoints === 0
      ? 'all of them flown'
      : `${plan.unflownPoints} not flown, in ${plan.unflownStretches} unflown stretch${plan.unflownStretches === 1 ? '' : 'es'}`;
  return `${fileName} is now the flight plan of task ${plan.taskId}: ${planned}, ${unflown}.`;
}

/** The tasks as options of a select: id, and name when it has one. */
export function TaskOptions({ tasks }: { tasks: readonly TaskInfo[] }) {
  return tasks.map((t) => (
    <option key={t.taskId} value={t.taskId}>
      {t.taskId}
      {t.name ? ` – ${t.name}` : ''}
    </option>
  ));
}

/**
 * "Import flight plan…": the task's plan as DroneTM or DJI Pilot 2 export it (DJI WPML .kmz) or KML lines, picked
 * from the pilot's machine; the bytes travel, never a path. The map then draws it (the core announces the change).
 */
export function FlightPlanImport({ tasks, onImported }: { tasks: readonly TaskInfo[]; onImported: () => void }) {
  const api = useApi();
  const [taskId, setTaskId] = useState('');
  const chosen = tasks.some((t) => t.taskId === taskId) ? taskId : '';
  const { status, importFile } = useFileImport(async (file) => {
    const plan = await api.call('tasks.importFlightPlan', {
      fileName: file.name,
      contentBase64: await fileToBase64(file),
      ...(chosen ? { taskId: chosen } : {}),
    });
    return flightPlanWords(file.name, plan);
  }, onImported);

  if (tasks.length === 0) return null;
  return (
    <div className="flight-plan-import" data-testid="flight-plan-import">
      <label>
        Flight plan for{' '}
        <select value={chosen} onChange={(e) => setTaskId(e.currentTarget.value)} aria-label="Task of the flight plan">
          <option value="">the task it flies over</option>
          <TaskOptions tasks={tasks} />
        </select>
      </label>{' '}
      <FilePick label="Import flight plan… (DJI .kmz, KML)" accept=".kmz,.kml" testId="flight-plan-file" onFile={(file) => void importFile(file)} />
      <FileStatusLine status={status} testId="flight-plan-status" />
    </div>
  );
}
