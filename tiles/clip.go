package tiles

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/geo"
)

// Extent is the MVT tile extent: tile coordinates run from 0 to Extent.
const Extent = 4096

// tiler cuts world-coordinate polygons into one tile: translate and scale
// to tile coordinates, clip to the tile square plus a buffer, round to
// integers, drop repeated points and rings that collapsed, and orient the
// rings as MVT 2.1 requires.
//
// Clipping keeps polygons valid: the pieces of the rings inside the box
// ("chains", from where a ring enters the box to where it leaves it) are
// joined along the box boundary (Weiler–Atherton for a rectangle), so a
// region that leaves and re-enters the tile becomes several polygons rather
// than one ring with zero-width bridges along the tile edge, which is what
// Sutherland–Hodgman clipping makes.
//
// A tiler keeps scratch buffers and is not safe for concurrent use.
type tiler struct {
	n      float64 // 2^z
	x, y   float64 // tile column and row
	lo, hi float64 // clip box in tile coordinates: [lo, hi]²

	a    []orb.Point   // scratch of project
	bufs [][]orb.Point // scratch: projected rings of a polygon
	cs   []chain       // scratch: chains of a polygon
}

// chain is the part of a ring inside the clip box from where it enters the
// box (pts[0], on the boundary) to where it leaves it (last point, on the
// boundary); s0 and s1 are the boundary positions of the two ends.
type chain struct {
	pts    []orb.Point
	s0, s1 float64
	used   bool
}

// reset prepares t for tile (z, x, y), keeping its scratch buffers.
func (t *tiler) reset(z int, x, y uint32, buffer float64) {
	t.n, t.x, t.y, t.lo, t.hi = float64(uint64(1)<<z), float64(x), float64(y), -buffer, Extent+buffer
}

// outcode returns the box edges that p lies beyond: bit 0 left, 1 right,
// 2 top, 3 bottom (bit i is edge i of intersect).
func (t *tiler) outcode(p orb.Point) uint8 {
	var c uint8
	if p[0] < t.lo {
		c |= 1
	} else if p[0] > t.hi {
		c |= 2
	}
	if p[1] < t.lo {
		c |= 4
	} else if p[1] > t.hi {
		c |= 8
	}
	return c
}

// toTile maps a world point to (unrounded) tile coordinates.
func (t *tiler) toTile(p orb.Point) orb.Point {
	return orb.Point{(p[0]*t.n - t.x) * Extent, (p[1]*t.n - t.y) * Extent}
}

// polygon appends the tile geometry of poly to dst: none, one or several
// polygons. poly is in world coordinates, oriented as orientPolygons leaves
// it (exterior first with positive area, holes negative: the polygon's
// inside is always on the same side of a ring, as it is for the box).
// Holes that collapse in rounding are dropped, polygons whose exterior
// collapses too.
func (t *tiler) polygon(dst orb.MultiPolygon, poly orb.Polygon) orb.MultiPolygon {
	for len(t.bufs) < len(poly) {
		t.bufs = append(t.bufs, nil)
	}
	var rings [][]orb.Point
	allInside := true
	for i, r := range poly {
		t.a = t.bufs[i]
		pts, inside := t.project(r)
		t.bufs[i] = pts
		if len(pts) < 4 {
			// Fewer than three points left: the ring lies beyond one edge.
			if i == 0 {
				return dst
			}
			continue
		}
		allInside = allInside && inside
		rings = append(rings, pts)
	}
	if allInside {
		return t.appendQuantised(dst, rings[0], rings[1:])
	}
	for _, p := range t.clipRings(rings) {
		dst = t.appendQuantised(dst, p[0], p[1:])
	}
	return dst
}

// project transforms the ring r to tile coordinates into t's scratch
// buffer, closed, and reports whether every point lies inside the clip box.
//
// Of a run of consecutive points beyond one and the same box edge only the
// first and the last are kept. The points between cannot reach the box: the
// segment that replaces them lies beyond the same edge, as they do, so the
// chains of the ring are the same and so is whether the ring encloses the
// box; but a huge region costs little in the many tiles it covers. (The
// shortened ring may cross itself beyond that edge, so its area says
// nothing about its orientation any more: that comes from the input.)
func (t *tiler) project(r orb.Ring) (pts []orb.Point, inside bool) {
	pts = t.a[:0]
	inside = true
	var runMask uint8
	runLen := 0
	for _, p := range r {
		q := t.toTile(p)
		c := t.outcode(q)
		if c != 0 {
			inside = false
		}
		switch {
		case runLen >= 2 && runMask&c != 0:
			pts[len(pts)-1] = q
			runMask &= c
		case runLen == 1 && runMask&c != 0:
			pts = append(pts, q)
			runMask &= c
			runLen = 2
		default:
			pts = append(pts, q)
			runMask, runLen = c, 0
			if c != 0 {
				runLen = 1
			}
		}
	}
	if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0])
	}
	t.a = pts
	return pts, inside
}

// clipRings clips one polygon (closed rings in tile coordinates, exterior
// positive, holes negative) to the box. It returns the pieces, each an
// exterior (positive) followed by its holes, in float tile coordinates.
func (t *tiler) clipRings(rings [][]orb.Point) [][][]orb.Point {
	cs := t.cs[:0]
	var inner [][]orb.Point // holes wholly inside the box
	var extInside, boxCovered bool
	center := orb.Point{(t.lo + t.hi) / 2, (t.lo + t.hi) / 2}
	for i, r := range rings {
		var whole bool
		n := len(cs)
		cs, whole = t.chains(r, cs)
		switch {
		case whole && i == 0:
			extInside = true
		case whole:
			inner = append(inner, r)
		case len(cs) == n && pointInRing(center, r):
			// A ring around the whole box: the exterior covers the box; a
			// hole takes all of it away.
			if i > 0 {
				t.cs = cs
				return nil
			}
			boxCovered = true
		}
	}
	t.cs = cs
	if extInside {
		// The exterior is inside the box, so are its holes.
		return [][][]orb.Point{rings}
	}
	if len(cs) == 0 {
		if !boxCovered {
			return nil // the polygon misses the box
		}
		box := []orb.Point{{t.lo, t.lo}, {t.hi, t.lo}, {t.hi, t.hi}, {t.lo, t.hi}, {t.lo, t.lo}}
		return [][][]orb.Point{append([][]orb.Point{box}, inner...)}
	}
	// Join the chains: from where a chain leaves the box, follow the box
	// boundary in its positive direction (the polygon's inside stays on the
	// same side) to the nearest place where a chain enters, and so on until
	// the ring closes. Every ring made so is an exterior.
	var out [][][]orb.Point
	perim := 4 * (t.hi - t.lo)
	for k := range cs {
		if cs[k].used {
			continue
		}
		var ring []orb.Point
		c := k
		for {
			cs[c].used = true
			ring = append(ring, cs[c].pts...)
			next, best := -1, math.Inf(1)
			for j := range cs {
				if cs[j].used && j != k {
					continue
				}
				d := cs[j].s0 - cs[c].s1
				if d < 0 {
					d += perim
				}
				if d < best {
					next, best = j, d
				}
			}
			ring = t.appendCorners(ring, cs[c].s1, best)
			if next == k || next < 0 {
				break
			}
			c = next
		}
		out = append(out, [][]orb.Point{append(ring, ring[0])})
	}
	// Holes inside the box go to the piece that holds them.
	for _, h := range inner {
		for i := range out {
			if pointInRing(h[0], out[i][0]) {
				out[i] = append(out[i], h)
				break
			}
		}
	}
	return out
}

// appendCorners appends the box corners passed when walking the boundary
// in the positive direction from position s over a distance d.
func (t *tiler) appendCorners(ring []orb.Point, s, d float64) []orb.Point {
	L := t.hi - t.lo
	corners := [4]orb.Point{{t.lo, t.lo}, {t.hi, t.lo}, {t.hi, t.hi}, {t.lo, t.hi}}
	for k := 0; k < 8; k++ {
		cs := float64(k) * L // corner k%4 at position k·L (and again one round later)
		if cs > s && cs < s+d {
			ring = append(ring, corners[k%4])
		}
	}
	return ring
}

// boundaryPos returns the position of p (on edge e of the box) along the
// boundary, walking in the positive direction from the corner (lo, lo):
// top edge (y = lo) with x rising, right edge (x = hi) with y rising, bottom
// edge (y = hi) with x falling, left edge (x = lo) with y falling.
func (t *tiler) boundaryPos(e int, p orb.Point) float64 {
	L := t.hi - t.lo
	switch e {
	case 2:
		return p[0] - t.lo
	case 1:
		return L + p[1] - t.lo
	case 3:
		return 2*L + t.hi - p[0]
	}
	return 3*L + t.hi - p[1]
}

// chains appends the chains of the closed ring r to cs; whole is true when
// the ring lies inside the box (it then has no chains).
func (t *tiler) chains(r []orb.Point, cs []chain) ([]chain, bool) {
	n := len(r) - 1
	start := -1
	for i := 0; i < n; i++ {
		if t.outcode(r[i]) != 0 {
			start = i
			break
		}
	}
	if start < 0 {
		return cs, true
	}
	// Walk from a point outside the box, so that every chain is complete.
	var cur []orb.Point
	var s0 float64
	for j := 0; j < n; j++ {
		a, b := r[(start+j)%n], r[(start+j+1)%n]
		t0, t1, e0, e1, ok := t.liangBarsky(a, b)
		if !ok {
			continue
		}
		if cur == nil {
			if !(t0 < t1) {
				continue // touches the box in a point
			}
			p := a // a lies on the boundary when t0 = 0
			if e0 >= 0 {
				p = t.intersect(e0, a, b)
			} else {
				e0 = t.edgeOf(a)
			}
			cur, s0 = []orb.Point{p}, t.boundaryPos(e0, p)
		}
		if t1 < 1 {
			p := t.intersect(e1, a, b)
			cur = append(cur, p)
			cs = append(cs, chain{pts: cur, s0: s0, s1: t.boundaryPos(e1, p)})
			cur = nil
			continue
		}
		cur = append(cur, b)
	}
	return cs, false
}

// edgeOf returns the box edge nearest to p (a point on the boundary).
func (t *tiler) edgeOf(p orb.Point) int {
	d := [4]float64{p[0] - t.lo, t.hi - p[0], p[1] - t.lo, t.hi - p[1]}
	e := 0
	for i := 1; i < 4; i++ {
		if math.Abs(d[i]) < math.Abs(d[e]) {
			e = i
		}
	}
	return e
}

// liangBarsky clips segment ab to the box: the part inside is
// a + t·(b−a) for t in [t0, t1]; e0 and e1 are the edges where it enters
// (when t0 > 0) and leaves (when t1 < 1). ok is false when the segment
// misses the box.
func (t *tiler) liangBarsky(a, b orb.Point) (t0, t1 float64, e0, e1 int, ok bool) {
	t0, t1, e0, e1 = 0, 1, -1, -1
	dx, dy := b[0]-a[0], b[1]-a[1]
	ps := [4]float64{-dx, dx, -dy, dy}
	qs := [4]float64{a[0] - t.lo, t.hi - a[0], a[1] - t.lo, t.hi - a[1]}
	for e := range 4 {
		p, q := ps[e], qs[e]
		if p == 0 {
			if q < 0 {
				return 0, 0, -1, -1, false
			}
			continue
		}
		r := q / p
		// ">=": a point on the boundary still names its edge.
		if p < 0 {
			if r >= t0 {
				t0, e0 = r, e
			}
		} else if r <= t1 {
			t1, e1 = r, e
		}
	}
	if t0 > t1 {
		return 0, 0, -1, -1, false
	}
	return t0, t1, e0, e1, true
}

// intersect returns where segment ab crosses the line of box edge e
// (0 left, 1 right, 2 top, 3 bottom), clamped to the box. The result does
// not depend on the direction of the segment, so two neighbours that share
// the segment get the same point.
func (t *tiler) intersect(e int, a, b orb.Point) orb.Point {
	if b[0] < a[0] || (b[0] == a[0] && b[1] < a[1]) {
		a, b = b, a
	}
	clamp := func(v float64) float64 { return math.Max(t.lo, math.Min(t.hi, v)) }
	switch e {
	case 0, 1:
		k := t.lo
		if e == 1 {
			k = t.hi
		}
		return orb.Point{k, clamp(a[1] + (b[1]-a[1])*(k-a[0])/(b[0]-a[0]))}
	}
	k := t.lo
	if e == 3 {
		k = t.hi
	}
	return orb.Point{clamp(a[0] + (b[0]-a[0])*(k-a[1])/(b[1]-a[1])), k}
}

// appendQuantised rounds one polygon (exterior and holes in float tile
// coordinates) and appends it to dst unless the exterior collapses.
func (t *tiler) appendQuantised(dst orb.MultiPolygon, ext []orb.Point, holes [][]orb.Point) orb.MultiPolygon {
	q := t.quantise(ext, true)
	if q == nil {
		return dst
	}
	out := orb.Polygon{q}
	for _, h := range holes {
		if q := t.quantise(h, false); q != nil {
			out = append(out, q)
		}
	}
	return append(dst, out)
}

// anchor returns the one-unit square at the world point p when p lies in
// the tile (not in its buffer), nil otherwise: the form of a region that
// rounding would drop from every tile.
func (t *tiler) anchor(p orb.Point) orb.MultiPolygon {
	q := t.toTile(p)
	if !(q[0] >= 0 && q[0] < Extent && q[1] >= 0 && q[1] < Extent) {
		return nil
	}
	x, y := math.Floor(q[0]), math.Floor(q[1])
	// Exterior positive in tile coordinates (y down), as quantise leaves it.
	return orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}
}

// round rounds a tile coordinate to an integer, but never onto the clip box
// boundary (lo and hi are integers) from inside the box: only points made
// by clipping lie on it, and a vertex rounded onto it could touch the ring
// where it runs along the boundary.
func (t *tiler) round(v float64) float64 {
	r := math.Round(v)
	switch {
	case r == t.lo && v != t.lo && v > t.lo:
		r++
	case r == t.hi && v != t.hi && v < t.hi:
		r--
	}
	return r
}

// quantise rounds a closed ring to integer tile coordinates and drops
// repeated points. It returns nil when the ring collapses: fewer than three
// distinct points, no area, or an area whose sign flipped (a ring narrower
// than a tile unit that rounding twisted). The result is oriented as MVT
// 2.1 requires: exterior rings positive area in tile coordinates (y down),
// holes negative.
func (t *tiler) quantise(pts []orb.Point, exterior bool) orb.Ring {
	fa := area2(pts)
	out := make(orb.Ring, 0, len(pts))
	for _, p := range pts {
		q := orb.Point{t.round(p[0]), t.round(p[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	out = dropStraight(out)
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	qa := area2(out)
	if qa == 0 || (qa > 0) != (fa > 0) {
		return nil
	}
	if (qa > 0) != exterior {
		reverse(out)
	}
	return out
}

// dropStraight removes, from an open ring of integer points without
// repeats, every point whose neighbours lie on one line with it: points in
// the middle of a straight stretch and the tips of zero-width spikes, which
// rounding makes where a narrow part of a region collapses or a vertex
// lands on the tile boundary.
func dropStraight(r orb.Ring) orb.Ring {
	straight := func(a, b, c orb.Point) bool {
		return (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) == 0
	}
	out := r[:0]
	for _, p := range r {
		for len(out) >= 2 && straight(out[len(out)-2], out[len(out)-1], p) {
			out = out[:len(out)-1]
		}
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	// Around the start of the ring.
	for changed := true; changed && len(out) >= 3; {
		changed = false
		n := len(out)
		switch {
		case straight(out[n-2], out[n-1], out[0]):
			out, changed = out[:n-1], true
		case straight(out[n-1], out[0], out[1]):
			out, changed = out[1:], true
		}
		if len(out) >= 2 && out[0] == out[len(out)-1] {
			out, changed = out[:len(out)-1], true
		}
	}
	return out
}

// area2 is twice the signed area of a closed ring (shoelace formula).
func area2(r []orb.Point) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

func reverse(r []orb.Point) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// orientPolygons orients the rings of mp in place as tiler.polygon expects
// them: exterior rings with positive area (in world or tile coordinates,
// whose y axis points down), holes negative.
func orientPolygons(mp orb.MultiPolygon) {
	for _, p := range mp {
		for i, r := range p {
			if a := area2(r); a != 0 && (a > 0) != (i == 0) {
				reverse(r)
			}
		}
	}
}

// repair makes a feature's tile geometry valid again after rounding made a
// part of it touch or cross itself: geo.Repair (even–odd reading, which
// keeps neighbours consistent) and rounding again, twice at most. What is
// still invalid then is returned as it is: renderers cope with it.
func (t *tiler) repair(mp orb.MultiPolygon) orb.MultiPolygon {
	for range 2 {
		fixed, _, err := geo.Repair(mp)
		if err != nil && len(fixed) == 0 {
			return mp
		}
		var out orb.MultiPolygon
		orientPolygons(fixed)
		for _, p := range fixed {
			out = t.appendQuantised(out, p[0], ringsOf(p[1:]))
		}
		mp = out
		if geo.Validate(mp) == nil {
			break
		}
	}
	return mp
}

func ringsOf(rs []orb.Ring) [][]orb.Point {
	out := make([][]orb.Point, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

// pointInRing reports whether p lies inside the closed ring r (even–odd).
func pointInRing(p orb.Point, r []orb.Point) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}
