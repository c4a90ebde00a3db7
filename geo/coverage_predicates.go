package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Low-level planar predicates shared by the coverage, repair and index code.
// They use plain float64 arithmetic; inputs are expected to be finite.

// orient returns twice the signed area of the triangle a, b, c: positive when
// c lies to the left of the directed line a→b, negative to the right, zero when
// the three points are collinear.
func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// onSegment reports whether p, known to be collinear with a and b, lies within
// the closed segment a–b.
func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// segmentsIntersect reports whether the closed segments a–b and c–d share at
// least one point.
func segmentsIntersect(a, b, c, d orb.Point) bool {
	d1 := sign(orient(c, d, a))
	d2 := sign(orient(c, d, b))
	d3 := sign(orient(a, b, c))
	d4 := sign(orient(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && onSegment(c, d, a)) ||
		(d2 == 0 && onSegment(c, d, b)) ||
		(d3 == 0 && onSegment(a, b, c)) ||
		(d4 == 0 && onSegment(a, b, d))
}

// segDist2 returns the squared distance from p to the segment a–b.
func segDist2(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	px, py := p[0]-a[0], p[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return px*px + py*py
	}
	t := (px*dx + py*dy) / l2
	switch {
	case t <= 0:
		return px*px + py*py
	case t >= 1:
		qx, qy := p[0]-b[0], p[1]-b[1]
		return qx*qx + qy*qy
	}
	ex, ey := px-t*dx, py-t*dy
	return ex*ex + ey*ey
}

// ringArea2 returns twice the signed area of a ring (positive for
// counter-clockwise). The ring may or may not repeat its first point.
func ringArea2(r orb.Ring) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	// Shift coordinates by the first point to limit cancellation.
	o := r[0]
	var s float64
	for i := 0; i < n; i++ {
		a, b := r[i], r[(i+1)%n]
		s += (a[0]-o[0])*(b[1]-o[1]) - (b[0]-o[0])*(a[1]-o[1])
	}
	return s
}

// Location of a point relative to a ring or polygon.
const (
	locOutside  = -1
	locBoundary = 0
	locInside   = 1
)

// pipStep advances a crossing-number point-in-ring test by one edge a→b. It
// returns true when p lies on the edge. The crossing test uses the orientation
// predicate, so a point is never counted twice at a vertex.
func pipStep(a, b, p orb.Point, inside *bool) (onEdge bool) {
	o := orient(a, b, p)
	if o == 0 && onSegment(a, b, p) {
		return true
	}
	if a[1] <= p[1] {
		if b[1] > p[1] && o > 0 {
			*inside = !*inside
		}
	} else if b[1] <= p[1] && o < 0 {
		*inside = !*inside
	}
	return false
}

// ringLocate locates p relative to a ring (closed or not).
func ringLocate(r orb.Ring, p orb.Point) int {
	n := len(r)
	if n == 0 {
		return locOutside
	}
	inside := false
	for i := 0; i < n; i++ {
		a, b := r[i], r[(i+1)%n]
		if pipStep(a, b, p, &inside) {
			return locBoundary
		}
	}
	if inside {
		return locInside
	}
	return locOutside
}

// polygonLocate locates p relative to a polygon with holes.
func polygonLocate(poly orb.Polygon, p orb.Point) int {
	if len(poly) == 0 {
		return locOutside
	}
	loc := ringLocate(poly[0], p)
	if loc != locInside {
		return loc
	}
	for _, h := range poly[1:] {
		switch ringLocate(h, p) {
		case locInside:
			return locOutside
		case locBoundary:
			return locBoundary
		}
	}
	return locInside
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// lessPoint orders points lexicographically by x, then y.
func lessPoint(a, b orb.Point) bool {
	if a[0] != b[0] {
		return a[0] < b[0]
	}
	return a[1] < b[1]
}

// ringBound is orb.Ring.Bound without the NaN-aware math.Min/Max.
func ringBound(r orb.Ring) orb.Bound {
	if len(r) == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: r[0], Max: r[0]}
	for _, p := range r[1:] {
		b.Min[0], b.Max[0] = min(b.Min[0], p[0]), max(b.Max[0], p[0])
		b.Min[1], b.Max[1] = min(b.Min[1], p[1]), max(b.Max[1], p[1])
	}
	return b
}
