import { useState, type DragEvent } from 'react';
import { useApi } from '../common/api-context.tsx';
import { fileToBase64 } from '../common/file-bytes.ts';
import { FilePick, FileStatusLine, useFileImport } from '../common/FilePick.tsx';

/** Task file import by picking or dropping a GeoJSON, KML or KMZ file; the bytes travel, never a path. */
export function TaskImport({ onImported }: { onImported: () => void }) {
  const api = useApi();
  const [over, setOver] = useState(false);
  const { status, importFile } = useFileImport(async (file) => {
    const r = await api.call('tasks.import', { fileName: file.name, contentBase64: await fileToBase64(file) });
    return `Imported ${r.imported} task(s) from ${file.name}.`;
  }, onImported);
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
      <FilePick
        label="Import tasks (GeoJSON, KML, KMZ) — choose a file or drop it here"
        accept=".geojson,.json,.kml,.kmz"
        testId="task-file"
        onFile={(file) => void importFile(file)}
      />
      <FileStatusLine status={status} />
    </section>
  );
}
