package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// segRef names segment i (from vertex i to i+1) of simplified arc a.
type segRef struct{ a, i int32 }

// crossingConflicts reports (via mark) every pair of arcs whose simplified
// segments intersect anywhere except in a shared vertex. Candidate pairs come
// from a uniform grid sized to the number of segments; each pair is tested
// once, in the cell that holds the lower-left corner of the intersection of
// the two segment bounds. Unless all is set, only pairs with a segment of a
// changed arc are tested.
func (s *simplifier) crossingConflicts(changed []bool, all bool, mark func(int32)) {
	pts := s.c.pts
	nseg := 0
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	ext := 0.0
	for _, v := range s.simp {
		nseg += len(v) - 1
		for i, id := range v {
			p := pts[id]
			bound.Min[0], bound.Min[1] = math.Min(bound.Min[0], p[0]), math.Min(bound.Min[1], p[1])
			bound.Max[0], bound.Max[1] = math.Max(bound.Max[0], p[0]), math.Max(bound.Max[1], p[1])
			if i > 0 {
				q := pts[v[i-1]]
				ext += math.Max(math.Abs(p[0]-q[0]), math.Abs(p[1]-q[1]))
			}
		}
	}
	if nseg < 2 {
		return
	}
	segs := make([]segRef, 0, nseg)
	for a, v := range s.simp {
		for i := 0; i+1 < len(v); i++ {
			segs = append(segs, segRef{int32(a), int32(i)})
		}
	}

	// Grid geometry: about one cell per segment, cells no smaller than the
	// mean segment extent, at most 4 cells per segment.
	w, h := bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]
	cell := math.Max(ext/float64(nseg), math.Sqrt(w*h/float64(nseg)))
	if !(cell > 0) || math.IsInf(cell, 0) {
		cell = math.Max(math.Max(w, h), 1)
	}
	var nx, ny int
	for {
		nx, ny = int(w/cell)+1, int(h/cell)+1
		if float64(nx)*float64(ny) <= 4*float64(nseg)+64 {
			break
		}
		cell *= 1.5
	}
	cellOf := func(x, y float64) (int, int) {
		cx := min(max(int((x-bound.Min[0])/cell), 0), nx-1)
		cy := min(max(int((y-bound.Min[1])/cell), 0), ny-1)
		return cx, cy
	}
	segBound := func(sg segRef) (orb.Point, orb.Point) {
		v := s.simp[sg.a]
		p, q := pts[v[sg.i]], pts[v[sg.i+1]]
		return orb.Point{math.Min(p[0], q[0]), math.Min(p[1], q[1])},
			orb.Point{math.Max(p[0], q[0]), math.Max(p[1], q[1])}
	}

	// Compressed grid: cellStart[c]..cellStart[c+1] index cellSegs.
	ncell := nx * ny
	cellStart := make([]int32, ncell+1)
	forCells := func(sg segRef, fn func(c int)) {
		lo, hi := segBound(sg)
		x0, y0 := cellOf(lo[0], lo[1])
		x1, y1 := cellOf(hi[0], hi[1])
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				fn(y*nx + x)
			}
		}
	}
	for _, sg := range segs {
		forCells(sg, func(c int) { cellStart[c+1]++ })
	}
	for c := 0; c < ncell; c++ {
		cellStart[c+1] += cellStart[c]
	}
	fill := make([]int32, ncell)
	copy(fill, cellStart[:ncell])
	cellSegs := make([]int32, cellStart[ncell])
	for k, sg := range segs {
		forCells(sg, func(c int) {
			cellSegs[fill[c]] = int32(k)
			fill[c]++
		})
	}

	for c := 0; c < ncell; c++ {
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
			sk := segs[k]
			lok, hik := segBound(sk)
			for _, m := range items[x+1:] {
				sm := segs[m]
				if !all && !changed[sk.a] && !changed[sm.a] {
					continue
				}
				lom, him := segBound(sm)
				if lok[0] > him[0] || lom[0] > hik[0] || lok[1] > him[1] || lom[1] > hik[1] {
					continue
				}
				if px, py := cellOf(math.Max(lok[0], lom[0]), math.Max(lok[1], lom[1])); px != cx || py != cy {
					continue
				}
				vk, vm := s.simp[sk.a], s.simp[sm.a]
				if segConflict(pts, vk[sk.i], vk[sk.i+1], vm[sm.i], vm[sm.i+1]) {
					mark(sk.a)
					mark(sm.a)
				}
			}
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

// containmentConflicts reports (via markRing) pairs of rings where a ring
// that lay inside another ring now lies outside it, or the reverse, although
// no segments cross: a swallowed island or a hole that left its shell. Only
// pairs with a dirty ring are tested.
func (s *simplifier) containmentConflicts(dirty []bool, markRing func(int32)) {
	c := s.c
	pts := c.pts
	for r := int32(0); r < int32(len(dirty)); r++ {
		refs := c.ringRefs(r)
		if len(refs) == 0 {
			continue
		}
		first := s.simp[arcIndex(refs[0])]
		p0 := pts[first[arcPos(refs[0], 0, len(first))]]
		c.ringTree.Search(p0, p0, func(_, _ [2]float64, q int32) bool {
			if q == r || (!dirty[r] && !dirty[q]) {
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
					markRing(r)
					markRing(q)
				}
				return false
			})
			return true
		})
	}
}

// forRingVertices calls fn with the simplified vertices of ring r until fn
// returns false.
func (s *simplifier) forRingVertices(r int32, fn func(orb.Point) bool) {
	for _, ref := range s.c.ringRefs(r) {
		v := s.simp[arcIndex(ref)]
		for i := 0; i+1 < len(v); i++ {
			if !fn(s.c.pts[v[arcPos(ref, i, len(v))]]) {
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
		if simplified {
			v = s.simp[a]
		}
		// Edge direction does not matter for the crossing test.
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
