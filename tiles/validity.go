package tiles

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// seg is a segment of a quantised ring, for the intersection sweep.
type seg struct {
	a, b       orb.Point
	minX, maxX float64
	ring, i, n int32 // ring number, index in the ring, segments of the ring
}

// mayBeInvalid reports whether two segments of a feature's quantised rings
// touch or cross other than where consecutive segments of a ring meet. When
// it is false the rings are simple and disjoint, so the feature (valid
// before rounding) is still valid; when it is true the caller validates
// properly. Coordinates are integers, so the predicates are exact. It is a
// sort-and-sweep over the segments, much cheaper than a full validation.
func mayBeInvalid(mp orb.MultiPolygon, segs []seg) (bool, []seg) {
	segs = segs[:0]
	var ring int32
	for _, p := range mp {
		for _, r := range p {
			n := int32(len(r) - 1)
			for i := int32(0); i < n; i++ {
				a, b := r[i], r[i+1]
				segs = append(segs, seg{a: a, b: b, minX: min(a[0], b[0]), maxX: max(a[0], b[0]), ring: ring, i: i, n: n})
			}
			ring++
		}
	}
	slices.SortFunc(segs, func(s, t seg) int { return cmp.Compare(s.minX, t.minX) })
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if s.ring == t.ring && (s.i-t.i == 1 || t.i-s.i == 1 || (s.i == 0 && t.i == s.n-1) || (t.i == 0 && s.i == t.n-1)) {
				continue // consecutive: they share a vertex by construction
			}
			if segmentsTouch(s.a, s.b, t.a, t.b) {
				return true, segs
			}
		}
	}
	return false, segs
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// onSeg reports whether c, collinear with ab, lies within its bound.
func onSeg(a, b, c orb.Point) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}

// segmentsTouch reports whether segments ab and cd have a point in common.
func segmentsTouch(a, b, c, d orb.Point) bool {
	if max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1]) {
		return false
	}
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
		return true
	}
	return (o1 == 0 && onSeg(a, b, c)) || (o2 == 0 && onSeg(a, b, d)) || (o3 == 0 && onSeg(c, d, a)) || (o4 == 0 && onSeg(c, d, b))
}
