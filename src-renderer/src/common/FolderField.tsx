import { useId, useState } from 'react';
import { errorMessage, useApi } from './api-context.tsx';
import { useQuery } from './useQuery.ts';

/**
 * A folder path field with the native picker beside it when the app runs in Electron (the browser harness has no
 * picker, so the pilot types the path there).
 */
export function FolderField(props: {
  label: string;
  purpose: 'project' | 'card';
  value: string;
  onChange: (dir: string) => void;
  testId: string;
}) {
  const api = useApi();
  const id = useId();
  // No answer (yet, or a failed one): no picker.
  const canPick = useQuery(() => api.call('app.info', {}), [api]).data?.transport === 'ipc';
  const [error, setError] = useState<string | null>(null);
  const pick = async () => {
    try {
      const { dir } = await api.call('app.pickFolder', { purpose: props.purpose });
      if (dir) props.onChange(dir);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="folder-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        spellCheck={false}
        value={props.value}
        placeholder="/path/to/folder"
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {canPick && (
        <button type="button" onClick={() => void pick()}>
          Browse…
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
