/** The WGS84 ellipsoid, the one definition every geodesy module uses (GPS positions, task outlines, ODM's UTM). */
export const WGS84_A = 6378137; // semi-major axis (m)
export const WGS84_F = 1 / 298.257223563; // flattening
export const WGS84_E2 = WGS84_F * (2 - WGS84_F); // first eccentricity squared
