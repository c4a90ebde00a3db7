package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// Compact keeps every coordinate, ring and polygon (empty and nil ones
// too), and an append to one part never changes another.
func TestCompactKeepsGeometryAndIsolatesParts(t *testing.T) {
	sq := func(x float64) orb.Ring { return orb.Ring{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}} }
	in := []orb.MultiPolygon{
		{{sq(0), sq(0.25)}, {sq(5)}},
		nil,
		{},
		{{sq(9)}},
	}
	out := Compact(in)
	if len(out) != len(in) || out[1] != nil || out[2] == nil || len(out[2]) != 0 {
		t.Fatalf("shape: %v", out)
	}
	for i := range in {
		if !orb.Equal(in[i], out[i]) {
			t.Errorf("feature %d: %v, want %v", i, out[i], in[i])
		}
	}
	out[0][0][0] = append(out[0][0][0], orb.Point{7, 7})
	out[0] = append(out[0], orb.Polygon{sq(3)})
	if !orb.Equal(out[0][0][1], sq(0.25)) || !orb.Equal(out[3], in[3]) {
		t.Errorf("an append changed a neighbour: %v, %v", out[0][0][1], out[3])
	}
}
