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
	Refined        int // simplified segments refined because of a conflict
	Restored       int // arcs that fell back to all their input vertices
	Forced         int // arcs that kept an extra vertex so a ring would not collapse
}

// maxRefineRounds bounds the conflict-resolution loop of Simplify; after it,
// every arc still in conflict gets back all its input vertices.
const maxRefineRounds = 16

// Simplify returns one MultiPolygon per input, in input order, with every arc
// simplified once by Douglas–Peucker (tolerance in coordinate units, measured
// as distance to the simplified segment). Shared borders therefore stay
// identical and no gaps or overlaps appear between neighbours; junctions of
// three or more regions and the ends of every arc are never moved, and every
// output vertex is an input vertex.
//
// Rings are never dropped and keep their ring count, closure and orientation:
//   - a ring made of a single closed arc (an island, an enclave, a region
//     with only one neighbour) keeps at least a triangle: the start vertex,
//     the vertex farthest from it and the vertex farthest from that chord;
//   - a ring of two arcs that would collapse to a line keeps the farthest
//     vertex of the arc that deviates most.
//
// After simplification, conflicts are searched for and repaired locally:
//   - every simplified segment is tested against every other one (uniform
//     grid); two segments that cross or touch other than in a shared vertex
//     are both refined;
//   - a ring whose area flipped sign or vanished has all its segments
//     refined;
//   - every ring is checked to still lie on the same side of every other
//     ring whose bound holds it (so no island is swallowed by a neighbour's
//     simplified coast and no hole leaves its shell); the segments of the
//     outer ring whose original stretch could have cut the test point off
//     are refined.
//
// Refining a segment re-runs Douglas–Peucker on the input vertices it
// replaced with half their largest deviation as tolerance, so it gains at
// least one vertex. After maxRefineRounds rounds, arcs still in conflict get
// back all their input vertices. Valid input therefore yields valid, gap-
// and overlap-free output; conflicts already present in the input are left
// as they are.
//
// A tolerance ≤ 0 (or NaN) returns the input geometry reassembled from arcs,
// with consecutive duplicate points removed. Degenerate input rings (fewer
// than three distinct points, non-finite coordinates) are returned unchanged.
// Output rings start at the input ring's first vertex when it survives.
func (c *Coverage) Simplify(tolerance float64) []orb.MultiPolygon {
	out, _ := c.SimplifyWithStats(tolerance)
	return out
}

// SimplifyWithStats is Simplify that also reports what it did.
func (c *Coverage) SimplifyWithStats(tolerance float64) ([]orb.MultiPolygon, SimplifyStats) {
	if !(tolerance > 0) || math.IsInf(tolerance, 0) {
		tolerance = 0
	}
	s := newSimplifier(c)
	s.tol = tolerance
	s.simplifyAll(tolerance)
	s.preventCollapse()
	s.resolveConflicts()
	for a := range s.kept {
		s.stats.ArcVerticesIn += len(c.arc(int32(a)))
		s.stats.ArcVerticesOut += len(s.kept[a])
	}
	return s.assemble(), s.stats
}

// simplifier holds the per-call state of Simplify.
type simplifier struct {
	c       *Coverage
	tol     float64   // requested tolerance
	minKeep []uint8   // interior vertices an arc must keep
	kept    [][]int32 // kept positions (indices into the arc's vertices) per arc
	dev     []float64 // largest deviation of a dropped vertex per arc
	stats   SimplifyStats
}

func newSimplifier(c *Coverage) *simplifier {
	na := c.Arcs()
	s := &simplifier{
		c:       c,
		minKeep: make([]uint8, na),
		kept:    make([][]int32, na),
		dev:     make([]float64, na),
	}
	for a := range s.minKeep {
		v := c.arc(int32(a))
		if v[0] == v[len(v)-1] {
			// A closed arc is a whole ring: keep at least a triangle.
			s.minKeep[a] = 2
		}
	}
	return s
}

// vertex returns the coordinates of the k-th kept vertex of arc a.
func (s *simplifier) vertex(a int32, k int) orb.Point {
	c := s.c
	return c.pts[c.arcVerts[c.arcOff[a]+s.kept[a][k]]]
}

// vertexID returns the vertex id of the k-th kept vertex of arc a.
func (s *simplifier) vertexID(a int32, k int) int32 {
	c := s.c
	return c.arcVerts[c.arcOff[a]+s.kept[a][k]]
}

// full reports whether arc a keeps all its input vertices.
func (s *simplifier) full(a int32) bool {
	return len(s.kept[a]) == len(s.c.arc(a))
}

// simplifyAll simplifies every arc, in parallel.
func (s *simplifier) simplifyAll(tol float64) {
	na := len(s.kept)
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
				buf, s.dev[a] = sc.simplify(s.c.pts, s.c.arc(int32(a)), 0, tol, int(s.minKeep[a]), buf)
				s.kept[a] = buf[start:len(buf):len(buf)]
			}
		}()
	}
	wg.Wait()
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
		if a == b || len(s.kept[a]) > 2 || len(s.kept[b]) > 2 {
			continue
		}
		f := a
		if s.dev[b] > s.dev[a] {
			f = b
		}
		if s.minKeep[f] < 1 && len(s.c.arc(f)) > 2 {
			s.minKeep[f] = 1
			s.kept[f], s.dev[f] = sc.simplify(s.c.pts, s.c.arc(f), 0, s.tol, 1, nil)
			s.stats.Forced++
		}
	}
}

// conflicts collects what to refine: per arc, the indices of the simplified
// segments to refine, or all of them.
type conflicts struct {
	segs map[int32][]int32
	all  map[int32]bool
}

func (cf *conflicts) empty() bool { return len(cf.segs) == 0 && len(cf.all) == 0 }

// resolveConflicts refines the segments involved in crossings, flipped rings
// or swallowed rings until there is no conflict left.
func (s *simplifier) resolveConflicts() {
	na := len(s.kept)
	changed := make([]bool, na)
	for a := range changed {
		changed[a] = !s.full(int32(a))
	}
	var sc dpScratch
	for round := 0; ; round++ {
		cf := s.findConflicts(changed, round == 0)
		if cf.empty() {
			return
		}
		s.stats.Rounds++
		clear(changed)
		progress := false
		refine := func(a int32, segs []int32, all bool) {
			if s.full(a) {
				return
			}
			if round >= maxRefineRounds {
				s.kept[a] = s.allPositions(a)
				s.stats.Restored++
			} else {
				n := s.refine(a, segs, all, &sc)
				if n == 0 {
					return
				}
				s.stats.Refined += n
			}
			changed[a] = true
			progress = true
		}
		for a := range cf.all {
			refine(a, nil, true)
		}
		for a, segs := range cf.segs {
			if !cf.all[a] {
				refine(a, segs, false)
			}
		}
		if !progress {
			return
		}
	}
}

// allPositions returns the positions of all vertices of arc a.
func (s *simplifier) allPositions(a int32) []int32 {
	pos := make([]int32, len(s.c.arc(a)))
	for i := range pos {
		pos[i] = int32(i)
	}
	return pos
}

// refine replaces the listed simplified segments of arc a (or all of them)
// by a finer simplification of the input vertices they stand for, using half
// their largest deviation as tolerance. It returns how many segments gained
// vertices.
func (s *simplifier) refine(a int32, segs []int32, all bool, sc *dpScratch) int {
	verts := s.c.arc(a)
	old := s.kept[a]
	if !all {
		slices.Sort(segs)
		segs = slices.Compact(segs)
	}
	out := make([]int32, 0, len(old)+4)
	n := 0
	for k := 0; k+1 < len(old); k++ {
		out = append(out, old[k])
		if !all {
			if len(segs) == 0 || segs[0] != int32(k) {
				continue
			}
			segs = segs[1:]
		}
		i, j := old[k], old[k+1]
		if j-i < 2 {
			continue
		}
		// Half of the largest deviation: keeps at least the farthest vertex.
		d2 := 0.0
		for m := i + 1; m < j; m++ {
			d2 = max(d2, segDist2(s.c.pts[verts[m]], s.c.pts[verts[i]], s.c.pts[verts[j]]))
		}
		tol := 0.5 * math.Sqrt(d2)
		if !(tol > 0) {
			// All dropped vertices lie on the segment: keep them all.
			for m := i + 1; m < j; m++ {
				out = append(out, m)
			}
			n++
			continue
		}
		before := len(out)
		out, _ = sc.simplify(s.c.pts, verts[i:j+1], i, tol, 0, out)
		// simplify appended i and j too: drop j (appended by the next
		// iteration) and the duplicate i.
		out = out[:len(out)-1]
		copy(out[before:], out[before+1:])
		out = out[:len(out)-1]
		n++
	}
	out = append(out, old[len(old)-1])
	s.kept[a] = out
	return n
}

// findConflicts finds the conflicts that involve a changed arc (all
// conflicts when all is set).
func (s *simplifier) findConflicts(changed []bool, all bool) *conflicts {
	cf := &conflicts{segs: map[int32][]int32{}, all: map[int32]bool{}}
	markSeg := func(a, k int32) {
		if !s.full(a) {
			cf.segs[a] = append(cf.segs[a], k)
		}
	}
	markRing := func(r int32) {
		for _, ref := range s.c.ringRefs(r) {
			if a := arcIndex(ref); !s.full(a) {
				cf.all[a] = true
			}
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
	s.crossingConflicts(changed, all, markSeg)
	s.containmentConflicts(dirty, markSeg)
	return cf
}

// ringShape returns the number of distinct vertices and twice the signed area
// of simplified ring r.
func (s *simplifier) ringShape(r int32) (int, float64) {
	cnt := 0
	var area float64
	var o, prev orb.Point
	for k, ref := range s.c.ringRefs(r) {
		a := arcIndex(ref)
		n := len(s.kept[a])
		for i := 0; i < n; i++ {
			if k > 0 && i == 0 {
				continue
			}
			p := s.vertex(a, arcPos(ref, i, n))
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
	for a := range s.kept {
		total += 2 * len(s.kept[a])
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
					a := arcIndex(ref)
					n := len(s.kept[a])
					for i := 0; i < n; i++ {
						if k > 0 && i == 0 {
							continue
						}
						buf = append(buf, s.vertex(a, arcPos(ref, i, n)))
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
// arc's stored (canonical) order of length n.
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

// simplify runs Douglas–Peucker over the vertex ids verts and appends the
// positions of the kept vertices, plus offset, to dst. It returns dst and the
// largest distance of a dropped vertex from its simplified segment. Both
// ends are always kept. minKeep ≥ 1 forces the vertex farthest from the chord
// (open arcs); for closed arcs, minKeep ≥ 2 forces a triangle (the vertex
// farthest from the start and the vertex farthest from that chord). A
// tolerance of 0 keeps every vertex.
func (sc *dpScratch) simplify(pts []orb.Point, verts []int32, offset int32, tol float64, minKeep int, dst []int32) ([]int32, float64) {
	n := len(verts)
	if n <= 2 || tol <= 0 {
		for i := range verts {
			dst = append(dst, offset+int32(i))
		}
		return dst, 0
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
			dst = append(dst, offset+int32(i))
		}
	}
	return dst, math.Sqrt(maxDev)
}
