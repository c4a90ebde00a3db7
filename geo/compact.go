package geo

import "github.com/paulmach/orb"

// Compact returns polys with the same coordinates in four allocations
// (points, rings, polygons, multipolygons) instead of one per ring and
// polygon. Geometry kept for the life of a data version (stored, display
// and per-zoom boundaries) is hundreds of thousands of small objects
// otherwise, which every garbage collection of a busy server marks again.
// Each ring, polygon and multipolygon is capped at its length, so an
// append to one never overwrites its neighbour. polys is not modified.
func Compact(polys []orb.MultiPolygon) []orb.MultiPolygon {
	var nPoly, nRing, nPt int
	for _, mp := range polys {
		nPoly += len(mp)
		for _, poly := range mp {
			nRing += len(poly)
			for _, r := range poly {
				nPt += len(r)
			}
		}
	}
	pts := make([]orb.Point, 0, nPt)
	rings := make([]orb.Ring, 0, nRing)
	ps := make([]orb.Polygon, 0, nPoly)
	out := make([]orb.MultiPolygon, len(polys))
	for i, mp := range polys {
		if mp == nil {
			continue
		}
		p0 := len(ps)
		for _, poly := range mp {
			r0 := len(rings)
			for _, r := range poly {
				q0 := len(pts)
				pts = append(pts, r...)
				rings = append(rings, orb.Ring(pts[q0:len(pts):len(pts)]))
			}
			ps = append(ps, orb.Polygon(rings[r0:len(rings):len(rings)]))
		}
		out[i] = orb.MultiPolygon(ps[p0:len(ps):len(ps)])
	}
	return out
}
