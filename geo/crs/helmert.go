package crs

// helmert is a 7-parameter similarity transformation of geocentric
// coordinates in the position-vector convention (EPSG method 9606, PROJ's
// +convention=position_vector): translations in metres, rotations in arc
// seconds, scale difference in ppm; small-angle rotation matrix as in PROJ.
type helmert struct {
	tx, ty, tz, rx, ry, rz, ds float64
}

const arcSecond = deg / 3600

func (h helmert) apply(x, y, z float64) (float64, float64, float64) {
	rx, ry, rz := h.rx*arcSecond, h.ry*arcSecond, h.rz*arcSecond
	s := 1 + h.ds*1e-6
	return h.tx + s*(x-rz*y+ry*z),
		h.ty + s*(rz*x+y-rx*z),
		h.tz + s*(-ry*x+rx*y+z)
}

// dhdnHelmert returns EPSG:1776 "DHDN to WGS 84 (2)" (identical parameters to
// EPSG:1777 "DHDN to ETRS89 (2)").
func dhdnHelmert() helmert {
	return helmert{tx: 598.1, ty: 73.7, tz: 418.2, rx: 0.202, ry: 0.045, rz: -2.455, ds: 6.7}
}

// dhdnToWGS84 shifts DHDN (Bessel) lon/lat degrees to WGS84 lon/lat degrees.
// The ellipsoidal height is taken as 0, as PROJ does for 2D input.
func dhdnToWGS84(lon, lat float64) (float64, float64) {
	x, y, z := bessel().toGeocentric(lon*deg, lat*deg, 0)
	x, y, z = dhdnHelmert().apply(x, y, z)
	l, p := wgs84().fromGeocentric(x, y, z)
	return l * rad, p * rad
}
