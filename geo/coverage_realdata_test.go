package geo_test

import (
	"errors"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/standortatlas/standortatlas/geo"
	"github.com/standortatlas/standortatlas/geo/boundaryfile"
)

// Real BKG boundaries from testdata/boundaries (see its README.md for
// provenance and licence): VG1000 Länder and a VG5000 Gemeinden extract.

func readLayer(t *testing.T, path string) []boundaryfile.Feature {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("fixture not available: %v", err)
	}
	ls, err := boundaryfile.Read(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(ls) != 1 {
		t.Fatalf("%s: %d layers, want 1", path, len(ls))
	}
	return ls[0].Features
}

// checkRealCoverage asserts that out is a valid, gap- and overlap-free
// simplification of in that keeps every polygon part (island) of every
// feature with a real area, and that shared borders are identical.
func checkRealCoverage(t *testing.T, names []string, in, out []orb.MultiPolygon) {
	t.Helper()
	if len(out) != len(in) {
		t.Fatalf("%d features out, want %d", len(out), len(in))
	}
	total := 0.0
	for i := range in {
		total += planar.Area(in[i])
		if len(out[i]) != len(in[i]) {
			t.Errorf("%s: %d polygons out, want %d (islands lost)", names[i], len(out[i]), len(in[i]))
			continue
		}
		for p := range out[i] {
			if len(out[i][p]) != len(in[i][p]) {
				t.Errorf("%s polygon %d: %d rings, want %d", names[i], p, len(out[i][p]), len(in[i][p]))
			}
			if a := planar.Area(out[i][p]); !(a > 0) || len(out[i][p][0]) < 4 {
				t.Errorf("%s polygon %d: area %g with %d points", names[i], p, a, len(out[i][p][0]))
			}
		}
		if err := geo.Validate(out[i]); err != nil {
			t.Errorf("%s invalid after simplification: %v", names[i], err)
		}
	}
	gap, overlap, err := geo.CoverageDefects(in, out)
	if err != nil {
		t.Fatalf("CoverageDefects: %v", err)
	}
	if eps := 1e-12 * total; gap > eps || overlap > eps {
		t.Errorf("gap area %g, overlap area %g, want 0", gap, overlap)
	}

	// Shared borders are identical: an output segment a→b stands for the
	// input stretch of its ring from a to b; when that whole stretch was
	// shared with one neighbour j (j has every segment reversed), j's
	// output must contain b→a.
	type seg struct{ a, b orb.Point }
	owners := func(polys []orb.MultiPolygon) map[seg]int {
		m := map[seg]int{}
		for i, mp := range polys {
			for _, p := range mp {
				for _, r := range p {
					for k := 0; k+1 < len(r); k++ {
						m[seg{r[k], r[k+1]}] = i
					}
				}
			}
		}
		return m
	}
	inSegs, outSegs := owners(in), owners(out)
	checked, bad := 0, 0
	for i := range in {
		for p := range in[i] {
			for r, ring := range in[i][p] {
				n := len(ring) - 1
				pos := make(map[orb.Point]int, n)
				for k := n - 1; k >= 0; k-- {
					pos[ring[k]] = k
				}
				o := out[i][p][r]
				for k := 0; k+1 < len(o); k++ {
					a, b := o[k], o[k+1]
					pa, oka := pos[a]
					pb, okb := pos[b]
					if !oka || !okb {
						t.Fatalf("%s: output vertex not in input ring", names[i])
					}
					j := -1
					for m := pa; m != pb; m = (m + 1) % n {
						o, ok := inSegs[seg{ring[(m+1)%n], ring[m]}]
						if !ok || o == i || (j >= 0 && o != j) {
							j = -2
							break
						}
						j = o
					}
					if j < 0 {
						continue
					}
					checked++
					if got, ok := outSegs[seg{b, a}]; !ok || got != j {
						if bad++; bad <= 5 {
							t.Errorf("%s: border segment %v→%v has no identical segment in %s", names[i], a, b, names[j])
						}
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Errorf("no shared border segment checked")
	}
}

func TestLaenderCoverageRealData(t *testing.T) {
	var names []string
	var in []orb.MultiPolygon
	for _, f := range readLayer(t, "../testdata/boundaries/laender_vg1000.shp") {
		if f.Props["GF"] == "4" {
			names = append(names, f.Props["AGS"]+" "+f.Props["GEN"])
			in = append(in, f.Geom)
		}
	}
	if len(in) != 16 {
		t.Fatalf("%d Länder with GF=4, want 16", len(in))
	}
	cov := geo.NewCoverage(in)
	st := cov.Stats()
	if st.Shared == 0 || st.Junctions == 0 {
		t.Fatalf("no shared borders found: %+v", st)
	}
	for _, tol := range []float64{0.001, 0.01, 0.05} {
		out, sst := cov.SimplifyWithStats(tol)
		t.Logf("tolerance %g°: %+v", tol, sst)
		checkRealCoverage(t, names, in, out)
		if tol == 0.01 && sst.ArcVerticesOut*5 > sst.ArcVerticesIn {
			t.Errorf("tolerance 0.01° kept %d of %d arc vertices", sst.ArcVerticesOut, sst.ArcVerticesIn)
		}
	}
}

func TestGemeindenCoverageRealData(t *testing.T) {
	// Landkreis München and the city it surrounds (the extract's 33 valid
	// Gemeinden; the three invalid ones are tested by Repair below).
	var names []string
	var in []orb.MultiPolygon
	for _, f := range readLayer(t, "../testdata/boundaries/gemeinden_vg5000_extract.shp") {
		if ags := f.Props["AGS"]; len(ags) == 8 && (ags[:5] == "09184" || ags[:5] == "09162") {
			names = append(names, ags+" "+f.Props["GEN"])
			in = append(in, f.Geom)
		}
	}
	if len(in) != 33 {
		t.Fatalf("%d Gemeinden, want 33", len(in))
	}
	cov := geo.NewCoverage(in)
	for _, tol := range []float64{0.001, 0.01, 0.1} {
		out, sst := cov.SimplifyWithStats(tol)
		t.Logf("tolerance %g°: %+v", tol, sst)
		checkRealCoverage(t, names, in, out)
	}
}

func TestRepairRealData(t *testing.T) {
	// The three VG5000 Gemeinden whose outer ring touches itself.
	want := map[string]bool{"09677452": true, "16071004": true, "16076039": true}
	n := 0
	for _, f := range readLayer(t, "../testdata/boundaries/gemeinden_vg5000_extract.shp") {
		ags := f.Props["AGS"]
		err := geo.Validate(f.Geom)
		if !want[ags] {
			if err != nil {
				t.Errorf("%s %s: unexpected problem: %v", ags, f.Props["GEN"], err)
			}
			continue
		}
		n++
		var p *geo.Problem
		if !errors.As(err, &p) || p.Kind != geo.ProblemSelfIntersection {
			t.Errorf("%s %s: Validate = %v, want a ring self-intersection", ags, f.Props["GEN"], err)
		}
		got, changed, err := geo.Repair(f.Geom)
		if err != nil || !changed {
			t.Fatalf("%s: Repair changed=%v err=%v", ags, changed, err)
		}
		if err := geo.Validate(got); err != nil {
			t.Errorf("%s: repaired geometry invalid: %v", ags, err)
		}
		// The rings only touch themselves, so the shoelace area of the
		// input is the true area and must be kept.
		if a, b := planar.Area(f.Geom), planar.Area(got); math.Abs(a-b) > 1e-9*a {
			t.Errorf("%s: area %v after repair, want %v", ags, b, a)
		}
	}
	if n != len(want) {
		t.Errorf("found %d of the %d invalid Gemeinden", n, len(want))
	}
}
