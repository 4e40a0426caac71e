import { useState } from 'react';
import { errorMessage } from './api-context.tsx';

export interface FileStatus {
  ok: boolean;
  text: string;
}

/**
 * A picked (or dropped) file sent to the core: "Importing…" while it travels, then the words `run` gives back, or
 * the file's name with the core's refusal.
 */
export function useFileImport(run: (file: File) => Promise<string>, onDone: () => void) {
  const [status, setStatus] = useState<FileStatus | null>(null);
  const importFile = async (file: File) => {
    setStatus({ ok: true, text: `Importing ${file.name}…` });
    try {
      setStatus({ ok: true, text: await run(file) });
      onDone();
    } catch (err) {
      setStatus({ ok: false, text: `${file.name}: ${errorMessage(err)}` });
    }
  };
  return { status, importFile };
}

/** A file input that hands over the picked file and forgets it (the same file can be picked again). */
export function FilePick({ label, accept, testId, onFile }: { label: string; accept: string; testId: string; onFile: (file: File) => void }) {
  return (
    <label>
      {label}{' '}
      <input
        type="file"
        accept={accept}
        data-testid={testId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) onFile(file);
          e.currentTarget.value = '';
        }}
      />
    </label>
  );
}

/** The outcome of an import: a status line, or an alert in words. */
export function FileStatusLine({ status, testId }: { status: FileStatus | null; testId?: string }) {
  if (!status) return null;
  return (
    <p role={status.ok ? 'status' : 'alert'} className={status.ok ? 'ok' : 'error'} data-testid={testId}>
      {status.text}
    </p>
  );
}
