package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// IntersectsBox reports whether a multipolygon (with bounds mb) intersects
// a box: a vertex in the box, a box corner in the polygon, or an edge
// crossing the box. It is the bbox filter of OGC API – Features.
func IntersectsBox(mp orb.MultiPolygon, mb, box orb.Bound) bool {
	if !mb.Intersects(box) {
		return false
	}
	if box.Contains(mb.Min) && box.Contains(mb.Max) {
		return true
	}
	for _, corner := range []orb.Point{box.Min, box.Max, {box.Min[0], box.Max[1]}, {box.Max[0], box.Min[1]}} {
		if planar.MultiPolygonContains(mp, corner) {
			return true
		}
	}
	for _, poly := range mp {
		for _, ring := range poly {
			for i, p := range ring {
				if box.Contains(p) {
					return true
				}
				if i > 0 && segmentHitsBox(ring[i-1], p, box) {
					return true
				}
			}
		}
	}
	return false
}

// segmentHitsBox clips segment a–b to the box (Liang–Barsky).
func segmentHitsBox(a, b orb.Point, box orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, pq := range [][2]float64{{-dx, a[0] - box.Min[0]}, {dx, box.Max[0] - a[0]}, {-dy, a[1] - box.Min[1]}, {dy, box.Max[1] - a[1]}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}
