package geo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Synthetic geometry built in code for the tests and benchmarks.

// jaggedGrid returns nx×ny unit cells (row-major, cell (i,j) at index
// j*nx+i) whose edges carry k jagged vertices each. Every edge is generated
// once and used by both cells it separates, so neighbours share exactly the
// same vertices, as in a BKG boundary set. The deviation of an edge vertex is
// at most 0.4 times its distance to the nearer corner, so edges meeting at a
// corner stay in disjoint cones and the cells are valid.
func jaggedGrid(nx, ny, k int, seed uint64) []orb.MultiPolygon {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	edge := func(a, b orb.Point) []orb.Point {
		pts := make([]orb.Point, 0, k+2)
		pts = append(pts, a)
		dx, dy := b[0]-a[0], b[1]-a[1]
		for m := 1; m <= k; m++ {
			t := float64(m) / float64(k+1)
			d := (rng.Float64()*2 - 1) * 0.4 * math.Min(t, 1-t)
			pts = append(pts, orb.Point{a[0] + t*dx - d*dy, a[1] + t*dy + d*dx})
		}
		return append(pts, b)
	}
	h := make([][][]orb.Point, ny+1) // h[j][i]: (i,j) → (i+1,j)
	for j := range h {
		h[j] = make([][]orb.Point, nx)
		for i := range h[j] {
			h[j][i] = edge(orb.Point{float64(i), float64(j)}, orb.Point{float64(i + 1), float64(j)})
		}
	}
	v := make([][][]orb.Point, nx+1) // v[i][j]: (i,j) → (i,j+1)
	for i := range v {
		v[i] = make([][]orb.Point, ny)
		for j := range v[i] {
			v[i][j] = edge(orb.Point{float64(i), float64(j)}, orb.Point{float64(i), float64(j + 1)})
		}
	}
	out := make([]orb.MultiPolygon, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			ring := make(orb.Ring, 0, 4*(k+1)+1)
			ring = append(ring, h[j][i][:k+1]...)
			ring = append(ring, v[i+1][j][:k+1]...)
			ring = append(ring, reversed(h[j+1][i])[:k+1]...)
			ring = append(ring, reversed(v[i][j])[:k+1]...)
			ring = append(ring, ring[0])
			out = append(out, orb.MultiPolygon{{ring}})
		}
	}
	return out
}

func reversed(pts []orb.Point) []orb.Point {
	r := make([]orb.Point, len(pts))
	for i, p := range pts {
		r[len(pts)-1-i] = p
	}
	return r
}

// wobblyCircle returns a closed counter-clockwise ring of n vertices around c
// with radii in [rad*(1-wobble), rad*(1+wobble)], starting at vertex start.
func wobblyCircle(c orb.Point, rad, wobble float64, n, start int, seed uint64) orb.Ring {
	rng := rand.New(rand.NewPCG(seed, 7))
	pts := make([]orb.Point, n)
	for m := range pts {
		a := 2 * math.Pi * float64(m) / float64(n)
		r := rad * (1 + wobble*(rng.Float64()*2-1))
		pts[m] = orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}
	}
	ring := make(orb.Ring, 0, n+1)
	ring = append(ring, pts[start%n:]...)
	ring = append(ring, pts[:start%n]...)
	return append(ring, ring[0])
}

func reverseRing(r orb.Ring) orb.Ring {
	return orb.Ring(reversed(r))
}

// polyArea returns the area of a MultiPolygon (outer rings minus holes).
func polyArea(mp orb.MultiPolygon) float64 {
	a := 0.0
	for _, p := range mp {
		for i, r := range p {
			if i == 0 {
				a += math.Abs(ringArea2(r)) / 2
			} else {
				a -= math.Abs(ringArea2(r)) / 2
			}
		}
	}
	return a
}

func countPoints(polys []orb.MultiPolygon) int {
	n := 0
	for _, mp := range polys {
		for _, p := range mp {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}
