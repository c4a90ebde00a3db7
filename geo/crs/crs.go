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
