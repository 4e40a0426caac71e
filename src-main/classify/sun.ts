/**
 * Sun elevation at capture, for rejecting photos shot with the sun too low (long shadows break stitching).
 * NOAA's general solar position formulas (Spencer's Fourier series for declination and the equation of time), good
 * to about half a degree — plenty for a 10-degree cut-off.
 */

const RAD = Math.PI / 180;

/** Degrees above the horizon (negative below) at a place and UTC instant. */
export function solarElevationDeg(lat: number, lon: number, when: Date): number {
  const start = Date.UTC(when.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((when.getTime() - start) / 86_400_000) + 1;
  const hours = when.getUTCHours() + when.getUTCMinutes() / 60 + (when.getUTCSeconds() + when.getUTCMilliseconds() / 1000) / 3600;
  const daysInYear = new Date(Date.UTC(when.getUTCFullYear(), 1, 29)).getUTCMonth() === 1 ? 366 : 365;
  const g = ((2 * Math.PI) / daysInYear) * (dayOfYear - 1 + (hours - 12) / 24);

  const eqTimeMin =
    229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const decl =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);

  const trueSolarMin = hours * 60 + eqTimeMin + 4 * lon;
  const hourAngle = (trueSolarMin / 4 - 180) * RAD;
  const phi = lat * RAD;
  const cosZenith = Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(hourAngle);
  return 90 - Math.acos(Math.max(-1, Math.min(1, cosZenith))) / RAD;
}
