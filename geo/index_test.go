package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func TestIndexLocate(t *testing.T) {
	// 3×3 jagged grid plus an enclave cut out of cell 4 (the centre).
	in := jaggedGrid(3, 3, 6, 7)
	hole := reverseRing(wobblyCircle(orb.Point{1.5, 1.5}, 0.2, 0.1, 16, 0, 3))
	in[4] = orb.MultiPolygon{{in[4][0][0], hole}}
	in = append(in, orb.MultiPolygon{{reverseRing(hole)}})
	// A feature with an island far away.
	in = append(in, orb.MultiPolygon{
		{{{10, 10}, {11, 10}, {11, 11}, {10, 11}, {10, 10}}},
		{{{20, 0}, {21, 0}, {20.5, 1}, {20, 0}}},
	})
	ix := NewIndex(in)
	for _, tc := range []struct {
		name string
		p    orb.Point
		want int
		ok   bool
	}{
		{"cell 0", orb.Point{0.5, 0.5}, 0, true},
		{"cell 2", orb.Point{2.5, 0.5}, 2, true},
		{"cell 8", orb.Point{2.5, 2.5}, 8, true},
		{"centre cell outside its hole", orb.Point{1.5, 1.15}, 4, true},
		{"enclave inside the hole", orb.Point{1.5, 1.5}, 9, true},
		{"outer corner of the grid", orb.Point{0, 0}, 0, true},
		{"corner shared by four cells: smallest index", orb.Point{1, 1}, 0, true},
		{"main part of multi-part feature", orb.Point{10.5, 10.5}, 10, true},
		{"island of multi-part feature", orb.Point{20.5, 0.2}, 10, true},
		{"between parts of multi-part feature", orb.Point{15, 5}, -1, false},
		{"outside everything", orb.Point{-1, -1}, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ix.Locate(tc.p)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Locate(%v) = %d, %v; want %d, %v", tc.p, got, ok, tc.want, tc.ok)
			}
		})
	}

	// Every random point inside the grid is located in exactly the polygon
	// that contains it by brute force.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		p := orb.Point{rng.Float64() * 3, rng.Float64() * 3}
		want := -1
		for i, mp := range in {
			for _, poly := range mp {
				if polygonLocate(poly, p) != locOutside && want < 0 {
					want = i
				}
			}
		}
		got, ok := ix.Locate(p)
		if got != want || ok != (want >= 0) {
			t.Fatalf("Locate(%v) = %d, %v; want %d", p, got, ok, want)
		}
	}
}

func TestIndexIntersecting(t *testing.T) {
	in := jaggedGrid(3, 3, 0, 1) // plain unit squares
	in = append(in, nil)         // empty features are never reported
	ix := NewIndex(in)
	if ix.Len() != 10 {
		t.Fatalf("Len = %d", ix.Len())
	}
	for _, tc := range []struct {
		name string
		b    orb.Bound
		want int
	}{
		{"inside one cell", orb.Bound{Min: orb.Point{0.2, 0.2}, Max: orb.Point{0.8, 0.8}}, 1},
		{"across two cells", orb.Bound{Min: orb.Point{0.2, 0.2}, Max: orb.Point{1.5, 0.8}}, 2},
		{"touching a corner (bounds are closed)", orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{1, 1}}, 4},
		{"everything", orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{4, 4}}, 9},
		{"nothing", orb.Bound{Min: orb.Point{5, 5}, Max: orb.Point{6, 6}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			ix.Intersecting(tc.b, func(i int) bool {
				if i < 0 || i >= 9 {
					t.Errorf("unexpected index %d", i)
				}
				n++
				return true
			})
			if n != tc.want {
				t.Errorf("%d polygons, want %d", n, tc.want)
			}
		})
	}
	n := 0
	ix.Intersecting(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{4, 4}}, func(int) bool {
		n++
		return n < 3
	})
	if n != 3 {
		t.Errorf("iteration did not stop when fn returned false: %d calls", n)
	}
}

// BenchmarkIndexLocate locates random points in a 100×100 grid of jagged
// cells (20 vertices per edge, 84 per ring). Points stay 0.25 away from the
// jagged outer frame, so every one of them lies in a cell.
func BenchmarkIndexLocate(b *testing.B) {
	in := jaggedGrid(100, 100, 20, 1)
	ix := NewIndex(in)
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([]orb.Point, 4096)
	for i := range pts {
		pts[i] = orb.Point{0.25 + rng.Float64()*99.5, 0.25 + rng.Float64()*99.5}
	}
	i := 0
	for b.Loop() {
		if _, ok := ix.Locate(pts[i%len(pts)]); !ok {
			b.Fatal("point not located")
		}
		i++
	}
}

func BenchmarkNewIndex(b *testing.B) {
	in := jaggedGrid(100, 100, 20, 1)
	for b.Loop() {
		NewIndex(in)
	}
}
