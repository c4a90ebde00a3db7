package crs

import "math"

// ellipsoid is a reference ellipsoid given by its semi-major axis a (metres)
// and flattening f.
type ellipsoid struct {
	a, f float64
}

// The ellipsoids used here. They are functions rather than variables so that
// the package holds no mutable state.
func grs80() ellipsoid  { return ellipsoid{a: 6378137, f: 1 / 298.257222101} }
func wgs84() ellipsoid  { return ellipsoid{a: 6378137, f: 1 / 298.257223563} }
func bessel() ellipsoid { return ellipsoid{a: 6377397.155, f: 1 / 299.1528128} }

// e2 is the square of the first eccentricity.
func (e ellipsoid) e2() float64 { return e.f * (2 - e.f) }

// toGeocentric converts geodetic lon/lat (radians) and ellipsoidal height h
// (metres) into earth-centred cartesian coordinates.
func (e ellipsoid) toGeocentric(lon, lat, h float64) (x, y, z float64) {
	e2 := e.e2()
	sinLat, cosLat := math.Sincos(lat)
	sinLon, cosLon := math.Sincos(lon)
	n := e.a / math.Sqrt(1-e2*sinLat*sinLat)
	x = (n + h) * cosLat * cosLon
	y = (n + h) * cosLat * sinLon
	z = (n*(1-e2) + h) * sinLat
	return x, y, z
}

// fromGeocentric converts earth-centred cartesian coordinates into geodetic
// lon/lat (radians). The height is dropped. The first guess assumes height
// 0 and is off by about e²·h/N (3e-8 rad for h = 30 m); each round of the
// fixed-point iteration multiplies the error by about the same factor, so
// three rounds reach machine precision near the earth's surface.
func (e ellipsoid) fromGeocentric(x, y, z float64) (lon, lat float64) {
	e2 := e.e2()
	p := math.Hypot(x, y)
	lon = math.Atan2(y, x)
	lat = math.Atan2(z, p*(1-e2))
	for range 3 {
		sinLat, cosLat := math.Sincos(lat)
		n := e.a / math.Sqrt(1-e2*sinLat*sinLat)
		var h float64
		if math.Abs(cosLat) > 1e-12 {
			h = p/cosLat - n
		} else {
			h = math.Abs(z) - n*(1-e2)
		}
		lat = math.Atan2(z, p*(1-e2*n/(n+h)))
	}
	return lon, lat
}
