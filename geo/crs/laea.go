package crs

import "math"

// laea is the inverse oblique Lambert azimuthal equal-area projection on an
// ellipsoid (Snyder 1987, "Map projections: a working manual", pp. 187-190).
type laea struct {
	lat0, lon0, fe, fn float64
	e, e2, qp, rq, d   float64
	sinB1, cosB1       float64
	apa0, apa1, apa2   float64 // authalic -> geodetic latitude series
}

func newLAEA(el ellipsoid, lat0, lon0, falseEasting, falseNorthing float64) laea {
	e2 := el.e2()
	e := math.Sqrt(e2)
	l := laea{lat0: lat0, lon0: lon0, fe: falseEasting, fn: falseNorthing, e: e, e2: e2}
	l.qp = l.q(1)
	sin1, cos1 := math.Sincos(lat0 * deg)
	b1 := math.Asin(l.q(sin1) / l.qp)
	l.sinB1, l.cosB1 = math.Sincos(b1)
	l.rq = el.a * math.Sqrt(l.qp/2)
	m1 := cos1 / math.Sqrt(1-e2*sin1*sin1)
	l.d = el.a * m1 / (l.rq * l.cosB1)
	e4 := e2 * e2
	e6 := e4 * e2
	l.apa0 = e2/3 + 31*e4/180 + 517*e6/5040
	l.apa1 = 23*e4/360 + 251*e6/3780
	l.apa2 = 761 * e6 / 45360
	return l
}

// q is Snyder's q for sin(latitude).
func (l laea) q(sinPhi float64) float64 {
	es := l.e * sinPhi
	return (1 - l.e2) * (sinPhi/(1-es*es) - math.Log((1-es)/(1+es))/(2*l.e))
}

func (l laea) inverse(x, y float64) (float64, float64) {
	x -= l.fe
	y -= l.fn
	rho := math.Hypot(x/l.d, l.d*y)
	if rho < 1e-9 {
		return l.lon0, l.lat0
	}
	c := 2 * math.Asin(rho/(2*l.rq))
	sinC, cosC := math.Sincos(c)
	beta := math.Asin(cosC*l.sinB1 + l.d*y*sinC*l.cosB1/rho)
	lam := math.Atan2(x*sinC, l.d*rho*l.cosB1*cosC-l.d*l.d*y*l.sinB1*sinC)
	phi := beta + l.apa0*math.Sin(2*beta) + l.apa1*math.Sin(4*beta) + l.apa2*math.Sin(6*beta)
	return l.lon0 + lam*rad, phi * rad
}
