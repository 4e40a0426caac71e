import { useState } from 'react';
import type { FlightPlanInfo, ReflyExportFormat, ReflyPlanInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { gapTally } from '../tasks/task-state.ts';
import { downloadBase64, reflyFigures } from './refly.ts';
import { FlightPlanImport, TaskOptions } from './FlightPlanImport.tsx';

const EXPORTS: { format: ReflyExportFormat; label: string }[] = [
  { format: 'wpml', label: 'DJI (.kmz)' },
  { format: 'kml', label: 'KML' },
  { format: 'qgc', label: 'QGroundControl (.plan)' },
  { format: 'geojson', label: 'GeoJSON' },
];

/**
 * "Re-fly": for a task with gaps, plans lawnmower lines over them (drawn on the map by the caller through
 * `onPlan`), says how many photos, how long and how far, and saves the mission files. For a task whose flight plan
 * has unflown stretches, it can plan exactly those instead; the task's flight plan is imported here too (its unflown
 * stretches are what make a task with no gap worth re-flying).
 */
export function ReflyPanel({
  tasks,
  plans,
  onPlan,
  onChanged,
}: {
  tasks: readonly TaskInfo[];
  plans: readonly FlightPlanInfo[];
  onPlan: (plan: ReflyPlanInfo | null) => void;
  onChanged: () => void;
}) {
  const api = useApi();
  const unflownOf = (taskId: string) => plans.find((p) => p.taskId === taskId && p.unflownPoints > 0) ?? null;
  const withGaps = tasks.filter((t) => !t.verified && (gapTally(t, 'unphotographed').count + gapTally(t, 'thin_overlap').count > 0 || unflownOf(t.taskId)));
  const [taskId, setTaskId] = useState('');
  const [onlyPlan, setOnlyPlan] = useState(false);
  const [front, setFront] = useState(75);
  const [side, setSide] = useState(70);
  const [plan, setPlan] = useState<ReflyPlanInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = withGaps.find((t) => t.taskId === taskId)?.taskId ?? withGaps[0]?.taskId ?? '';
  const unflown = unflownOf(chosen);
  const fromPlan = unflown !== null && onlyPlan;
  const params = { taskId: chosen, frontOverlap: front / 100, sideOverlap: side / 100, ...(fromPlan ? { fromPlan: true } : {}) };

  const planIt = async () => {
    setBusy(true);
    setError(null);
    try {
      const p = await api.call('refly.plan', params);
      setPlan(p);
      onPlan(p);
    } catch (err) {
      setPlan(null);
      onPlan(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const save = async (format: ReflyExportFormat) => {
    setError(null);
    try {
      const { files } = await api.call('refly.export', { ...params, format });
      for (const f of files) downloadBase64(f.fileName, f.contentBase64);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const planImport = <FlightPlanImport tasks={tasks} onImported={onChanged} />;
  if (withGaps.length === 0) {
    return (
      <section className="refly" aria-label="Re-fly" data-testid="refly-panel">
        <p className="muted" data-testid="refly-none">No task has gaps to re-fly.</p>
        {planImport}
      </section>
    );
  }
  const figures = plan && reflyFigures(plan);
  return (
    <section className="refly" aria-label="Re-fly" data-testid="refly-panel">
      <label>
        Task{' '}
        <select value={chosen} onChange={(e) => setTaskId(e.currentTarget.value)}>
          <TaskOptions tasks={withGaps} />
        </select>
      </label>{' '}
      <label>
        Front overlap %{' '}
        <input type="number" min={0} max={95} value={front} onChange={(e) => setFront(Number(e.currentTarget.value))} />
      </label>{' '}
      <label>
        Side overlap %{' '}
        <input type="number" min={0} max={95} value={side} onChange={(e) => setSide(Number(e.currentTarget.value))} />
      </label>{' '}
      {unflown && (
        <label data-testid="refly-from-plan">
          <input type="checkbox" checked={onlyPlan} onChange={(e) => setOnlyPlan(e.currentTarget.checked)} /> Only the flight plan&apos;s unflown
          stretches ({unflown.unflownPoints} planned photo points in {unflown.unflownStretches} stretch
          {unflown.unflownStretches === 1 ? '' : 'es'})
        </label>
      )}{' '}
      <button type="button" disabled={busy || !chosen} onClick={() => void planIt()}>
        {busy ? 'Planning…' : 'Re-fly'}
      </button>
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
      {planImport}
      {plan && figures && (
        <div data-testid="refly-summary">
          <p>
            {plan.source === 'flight_plan' && 'The flight plan\'s unflown stretches: '}
            <strong data-testid="refly-photos">{plan.photoCount} photos</strong> on {plan.lineCount} line{plan.lineCount === 1 ? '' : 's'} at {plan.heightM.toFixed(0)} m above{' '}
            {plan.terrain ? 'the ground' : 'take-off'} ({figures.heightWords}), {figures.length}, about {figures.time}.
            {plan.terrain &&
              ` Heights follow the project's terrain model: ${plan.terrain.minHeightM.toFixed(0)}-${plan.terrain.maxHeightM.toFixed(0)} m above take-off.`}
            {plan.djiFiles > 1 && ` The DJI mission comes as ${plan.djiFiles} files of at most 250 points: fly them in order.`}
          </p>
          <p>
            Save for the drone:{' '}
            {EXPORTS.map((e) => (
              <button key={e.format} type="button" onClick={() => void save(e.format)}>
                {e.label}
              </button>
            ))}
          </p>
          <p className="muted">
            Take off about where the task was first flown from: heights are relative to take-off. DJI Pilot 2: copy the .kmz to the
            controller and import it in Flight Route. DJI Fly: save any waypoint mission, then replace its KMZ in
            Android/data/dji.go.v5/files/waypoint/&lt;uuid&gt;/ with this one renamed to &lt;uuid&gt;.kmz.
          </p>
        </div>
      )}
    </section>
  );
}
