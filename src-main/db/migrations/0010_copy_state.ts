import type { Migration } from '../migrate.ts';

/**
 * Whether a photo has a verified copy in the project, apart from where its row points. A row made in place, an
 * unreadable file or a copy found damaged by a recheck is not an offloaded photo: a copy run must still copy it.
 * Copies recorded before this column existed were verified when written (ingest only recorded verified copies).
 */
export const migration: Migration = {
  version: 10,
  name: 'copy_state',
  sql: `
ALTER TABLE images ADD COLUMN copy_state TEXT CHECK (copy_state IN ('verified', 'damaged'));
UPDATE images SET copy_state = 'verified' WHERE stored_path LIKE 'images/%' AND md5 IS NOT NULL;
CREATE INDEX images_source_root ON images(source_root);
`,
};
