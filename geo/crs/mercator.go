package crs

import "math"

// webMercatorInverse converts EPSG:3857 metres into lon/lat degrees (sphere
// of radius 6378137 m).
func webMercatorInverse(x, y float64) (float64, float64) {
	const r = 6378137.0
	lon := x / r * rad
	lat := math.Atan(math.Sinh(y/r)) * rad
	return lon, lat
}
