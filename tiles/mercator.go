package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// MaxLatitude is the latitude limit of Web Mercator (EPSG:3857).
const MaxLatitude = 85.05112877980659

// World coordinates are Web Mercator scaled to the unit square: x from 0
// (180° W) to 1 (180° E), y from 0 (85.05° N) to 1 (85.05° S), so y grows
// downwards as in tile coordinates. Tile (z, x, y) covers
// [x/2^z, (x+1)/2^z] × [y/2^z, (y+1)/2^z].

// toWorld projects a WGS84 point to world coordinates.
func toWorld(p orb.Point) orb.Point {
	lat := math.Max(-MaxLatitude, math.Min(MaxLatitude, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{p[0]/360 + 0.5, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)}
}

// fromWorld is the inverse of toWorld.
func fromWorld(p orb.Point) orb.Point {
	lat := math.Atan(math.Sinh(math.Pi*(1-2*p[1]))) * 180 / math.Pi
	return orb.Point{(p[0] - 0.5) * 360, lat}
}

// projectMultiPolygon returns mp in world coordinates.
func projectMultiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			rr := make(orb.Ring, len(r))
			for k, pt := range r {
				rr[k] = toWorld(pt)
			}
			out[i][j] = rr
		}
	}
	return out
}

// TileBound returns the WGS84 bound of tile (z, x, y).
func TileBound(z int, x, y uint32) orb.Bound {
	n := float64(uint64(1) << z)
	a := fromWorld(orb.Point{float64(x) / n, float64(y+1) / n})
	b := fromWorld(orb.Point{float64(x+1) / n, float64(y) / n})
	return orb.Bound{Min: a, Max: b}
}

// worldBound returns the world-coordinate square of tile (z, x, y).
func worldBound(z int, x, y uint32) orb.Bound {
	n := float64(uint64(1) << z)
	return orb.Bound{Min: orb.Point{float64(x) / n, float64(y) / n}, Max: orb.Point{float64(x+1) / n, float64(y+1) / n}}
}

// tileRange returns the columns and rows of the tiles of zoom z whose
// squares intersect the world-coordinate bound b (closed intervals).
func tileRange(z int, b orb.Bound) (x0, y0, x1, y1 uint32) {
	n := float64(uint64(1) << z)
	clamp := func(v float64) uint32 {
		return uint32(math.Max(0, math.Min(n-1, math.Floor(v*n))))
	}
	return clamp(b.Min[0]), clamp(b.Min[1]), clamp(b.Max[0]), clamp(b.Max[1])
}
