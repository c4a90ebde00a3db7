package boundaryfile

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestAssembleESRI(t *testing.T) {
	big := square(0, 0, 100, true)                              // outer, CW
	hole := square(10, 10, 50, false)                           // hole in big, CCW
	island := square(20, 20, 10, true)                          // outer inside the hole
	islandHole := square(22, 22, 2, false)                      // hole of the island
	second := square(200, 0, 10, true)                          // another outer
	orphan := square(300, 0, 10, false)                         // CCW ring outside every outer
	touching := []orb.Point{{0, 0}, {30, 10}, {10, 30}, {0, 0}} // CCW hole touching big at a corner
	tests := []struct {
		name  string
		rings [][]orb.Point
		want  [][]int // per polygon: number of points of each ring
	}{
		{"one outer", [][]orb.Point{big}, [][]int{{5}}},
		{"outer with hole", [][]orb.Point{big, hole}, [][]int{{5, 5}}},
		{"hole listed first", [][]orb.Point{hole, big}, [][]int{{5, 5}}},
		{"island in hole", [][]orb.Point{big, hole, island, islandHole}, [][]int{{5, 5}, {5, 5}}},
		{"two outers", [][]orb.Point{second, big, hole}, [][]int{{5}, {5, 5}}},
		{"orphan hole becomes outer", [][]orb.Point{big, orphan}, [][]int{{5}, {5}}},
		{"unclosed ring is closed", [][]orb.Point{big[:4]}, [][]int{{5}}},
		{"zero-area ring dropped", [][]orb.Point{big, {{1, 1}, {2, 2}, {3, 3}, {1, 1}}}, [][]int{{5}}},
		{"hole touching the outer ring", [][]orb.Point{big, touching}, [][]int{{5, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rings := make([]orb.Ring, len(tt.rings))
			for i, r := range tt.rings {
				rings[i] = orb.Ring(append([]orb.Point(nil), r...))
			}
			mp, err := assembleESRI(rings)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]int
			for _, p := range mp {
				var sizes []int
				for _, r := range p {
					sizes = append(sizes, len(r))
				}
				got = append(got, sizes)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if len(got[i]) != len(tt.want[i]) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
			orient(mp)
			checkRings(t, tt.name, []Feature{{Geom: mp}})
			if tt.name == "island in hole" {
				// The island belongs to its own polygon, with its own hole.
				if mp[1][0].Bound() != orb.Ring(island).Bound() {
					t.Errorf("second polygon is %v, want the island", mp[1][0].Bound())
				}
			}
		})
	}
}

func TestPointInRing(t *testing.T) {
	r := orb.Ring(square(0, 0, 10, false))
	for _, tt := range []struct {
		p    orb.Point
		want ringPos
	}{
		{orb.Point{5, 5}, inside},
		{orb.Point{15, 5}, outside},
		{orb.Point{0, 5}, onBoundary},
		{orb.Point{10, 10}, onBoundary},
		{orb.Point{-1, 10}, outside},
		{orb.Point{5, 10}, onBoundary},
	} {
		if got := pointInRing(tt.p, r); got != tt.want {
			t.Errorf("pointInRing(%v) = %d, want %d", tt.p, got, tt.want)
		}
	}
}
