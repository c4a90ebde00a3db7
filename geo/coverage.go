package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Coverage holds polygons that tile a region, with shared borders as shared
// arcs (a TopoJSON-like topology).
//
// NewCoverage gives every distinct coordinate a vertex id (a hash table keyed by
// the exact float64 pair), finds junctions with the TopoJSON rule (a vertex
// whose pair of neighbours differs between the places where rings pass
// through it), cuts every ring into arcs at junctions and stores each arc once,
// whether a ring runs along it forwards or backwards. A ring without any
// junction becomes one closed arc that starts at its lexicographically
// smallest vertex, so identical rings (an enclave and the hole it fills)
// become the same arc.
//
// Borders are only shared if both sides use exactly the same vertices, as
// boundary sets from one source (BKG VG250/VG1000/VG5000) do; borders that
// merely run along each other with different vertices are separate arcs and
// are simplified separately.
//
// A Coverage is immutable; Simplify may be called concurrently.
type Coverage struct {
	pts []orb.Point // coordinates by vertex id

	// Arc a runs through the vertex ids arcVerts[arcOff[a]:arcOff[a+1]].
	arcOff   []int32
	arcVerts []int32
	arcUses  []uint8 // how many rings use the arc (saturating)

	// Ring r consists of the arc references ringArcs[ringOff[r]:ringOff[r+1]]:
	// a >= 0 is arc a forwards, ^a is arc a backwards. A ring without arc
	// references is degenerate (fewer than three distinct vertices or
	// non-finite coordinates) and is passed through from raw unchanged.
	ringOff   []int32
	ringArcs  []int32
	ringSign  []int8      // orientation of the input ring: +1 ccw, -1 cw, 0 none
	ringStart []int32     // vertex id of the input ring's first point
	ringBnd   []orb.Bound // bound of the input ring
	raw       map[int32]orb.Ring

	polyOff []int32 // polygon p has the rings polyOff[p]:polyOff[p+1]
	featOff []int32 // feature f has the polygons featOff[f]:featOff[f+1]

	junctions int
	ringTree  rtree.RTreeG[int32] // bounds of non-degenerate rings
}

// CoverageStats describes the topology of a Coverage.
type CoverageStats struct {
	Features  int // input MultiPolygons
	Polygons  int // polygon parts
	Rings     int // rings, including holes
	Vertices  int // distinct coordinates
	Junctions int // vertices where arcs are cut
	Arcs      int // unique arcs
	Shared    int // arcs used by two or more rings
}

// Stats returns counts describing the topology.
func (c *Coverage) Stats() CoverageStats {
	s := CoverageStats{
		Features:  len(c.featOff) - 1,
		Polygons:  len(c.polyOff) - 1,
		Rings:     len(c.ringOff) - 1,
		Vertices:  len(c.pts),
		Junctions: c.junctions,
		Arcs:      c.Arcs(),
	}
	for _, u := range c.arcUses {
		if u >= 2 {
			s.Shared++
		}
	}
	return s
}

// Arcs returns the number of unique arcs.
func (c *Coverage) Arcs() int { return len(c.arcOff) - 1 }

// arc returns the vertex ids of arc a.
func (c *Coverage) arc(a int32) []int32 {
	return c.arcVerts[c.arcOff[a]:c.arcOff[a+1]]
}

// ringRefs returns the arc references of ring r.
func (c *Coverage) ringRefs(r int32) []int32 {
	return c.ringArcs[c.ringOff[r]:c.ringOff[r+1]]
}

// pointTable maps exact coordinates to vertex ids: an open-addressing hash
// table (linear probing) of ids into the vertex slice, keyed by the bits of
// the float64 pair. It is about three times faster than a Go map keyed by
// orb.Point, whose float hashing dominates NewCoverage otherwise. Coordinates
// must be finite; -0 and +0 are the same coordinate.
type pointTable struct {
	slots []int32 // vertex id + 1; 0 = empty
	mask  uint64
	n     int
}

func newPointTable(capacity int) pointTable {
	size := 16
	for size < 2*capacity {
		size <<= 1
	}
	return pointTable{slots: make([]int32, size), mask: uint64(size - 1)}
}

func hashPoint(p orb.Point) uint64 {
	h := math.Float64bits(p[0])*0x9e3779b97f4a7c15 + math.Float64bits(p[1])
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	return h ^ h>>32
}

// intern returns the id of p, appending p to *pts if it is new.
func (t *pointTable) intern(pts *[]orb.Point, p orb.Point) int32 {
	if p[0] == 0 {
		p[0] = 0 // normalise -0
	}
	if p[1] == 0 {
		p[1] = 0
	}
	for i := hashPoint(p) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			id := int32(len(*pts))
			*pts = append(*pts, p)
			t.slots[i] = id + 1
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow(*pts)
			}
			return id
		}
		if (*pts)[s-1] == p {
			return s - 1
		}
	}
}

func (t *pointTable) grow(pts []orb.Point) {
	old := t.slots
	t.slots = make([]int32, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := hashPoint(pts[s-1]) & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
}

// arcKey identifies candidate duplicates of an arc in canonical direction.
type arcKey struct{ first, second, last, n int32 }

// coverageBuilder holds the scratch state of NewCoverage.
type coverageBuilder struct {
	c       *Coverage
	ids     pointTable
	ringIDs [][]int32 // vertex ids per ring, open (no repeated closing id)
	dedup   map[arcKey]int32
	nextDup []int32 // chain of arcs sharing an arcKey
}

// NewCoverage builds the arc topology of polys. The result keeps no
// reference to polys.
func NewCoverage(polys []orb.MultiPolygon) *Coverage {
	nv, nr := 0, 0
	for _, mp := range polys {
		for _, p := range mp {
			nr += len(p)
			for _, r := range p {
				nv += len(r)
			}
		}
	}
	c := &Coverage{
		pts:       make([]orb.Point, 0, nv/2+16),
		arcOff:    []int32{0},
		ringOff:   make([]int32, 1, nr+1),
		ringSign:  make([]int8, 0, nr),
		ringStart: make([]int32, 0, nr),
		ringBnd:   make([]orb.Bound, 0, nr),
		polyOff:   []int32{0},
		featOff:   make([]int32, 1, len(polys)+1),
	}
	b := &coverageBuilder{
		c:       c,
		ids:     newPointTable(nv/2 + 16),
		ringIDs: make([][]int32, 0, nr),
	}
	idBuf := make([]int32, 0, nv)

	// Pass 1: vertex ids per ring.
	for _, mp := range polys {
		for _, poly := range mp {
			for _, ring := range poly {
				start := len(idBuf)
				idBuf = b.appendRingIDs(idBuf, ring)
				ids := idBuf[start:len(idBuf):len(idBuf)]
				r := int32(len(b.ringIDs))
				if len(ids) == 0 {
					ids = nil
					if c.raw == nil {
						c.raw = make(map[int32]orb.Ring)
					}
					c.raw[r] = slices.Clone(ring)
				}
				b.ringIDs = append(b.ringIDs, ids)
				if len(ids) > 0 {
					c.ringStart = append(c.ringStart, ids[0])
				} else {
					c.ringStart = append(c.ringStart, -1)
				}
				c.ringSign = append(c.ringSign, int8(sign(ringArea2(ring))))
				c.ringBnd = append(c.ringBnd, ringBound(ring))
			}
			c.polyOff = append(c.polyOff, int32(len(b.ringIDs)))
		}
		c.featOff = append(c.featOff, int32(len(c.polyOff)-1))
	}

	junction := b.findJunctions()

	// Pass 2: cut rings into arcs and deduplicate the arcs.
	b.dedup = make(map[arcKey]int32, len(b.ringIDs)*2)
	c.ringArcs = make([]int32, 0, len(b.ringIDs)*4)
	c.arcVerts = make([]int32, 0, nv/2+len(b.ringIDs)*4)
	var seq []int32
	for r, ids := range b.ringIDs {
		if ids != nil {
			n := len(ids)
			first := -1
			for k, v := range ids {
				if junction[v] {
					first = k
					break
				}
			}
			if first < 0 {
				// No junction: one closed arc from the smallest vertex.
				first = 0
				for k, v := range ids {
					if lessPoint(c.pts[v], c.pts[ids[first]]) {
						first = k
					}
				}
				seq = append(seq[:0], ids[first:]...)
				seq = append(seq, ids[:first+1]...)
				c.ringArcs = append(c.ringArcs, b.internArc(seq))
			} else {
				seq = append(seq[:0], ids[first])
				for k := 1; k <= n; k++ {
					v := ids[(first+k)%n]
					seq = append(seq, v)
					if junction[v] {
						c.ringArcs = append(c.ringArcs, b.internArc(seq))
						seq = append(seq[:0], v)
					}
				}
			}
			if len(c.ringArcs) > int(c.ringOff[r]) {
				c.ringTree.Insert(c.ringBnd[r].Min, c.ringBnd[r].Max, int32(r))
			}
		}
		c.ringOff = append(c.ringOff, int32(len(c.ringArcs)))
	}
	for _, j := range junction {
		if j {
			c.junctions++
		}
	}
	return c
}

// appendRingIDs appends the vertex ids of ring to dst, without consecutive
// duplicates and without the closing point. It returns dst unchanged (so the
// caller sees an empty, nil slice) for rings with non-finite coordinates or
// fewer than three distinct vertices.
func (b *coverageBuilder) appendRingIDs(dst []int32, ring orb.Ring) []int32 {
	start := len(dst)
	for _, p := range ring {
		if !finite(p) {
			return dst[:start]
		}
		id := b.ids.intern(&b.c.pts, p)
		if len(dst) > start && dst[len(dst)-1] == id {
			continue
		}
		dst = append(dst, id)
	}
	for len(dst)-start > 1 && dst[len(dst)-1] == dst[start] {
		dst = dst[:len(dst)-1]
	}
	if len(dst)-start < 3 {
		return dst[:start]
	}
	// Three vertices could still be only two distinct ones (a, b, a).
	if len(dst)-start == 3 && dst[start] == dst[start+2] {
		return dst[:start]
	}
	return dst
}

// findJunctions marks every vertex whose neighbours differ between the places
// where rings pass through it.
func (b *coverageBuilder) findJunctions() []bool {
	n := len(b.c.pts)
	nbA := make([]int32, n)
	nbB := make([]int32, n)
	for i := range nbA {
		nbA[i] = -1
	}
	junction := make([]bool, n)
	for _, ids := range b.ringIDs {
		m := len(ids)
		for k, v := range ids {
			prev, next := ids[(k+m-1)%m], ids[(k+1)%m]
			switch {
			case nbA[v] < 0:
				nbA[v], nbB[v] = prev, next
			case (prev == nbA[v] && next == nbB[v]) || (prev == nbB[v] && next == nbA[v]):
			default:
				junction[v] = true
			}
		}
	}
	return junction
}

// internArc stores seq as an arc unless an equal arc (forwards or backwards)
// exists, and returns the arc reference.
func (b *coverageBuilder) internArc(seq []int32) int32 {
	c := b.c
	n := len(seq)
	rev := false
	switch {
	case seq[0] > seq[n-1]:
		rev = true
	case seq[0] == seq[n-1]:
		// Closed arc: choose the direction with the smaller second vertex.
		for i := 1; i < n-1; i++ {
			f, r := seq[i], seq[n-1-i]
			if f != r {
				rev = r < f
				break
			}
		}
	}
	at := func(i int) int32 {
		if rev {
			return seq[n-1-i]
		}
		return seq[i]
	}
	key := arcKey{at(0), at(1), at(n - 1), int32(n)}
	head, ok := b.dedup[key]
	if ok {
		for a := head; a >= 0; a = b.nextDup[a] {
			verts := c.arc(a)
			same := true
			for i := range verts {
				if verts[i] != at(i) {
					same = false
					break
				}
			}
			if same {
				if c.arcUses[a] < 255 {
					c.arcUses[a]++
				}
				if rev {
					return ^a
				}
				return a
			}
		}
	}
	a := int32(len(c.arcOff) - 1)
	for i := 0; i < n; i++ {
		c.arcVerts = append(c.arcVerts, at(i))
	}
	c.arcOff = append(c.arcOff, int32(len(c.arcVerts)))
	c.arcUses = append(c.arcUses, 1)
	if ok {
		b.nextDup = append(b.nextDup, head)
	} else {
		b.nextDup = append(b.nextDup, -1)
	}
	b.dedup[key] = a
	if rev {
		return ^a
	}
	return a
}
