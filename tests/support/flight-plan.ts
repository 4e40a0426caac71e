import { strToU8, zipSync } from 'fflate';

/**
 * A flight plan KMZ in the structure DroneTM's waypoint mode writes for DJI (only wpmz/waylines.wpml; the first
 * waypoint is the take-off point, without a photo; then one waypoint with a takePhoto action per planned photo,
 * heights relative to the start point). Written here from the points given, independently of refly/export.ts.
 */
export function djiWaypointKmz(takeoff: { lon: number; lat: number }, photos: readonly { lon: number; lat: number; heightM: number; headingDeg: number }[]): Uint8Array {
  const placemark = (i: number, lon: number, lat: number, h: number, heading: number, photo: boolean) => `    <Placemark>
      <Point><coordinates>${lon.toFixed(8)},${lat.toFixed(8)}</coordinates></Point>
      <wpml:index>${i}</wpml:index>
      <wpml:executeHeight>${h}</wpml:executeHeight>
      <wpml:waypointSpeed>5</wpml:waypointSpeed>
      <wpml:waypointHeadingParam>
        <wpml:waypointHeadingMode>followWayline</wpml:waypointHeadingMode>
        <wpml:waypointHeadingAngle>${heading.toFixed(1)}</wpml:waypointHeadingAngle>
      </wpml:waypointHeadingParam>
      <wpml:actionGroup>
        <wpml:actionGroupId>1</wpml:actionGroupId>
        <wpml:actionGroupStartIndex>${i}</wpml:actionGroupStartIndex>
        <wpml:actionGroupEndIndex>${i}</wpml:actionGroupEndIndex>
        <wpml:actionGroupMode>parallel</wpml:actionGroupMode>
        <wpml:actionTrigger><wpml:actionTriggerType>reachPoint</wpml:actionTriggerType></wpml:actionTrigger>
        <wpml:action>
          <wpml:actionId>1</wpml:actionId>
          <wpml:actionActuatorFunc>${photo ? 'takePhoto' : 'gimbalRotate'}</wpml:actionActuatorFunc>
          <wpml:actionActuatorFuncParam><wpml:payloadPositionIndex>0</wpml:payloadPositionIndex></wpml:actionActuatorFuncParam>
        </wpml:action>
      </wpml:actionGroup>
    </Placemark>`;
  const height = photos[0]?.heightM ?? 40;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:wpml="http://www.dji.com/wpmz/1.0.2">
  <Document>
    <wpml:missionConfig>
      <wpml:flyToWaylineMode>safely</wpml:flyToWaylineMode>
      <wpml:finishAction>goHome</wpml:finishAction>
      <wpml:globalRTHHeight>${height}</wpml:globalRTHHeight>
    </wpml:missionConfig>
    <Folder>
      <wpml:templateId>0</wpml:templateId>
      <wpml:executeHeightMode>relativeToStartPoint</wpml:executeHeightMode>
      <wpml:waylineId>0</wpml:waylineId>
${[placemark(0, takeoff.lon, takeoff.lat, height, 0, false), ...photos.map((p, i) => placemark(i + 1, p.lon, p.lat, p.heightM, p.headingDeg, true))].join('\n')}
    </Folder>
  </Document>
</kml>
`;
  return zipSync({ 'wpmz/waylines.wpml': strToU8(xml) });
}
