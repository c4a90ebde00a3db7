package geo

import (
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"
)

// segRef names segment i (from vertex i to i+1) of simplified arc a, with
// its bound.
type segRef struct {
	a, i   int32
	lo, hi orb.Point
}

func minmax(a, b float64) (float64, float64) {
	if a < b {
		return a, b
	}
	return b, a
}

// crossingConflicts reports (via mark) both segments of every pair of
// simplified segments that meet anywhere except in one shared vertex. Candidate pairs come
// from a uniform grid sized to the number of segments; each pair is tested
// once, in the cell that holds the lower-left corner of the intersection of
// the two segment bounds. Unless all is set, only pairs with a segment of a
// changed arc are tested. The cells are scanned in parallel.
func (s *simplifier) crossingConflicts(changed []bool, all bool, mark func(a, k int32)) {
	pts := s.c.pts
	nseg := 0
	for _, v := range s.kept {
		nseg += len(v) - 1
	}
	if nseg < 2 {
		return
	}
	segs := make([]segRef, 0, nseg)
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	ext := 0.0
	for a, v := range s.kept {
		for i := 0; i+1 < len(v); i++ {
			p, q := s.vertex(int32(a), i), s.vertex(int32(a), i+1)
			x0, x1 := minmax(p[0], q[0])
			y0, y1 := minmax(p[1], q[1])
			segs = append(segs, segRef{int32(a), int32(i), orb.Point{x0, y0}, orb.Point{x1, y1}})
			bound.Min[0], bound.Min[1] = min(bound.Min[0], x0), min(bound.Min[1], y0)
			bound.Max[0], bound.Max[1] = max(bound.Max[0], x1), max(bound.Max[1], y1)
			ext += max(x1-x0, y1-y0)
		}
	}

	// Grid geometry: about one cell per segment, cells no smaller than the
	// mean segment extent, at most 4 cells per segment.
	w, h := bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]
	cell := max(ext/float64(nseg), math.Sqrt(w*h/float64(nseg)))
	nx, ny := 1, 1
	switch {
	case math.IsInf(w, 0) || math.IsInf(h, 0):
		// Absurd extents overflow; one cell still finds every conflict.
		cell = 1
	case !(cell > 0) || math.IsInf(cell, 0):
		cell = max(w, h, 1)
	default:
		for {
			nx, ny = int(w/cell)+1, int(h/cell)+1
			if float64(nx)*float64(ny) <= 4*float64(nseg)+64 {
				break
			}
			cell *= 1.5
		}
	}
	inv := 1 / cell
	cellOf := func(x, y float64) (int, int) {
		cx := min(max(int((x-bound.Min[0])*inv), 0), nx-1)
		cy := min(max(int((y-bound.Min[1])*inv), 0), ny-1)
		return cx, cy
	}

	// Compressed grid: cellStart[c]..cellStart[c+1] index cellSegs.
	ncell := nx * ny
	cellStart := make([]int32, ncell+1)
	for k := range segs {
		x0, y0 := cellOf(segs[k].lo[0], segs[k].lo[1])
		x1, y1 := cellOf(segs[k].hi[0], segs[k].hi[1])
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cellStart[y*nx+x+1]++
			}
		}
	}
	for c := 0; c < ncell; c++ {
		cellStart[c+1] += cellStart[c]
	}
	fill := make([]int32, ncell)
	copy(fill, cellStart[:ncell])
	cellSegs := make([]int32, cellStart[ncell])
	for k := range segs {
		x0, y0 := cellOf(segs[k].lo[0], segs[k].lo[1])
		x1, y1 := cellOf(segs[k].hi[0], segs[k].hi[1])
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*nx + x
				cellSegs[fill[c]] = int32(k)
				fill[c]++
			}
		}
	}

	scan := func(c0, c1 int, found func(a, b *segRef)) {
		for c := c0; c < c1; c++ {
			items := cellSegs[cellStart[c]:cellStart[c+1]]
			if len(items) < 2 {
				continue
			}
			if !all {
				any := false
				for _, k := range items {
					if changed[segs[k].a] {
						any = true
						break
					}
				}
				if !any {
					continue
				}
			}
			cx, cy := c%nx, c/nx
			for x, k := range items {
				sk := &segs[k]
				for _, m := range items[x+1:] {
					sm := &segs[m]
					if !all && !changed[sk.a] && !changed[sm.a] {
						continue
					}
					if sk.lo[0] > sm.hi[0] || sm.lo[0] > sk.hi[0] || sk.lo[1] > sm.hi[1] || sm.lo[1] > sk.hi[1] {
						continue
					}
					if px, py := cellOf(max(sk.lo[0], sm.lo[0]), max(sk.lo[1], sm.lo[1])); px != cx || py != cy {
						continue
					}
					if segConflict(pts,
						s.vertexID(sk.a, int(sk.i)), s.vertexID(sk.a, int(sk.i)+1),
						s.vertexID(sm.a, int(sm.i)), s.vertexID(sm.a, int(sm.i)+1)) {
						found(sk, sm)
					}
				}
			}
		}
	}

	workers := min(runtime.GOMAXPROCS(0), 1+len(cellSegs)/8192)
	if workers <= 1 {
		scan(0, ncell, func(a, b *segRef) { mark(a.a, a.i); mark(b.a, b.i) })
		return
	}
	pairs := make([][][2]segRef, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scan(ncell*w/workers, ncell*(w+1)/workers, func(a, b *segRef) {
				pairs[w] = append(pairs[w], [2]segRef{*a, *b})
			})
		}()
	}
	wg.Wait()
	for _, ps := range pairs {
		for _, p := range ps {
			mark(p[0].a, p[0].i)
			mark(p[1].a, p[1].i)
		}
	}
}

// segConflict reports whether the segments p1–p2 and q1–q2 (vertex ids) meet
// anywhere other than in one shared vertex.
func segConflict(pts []orb.Point, p1, p2, q1, q2 int32) bool {
	if (p1 == q1 && p2 == q2) || (p1 == q2 && p2 == q1) {
		return true // the same segment twice: a collapsed region
	}
	var sh, a, b int32 = -1, -1, -1
	switch {
	case p1 == q1:
		sh, a, b = p1, p2, q2
	case p1 == q2:
		sh, a, b = p1, p2, q1
	case p2 == q1:
		sh, a, b = p2, p1, q2
	case p2 == q2:
		sh, a, b = p2, p1, q1
	}
	if sh >= 0 {
		s, pa, pb := pts[sh], pts[a], pts[b]
		if orient(s, pa, pb) != 0 {
			return false
		}
		return (pa[0]-s[0])*(pb[0]-s[0])+(pa[1]-s[1])*(pb[1]-s[1]) > 0
	}
	return segmentsIntersect(pts[p1], pts[p2], pts[q1], pts[q2])
}

// containmentConflicts finds pairs of rings where a ring that lay inside
// another ring now lies outside it, or the reverse, although no segments
// cross: a swallowed island or a hole that left its shell. The test point is
// a kept vertex of the inner ring, so only the outer ring's simplification
// can have changed the answer; its segments whose input stretch has a bound
// holding the test point are reported via mark. Only pairs with a dirty ring
// are tested. Rings that share an arc are skipped: the shared arc is
// identical in both, so as long as no segments cross (which
// crossingConflicts ensures) neither ring can change sides of the other.
func (s *simplifier) containmentConflicts(dirty []bool, mark func(a, k int32)) {
	c := s.c
	for r := int32(0); r < int32(len(dirty)); r++ {
		refs := c.ringRefs(r)
		if len(refs) == 0 {
			continue
		}
		a0 := arcIndex(refs[0])
		p0 := s.vertex(a0, arcPos(refs[0], 0, len(s.kept[a0])))
		c.ringTree.Search(p0, p0, func(_, _ [2]float64, q int32) bool {
			if q == r || (!dirty[r] && !dirty[q]) || s.shareArc(r, q) {
				return true
			}
			bq := c.ringBnd[q]
			s.forRingVertices(r, func(p orb.Point) bool {
				if !bq.Contains(p) {
					return false // outside q before and after
				}
				before := s.ringLocate(q, p, false)
				if before == locBoundary {
					return true
				}
				after := s.ringLocate(q, p, true)
				if after == locBoundary {
					return true
				}
				if before != after {
					s.markStretchesAround(q, p, mark)
				}
				return false
			})
			return true
		})
	}
}

// markStretchesAround reports the simplified segments of ring q whose input
// stretch (the input vertices between its ends) has a bound holding p.
func (s *simplifier) markStretchesAround(q int32, p orb.Point, mark func(a, k int32)) {
	pts := s.c.pts
	for _, ref := range s.c.ringRefs(q) {
		a := arcIndex(ref)
		verts := s.c.arc(a)
		kept := s.kept[a]
		for k := 0; k+1 < len(kept); k++ {
			b := orb.Bound{Min: pts[verts[kept[k]]], Max: pts[verts[kept[k]]]}
			for m := kept[k] + 1; m <= kept[k+1]; m++ {
				v := pts[verts[m]]
				b.Min[0], b.Max[0] = min(b.Min[0], v[0]), max(b.Max[0], v[0])
				b.Min[1], b.Max[1] = min(b.Min[1], v[1]), max(b.Max[1], v[1])
			}
			if b.Contains(p) {
				mark(a, int32(k))
			}
		}
	}
}

// shareArc reports whether rings r and q use a common arc.
func (s *simplifier) shareArc(r, q int32) bool {
	rr, qq := s.c.ringRefs(r), s.c.ringRefs(q)
	for _, a := range rr {
		for _, b := range qq {
			if arcIndex(a) == arcIndex(b) {
				return true
			}
		}
	}
	return false
}

// forRingVertices calls fn with the simplified vertices of ring r until fn
// returns false.
func (s *simplifier) forRingVertices(r int32, fn func(orb.Point) bool) {
	for _, ref := range s.c.ringRefs(r) {
		a := arcIndex(ref)
		n := len(s.kept[a])
		for i := 0; i+1 < n; i++ {
			if !fn(s.vertex(a, arcPos(ref, i, n))) {
				return
			}
		}
	}
}

// ringLocate locates p relative to ring r, either as input (simplified=false)
// or as currently simplified.
func (s *simplifier) ringLocate(r int32, p orb.Point, simplified bool) int {
	pts := s.c.pts
	inside := false
	for _, ref := range s.c.ringRefs(r) {
		a := arcIndex(ref)
		v := s.c.arc(a)
		// Edge direction does not matter for the crossing test.
		if simplified {
			kept := s.kept[a]
			for i := 0; i+1 < len(kept); i++ {
				if pipStep(pts[v[kept[i]]], pts[v[kept[i+1]]], p, &inside) {
					return locBoundary
				}
			}
			continue
		}
		for i := 0; i+1 < len(v); i++ {
			if pipStep(pts[v[i]], pts[v[i+1]], p, &inside) {
				return locBoundary
			}
		}
	}
	if inside {
		return locInside
	}
	return locOutside
}
