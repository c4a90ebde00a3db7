package crs

import (
	"math"
	"math/cmplx"
)

// tmerc is the inverse ellipsoidal transverse Mercator projection after
// Krüger's series to order n^6 (Karney 2011, "Transverse Mercator with an
// accuracy of a few nanometers"; PROJ's default "exact" tmerc uses the same
// series). Latitude of origin and false northing are 0, as for UTM and
// Gauss-Krüger.
type tmerc struct {
	lon0, k0, fe float64 // central meridian (degrees), scale, false easting
	a            float64 // rectifying radius A
	beta         [6]float64
	delta        [6]float64 // conformal -> geodetic latitude series
}

func newTMerc(e ellipsoid, lon0, k0, falseEasting float64) tmerc {
	n := e.f / (2 - e.f)
	n2 := n * n
	n3 := n2 * n
	n4 := n3 * n
	n5 := n4 * n
	n6 := n5 * n
	t := tmerc{lon0: lon0, k0: k0, fe: falseEasting}
	t.a = e.a / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	t.beta = [6]float64{
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	t.delta = [6]float64{
		2*n - 2*n2/3 - 2*n3 + 116*n4/45 + 26*n5/45 - 2854*n6/675,
		7*n2/3 - 8*n3/5 - 227*n4/45 + 2704*n5/315 + 2323*n6/945,
		56*n3/15 - 136*n4/35 - 1262*n5/105 + 73814*n6/2835,
		4279*n4/630 - 332*n5/35 - 399572*n6/14175,
		4174*n5/315 - 144838*n6/6237,
		601676 * n6 / 22275,
	}
	return t
}

// maxEta bounds the easting offset accepted by tmerc.inverse, in units of
// the rectifying radius (0.7 is about 4,500 km, far beyond any zone).
const maxEta = 0.7

// inverse converts easting x and northing y (metres) into lon/lat degrees on
// the projection's ellipsoid. Coordinates beyond the poles or too far from
// the central meridian for the series yield NaN.
func (t tmerc) inverse(x, y float64) (lon, lat float64) {
	xi := y / (t.k0 * t.a)
	eta := (x - t.fe) / (t.k0 * t.a)
	if !(math.Abs(xi) <= math.Pi/2 && math.Abs(eta) <= maxEta) {
		return math.NaN(), math.NaN()
	}
	// ζ' = ζ - Σ β_j sin(2jζ) with ζ = ξ + iη, summed with Clenshaw's
	// recurrence so that only one complex sine and cosine are needed.
	zeta := complex(xi, eta)
	zeta1 := zeta - clenshawSin(t.beta[:], 2*zeta)
	xi1, eta1 := real(zeta1), imag(zeta1)
	chi := math.Asin(math.Sin(xi1) / math.Cosh(eta1)) // conformal latitude
	phi := chi + real(clenshawSin(t.delta[:], complex(2*chi, 0)))
	lam := math.Atan2(math.Sinh(eta1), math.Cos(xi1))
	return t.lon0 + lam*rad, phi * rad
}

// clenshawSin returns Σ_{j=1..n} c[j-1]·sin(j·θ) by Clenshaw's recurrence.
func clenshawSin(c []float64, theta complex128) complex128 {
	a := 2 * cmplx.Cos(theta)
	var b1, b2 complex128
	for j := len(c) - 1; j >= 0; j-- {
		b1, b2 = complex(c[j], 0)+a*b1-b2, b1
	}
	return b1 * cmplx.Sin(theta)
}
