package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestValidate(t *testing.T) {
	square := func(x0, y0, s float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x0 + s, y0}, {x0 + s, y0 + s}, {x0, y0 + s}, {x0, y0}}
	}
	for _, tc := range []struct {
		name string
		mp   orb.MultiPolygon
		want ProblemKind // 0 = valid
	}{
		{"empty", nil, 0},
		{"square", orb.MultiPolygon{{square(0, 0, 1)}}, 0},
		{"clockwise square (orientation is not validity)", orb.MultiPolygon{{reverseRing(square(0, 0, 1))}}, 0},
		{"square with hole", orb.MultiPolygon{{square(0, 0, 4), reverseRing(square(1, 1, 1))}}, 0},
		{"hole touching shell in one point", orb.MultiPolygon{{square(0, 0, 4), {{0, 0}, {1, 2}, {2, 1}, {0, 0}}}}, 0},
		{"two separate squares", orb.MultiPolygon{{square(0, 0, 1)}, {square(2, 0, 1)}}, 0},
		{"two squares touching at a corner", orb.MultiPolygon{{square(0, 0, 1)}, {square(1, 1, 1)}}, 0},
		{"NaN", orb.MultiPolygon{{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 0}}}}, ProblemNonFinite},
		{"unclosed", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, ProblemUnclosedRing},
		{"three points", orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 0}}}}, ProblemTooFewPoints},
		{"two distinct points", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 0}, {0, 0}}}}, ProblemTooFewPoints},
		{"bow-tie", orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, ProblemSelfIntersection},
		{"spike", orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {2, 6}, {2, 4}, {0, 4}, {0, 0}}}}, ProblemSelfIntersection},
		{"hole outside shell", orb.MultiPolygon{{square(0, 0, 1), reverseRing(square(5, 5, 1))}}, ProblemHoleOutside},
		{"hole crossing shell", orb.MultiPolygon{{square(0, 0, 4), reverseRing(square(3, 1, 2))}}, ProblemRingsIntersect},
		{"nested holes", orb.MultiPolygon{{square(0, 0, 10), reverseRing(square(1, 1, 8)), reverseRing(square(2, 2, 2))}}, ProblemNestedHoles},
		{"holes split interior", orb.MultiPolygon{{square(0, 0, 4), {{2, 0}, {1, 2}, {3, 2}, {2, 0}}, {{2, 2}, {2, 4}, {3, 3}, {2, 2}}}}, ProblemDisconnected},
		{"overlapping polygons", orb.MultiPolygon{{square(0, 0, 2)}, {square(1, 1, 2)}}, ProblemPolygonsOverlap},
		{"polygons sharing an edge", orb.MultiPolygon{{square(0, 0, 1)}, {square(1, 0, 1)}}, ProblemPolygonsOverlap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.mp)
			if tc.want == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Validate = %v, want *Problem of kind %v", err, tc.want)
			}
			if p.Kind != tc.want {
				t.Errorf("kind = %v (%v), want %v", p.Kind, err, tc.want)
			}
		})
	}
}

func TestRepair(t *testing.T) {
	square := func(x0, y0, s float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x0 + s, y0}, {x0 + s, y0 + s}, {x0, y0 + s}, {x0, y0}}
	}
	for _, tc := range []struct {
		name    string
		mp      orb.MultiPolygon
		area    float64
		changed bool
		parts   int // polygons in the result
	}{
		{"valid square unchanged", orb.MultiPolygon{{square(0, 0, 2)}}, 4, false, 1},
		{"bow-tie keeps both lobes", orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}, 2, true, 2},
		{"figure eight touching itself", orb.MultiPolygon{{{{0, 0}, {2, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 1}, {0, 0}}}}, 2, true, 2},
		{"spike removed", orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {2, 6}, {2, 4}, {0, 4}, {0, 0}}}}, 16, true, 1},
		{"inward spike along an edge", orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {2, 1}, {2, 4}, {0, 4}, {0, 0}}}}, 16, true, 1},
		{"collinear back-track", orb.MultiPolygon{{{{0, 0}, {4, 0}, {3, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}}, 16, true, 1},
		{"unclosed ring closed", orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}}}, 16, true, 1},
		{"bow-tie hole", orb.MultiPolygon{{square(0, 0, 10), {{2, 2}, {4, 4}, {4, 2}, {2, 4}, {2, 2}}}}, 98, true, 1},
		{"hole crossing the shell", orb.MultiPolygon{{square(0, 0, 4), reverseRing(square(3, 1, 2))}}, 14, true, 1},
		{"hole outside shell", orb.MultiPolygon{{square(0, 0, 1), reverseRing(square(5, 5, 1))}}, 1, true, 1},
		{"overlapping polygons merged", orb.MultiPolygon{{square(0, 0, 2)}, {square(1, 1, 2)}}, 7, true, 1},
		{"degenerate ring dropped", orb.MultiPolygon{{square(0, 0, 2)}, {{{5, 5}, {6, 6}, {5, 5}}}}, 4, true, 1},
		// The border crosses itself at (1, 11/30): the notch (area 19/600) is
		// lost and the reversed lobe (area 14/600) kept, by the even-odd rule.
		{"twisted loop in a border", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 0.6}, {1.2, 0.5}, {0.9, 0.3}, {1, 1}, {0, 1}, {0, 0}}}}, 1 - 19.0/600 + 14.0/600, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, err := Repair(tc.mp)
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if changed != tc.changed {
				t.Errorf("changed = %v, want %v", changed, tc.changed)
			}
			if err := Validate(got); err != nil {
				t.Errorf("repaired geometry invalid: %v", err)
			}
			if a := polyArea(got); math.Abs(a-tc.area) > 1e-9 {
				t.Errorf("area = %v, want %v (%v)", a, tc.area, got)
			}
			if len(got) != tc.parts {
				t.Errorf("%d polygons, want %d: %v", len(got), tc.parts, got)
			}
			if changed {
				for _, p := range got {
					for i, r := range p {
						if (ringArea2(r) > 0) != (i == 0) {
							t.Errorf("ring %d not in RFC 7946 orientation", i)
						}
					}
				}
			}
		})
	}
}

// TestRepairSharedTwistedBorder repairs two neighbours whose common border
// twists into a small loop, as in real boundary sets, and checks that the
// repaired neighbours still tile their rectangle.
func TestRepairSharedTwistedBorder(t *testing.T) {
	border := []orb.Point{{1, 0}, {1, 0.6}, {1.2, 0.5}, {0.9, 0.3}, {1, 1}}
	a := orb.Ring{{0, 0}}
	a = append(a, border...)
	a = append(a, orb.Point{0, 1}, orb.Point{0, 0})
	b := orb.Ring{{1, 0}, {2, 0}, {2, 1}}
	b = append(b, reversed(border)...)
	in := []orb.MultiPolygon{{{a}}, {{b}}}
	out := make([]orb.MultiPolygon, len(in))
	for i, mp := range in {
		if Validate(mp) == nil {
			t.Fatalf("feature %d unexpectedly valid", i)
		}
		var err error
		if out[i], _, err = Repair(mp); err != nil {
			t.Fatalf("Repair feature %d: %v", i, err)
		}
	}
	_, overlap, err := CoverageDefects(out, out)
	if err != nil {
		t.Fatal(err)
	}
	if overlap > 1e-12 {
		t.Errorf("repaired neighbours overlap by %g", overlap)
	}
	if sum := polyArea(out[0]) + polyArea(out[1]); math.Abs(sum-2) > 1e-12 {
		t.Errorf("repaired neighbours cover %v, want 2", sum)
	}
}

func TestRepairNonFinite(t *testing.T) {
	_, _, err := Repair(orb.MultiPolygon{{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 0}}}})
	var p *Problem
	if !errors.As(err, &p) || p.Kind != ProblemNonFinite {
		t.Fatalf("Repair = %v, want non-finite problem", err)
	}
}

// TestRepairTwistedJaggedBorder swaps two consecutive vertices of the long
// jagged border between two cells (in both rings), which makes the border
// cross itself, and repairs both cells.
func TestRepairTwistedJaggedBorder(t *testing.T) {
	in := jaggedGrid(2, 1, 200, 11)
	border := in[0][0][0][201:402] // cell 0's east edge, bottom to top
	// Find a position where swapping creates a crossing.
	var swapped orb.MultiPolygon
	k := -1
	for i := 50; i < 150; i++ {
		p, q := border[i], border[i+1]
		trial := orb.Ring(append([]orb.Point(nil), in[0][0][0]...))
		trial[201+i], trial[201+i+1] = q, p
		if Validate(orb.MultiPolygon{{trial}}) != nil {
			k, swapped = i, orb.MultiPolygon{{trial}}
			break
		}
	}
	if k < 0 {
		t.Fatal("no swap produced a self-intersection")
	}
	p, q := border[k], border[k+1]
	east := orb.Ring(append([]orb.Point(nil), in[1][0][0]...))
	for i := range east {
		switch east[i] {
		case p:
			east[i] = q
		case q:
			east[i] = p
		}
	}
	twisted := []orb.MultiPolygon{swapped, {{east}}}
	out := make([]orb.MultiPolygon, 2)
	for i, mp := range twisted {
		var err error
		var changed bool
		if out[i], changed, err = Repair(mp); err != nil || !changed {
			t.Fatalf("Repair feature %d: changed=%v err=%v", i, changed, err)
		}
	}
	_, overlap, err := CoverageDefects(out, out)
	if err != nil {
		t.Fatal(err)
	}
	want := polyArea(in[0]) + polyArea(in[1])
	if got := polyArea(out[0]) + polyArea(out[1]); math.Abs(got-want) > 1e-12 || overlap > 1e-12 {
		t.Errorf("repaired cells cover %v with overlap %g, want %v without overlap", got, overlap, want)
	}
}
