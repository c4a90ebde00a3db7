package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// ringLoops cuts a possibly self-intersecting ring into simple closed loops:
// it removes consecutive duplicate points, nodes the ring at every point
// where it crosses or touches itself, and splits off a loop whenever the
// noded ring returns to a vertex it visited before. Loops with fewer than
// three distinct points or zero area (spikes) are dropped. The returned
// rings are closed.
func ringLoops(r orb.Ring) []orb.Ring {
	pts := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if len(pts) == 0 || pts[len(pts)-1] != p {
			pts = append(pts, p)
		}
	}
	for len(pts) > 1 && pts[len(pts)-1] == pts[0] {
		pts = pts[:len(pts)-1]
	}
	n := len(pts)
	if n < 3 {
		return nil
	}
	nodes := selfNodes(pts)

	// Noded ring, closed.
	noded := make([]orb.Point, 0, n+1)
	for i := 0; i < n; i++ {
		noded = append(noded, pts[i])
		if ns := nodes[i]; len(ns) > 0 {
			a, b := pts[i], pts[(i+1)%n]
			slices.SortFunc(ns, func(x, y orb.Point) int {
				tx, ty := segParam(a, b, x), segParam(a, b, y)
				switch {
				case tx < ty:
					return -1
				case tx > ty:
					return 1
				}
				return 0
			})
			for _, p := range ns {
				if p != a && p != b && p != noded[len(noded)-1] {
					noded = append(noded, p)
				}
			}
		}
	}
	noded = append(noded, pts[0])

	// Split into loops at repeated vertices.
	var loops []orb.Ring
	stack := make([]orb.Point, 0, len(noded))
	pos := make(map[orb.Point]int, len(noded))
	for _, p := range noded {
		if k, ok := pos[p]; ok {
			loop := make(orb.Ring, 0, len(stack)-k+1)
			loop = append(loop, stack[k:]...)
			loop = append(loop, p)
			if len(loop) >= 4 && ringArea2(loop) != 0 {
				loops = append(loops, loop)
			}
			for _, q := range stack[k+1:] {
				delete(pos, q)
			}
			stack = stack[:k+1]
			continue
		}
		pos[p] = len(stack)
		stack = append(stack, p)
	}
	return loops
}

// segParam returns the position of p along a→b (0 at a, 1 at b).
func segParam(a, b, p orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	return ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
}

// selfNodes returns, for every segment i (pts[i] → pts[i+1 mod n]), the
// points in its interior where other segments of the same ring cross or touch
// it: computed crossing points, and vertices of other segments lying on it
// (touches, collinear overlaps, spikes).
func selfNodes(pts []orb.Point) [][]orb.Point {
	n := len(pts)
	nodes := make([][]orb.Point, n)
	seg := func(i int) (orb.Point, orb.Point) { return pts[i], pts[(i+1)%n] }
	var tr rtree.RTreeG[int]
	for i := 0; i < n; i++ {
		a, b := seg(i)
		tr.Insert(
			[2]float64{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
			[2]float64{math.Max(a[0], b[0]), math.Max(a[1], b[1])}, i)
	}
	for i := 0; i < n; i++ {
		a, b := seg(i)
		tr.Search(
			[2]float64{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
			[2]float64{math.Max(a[0], b[0]), math.Max(a[1], b[1])},
			func(_, _ [2]float64, j int) bool {
				if j <= i {
					return true
				}
				c, d := seg(j)
				o1, o2 := sign(orient(c, d, a)), sign(orient(c, d, b))
				o3, o4 := sign(orient(a, b, c)), sign(orient(a, b, d))
				if o1*o2 < 0 && o3*o4 < 0 {
					x := crossPoint(a, b, c, d)
					nodes[i] = append(nodes[i], x)
					nodes[j] = append(nodes[j], x)
					return true
				}
				// Touches and collinear overlaps: vertices lying on the other segment.
				if o1 == 0 && onSegment(c, d, a) && a != c && a != d {
					nodes[j] = append(nodes[j], a)
				}
				if o2 == 0 && onSegment(c, d, b) && b != c && b != d {
					nodes[j] = append(nodes[j], b)
				}
				if o3 == 0 && onSegment(a, b, c) && c != a && c != b {
					nodes[i] = append(nodes[i], c)
				}
				if o4 == 0 && onSegment(a, b, d) && d != a && d != b {
					nodes[i] = append(nodes[i], d)
				}
				return true
			})
	}
	return nodes
}

// crossPoint returns the intersection of the properly crossing segments a–b
// and c–d.
func crossPoint(a, b, c, d orb.Point) orb.Point {
	rx, ry := b[0]-a[0], b[1]-a[1]
	sx, sy := d[0]-c[0], d[1]-c[1]
	den := rx*sy - ry*sx
	t := ((c[0]-a[0])*sy - (c[1]-a[1])*sx) / den
	t = math.Min(math.Max(t, 0), 1)
	return orb.Point{a[0] + t*rx, a[1] + t*ry}
}
