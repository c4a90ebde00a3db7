package crs

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrUnsupportedCRS is returned (wrapped, with the SRID) by ToWGS84 for a CRS
// this package cannot convert.
var ErrUnsupportedCRS = errors.New("crs: unsupported CRS")

// Transformer converts one coordinate of a source CRS into WGS84 longitude
// and latitude in degrees. x is the easting (or longitude) and y the northing
// (or latitude), whatever axis order the EPSG definition prescribes.
// A coordinate outside the domain of the projection yields NaN.
type Transformer func(x, y float64) (lon, lat float64)

// ToWGS84 returns the Transformer from the CRS with the given EPSG code to
// EPSG:4326. Supported codes are listed by SupportedSRIDs.
func ToWGS84(srid int) (Transformer, error) {
	switch srid {
	case 4326, 4258: // WGS84, ETRS89 geographic
		return identity, nil
	case 4314: // DHDN geographic
		return dhdnToWGS84, nil
	case 25832, 25833, 32632, 32633: // ETRS89 or WGS84 / UTM zone 32N, 33N
		zone := srid % 100
		return newTMerc(grs80(), 6*float64(zone)-183, 0.9996, 500000).inverse, nil
	case 4647, 5650: // ETRS89 / UTM zone 32N (zE-N), 33N (zE-N): zone prefix in the easting
		zone := 32
		if srid == 5650 {
			zone = 33
		}
		return newTMerc(grs80(), 6*float64(zone)-183, 0.9996, float64(zone)*1e6+500000).inverse, nil
	case 31466, 31467, 31468, 31469: // DHDN / 3-degree Gauss-Krüger zone 2..5
		zone := float64(srid - 31464)
		tm := newTMerc(bessel(), 3*zone, 1, zone*1e6+500000)
		return func(x, y float64) (float64, float64) {
			lon, lat := tm.inverse(x, y)
			return dhdnToWGS84(lon, lat)
		}, nil
	case 3857, 900913: // WGS 84 / Pseudo-Mercator
		return webMercatorInverse, nil
	case 3035: // ETRS89-extended / LAEA Europe
		return newLAEA(grs80(), 52, 10, 4321000, 3210000).inverse, nil
	}
	return nil, fmt.Errorf("%w: EPSG:%d", ErrUnsupportedCRS, srid)
}

// SupportedSRIDs returns the EPSG codes ToWGS84 accepts, in ascending order.
func SupportedSRIDs() []int {
	s := []int{4326, 4258, 4314, 25832, 25833, 32632, 32633, 4647, 5650,
		31466, 31467, 31468, 31469, 3857, 900913, 3035}
	slices.Sort(s)
	return s
}

func identity(x, y float64) (float64, float64) { return x, y }

const (
	deg = math.Pi / 180
	rad = 180 / math.Pi
)

// Area is a box of WGS84 longitudes and latitudes in degrees.
type Area struct{ West, South, East, North float64 }

// Contains reports whether lon, lat lie in the box (false for NaN).
func (a Area) Contains(lon, lat float64) bool {
	return lon >= a.West && lon <= a.East && lat >= a.South && lat <= a.North
}

// Areas of use, from the EPSG registry's, widened where German boundary
// files use a CRS beyond it (BKG publishes all of Germany in UTM zone 32N,
// whose EPSG area ends at 12°E; Gauss-Krüger zones likewise).
var (
	areaWorld    = Area{-180, -90, 180, 90}
	areaMercator = Area{-180, -85.06, 180, 85.06}
	// ETRS89 and its UTM zones: Europe (EPSG:1298).
	areaEurope = Area{-16.1, 32.88, 40.18, 84.73}
	// ETRS89-extended / LAEA Europe (EPSG:1298 extended, EPSG:3035).
	areaLAEA = Area{-35.58, 24.6, 44.83, 84.73}
	// DHDN and its Gauss-Krüger zones: Germany (EPSG:3343) with a margin.
	areaGermany = Area{5.5, 47, 15.5, 55.5}
)

// AreaOfUse returns where coordinates of the CRS with the given EPSG code
// are meaningful, in WGS84: a coordinate that converts (ToWGS84) to a
// position outside it is an error in the file, not a place.
func AreaOfUse(srid int) (Area, error) {
	switch srid {
	case 4326:
		return areaWorld, nil
	case 4258, 25832, 25833, 32632, 32633, 4647, 5650:
		return areaEurope, nil
	case 4314, 31466, 31467, 31468, 31469:
		return areaGermany, nil
	case 3857, 900913:
		return areaMercator, nil
	case 3035:
		return areaLAEA, nil
	}
	return Area{}, fmt.Errorf("%w: EPSG:%d", ErrUnsupportedCRS, srid)
}
