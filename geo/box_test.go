package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectsBox(t *testing.T) {
	// A square with a square hole, 0…10 with the hole 3…7.
	mp := orb.MultiPolygon{{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}},
	}}
	mb := mp.Bound()
	for _, c := range []struct {
		name string
		box  orb.Bound
		want bool
	}{
		{"box around everything", orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{11, 11}}, true},
		{"box inside the polygon", orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{2, 2}}, true},
		{"box inside the hole", orb.Bound{Min: orb.Point{4, 4}, Max: orb.Point{6, 6}}, false},
		{"box across an edge, no vertex inside", orb.Bound{Min: orb.Point{-1, 4}, Max: orb.Point{1, 6}}, true},
		{"box beside the polygon", orb.Bound{Min: orb.Point{11, 0}, Max: orb.Point{12, 1}}, false},
		{"thin box crossing the whole polygon", orb.Bound{Min: orb.Point{-1, 1}, Max: orb.Point{11, 1.5}}, true},
	} {
		if got := IntersectsBox(mp, mb, c.box); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
