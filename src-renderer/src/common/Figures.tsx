/** Label/value pairs as a compact definition list (metadata, metrics, summaries). */
export function Figures({ rows, testId }: { rows: readonly [string, string][]; testId?: string }) {
  return (
    <dl className="figures" data-testid={testId}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
