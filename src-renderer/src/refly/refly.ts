import type { ReflyPlanInfo } from '../../../src-preload/contract.ts';

const HEIGHT_WORDS: Record<ReflyPlanInfo['heightSource'], string> = {
  photos: 'as flown',
  given: 'as given',
  flight_height_setting: 'project flight height',
  flight_plan: "the flight plan's heights",
};

/** The plan's figures as the pilot reads them. */
export function reflyFigures(plan: Pick<ReflyPlanInfo, 'lengthM' | 'flightTimeS' | 'heightSource'>): { length: string; time: string; heightWords: string } {
  const minutes = Math.max(1, Math.ceil(plan.flightTimeS / 60));
  return {
    length: plan.lengthM >= 1000 ? `${(plan.lengthM / 1000).toFixed(2)} km` : `${Math.round(plan.lengthM)} m`,
    time: `${minutes} min of flight`,
    heightWords: HEIGHT_WORDS[plan.heightSource],
  };
}

/** Re-fly lines and photo points of a plan, for the map's re-fly layer. */
export function reflyMapFeatures(plan: ReflyPlanInfo | null): { type: 'FeatureCollection'; features: unknown[] } {
  const features = (plan?.geojson.features ?? []).filter((f) => {
    const role = (f as { properties?: { role?: string } }).properties?.role;
    return role === 'line' || role === 'photo';
  });
  return { type: 'FeatureCollection', features };
}

/** Saves bytes as a file: a browser download in the harness, the save prompt in the app. */
export function downloadBase64(fileName: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
