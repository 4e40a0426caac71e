/**
 * A re-fly plan as files a flight app takes: DJI WPML (KMZ), KML, QGroundControl .plan and GeoJSON. Each writer
 * returns the files to write (name and bytes); only DJI WPML may need more than one.
 */
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { ReflyExportFormat } from '../../src-preload/contract-base.ts';
import { AppError } from '../common/errors.ts';
import { localFrame } from '../geo/local-frame.ts';
import { PHOTO_STOP_S, type PlannedPhoto, type ReflyPlan } from './plan.ts';

/** The formats are the contract's (one list: refly.export and the CLI's --format check against it). */
export type ReflyFormat = ReflyExportFormat;

export interface ExportFile {
  fileName: string;
  bytes: Uint8Array;
}

/** DJI WPML namespace of DJI Pilot 2 / DJI Fly waypoint missions. */
export const WPML_NS = 'http://www.dji.com/wpmz/1.0.2';
const KML_NS = 'http://www.opengis.net/kml/2.2';
/** DJI RC 2 controllers struggle with more waypoints than this in one mission (DroneTM #605, #634). */
export const MAX_WAYPOINTS_PER_FILE = 250;

const EXTENSIONS: Record<string, ReflyFormat> = { '.kmz': 'wpml', '.kml': 'kml', '.plan': 'qgc', '.geojson': 'geojson', '.json': 'geojson' };
/** The file extension each format is saved with. */
export const REFLY_EXTENSIONS: Record<ReflyFormat, string> = { wpml: '.kmz', kml: '.kml', qgc: '.plan', geojson: '.geojson' };

/** The format a file name asks for (`.kmz` is DJI WPML), or null. */
export function formatFromFileName(fileName: string): ReflyFormat | null {
  return EXTENSIONS[path.extname(fileName).toLowerCase()] ?? null;
}

export interface ExportContext {
  /** The output file name the pilot chose (its stem names split files: `<stem>-1.kmz`, ...). */
  fileName: string;
  /** Mission name shown in flight apps. */
  title: string;
}

export function exportPlan(plan: ReflyPlan, format: ReflyFormat, ctx: ExportContext): ExportFile[] {
  if (plan.photos.length === 0) throw new AppError('refused', 'The plan has no photo points, so there is nothing to export.');
  switch (format) {
    case 'wpml':
      return toWpml(plan, ctx);
    case 'kml':
      return [{ fileName: ctx.fileName, bytes: strToU8(toKml(plan, ctx.title)) }];
    case 'qgc':
      return [{ fileName: ctx.fileName, bytes: strToU8(JSON.stringify(toQgcPlan(plan), null, 2) + '\n') }];
    case 'geojson':
      return [{ fileName: ctx.fileName, bytes: strToU8(JSON.stringify(toGeoJson(plan)) + '\n') }];
  }
}

// ---------- DJI WPML ----------

/**
 * One KMZ per run of at most 250 photo points, in flight order; each holds wpmz/template.kml (a waypoint template
 * DJI Pilot 2 can edit) and wpmz/waylines.wpml (what the aircraft executes). Heights are relative to the take-off
 * point; at each point the gimbal is turned straight down and a photo is taken; the aircraft stops at each point with
 * the heading of its line.
 */
function toWpml(plan: ReflyPlan, ctx: ExportContext): ExportFile[] {
  const chunks: PlannedPhoto[][] = [];
  for (let i = 0; i < plan.photos.length; i += MAX_WAYPOINTS_PER_FILE) chunks.push(plan.photos.slice(i, i + MAX_WAYPOINTS_PER_FILE));
  const parsed = path.parse(ctx.fileName);
  const now = Date.now();
  return chunks.map((photos, k) => {
    const name = chunks.length === 1 ? parsed.base : `${parsed.name}-${k + 1}${parsed.ext || '.kmz'}`;
    const title = chunks.length === 1 ? ctx.title : `${ctx.title} (${k + 1}/${chunks.length})`;
    const files = {
      'wpmz/template.kml': strToU8(wpmlTemplate(plan, photos, title, now)),
      'wpmz/waylines.wpml': strToU8(wpmlWaylines(plan, photos)),
    };
    return { fileName: name, bytes: zipSync(files, { level: 6, mtime: new Date(now) }) };
  });
}

function missionConfig(plan: ReflyPlan): string {
  return `  <wpml:missionConfig>
    <wpml:flyToWaylineMode>safely</wpml:flyToWaylineMode>
    <wpml:finishAction>goHome</wpml:finishAction>
    <wpml:exitOnRCLost>executeLostAction</wpml:exitOnRCLost>
    <wpml:executeRCLostAction>goBack</wpml:executeRCLostAction>
    <wpml:takeOffSecurityHeight>${num(Math.min(plan.heightM, 20))}</wpml:takeOffSecurityHeight>
    <wpml:globalTransitionalSpeed>${num(plan.speedMps)}</wpml:globalTransitionalSpeed>
    <wpml:globalRTHHeight>${num(plan.heightM)}</wpml:globalRTHHeight>
    <wpml:droneInfo>
      <wpml:droneEnumValue>68</wpml:droneEnumValue>
      <wpml:droneSubEnumValue>0</wpml:droneSubEnumValue>
    </wpml:droneInfo>
  </wpml:missionConfig>`;
}

function photoActions(index: number): string {
  return `      <wpml:actionGroup>
        <wpml:actionGroupId>${index}</wpml:actionGroupId>
        <wpml:actionGroupStartIndex>${index}</wpml:actionGroupStartIndex>
        <wpml:actionGroupEndIndex>${index}</wpml:actionGroupEndIndex>
        <wpml:actionGroupMode>sequence</wpml:actionGroupMode>
        <wpml:actionTrigger>
          <wpml:actionTriggerType>reachPoint</wpml:actionTriggerType>
        </wpml:actionTrigger>
        <wpml:action>
          <wpml:actionId>0</wpml:actionId>
          <wpml:actionActuatorFunc>gimbalRotate</wpml:actionActuatorFunc>
          <wpml:actionActuatorFuncParam>
            <wpml:gimbalHeadingYawBase>aircraft</wpml:gimbalHeadingYawBase>
            <wpml:gimbalRotateMode>absoluteAngle</wpml:gimbalRotateMode>
            <wpml:gimbalPitchRotateEnable>1</wpml:gimbalPitchRotateEnable>
            <wpml:gimbalPitchRotateAngle>-90</wpml:gimbalPitchRotateAngle>
            <wpml:gimbalRollRotateEnable>0</wpml:gimbalRollRotateEnable>
            <wpml:gimbalRollRotateAngle>0</wpml:gimbalRollRotateAngle>
            <wpml:gimbalYawRotateEnable>0</wpml:gimbalYawRotateEnable>
            <wpml:gimbalYawRotateAngle>0</wpml:gimbalYawRotateAngle>
            <wpml:gimbalRotateTimeEnable>0</wpml:gimbalRotateTimeEnable>
            <wpml:gimbalRotateTime>0</wpml:gimbalRotateTime>
            <wpml:payloadPositionIndex>0</wpml:payloadPositionIndex>
          </wpml:actionActuatorFuncParam>
        </wpml:action>
        <wpml:action>
          <wpml:actionId>1</wpml:actionId>
          <wpml:actionActuatorFunc>takePhoto</wpml:actionActuatorFunc>
          <wpml:actionActuatorFuncParam>
            <wpml:payloadPositionIndex>0</wpml:payloadPositionIndex>
          </wpml:actionActuatorFuncParam>
        </wpml:action>
      </wpml:actionGroup>`;
}

function headingParam(yawDeg: number): string {
  return `      <wpml:waypointHeadingParam>
        <wpml:waypointHeadingMode>smoothTransition</wpml:waypointHeadingMode>
        <wpml:waypointHeadingAngle>${num(yawDeg)}</wpml:waypointHeadingAngle>
        <wpml:waypointPoiPoint>0.000000,0.000000,0.000000</wpml:waypointPoiPoint>
        <wpml:waypointHeadingAngleEnable>1</wpml:waypointHeadingAngleEnable>
        <wpml:waypointHeadingPoiIndex>0</wpml:waypointHeadingPoiIndex>
      </wpml:waypointHeadingParam>`;
}

const TURN = 'toPointAndStopWithDiscontinuityCurvature';

function placemarkStart(p: PlannedPhoto, index: number): string {
  return `    <Placemark>
      <Point>
        <coordinates>${p.lon.toFixed(8)},${p.lat.toFixed(8)}</coordinates>
      </Point>
      <wpml:index>${index}</wpml:index>`;
}

function wpmlTemplate(plan: ReflyPlan, photos: readonly PlannedPhoto[], title: string, now: number): string {
  const placemarks = photos.map(
    (p, i) => `${placemarkStart(p, i)}
      <wpml:ellipsoidHeight>${num(p.heightM)}</wpml:ellipsoidHeight>
      <wpml:height>${num(p.heightM)}</wpml:height>
      <wpml:useGlobalHeight>0</wpml:useGlobalHeight>
      <wpml:useGlobalSpeed>1</wpml:useGlobalSpeed>
      <wpml:useGlobalHeadingParam>0</wpml:useGlobalHeadingParam>
${headingParam(p.yawDeg)}
      <wpml:useGlobalTurnParam>1</wpml:useGlobalTurnParam>
      <wpml:useStraightLine>1</wpml:useStraightLine>
      <wpml:gimbalPitchAngle>-90</wpml:gimbalPitchAngle>
${photoActions(i)}
    </Placemark>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="${KML_NS}" xmlns:wpml="${WPML_NS}">
<Document>
  <name>${esc(title)}</name>
  <wpml:author>Postflight</wpml:author>
  <wpml:createTime>${now}</wpml:createTime>
  <wpml:updateTime>${now}</wpml:updateTime>
${missionConfig(plan)}
  <Folder>
    <wpml:templateType>waypoint</wpml:templateType>
    <wpml:templateId>0</wpml:templateId>
    <wpml:waylineCoordinateSysParam>
      <wpml:coordinateMode>WGS84</wpml:coordinateMode>
      <wpml:heightMode>relativeToStartPoint</wpml:heightMode>
    </wpml:waylineCoordinateSysParam>
    <wpml:autoFlightSpeed>${num(plan.speedMps)}</wpml:autoFlightSpeed>
    <wpml:globalHeight>${num(plan.heightM)}</wpml:globalHeight>
    <wpml:caliFlightEnable>0</wpml:caliFlightEnable>
    <wpml:gimbalPitchMode>usePointSetting</wpml:gimbalPitchMode>
    <wpml:globalWaypointHeadingParam>
      <wpml:waypointHeadingMode>followWayline</wpml:waypointHeadingMode>
      <wpml:waypointHeadingAngle>0</wpml:waypointHeadingAngle>
      <wpml:waypointPoiPoint>0.000000,0.000000,0.000000</wpml:waypointPoiPoint>
      <wpml:waypointHeadingPoiIndex>0</wpml:waypointHeadingPoiIndex>
    </wpml:globalWaypointHeadingParam>
    <wpml:globalWaypointTurnMode>${TURN}</wpml:globalWaypointTurnMode>
    <wpml:globalUseStraightLine>1</wpml:globalUseStraightLine>
${placemarks.join('\n')}
  </Folder>
</Document>
</kml>
`;
}

function wpmlWaylines(plan: ReflyPlan, photos: readonly PlannedPhoto[]): string {
  let distance = 0;
  for (let i = 1; i < photos.length; i++) distance += metresBetween(photos[i - 1]!, photos[i]!);
  const duration = distance / plan.speedMps + photos.length * PHOTO_STOP_S;
  const placemarks = photos.map(
    (p, i) => `${placemarkStart(p, i)}
      <wpml:executeHeight>${num(p.heightM)}</wpml:executeHeight>
      <wpml:waypointSpeed>${num(plan.speedMps)}</wpml:waypointSpeed>
${headingParam(p.yawDeg)}
      <wpml:waypointTurnParam>
        <wpml:waypointTurnMode>${TURN}</wpml:waypointTurnMode>
        <wpml:waypointTurnDampingDist>0</wpml:waypointTurnDampingDist>
      </wpml:waypointTurnParam>
      <wpml:useStraightLine>1</wpml:useStraightLine>
${photoActions(i)}
    </Placemark>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="${KML_NS}" xmlns:wpml="${WPML_NS}">
<Document>
${missionConfig(plan)}
  <Folder>
    <wpml:templateId>0</wpml:templateId>
    <wpml:executeHeightMode>relativeToStartPoint</wpml:executeHeightMode>
    <wpml:waylineId>0</wpml:waylineId>
    <wpml:distance>${num(distance)}</wpml:distance>
    <wpml:duration>${num(duration)}</wpml:duration>
    <wpml:autoFlightSpeed>${num(plan.speedMps)}</wpml:autoFlightSpeed>
${placemarks.join('\n')}
  </Folder>
</Document>
</kml>
`;
}

// ---------- KML ----------

const KIND_WORDS: Record<string, string> = { unphotographed: 'No photos here', thin_overlap: 'Too little overlap for reconstruction' };

/** Lines (heights above take-off written as relativeToGround, the closest KML has) and the gap polygons. */
function toKml(plan: ReflyPlan, title: string): string {
  const lines = plan.lines.map(
    (l, i) => `      <Placemark>
        <name>Line ${i + 1}</name>
        <description>${l.photoCount} photos, ${num(l.heightM)} m above take-off, heading ${num(l.yawDeg)} deg</description>
        <styleUrl>#line</styleUrl>
        <LineString>
          <altitudeMode>relativeToGround</altitudeMode>
          <coordinates>${l.coordinates.map(([lon, lat]) => `${lon.toFixed(8)},${lat.toFixed(8)},${num(l.heightM)}`).join(' ')}</coordinates>
        </LineString>
      </Placemark>`,
  );
  const gaps = plan.gaps.map(
    (g, i) => `      <Placemark>
        <name>Gap ${i + 1}: ${esc(KIND_WORDS[g.properties.kind] ?? g.properties.kind)}</name>
        <styleUrl>#${g.properties.kind === 'unphotographed' ? 'unphotographed' : 'thin'}</styleUrl>
        <ExtendedData>
          <Data name="kind"><value>${esc(g.properties.kind)}</value></Data>
          <Data name="areaM2"><value>${num(g.properties.areaM2)}</value></Data>
        </ExtendedData>
        <Polygon>
${g.geometry.coordinates
  .map(
    (ring, k) => `          <${k === 0 ? 'outerBoundaryIs' : 'innerBoundaryIs'}><LinearRing><coordinates>${ring
      .map((p) => `${p[0]!.toFixed(8)},${p[1]!.toFixed(8)}`)
      .join(' ')}</coordinates></LinearRing></${k === 0 ? 'outerBoundaryIs' : 'innerBoundaryIs'}>`,
  )
  .join('\n')}
        </Polygon>
      </Placemark>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="${KML_NS}">
  <Document>
    <name>${esc(title)}</name>
    <description>${plan.photos.length} photos at ${num(plan.heightM)} m above take-off, front/side overlap ${Math.round(plan.frontOverlap * 100)}/${Math.round(plan.sideOverlap * 100)}%</description>
    <Style id="line"><LineStyle><color>ff00d7ff</color><width>3</width></LineStyle></Style>
    <Style id="unphotographed"><LineStyle><color>ff0000d5</color><width>2</width></LineStyle><PolyStyle><color>660000d5</color></PolyStyle></Style>
    <Style id="thin"><LineStyle><color>ff6211c5</color><width>2</width></LineStyle><PolyStyle><color>666211c5</color></PolyStyle></Style>
    <Folder>
      <name>Re-fly lines</name>
${lines.join('\n')}
    </Folder>
    <Folder>
      <name>Gaps</name>
${gaps.join('\n')}
    </Folder>
  </Document>
</kml>
`;
}

// ---------- QGroundControl ----------

const MAV_CMD_NAV_WAYPOINT = 16;
const MAV_CMD_DO_MOUNT_CONTROL = 205;
const MAV_CMD_IMAGE_START_CAPTURE = 2000;
const MAV_FRAME_MISSION = 2;
const MAV_FRAME_GLOBAL_RELATIVE_ALT = 3;

/**
 * A QGroundControl plan: the gimbal pointed straight down first, then for each photo point a waypoint (height above
 * home, the line's heading as yaw) followed by a single-image capture.
 */
export function toQgcPlan(plan: ReflyPlan): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  const item = (command: number, frame: number, params: (number | null)[], altitude?: number) => {
    items.push({
      autoContinue: true,
      command,
      doJumpId: items.length + 1,
      frame,
      params,
      type: 'SimpleItem',
      ...(altitude === undefined ? {} : { Altitude: altitude, AltitudeMode: 1, AMSLAltAboveTerrain: null }),
    });
  };
  item(MAV_CMD_DO_MOUNT_CONTROL, MAV_FRAME_MISSION, [-90, 0, 0, 0, 0, 0, 2]);
  for (const p of plan.photos) {
    item(MAV_CMD_NAV_WAYPOINT, MAV_FRAME_GLOBAL_RELATIVE_ALT, [0, 0, 0, p.yawDeg, round(p.lat, 8), round(p.lon, 8), p.heightM], p.heightM);
    item(MAV_CMD_IMAGE_START_CAPTURE, MAV_FRAME_MISSION, [0, 0, 1, 0, 0, 0, 0]);
  }
  const first = plan.photos[0]!;
  return {
    fileType: 'Plan',
    version: 1,
    groundStation: 'QGroundControl',
    mission: {
      version: 2,
      firmwareType: 12,
      vehicleType: 2,
      cruiseSpeed: round(plan.speedMps, 2),
      hoverSpeed: round(plan.speedMps, 2),
      globalPlanAltitudeMode: 1,
      plannedHomePosition: [round(first.lat, 8), round(first.lon, 8), 0],
      items,
    },
    geoFence: { circles: [], polygons: [], version: 2 },
    rallyPoints: { points: [], version: 2 },
  };
}

// ---------- GeoJSON ----------

/** Lines (`role: "line"`), gap polygons (`role: "gap"`) and photo points (`role: "photo"`), each in flight order. */
export function toGeoJson(plan: ReflyPlan): { type: 'FeatureCollection'; properties: Record<string, unknown>; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    properties: {
      heightM: plan.heightM,
      frontOverlap: plan.frontOverlap,
      sideOverlap: plan.sideOverlap,
      photoCount: plan.photos.length,
      lengthM: round(plan.lengthM, 1),
      flightTimeS: Math.round(plan.flightTimeS),
    },
    features: [
      ...plan.lines.map((l, i) => ({
        type: 'Feature',
        properties: { role: 'line', index: i, heightM: l.heightM, yawDeg: l.yawDeg, photoCount: l.photoCount },
        geometry: { type: 'LineString', coordinates: l.coordinates },
      })),
      ...plan.gaps.map((g) => ({ type: 'Feature', properties: { role: 'gap', kind: g.properties.kind, areaM2: g.properties.areaM2 }, geometry: g.geometry })),
      ...plan.photos.map((p, i) => ({
        type: 'Feature',
        properties: { role: 'photo', index: i, heightM: p.heightM, yawDeg: p.yawDeg, line: p.line },
        geometry: { type: 'Point', coordinates: [round(p.lon, 8), round(p.lat, 8)] },
      })),
    ],
  };
}

// ---------- helpers ----------

function num(v: number): string {
  return String(round(v, 2));
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function metresBetween(a: PlannedPhoto, b: PlannedPhoto): number {
  return Math.hypot(...localFrame(a.lon, a.lat).toXY(b.lon, b.lat));
}
