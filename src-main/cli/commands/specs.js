// @ts-check
/**
 * What each command is called and takes, without its code: `postflight --help`, usage errors and the command list
 * read these, and a command's module (with everything it imports) loads only when that command runs.
 * Plain JavaScript (typed by JSDoc, checked by tsc) so that help never loads Node's TypeScript support: that alone
 * costs about 0.1 s, and `postflight --help` should start in the time Node itself takes.
 */
/** @import { CommandSpec } from '../command.ts' */

/** @type {CommandSpec} */
export const ingestSpec = {
  name: ['ingest'],
  summary: 'Offload an SD card into a project (verified copy), read metadata, measure sharpness and exposure',
  args: '<source>',
  options: {
    project: { type: 'string', description: 'Project folder (created if new)' },
    'in-place': { type: 'boolean', description: 'Index the photos where they are instead of copying them' },
    recheck: {
      type: 'boolean',
      description: "Hash every copy in the project again; damaged ones are copied again from their card when it is inserted (<source> optional: only that card)",
    },
    json: { type: 'boolean', description: 'Print a machine-readable summary on stdout' },
  },
};

/** @type {CommandSpec} */
export const tasksImportSpec = {
  name: ['tasks', 'import'],
  summary: 'Import task polygons (GeoJSON, DroneTM export, KML, KMZ or DJI flight plan), a task\'s flight plan or a DEM; same ids are updated',
  args: '<file> | --dronetm <url> | --dem <elevation.tif> | --plan <flight-plan.kmz>',
  options: {
    project: { type: 'string', description: 'Project folder' },
    plan: { type: 'string', description: 'The flight plan a task was flown with (DJI WPML .kmz as DroneTM or DJI Pilot 2 export it, or KML lines): kept to compare with the photos (planned vs flown)' },
    task: { type: 'string', description: 'With --plan: the task it belongs to (default: the task its waypoints lie in)' },
    dem: { type: 'string', description: 'An elevation GeoTIFF (EPSG:4326 or UTM) for heights above real ground; with or without a task file' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
    dronetm: { type: 'string', description: 'Pull the tasks of a DroneTM project online from this server (token: DRONETM_ACCESS_TOKEN)' },
    'dronetm-project': { type: 'string', description: 'The DroneTM project uuid (saved; with --dronetm)' },
  },
};

/** @type {CommandSpec} */
export const tasksStreamSpec = {
  name: ['tasks', 'stream'],
  summary: "Choose which file of each capture a task counts: a payload stream (wide, zoom, thermal), a band (NIR, ...) or 'colour'",
  args: '<task> <stream>',
  options: {
    project: { type: 'string', description: 'Project folder' },
  },
};

/** @type {CommandSpec} */
export const classifySpec = {
  name: ['classify'],
  summary: 'Check every photo, match it to its task, find flights, hover bursts and take-off/landing transit; then compute coverage',
  options: {
    project: { type: 'string', description: 'Project folder' },
    'no-flight-tail': { type: 'boolean', description: 'Skip the take-off/landing transit pass for this run' },
    json: { type: 'boolean', description: 'Print a machine-readable summary on stdout' },
  },
};

/** @type {CommandSpec} */
export const reportSpec = {
  name: ['report'],
  summary: 'Show every photo with its status and reasons, and every task with its coverage',
  options: {
    project: { type: 'string', description: 'Project folder' },
    json: { type: 'boolean', description: 'Print the full report (photos, tasks, summary) as JSON' },
  },
};

/** @type {CommandSpec} */
export const verifySpec = {
  name: ['verify'],
  summary: 'Check a task\'s coverage and mark it verified (--force overrides the thresholds, and is logged)',
  options: {
    project: { type: 'string', description: 'Project folder' },
    task: { type: 'string', description: 'Task id' },
    force: { type: 'boolean', description: 'Verify even when coverage or overlap is below the thresholds' },
    undo: { type: 'boolean', description: 'Remove the task\'s verification instead' },
    json: { type: 'boolean', description: 'Print the task as JSON' },
  },
};

/** @type {CommandSpec} */
export const loginSpec = {
  name: ['login'],
  summary: 'Sign in to a DroneTM server; prints the DRONETM_ACCESS_TOKEN lines to eval (nothing written to disk)',
  options: {
    dronetm: { type: 'string', description: 'DroneTM address, e.g. https://dronetm.hotosm.org' },
    email: { type: 'string', description: 'Your DroneTM e-mail (password from DRONETM_PASSWORD or --password-stdin)' },
    'password-stdin': { type: 'boolean', description: 'Read the password from the first line of standard input' },
    token: { type: 'string', description: 'An access token instead of e-mail and password (checked with the server)' },
  },
};

/** @type {CommandSpec} */
export const reflySpec = {
  name: ['refly'],
  summary: 'Plan the re-flight of a task\'s gaps and write it for the drone (.kmz DJI WPML, .kml, .plan QGroundControl, .geojson)',
  options: {
    project: { type: 'string', description: 'Project folder' },
    task: { type: 'string', description: 'Task id' },
    out: { type: 'string', description: 'File to write; its extension picks the format unless --format is given' },
    format: { type: 'string', description: 'wpml | kml | qgc | geojson' },
    overlap: { type: 'string', description: 'Front/side overlap in percent, e.g. 75/70 (the default)' },
    height: { type: 'string', description: 'Flight height above take-off in metres (default: the height the task was flown at)' },
    'from-plan': { type: 'boolean', description: 'Re-fly the planned photo points of the task\'s flight plan (tasks import --plan) that have no accepted photo near them, instead of the gaps' },
    plan: { type: 'string', description: 'With --from-plan: a flight plan file (DJI WPML .kmz or KML lines) to use instead of the imported one' },
    json: { type: 'boolean', description: 'Print the plan summary as JSON' },
  },
};

/** @type {CommandSpec} */
export const syncSpec = {
  name: ['sync'],
  summary: 'Upload verified tasks to the project S3 bucket or DroneTM project (resumable; run again to resume)',
  options: {
    project: { type: 'string', description: 'Project folder' },
    task: { type: 'string', multiple: true, description: 'Only this task id (repeatable); rechecks it even if synced' },
    endpoint: { type: 'string', description: 'S3-compatible endpoint URL (saved); default AWS or AWS_ENDPOINT_URL' },
    bucket: { type: 'string', description: 'Bucket name (saved)' },
    prefix: { type: 'string', description: 'Key prefix inside the bucket (saved)' },
    region: { type: 'string', description: 'Region, e.g. us-east-1 (saved)' },
    'path-style': { type: 'boolean', description: 'Path-style addressing for non-AWS servers (saved)' },
    'part-size': { type: 'string', description: 'Multipart part size in MiB (default 8, minimum 5)' },
    concurrency: { type: 'string', description: 'Requests in flight (default 4)' },
    'max-rate': { type: 'string', description: 'Upload bandwidth cap in MB/s' },
    json: { type: 'boolean', description: 'Print the report as JSON' },
    dronetm: { type: 'string', description: 'Send to a DroneTM project instead of a bucket: its address (saved; token: DRONETM_ACCESS_TOKEN)' },
    'dronetm-project': { type: 'string', description: 'The DroneTM project uuid (saved)' },
  },
};

/** @type {CommandSpec} */
export const odmSpec = {
  name: ['odm'],
  summary: 'Make a quick orthophoto of a verified task with OpenDroneMap (Docker here, or a NodeODM server)',
  options: {
    project: { type: 'string', description: 'Project folder' },
    task: { type: 'string', description: 'Task id' },
    engine: { type: 'string', description: 'docker (default) or nodeodm' },
    gpu: { type: 'string', description: 'auto (default: use a GPU when Docker has one), on or off' },
    image: { type: 'string', description: 'Docker image to run instead of opendronemap/odm(:gpu)' },
    'nodeodm-url': { type: 'string', description: 'NodeODM address, e.g. http://192.168.1.10:3000 (token: POSTFLIGHT_NODEODM_TOKEN)' },
    resume: { type: 'string', description: 'Run id of an interrupted NodeODM run to resume' },
    option: { type: 'string', multiple: true, description: 'Extra ODM option name=value (repeatable), e.g. --option dem-resolution=10' },
    json: { type: 'boolean', description: 'Print the finished run as JSON' },
    push: {
      type: 'boolean',
      description: "Send the task's newest orthophoto to its DroneTM task as odm_import.zip instead of running ODM (token: DRONETM_ACCESS_TOKEN)",
    },
    dronetm: { type: 'string', description: 'With --push: the DroneTM address, if not the one the tasks were pulled from' },
  },
};

/** @type {CommandSpec} */
export const serveSpec = {
  name: ['serve'],
  summary: 'Serve the app and its API on 127.0.0.1 for a browser (prints the URL with its access token)',
  options: {
    project: { type: 'string', description: 'Project folder to open' },
    port: { type: 'string', description: 'Port on 127.0.0.1 (0 = any free port)', default: '0' },
    renderer: { type: 'string', description: 'Folder of the built renderer (default: out/renderer of this checkout)' },
  },
};

/** Every command, in the order `postflight --help` lists them (the order a pilot uses them). */
export const commandSpecs = [
  ingestSpec,
  tasksImportSpec,
  tasksStreamSpec,
  classifySpec,
  reportSpec,
  verifySpec,
  loginSpec,
  reflySpec,
  syncSpec,
  odmSpec,
  serveSpec,
];
