package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// checkSimplified asserts the invariants every Simplify result must keep:
// same structure, closed rings of ≥ 4 points with the input orientation,
// valid polygons, and shared borders that are identical: every output
// segment has its exact reverse in another ring unless both its ends lie on
// the outer boundary of the input (segments without a reverse partner).
func checkSimplified(t *testing.T, in, out []orb.MultiPolygon) {
	t.Helper()
	if len(out) != len(in) {
		t.Fatalf("got %d MultiPolygons, want %d", len(out), len(in))
	}
	for i := range in {
		if len(out[i]) != len(in[i]) {
			t.Fatalf("feature %d: %d polygons, want %d", i, len(out[i]), len(in[i]))
		}
		for p := range in[i] {
			if len(out[i][p]) != len(in[i][p]) {
				t.Fatalf("feature %d polygon %d: %d rings, want %d", i, p, len(out[i][p]), len(in[i][p]))
			}
			for r, ring := range out[i][p] {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Errorf("feature %d polygon %d ring %d: %d points, closed=%v", i, p, r, len(ring), len(ring) > 0 && ring[0] == ring[len(ring)-1])
				}
				if sign(ringArea2(ring)) != sign(ringArea2(in[i][p][r])) {
					t.Errorf("feature %d polygon %d ring %d: orientation changed", i, p, r)
				}
			}
		}
		if err := Validate(out[i]); err != nil {
			t.Errorf("feature %d invalid after simplification: %v", i, err)
		}
	}

	type seg struct{ a, b orb.Point }
	segsOf := func(polys []orb.MultiPolygon) map[seg]int {
		m := map[seg]int{}
		for _, mp := range polys {
			for _, p := range mp {
				for _, r := range p {
					for k := 0; k+1 < len(r); k++ {
						m[seg{r[k], r[k+1]}]++
					}
				}
			}
		}
		return m
	}
	inSegs := segsOf(in)
	frame := map[orb.Point]bool{}
	for s := range inSegs {
		if inSegs[seg{s.b, s.a}] == 0 {
			frame[s.a], frame[s.b] = true, true
		}
	}
	outSegs := segsOf(out)
	unpaired := 0
	for s, n := range outSegs {
		if n > 1 {
			t.Errorf("segment %v used %d times in the same direction", s, n)
		}
		if outSegs[seg{s.b, s.a}] == 0 && !(frame[s.a] && frame[s.b]) {
			unpaired++
			if unpaired <= 5 {
				t.Errorf("interior segment %v→%v has no identical neighbour segment", s.a, s.b)
			}
		}
	}
}

// checkDefects asserts zero gap and overlap area (up to rounding).
func checkDefects(t *testing.T, in, out []orb.MultiPolygon) {
	t.Helper()
	gap, overlap, err := CoverageDefects(in, out)
	if err != nil {
		t.Fatalf("CoverageDefects: %v", err)
	}
	total := 0.0
	for _, mp := range in {
		total += polyArea(mp)
	}
	eps := 1e-12 * total
	if gap > eps || overlap > eps {
		t.Errorf("gap area %g, overlap area %g, want 0 (total area %g)", gap, overlap, total)
	}
}

func TestCoverageTopologyGrid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nx, ny int
		k      int
	}{
		{"3x3", 3, 3, 5},
		{"4x2", 4, 2, 1},
		{"2x2 straight edges", 2, 2, 0},
		{"10x10", 10, 10, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := jaggedGrid(tc.nx, tc.ny, tc.k, 1)
			st := NewCoverage(in).Stats()
			edges := tc.nx*(tc.ny+1) + tc.ny*(tc.nx+1)
			// The four outer corners are not junctions, so the two frame
			// edges meeting there form one arc.
			want := CoverageStats{
				Features:  tc.nx * tc.ny,
				Polygons:  tc.nx * tc.ny,
				Rings:     tc.nx * tc.ny,
				Vertices:  (tc.nx+1)*(tc.ny+1) + edges*tc.k,
				Junctions: (tc.nx+1)*(tc.ny+1) - 4,
				Arcs:      edges - 4,
				Shared:    tc.nx*(tc.ny-1) + tc.ny*(tc.nx-1),
			}
			if st != want {
				t.Errorf("stats = %+v, want %+v", st, want)
			}
		})
	}
}

func TestCoverageSimplifyGrid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nx, ny int
		k      int
		tol    float64
	}{
		{"3x3 fine", 3, 3, 20, 0.02},
		{"3x3 medium", 3, 3, 20, 0.1},
		{"3x3 coarse: edges become straight", 3, 3, 20, 0.5},
		{"3x3 tolerance far beyond cell size", 3, 3, 20, 10},
		{"6x4 medium", 6, 4, 12, 0.08},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := jaggedGrid(tc.nx, tc.ny, tc.k, 42)
			cov := NewCoverage(in)
			out, st := cov.SimplifyWithStats(tc.tol)
			checkSimplified(t, in, out)
			checkDefects(t, in, out)
			if got, was := countPoints(out), countPoints(in); got >= was {
				t.Errorf("simplification kept %d of %d points", got, was)
			}
			if st.ArcVerticesOut >= st.ArcVerticesIn {
				t.Errorf("stats %+v: no arc vertex removed", st)
			}
			// Every output polygon keeps real area.
			for i, mp := range out {
				if a := polyArea(mp); !(a > 0) {
					t.Errorf("feature %d has area %g", i, a)
				}
			}
		})
	}
}

func TestCoverageSimplifyZeroTolerance(t *testing.T) {
	in := jaggedGrid(3, 3, 6, 3)
	for _, tol := range []float64{0, -1, math.NaN()} {
		out := NewCoverage(in).Simplify(tol)
		for i := range in {
			if !out[i].Equal(in[i]) {
				t.Fatalf("tolerance %v: feature %d changed", tol, i)
			}
		}
	}
}

// enclaveCoverage returns a square A with a hole, the enclave E filling the
// hole (its ring starts at a different vertex than the hole ring), and a
// neighbour B sharing A's jagged eastern border.
func enclaveCoverage() []orb.MultiPolygon {
	east := []orb.Point{{10, 0}, {10.3, 2}, {9.6, 4}, {10.4, 6}, {9.8, 8}, {10, 10}}
	aRing := orb.Ring{{0, 0}}
	aRing = append(aRing, east...)
	aRing = append(aRing, orb.Point{0, 10}, orb.Point{0, 0})
	bRing := orb.Ring{{10, 0}, {20, 0}, {20, 10}}
	bRing = append(bRing, reversed(east)...)
	hole := reverseRing(wobblyCircle(orb.Point{5, 5}, 2, 0.2, 40, 0, 9))
	enclave := wobblyCircle(orb.Point{5, 5}, 2, 0.2, 40, 17, 9)
	return []orb.MultiPolygon{
		{{aRing, hole}},
		{{bRing}},
		{{enclave}},
	}
}

func TestCoverageEnclave(t *testing.T) {
	in := enclaveCoverage()
	cov := NewCoverage(in)
	st := cov.Stats()
	// Enclave/hole ring, A–B border, rest of A, rest of B.
	if st.Arcs != 4 || st.Shared != 2 {
		t.Fatalf("stats %+v: want 4 arcs, 2 shared", st)
	}
	for _, tol := range []float64{0.05, 0.5, 3, 100} {
		out := cov.Simplify(tol)
		checkSimplified(t, in, out)
		checkDefects(t, in, out)
		hole, encl := out[0][0][1], out[2][0][0]
		if len(hole) != len(encl) {
			t.Fatalf("tolerance %g: hole has %d points, enclave %d", tol, len(hole), len(encl))
		}
		if !sameCyclicRing(hole, reverseRing(encl)) {
			t.Errorf("tolerance %g: hole %v and enclave %v differ", tol, hole, encl)
		}
		if a := polyArea(out[2]); !(a > 0) {
			t.Errorf("tolerance %g: enclave area %g", tol, a)
		}
	}
}

// sameCyclicRing reports whether two closed rings have the same vertex cycle.
func sameCyclicRing(a, b orb.Ring) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	n := len(a) - 1
	for off := 0; off < n; off++ {
		same := true
		for i := 0; i < n; i++ {
			if a[i] != b[(i+off)%n] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func TestCoverageSmallPartsSurvive(t *testing.T) {
	mainland := wobblyCircle(orb.Point{0, 0}, 10, 0.1, 200, 0, 1)
	island := wobblyCircle(orb.Point{12, 0}, 0.01, 0.3, 12, 0, 2)
	// A tiny region squeezed between two big ones: a two-arc ring whose
	// arcs both become straight at this tolerance.
	j1, j2 := orb.Point{5, 4}, orb.Point{5, 6}
	westBulge := []orb.Point{j2, {4.9, 5.5}, {4.8, 5}, {4.9, 4.5}, j1}
	eastBulge := []orb.Point{j1, {5.1, 4.5}, {5.2, 5}, {5.1, 5.5}, j2}
	west := orb.Ring{{0, 0}, {5, 0}}
	west = append(west, j1)
	west = append(west, reversed(westBulge)[1:4]...)
	west = append(west, j2, orb.Point{5, 10}, orb.Point{0, 10}, orb.Point{0, 0})
	east := orb.Ring{{5, 0}, {10, 0}, {10, 10}, {5, 10}}
	east = append(east, j2)
	east = append(east, reversed(eastBulge)[1:4]...)
	east = append(east, j1, orb.Point{5, 0})
	tiny := orb.Ring{j1}
	tiny = append(tiny, eastBulge[1:]...)
	tiny = append(tiny, westBulge[1:]...)
	for _, tc := range []struct {
		name  string
		in    []orb.MultiPolygon
		tol   float64
		small int // index of the feature that must survive
	}{
		{"island far below tolerance", []orb.MultiPolygon{{{mainland}}, {{island}}}, 0.5, 1},
		{"island next to its mainland", []orb.MultiPolygon{{{mainland}}, {{island}}}, 5, 1},
		{"two-arc region between neighbours", []orb.MultiPolygon{{{west}}, {{east}}, {{tiny}}}, 1, 2},
		{"mainland itself at huge tolerance", []orb.MultiPolygon{{{mainland}}}, 1e6, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, st := NewCoverage(tc.in).SimplifyWithStats(tc.tol)
			checkSimplified(t, tc.in, out)
			checkDefects(t, tc.in, out)
			if a := polyArea(out[tc.small]); !(a > 0) {
				t.Errorf("small feature has area %g", a)
			}
			t.Logf("stats %+v", st)
		})
	}
}

func TestCoverageNoSwallowedIsland(t *testing.T) {
	// A mainland with a deep narrow bay; the island sits near the bay's tip
	// so that the simplified coast would swallow it without any crossing.
	mainland := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {5.3, 10}, {5.02, 2}, {4.98, 2}, {4.7, 10}, {0, 10}, {0, 0}}
	island := wobblyCircle(orb.Point{4.985, 2.3}, 0.004, 0, 8, 0, 1)
	in := []orb.MultiPolygon{{{mainland}}, {{island}}}
	out, st := NewCoverage(in).SimplifyWithStats(1)
	checkSimplified(t, in, out)
	checkDefects(t, in, out)
	if st.Refined+st.Restored == 0 {
		t.Errorf("stats %+v: expected the bay arc to be refined", st)
	}
	if loc := polygonLocate(out[0][0], orb.Point{4.985, 2.3}); loc != locOutside {
		t.Errorf("island centre lies in the simplified mainland (location %d)", loc)
	}
}

func TestCoverageHoleStaysInside(t *testing.T) {
	// A polygon with a short narrow arm that holds a hole; simplifying the
	// shell to a triangle would leave the hole outside its shell without
	// any crossing.
	shell := orb.Ring{{0, 0}, {20, 0}, {20, 4}, {10.2, 4}, {10.2, 5}, {9.8, 5}, {9.8, 4}, {0, 4}, {0, 0}}
	hole := reverseRing(wobblyCircle(orb.Point{10, 4.6}, 0.1, 0, 6, 0, 1))
	in := []orb.MultiPolygon{{{shell, hole}}}
	out, st := NewCoverage(in).SimplifyWithStats(4)
	checkSimplified(t, in, out)
	if st.Refined+st.Restored == 0 {
		t.Errorf("stats %+v: expected the shell to be refined", st)
	}
	if loc := ringLocate(out[0][0][0], orb.Point{10, 4.6}); loc != locInside {
		t.Errorf("hole centre not inside simplified shell (location %d)", loc)
	}
}

func TestCoverageDegenerateInput(t *testing.T) {
	nan := math.NaN()
	in := []orb.MultiPolygon{
		nil,
		{{}},
		{{{{0, 0}, {1, 0}, {0, 0}}}},           // two distinct points
		{{{{0, 0}, {1, 0}, {1, 1}}}},           // unclosed triangle
		{{{{0, 0}, {nan, 0}, {1, 1}, {0, 0}}}}, // NaN
		{{{{2, 2}, {3, 2}, {3, 2}, {3, 3}, {2, 2}, {2, 2}}}}, // duplicate points
	}
	for _, tol := range []float64{0, 0.1, 10} {
		out := NewCoverage(in).Simplify(tol)
		if len(out) != len(in) {
			t.Fatalf("got %d features, want %d", len(out), len(in))
		}
		if len(out[0]) != 0 || len(out[1]) != 1 || len(out[1][0]) != 0 {
			t.Errorf("empty inputs changed: %v %v", out[0], out[1])
		}
		if !out[2].Equal(in[2]) {
			t.Errorf("degenerate ring changed: %v", out[2])
		}
		if got := out[3][0][0]; len(got) != 4 || got[0] != got[3] {
			t.Errorf("unclosed triangle not closed: %v", got)
		}
		if len(out[4][0][0]) != 4 {
			t.Errorf("NaN ring not passed through: %v", out[4])
		}
		if got := out[5][0][0]; len(got) != 4 {
			t.Errorf("duplicates not removed: %v", got)
		}
	}
}

func TestCoverageConcurrentSimplify(t *testing.T) {
	in := jaggedGrid(5, 5, 10, 5)
	cov := NewCoverage(in)
	want := cov.Simplify(0.1)
	done := make(chan []orb.MultiPolygon)
	for range 4 {
		go func() { done <- cov.Simplify(0.1) }()
	}
	for range 4 {
		got := <-done
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Fatalf("feature %d differs between concurrent runs", i)
			}
		}
	}
}

// coastalIslands returns a tiny island in front of every vertex of the
// southern frame of grid (a jaggedGrid with nx columns and k vertices per
// edge) that lies more than 0.05 inside the straight frame line: the island
// sits 0.03 below the vertex, in the bay, so that straightening the coast
// would swallow it. Frame segments are never steeper than 8, so the islands
// (radius 0.003) do not touch the frame.
func coastalIslands(grid []orb.MultiPolygon, nx, k int) []orb.MultiPolygon {
	var out []orb.MultiPolygon
	for i := 0; i < nx; i++ {
		ring := grid[i][0][0]
		for _, v := range ring[1 : k+1] {
			if v[1] > 0.05 {
				c := orb.Point{v[0], v[1] - 0.03}
				out = append(out, orb.MultiPolygon{{wobblyCircle(c, 0.003, 0.3, 7, 0, uint64(len(out)))}})
			}
		}
	}
	return out
}

func TestCoverageCoastalIslands(t *testing.T) {
	grid := jaggedGrid(6, 6, 20, 8)
	islands := coastalIslands(grid, 6, 20)
	if len(islands) < 10 {
		t.Fatalf("only %d islands", len(islands))
	}
	in := append(grid, islands...)
	checkDefects(t, in, in) // the fixture itself is a coverage
	for _, tol := range []float64{0.05, 0.3} {
		out, st := NewCoverage(in).SimplifyWithStats(tol)
		t.Logf("tolerance %g: %d islands, %+v", tol, len(islands), st)
		checkSimplified(t, in, out)
		checkDefects(t, in, out)
		if tol == 0.3 && st.Refined == 0 {
			t.Errorf("expected conflicts to be refined at tolerance %g", tol)
		}
	}
}

func TestCoverageHugeCoordinates(t *testing.T) {
	// Extents that overflow float64 arithmetic must not panic.
	in := []orb.MultiPolygon{
		{{{{-1e308, -1e308}, {1e308, -1e308}, {1e308, 1e308}, {0, 1.5e308}, {-1e308, 1e308}, {-1e308, -1e308}}}},
	}
	out := NewCoverage(in).Simplify(1e307)
	if len(out) != 1 || len(out[0][0][0]) < 4 {
		t.Fatalf("unexpected output %v", out)
	}
}
