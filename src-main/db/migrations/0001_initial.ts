import type { Migration } from '../migrate.ts';

/** The first schema: one project per database file; every long job records its progress as it goes. */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE project (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- Project settings as JSON values (thresholds, flight height, sync target without secrets).
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE tasks (
  id            INTEGER PRIMARY KEY,
  task_id       TEXT NOT NULL UNIQUE,          -- the id pilots see (from the task file)
  name          TEXT,
  geometry      TEXT NOT NULL,                 -- GeoJSON Polygon | MultiPolygon, WGS84
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  source        TEXT,                          -- file it was imported from
  imported_at   TEXT NOT NULL,
  coverage_json TEXT,                          -- last computed coverage figures
  verified_at   TEXT,
  verify_forced INTEGER NOT NULL DEFAULT 0,
  synced_at     TEXT
);

CREATE TABLE flights (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT,
  ended_at    TEXT,
  image_count INTEGER NOT NULL DEFAULT 0
);

-- The ingest journal: one row per run over a source; files reference it so a rerun resumes.
CREATE TABLE ingest_runs (
  id           INTEGER PRIMARY KEY,
  source_root  TEXT NOT NULL,
  mode         TEXT NOT NULL CHECK (mode IN ('copy', 'in_place')),
  state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'interrupted', 'failed')),
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  summary_json TEXT
);

CREATE TABLE images (
  id              INTEGER PRIMARY KEY,
  ingest_run_id   INTEGER REFERENCES ingest_runs(id),
  source_root     TEXT NOT NULL,
  source_path     TEXT NOT NULL,               -- relative to source_root, '/' separated
  stored_path     TEXT,                        -- relative to the project folder, or absolute for --in-place
  file_name       TEXT NOT NULL,
  size            INTEGER,
  mtime_ms        INTEGER,
  md5             TEXT,
  status          TEXT NOT NULL CHECK (status IN ('staged', 'assigned', 'rejected', 'unmatched', 'invalid_exif', 'duplicate')),
  duplicate_of    INTEGER REFERENCES images(id),
  manual_decision TEXT CHECK (manual_decision IN ('accepted', 'rejected')),
  captured_at     TEXT,                        -- ISO 8601 UTC when the time zone is known
  captured_local  TEXT,                        -- the camera's raw local time string
  lat REAL, lon REAL, alt REAL, rel_alt REAL,
  gimbal_pitch REAL, gimbal_yaw REAL, gimbal_roll REAL,
  flight_pitch REAL, flight_yaw REAL, flight_roll REAL,
  make TEXT, model TEXT, serial TEXT,
  focal_mm REAL, focal35_mm REAL, width INTEGER, height INTEGER, iso REAL, exposure_s REAL,
  metadata_json   TEXT,
  metrics_json    TEXT,
  sharpness       REAL,
  thumb_path      TEXT,
  task_id         INTEGER REFERENCES tasks(id),
  flight_id       INTEGER REFERENCES flights(id),
  footprint       TEXT,
  gsd_cm          REAL,
  ingested_at     TEXT NOT NULL
);
-- A file on a card is the same photo only if path, size and modification time all match: a reformatted card that
-- reuses DJI_0001.JPG for a new photo must give a new row, and a rerun must never give a second one.
CREATE UNIQUE INDEX images_source_file ON images(source_root, source_path, ifnull(size, -1), ifnull(mtime_ms, -1));
CREATE INDEX images_md5 ON images(md5);
CREATE INDEX images_status ON images(status);
CREATE INDEX images_task ON images(task_id);

-- Why an image has its status: automatic checks and the pilot's own decisions.
CREATE TABLE reasons (
  id        INTEGER PRIMARY KEY,
  image_id  INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  code      TEXT NOT NULL,
  message   TEXT NOT NULL,
  source    TEXT NOT NULL CHECK (source IN ('auto', 'manual'))
);
CREATE INDEX reasons_image ON reasons(image_id);

-- Append-only log of user decisions (accept/reject, verify, forced verify, settings changes).
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  image_id  INTEGER,
  task_id   INTEGER,
  payload   TEXT
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE jobs (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  params_json   TEXT NOT NULL DEFAULT '{}',
  progress_json TEXT,
  result_json   TEXT,
  error_json    TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE uploads (
  id          INTEGER PRIMARY KEY,
  image_id    INTEGER REFERENCES images(id),
  task_id     INTEGER REFERENCES tasks(id),
  object_key  TEXT NOT NULL UNIQUE,
  size        INTEGER NOT NULL,
  md5         TEXT NOT NULL,
  upload_id   TEXT,                            -- multipart upload id while in flight
  part_size   INTEGER,
  state       TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'uploaded', 'verified', 'failed')),
  updated_at  TEXT NOT NULL
);

CREATE TABLE upload_parts (
  upload_row  INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  upload_id   TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  checksum    TEXT,
  size        INTEGER NOT NULL,
  PRIMARY KEY (upload_row, upload_id, part_number)
);

CREATE TABLE odm_runs (
  id            TEXT PRIMARY KEY,
  task_id       INTEGER NOT NULL REFERENCES tasks(id),
  engine        TEXT NOT NULL CHECK (engine IN ('docker', 'nodeodm')),
  options_json  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  container_id  TEXT,
  remote_uuid   TEXT,
  started_at    TEXT,
  finished_at   TEXT,
  outputs_json  TEXT,
  error         TEXT
);
`,
};
