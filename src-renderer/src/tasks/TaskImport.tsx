import { useState, type DragEvent } from 'react';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { fileToBase64 } from '../common/file-bytes.ts';

/** Task file import by picking or dropping a GeoJSON, KML or KMZ file; the bytes travel, never a path. */
export function TaskImport({ onImported }: { onImported: () => void }) {
  const api = useApi();
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [over, setOver] = useState(false);

  const importFile = async (file: File) => {
    setStatus({ ok: true, text: `Importing ${file.name}…` });
    try {
      const r = await api.call('tasks.import', { fileName: file.name, contentBase64: await fileToBase64(file) });
      setStatus({ ok: true, text: `Imported ${r.imported} task(s) from ${file.name}.` });
      onImported();
    } catch (err) {
      setStatus({ ok: false, text: `${file.name}: ${errorMessage(err)}` });
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void importFile(file);
  };

  return (
    <section
      className={over ? 'dropzone over' : 'dropzone'}
      aria-label="Import tasks"
      data-testid="task-dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label>
        Import tasks (GeoJSON, KML, KMZ) — choose a file or drop it here{' '}
        <input
          type="file"
          accept=".geojson,.json,.kml,.kmz"
          data-testid="task-file"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void importFile(file);
            e.currentTarget.value = '';
          }}
        />
      </label>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? 'ok' : 'error'}>
          {status.text}
        </p>
      )}
    </section>
  );
}
