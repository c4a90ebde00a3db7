package geo

import (
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Index is a spatial index over MultiPolygons: an R-tree
// (github.com/tidwall/rtree) over the bounds of every polygon part, used for
// point location, and one over the bounds of every MultiPolygon, used for
// bound queries. It keeps a reference to the indexed polygons, which must not
// be modified afterwards. An Index is immutable and safe for concurrent use.
type Index struct {
	polys []orb.MultiPolygon
	parts rtree.RTreeG[partRef]
	feats rtree.RTreeG[int]
}

type partRef struct{ feature, part int32 }

// NewIndex indexes polys; the indices passed back by Locate and Intersecting
// are indices into polys. Empty MultiPolygons and parts are skipped.
func NewIndex(polys []orb.MultiPolygon) *Index {
	ix := &Index{polys: polys}
	for i, mp := range polys {
		var fb orb.Bound
		any := false
		for j, p := range mp {
			if len(p) == 0 || len(p[0]) == 0 {
				continue
			}
			b := p[0].Bound()
			ix.parts.Insert(b.Min, b.Max, partRef{int32(i), int32(j)})
			if any {
				fb = fb.Union(b)
			} else {
				fb, any = b, true
			}
		}
		if any {
			ix.feats.Insert(fb.Min, fb.Max, i)
		}
	}
	return ix
}

// Len returns the number of indexed MultiPolygons (including empty ones).
func (ix *Index) Len() int { return len(ix.polys) }

// Locate returns the index of the polygon containing p (point-in-polygon with
// holes), ok=false if none. A point on a boundary counts as contained; when
// it lies on a border shared by several polygons (or in an overlap), the
// smallest index wins, so the answer is deterministic.
func (ix *Index) Locate(p orb.Point) (int, bool) {
	best := -1
	ix.parts.Search(p, p, func(_, _ [2]float64, r partRef) bool {
		f := int(r.feature)
		if best >= 0 && f >= best {
			return true
		}
		if polygonLocate(ix.polys[f][r.part], p) != locOutside {
			best = f
		}
		return true
	})
	return best, best >= 0
}

// Intersecting calls fn for each polygon whose bound intersects b until fn
// returns false. The order is unspecified.
func (ix *Index) Intersecting(b orb.Bound, fn func(i int) bool) {
	ix.feats.Search(b.Min, b.Max, func(_, _ [2]float64, i int) bool {
		return fn(i)
	})
}
