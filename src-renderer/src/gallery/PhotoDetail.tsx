import { useEffect, useRef, useState } from 'react';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { STATUS_COLOURS, STATUS_LABELS } from '../map/layers.ts';
import { keyCommand, type Decision } from './culling.ts';
import { Figures } from '../common/Figures.tsx';

const fmt = (v: number | null, digits: number, unit = '') => (v === null ? '–' : `${v.toFixed(digits)}${unit}`);

/** The big photo with its metadata, quality metrics and reasons, and the accept/reject decision. */
/** Quality metrics in words, with what they are compared to where the project says so. */
const METRIC_WORDS: Record<string, string> = {
  gridScore: 'sharpness (grid score)',
  blurEffect: 'blur effect (0 sharp, 1 smeared)',
  lowTextureRatio: 'share of featureless ground',
  wholeVariance: 'sharpness over the whole photo',
  mean: 'mean brightness (0-255)',
  width: 'measured width (px)',
  height: 'measured height (px)',
};
export const metricWords = (key: string): string => METRIC_WORDS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

export function PhotoDetail(props: {
  id: number;
  /** The list the photo was opened from, for next/previous (empty: no navigation). */
  list?: readonly number[];
  onNavigate?: (id: number) => void;
  revision: number;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [actualSize, setActualSize] = useState(false);
  const at = props.list?.indexOf(props.id) ?? -1;
  const step = (delta: number) => {
    const next = props.list?.[at + delta];
    if (at >= 0 && next !== undefined) props.onNavigate?.(next);
  };
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const detail = useQuery(() => api.call('images.get', { id: props.id }), [api, props.id], { refresh: [props.revision], onError: setError });
  const photo = detail.data ?? null;
  // Focus moves into the dialog and, when it closes, back where it was (the gallery keeps taking the culling keys).
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const decide = async (decision: Decision) => {
    setError(null);
    try {
      await api.call('images.decide', { ids: [props.id], decision });
      detail.reload();
      props.onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  // Keys are taken on the document while the dialog is open: a button that gets disabled under the focus (Clear my
  // decision) drops the focus to the page, and Escape, A and R must still work then.
  const onKey = useRef<(e: globalThis.KeyboardEvent) => void>(() => undefined);
  onKey.current = (e) => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (e.key === 'Escape') props.onClose();
    else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      step(e.key === 'ArrowRight' ? 1 : -1);
    }
    else if (e.key === 'Tab') keepFocusIn(dialog, e);
    else if (!e.ctrlKey && !e.metaKey && !e.altKey) {
      const cmd = keyCommand(e.key);
      if (cmd?.kind === 'decide') {
        e.preventDefault();
        void decide(cmd.decision);
      }
    }
  };
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => onKey.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const rows: [string, string][] = photo
    ? [
        ['File', photo.path],
        ['Captured', photo.capturedAt ?? '–'],
        ['Task', photo.taskId ?? '–'],
        ['Flight', photo.flightId === null ? '–' : String(photo.flightId)],
        ['Position', photo.lat === null || photo.lon === null ? '–' : `${photo.lat.toFixed(6)}, ${photo.lon.toFixed(6)}`],
        ['Height above take-off', fmt(photo.relAlt, 1, ' m')],
        ...(photo.enteredHeightM !== null ? [['Flown height', `${photo.enteredHeightM} m (entered by the pilot)`] as [string, string]] : []),
        ['Gimbal pitch', fmt(photo.gimbalPitch, 1, '°')],
        ['Camera', [photo.make, photo.model].filter(Boolean).join(' ') || '–'],
        ['Size', photo.width && photo.height ? `${photo.width} × ${photo.height}` : '–'],
        ['File size', photo.size === null ? '–' : `${(photo.size / 1e6).toFixed(1)} MB`],
        ['GSD', fmt(photo.gsdCm, 2, ' cm/px')],
        ['MD5', photo.md5 ?? '–'],
      ]
    : [];
  const metrics = Object.entries(photo?.metrics ?? {}).flatMap(([k, v]): [string, string][] =>
    typeof v === 'number' ? [[metricWords(k), String(Number(v.toFixed(3)))]] : [],
  );

  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={photo ? `Photo ${photo.fileName}` : 'Photo'}
        ref={dialogRef}
        className="photo-detail"
        data-testid="photo-detail"
        data-id={props.id}
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>{photo?.fileName ?? `Photo ${props.id}`}</h2>
          {photo && (
            <span className="badge" style={{ background: STATUS_COLOURS[photo.status] }} data-testid="detail-status">
              {STATUS_LABELS[photo.status]}
              {photo.manualDecision && ` · ${photo.manualDecision} by you`}
            </span>
          )}
          <span className="detail-nav">
            <button type="button" disabled={at <= 0} onClick={() => step(-1)} aria-label="Previous photo">
              ← Previous
            </button>
            {at >= 0 && (
              <span className="muted" data-testid="detail-position">
                {at + 1} / {props.list!.length}
              </span>
            )}
            <button type="button" disabled={at < 0 || at >= props.list!.length - 1} onClick={() => step(1)} aria-label="Next photo">
              Next →
            </button>
            <button type="button" aria-pressed={actualSize} onClick={() => setActualSize((v) => !v)}>
              100 %
            </button>
          </span>
          <button ref={closeRef} type="button" onClick={props.onClose} aria-label="Close photo">
            Close
          </button>
        </header>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="detail-body">
          <div className={actualSize ? 'zoom-wrap' : undefined} data-testid="detail-image">
            <img className={actualSize ? 'actual' : 'big'} src={photo ? api.mediaUrl('photo', photo.duplicateOf?.id ?? props.id) : undefined} alt={photo ? `Photo ${photo.fileName}` : ''} />
          </div>
          <div className="detail-side">
            <div className="actions">
              <button type="button" className="accept" onClick={() => void decide('accepted')}>Accept (A)</button>
              <button type="button" className="reject" onClick={() => void decide('rejected')}>Reject (R)</button>
              <button type="button" onClick={() => void decide(null)} disabled={!photo?.manualDecision}>Clear my decision</button>
            </div>
            {photo?.duplicateOf && (
              <p role="note" className="warning-note" data-testid="detail-duplicate">
                Same bytes as {photo.duplicateOf.fileName}: the image shown is the original's, and it is the one that
                counts.{' '}
                <button type="button" onClick={() => props.onNavigate?.(photo.duplicateOf!.id)}>
                  Open the original
                </button>
              </p>
            )}
            {photo?.heightUnknown && (
              <p role="note" className="warning-note" data-testid="detail-height-unknown">
                Height above ground unknown: the photo has no usable height above take-off, so it has no footprint and
                does not count for coverage. Enter the flight's flown height in the Tasks view.
              </p>
            )}
            <h3>Reasons</h3>
            {photo?.reasons.length ? (
              <ul className="reasons" data-testid="detail-reasons">
                {photo.reasons.map((r, i) => (
                  <li key={i}>
                    <strong>{r.code}</strong> {r.message} {r.source === 'manual' && <em>(yours)</em>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None.</p>
            )}
            {photo && photo.quality.length > 0 && (
              <>
                <h3>Quality</h3>
                <ul className="quality" data-testid="detail-quality">
                  {photo.quality.map((q) => (
                    <li key={q.key} data-key={q.key} className={q.ok === false ? 'past' : undefined}>
                      {q.ok === false && <span aria-hidden="true">⚠ </span>}
                      {q.text}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h3>Metadata</h3>
            <Figures rows={rows} testId="detail-metadata" />
            {metrics.length > 0 && (
              <details>
                <summary>Every measurement</summary>
                <Figures rows={metrics} />
              </details>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

/** Tab and Shift+Tab cycle through the dialog's controls instead of leaving it for the page behind (aria-modal). */
function keepFocusIn(dialog: HTMLElement, e: globalThis.KeyboardEvent): void {
  const focusable = [...dialog.querySelectorAll<HTMLElement>('button:not(:disabled), [href], input:not(:disabled), select, textarea, [tabindex]:not([tabindex="-1"])')];
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  const at = document.activeElement;
  if (e.shiftKey && (at === first || !dialog.contains(at))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (at === last || !dialog.contains(at))) {
    e.preventDefault();
    first.focus();
  }
}
