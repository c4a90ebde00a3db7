package geo

import (
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// SimplifyStats reports what Simplify did.
type SimplifyStats struct {
	ArcVerticesIn  int // vertices of all unique arcs before simplification
	ArcVerticesOut int // vertices of all unique arcs after simplification
	Rounds         int // conflict-resolution rounds that found conflicts
	Retried        int // arc re-simplifications with a smaller tolerance
	Restored       int // arcs that fell back to all their input vertices
	Forced         int // arcs that kept an extra vertex so a ring would not collapse
}

// maxRetryRounds bounds the conflict-resolution loop of Simplify; in the last
// round every arc still in conflict gets back all its input vertices.
const maxRetryRounds = 8

// Simplify returns one MultiPolygon per input, in input order, with every arc
// simplified once by Douglas–Peucker (tolerance in coordinate units, measured
// as distance to the simplified segment). Shared borders therefore stay
// identical and no gaps or overlaps appear between neighbours; junctions of
// three or more regions and the ends of every arc are never moved.
//
// Rings are never dropped and keep their ring count, closure and orientation:
//   - a ring made of a single closed arc (an island, an enclave, a region
//     with only one neighbour) keeps at least a triangle: the start vertex,
//     the vertex farthest from it and the vertex farthest from that chord;
//   - a ring of two arcs that would collapse to a line keeps the farthest
//     vertex of the arc that deviates most.
//
// After simplification every simplified segment is tested against every
// other one (uniform grid), every ring is checked for a flipped or zero area,
// and every ring is checked to still lie on the same side of every other ring
// (so no island or hole is swallowed by a neighbour's simplified border).
// Arcs involved in a conflict are simplified again with a smaller tolerance
// (at most a quarter of the previous one, and small enough to keep at least
// one more vertex); after maxRetryRounds rounds the remaining conflicting
// arcs get back all their input vertices. Valid input therefore yields valid,
// gap- and overlap-free output. Conflicts already present in the input are
// left as they are.
//
// A tolerance ≤ 0 (or NaN) returns the input geometry reassembled from arcs,
// with consecutive duplicate points removed. Degenerate input rings (fewer
// than three distinct points, non-finite coordinates) are returned unchanged.
func (c *Coverage) Simplify(tolerance float64) []orb.MultiPolygon {
	out, _ := c.SimplifyWithStats(tolerance)
	return out
}

// SimplifyWithStats is Simplify that also reports what it did.
func (c *Coverage) SimplifyWithStats(tolerance float64) ([]orb.MultiPolygon, SimplifyStats) {
	if !(tolerance > 0) || math.IsInf(tolerance, 0) {
		tolerance = 0
	}
	s := newSimplifier(c, tolerance)
	s.simplifyAll()
	s.preventCollapse()
	s.resolveConflicts()
	for a := range s.simp {
		s.stats.ArcVerticesIn += len(c.arc(int32(a)))
		s.stats.ArcVerticesOut += len(s.simp[a])
	}
	return s.assemble(), s.stats
}

// simplifier holds the per-call state of Simplify.
type simplifier struct {
	c       *Coverage
	tol     []float64 // current tolerance per arc
	minKeep []uint8   // interior vertices an arc must keep
	simp    [][]int32 // simplified vertex ids per arc
	dev     []float64 // largest deviation of a dropped vertex per arc
	stats   SimplifyStats
}

func newSimplifier(c *Coverage, tolerance float64) *simplifier {
	na := c.Arcs()
	s := &simplifier{
		c:       c,
		tol:     make([]float64, na),
		minKeep: make([]uint8, na),
		simp:    make([][]int32, na),
		dev:     make([]float64, na),
	}
	for a := range s.tol {
		s.tol[a] = tolerance
		v := c.arc(int32(a))
		if v[0] == v[len(v)-1] {
			// A closed arc is a whole ring: keep at least a triangle.
			s.minKeep[a] = 2
		}
	}
	return s
}

// simplifyAll simplifies every arc, in parallel.
func (s *simplifier) simplifyAll() {
	na := len(s.simp)
	workers := min(runtime.GOMAXPROCS(0), 1+na/2048)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := na*w/workers, na*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc dpScratch
			var buf []int32
			for a := lo; a < hi; a++ {
				start := len(buf)
				buf, s.dev[a] = sc.simplify(s.c.pts, s.c.arc(int32(a)), s.tol[a], int(s.minKeep[a]), buf)
				s.simp[a] = buf[start:len(buf):len(buf)]
			}
		}()
	}
	wg.Wait()
}

func (s *simplifier) resimplify(a int32, sc *dpScratch) {
	s.simp[a], s.dev[a] = sc.simplify(s.c.pts, s.c.arc(a), s.tol[a], int(s.minKeep[a]), nil)
}

// preventCollapse makes two-arc rings that simplified to a line keep the
// farthest vertex of the arc that deviates most.
func (s *simplifier) preventCollapse() {
	var sc dpScratch
	for r := 0; r < len(s.c.ringOff)-1; r++ {
		refs := s.c.ringRefs(int32(r))
		if len(refs) != 2 {
			continue
		}
		a, b := arcIndex(refs[0]), arcIndex(refs[1])
		if a == b || len(s.simp[a]) > 2 || len(s.simp[b]) > 2 {
			continue
		}
		f := a
		if s.dev[b] > s.dev[a] {
			f = b
		}
		if s.minKeep[f] < 1 && len(s.c.arc(f)) > 2 {
			s.minKeep[f] = 1
			s.resimplify(f, &sc)
			s.stats.Forced++
		}
	}
}

// resolveConflicts re-simplifies arcs involved in crossings, flipped rings or
// swallowed rings with smaller tolerances until there is no conflict left.
func (s *simplifier) resolveConflicts() {
	na := len(s.simp)
	changed := make([]bool, na)
	bad := make([]bool, na)
	for a := range changed {
		changed[a] = s.tol[a] > 0
	}
	var sc dpScratch
	for round := 0; round <= maxRetryRounds; round++ {
		clear(bad)
		n := s.findConflicts(changed, round == 0, bad)
		if n == 0 {
			return
		}
		s.stats.Rounds++
		clear(changed)
		progress := false
		for a := range bad {
			if !bad[a] || s.tol[a] == 0 {
				continue
			}
			if round >= maxRetryRounds-1 || s.dev[a] == 0 {
				s.tol[a] = 0
				s.stats.Restored++
			} else {
				s.tol[a] = min(s.tol[a]/4, s.dev[a]*0.5)
				s.stats.Retried++
			}
			s.resimplify(int32(a), &sc)
			changed[a] = true
			progress = true
		}
		if !progress {
			return
		}
	}
}

// findConflicts marks in bad the arcs (with a tolerance > 0) that take part in
// a conflict and returns how many it marked. Unless all is set, only
// conflicts involving a changed arc are searched for.
func (s *simplifier) findConflicts(changed []bool, all bool, bad []bool) int {
	n := 0
	mark := func(a int32) {
		if !bad[a] && s.tol[a] > 0 {
			bad[a] = true
			n++
		}
	}
	markRing := func(r int32) {
		for _, ref := range s.c.ringRefs(r) {
			mark(arcIndex(ref))
		}
	}
	nr := int32(len(s.c.ringOff) - 1)
	dirty := make([]bool, nr)
	for r := int32(0); r < nr; r++ {
		for _, ref := range s.c.ringRefs(r) {
			if all || changed[arcIndex(ref)] {
				dirty[r] = true
				break
			}
		}
	}
	// Rings must keep three distinct vertices and their orientation.
	for r := int32(0); r < nr; r++ {
		if !dirty[r] {
			continue
		}
		cnt, area := s.ringShape(r)
		if cnt < 3 || (s.c.ringSign[r] != 0 && sign(area) != int(s.c.ringSign[r])) {
			markRing(r)
		}
	}
	s.crossingConflicts(changed, all, mark)
	s.containmentConflicts(dirty, markRing)
	return n
}

// ringShape returns the number of distinct vertices and twice the signed area
// of simplified ring r.
func (s *simplifier) ringShape(r int32) (int, float64) {
	pts := s.c.pts
	cnt := 0
	var area float64
	var o, prev orb.Point
	for k, ref := range s.c.ringRefs(r) {
		v := s.simp[arcIndex(ref)]
		for i := range v {
			if k > 0 && i == 0 {
				continue
			}
			p := pts[v[arcPos(ref, i, len(v))]]
			if k == 0 && i == 0 {
				o = p
			} else {
				area += (prev[0]-o[0])*(p[1]-o[1]) - (p[0]-o[0])*(prev[1]-o[1])
			}
			prev = p
			cnt++
		}
	}
	return cnt - 1, area
}

// assemble builds the output MultiPolygons from the simplified arcs.
func (s *simplifier) assemble() []orb.MultiPolygon {
	c := s.c
	nf := len(c.featOff) - 1
	out := make([]orb.MultiPolygon, nf)
	total := 0
	for a := range s.simp {
		total += 2 * len(s.simp[a])
	}
	buf := make([]orb.Point, 0, total)
	for f := 0; f < nf; f++ {
		p0, p1 := c.featOff[f], c.featOff[f+1]
		mp := make(orb.MultiPolygon, 0, p1-p0)
		for p := p0; p < p1; p++ {
			r0, r1 := c.polyOff[p], c.polyOff[p+1]
			poly := make(orb.Polygon, 0, r1-r0)
			for r := r0; r < r1; r++ {
				if raw, ok := c.raw[r]; ok {
					poly = append(poly, raw.Clone())
					continue
				}
				start := len(buf)
				for k, ref := range c.ringRefs(r) {
					v := s.simp[arcIndex(ref)]
					for i := range v {
						if k > 0 && i == 0 {
							continue
						}
						buf = append(buf, c.pts[v[arcPos(ref, i, len(v))]])
					}
				}
				ring := orb.Ring(buf[start:len(buf):len(buf)])
				rotateTo(ring, c.pts[c.ringStart[r]])
				poly = append(poly, ring)
			}
			mp = append(mp, poly)
		}
		out[f] = mp
	}
	return out
}

// rotateTo rotates the closed ring in place so that it starts at p, if p is
// one of its vertices: output rings start where the input rings started
// whenever that vertex survives simplification.
func rotateTo(ring orb.Ring, p orb.Point) {
	n := len(ring) - 1
	if n < 1 || ring[0] == p {
		return
	}
	k := slices.Index(ring[:n], p)
	if k <= 0 {
		return
	}
	slices.Reverse(ring[:k])
	slices.Reverse(ring[k:n])
	slices.Reverse(ring[:n])
	ring[n] = ring[0]
}

// arcIndex returns the arc of an arc reference.
func arcIndex(ref int32) int32 {
	if ref < 0 {
		return ^ref
	}
	return ref
}

// arcPos maps the i-th position along an arc reference to the index into the
// arc's stored (canonical) vertex order of length n.
func arcPos(ref int32, i, n int) int {
	if ref < 0 {
		return n - 1 - i
	}
	return i
}

// dpScratch holds reusable buffers for Douglas–Peucker.
type dpScratch struct {
	keep  []bool
	stack [][2]int32
}

// simplify runs Douglas–Peucker over the vertex ids verts, appends the kept
// ids to dst and returns it together with the largest distance of a dropped
// vertex from its simplified segment. Both ends are always kept. minKeep ≥ 1
// forces the vertex farthest from the chord (open arcs); for closed arcs,
// minKeep ≥ 2 forces a triangle (the vertex farthest from the start and the
// vertex farthest from that chord). A tolerance of 0 keeps every vertex.
func (sc *dpScratch) simplify(pts []orb.Point, verts []int32, tol float64, minKeep int, dst []int32) ([]int32, float64) {
	n := len(verts)
	if n <= 2 || tol <= 0 {
		return append(dst, verts...), 0
	}
	if cap(sc.keep) < n {
		sc.keep = make([]bool, n)
	}
	keep := sc.keep[:n]
	clear(keep)
	keep[0], keep[n-1] = true, true
	p := func(i int32) orb.Point { return pts[verts[i]] }
	stack := sc.stack[:0]
	last := int32(n - 1)

	// farthest returns the vertex of (i, j) farthest from segment a–b.
	farthest := func(i, j int32, a, b orb.Point) (int32, float64) {
		k, best := int32(-1), -1.0
		for m := i + 1; m < j; m++ {
			if d := segDist2(p(m), a, b); d > best {
				k, best = m, d
			}
		}
		return k, best
	}

	switch {
	case verts[0] == verts[last] && minKeep >= 1:
		// Closed arc: split at the vertex farthest from the start.
		f, _ := farthest(0, last, p(0), p(0))
		keep[f] = true
		if minKeep >= 2 {
			g1, d1 := farthest(0, f, p(0), p(f))
			g2, d2 := farthest(f, last, p(0), p(f))
			switch {
			case g1 >= 0 && (g2 < 0 || d1 >= d2):
				keep[g1] = true
				stack = append(stack, [2]int32{0, g1}, [2]int32{g1, f}, [2]int32{f, last})
			case g2 >= 0:
				keep[g2] = true
				stack = append(stack, [2]int32{0, f}, [2]int32{f, g2}, [2]int32{g2, last})
			default:
				stack = append(stack, [2]int32{0, f}, [2]int32{f, last})
			}
		} else {
			stack = append(stack, [2]int32{0, f}, [2]int32{f, last})
		}
	case minKeep >= 1:
		f, _ := farthest(0, last, p(0), p(last))
		keep[f] = true
		stack = append(stack, [2]int32{0, f}, [2]int32{f, last})
	default:
		stack = append(stack, [2]int32{0, last})
	}

	tol2 := tol * tol
	maxDev := 0.0
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := r[0], r[1]
		if j-i < 2 {
			continue
		}
		k, d := farthest(i, j, p(i), p(j))
		if d > tol2 {
			keep[k] = true
			stack = append(stack, [2]int32{i, k}, [2]int32{k, j})
		} else if d > maxDev {
			maxDev = d
		}
	}
	sc.stack = stack
	for i, k := range keep {
		if k {
			dst = append(dst, verts[i])
		}
	}
	return dst, math.Sqrt(maxDev)
}
