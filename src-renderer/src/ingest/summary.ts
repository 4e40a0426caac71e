/** Splits an ingest summary (whatever figures the core reports) into counts to show and problems to list. */
export function summaryParts(result: unknown): { figures: [string, string][]; problems: string[] } {
  const figures: [string, string][] = [];
  const problems: string[] = [];
  if (!result || typeof result !== 'object') return { figures, problems };
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    if (typeof value === 'number' && /bytes/i.test(key)) {
      figures.push([humanise(key), `${(value / 1e6).toFixed(1)} MB`]);
    } else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      figures.push([humanise(key), String(value)]);
    } else if (Array.isArray(value) && /error|problem|fail|skip/i.test(key)) {
      for (const p of value) problems.push(describe(p));
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // Zero counts are noise in a summary: only what happened is listed.
        if (typeof v === 'number' && v !== 0) figures.push([`${humanise(key)}: ${humanise(k)}`, String(v)]);
      }
    }
  }
  return { figures, problems };
}

function humanise(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describe(problem: unknown): string {
  if (typeof problem === 'string') return problem;
  if (problem && typeof problem === 'object') {
    const p = problem as Record<string, unknown>;
    const where = p.file ?? p.path ?? p.fileName ?? p.source;
    const what = p.message ?? p.reason ?? p.code;
    return [where, what].filter((x) => x !== undefined).map(String).join(': ') || JSON.stringify(problem);
  }
  return String(problem);
}
