package placeimport

import (
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/geo/boundaryfile"
	"github.com/standortatlas/standortatlas/seeds"
)

var (
	locOnce sync.Once
	locator *Locator
	kreise  []atlas.Region
	locErr  error
)

// realLocator indexes the real BKG Kreise (VG1000, GF 4) and Gemeinden (VG5000) of the seeds.
func realLocator(t testing.TB) *Locator {
	t.Helper()
	locOnce.Do(func() {
		read := func(file, layer string, level atlas.Level) []atlas.Region {
			layers, err := boundaryfile.ReadFS(seeds.FS, file)
			if err != nil {
				locErr = err
				return nil
			}
			var out []atlas.Region
			for _, l := range layers {
				if !strings.HasPrefix(l.Name, layer) {
					continue
				}
				for _, f := range l.Features {
					if gf := f.Props["GF"]; gf != "4" && gf != "9" {
						continue
					}
					out = append(out, atlas.Region{Level: level, Key: f.Props["AGS"], Name: f.Props["GEN"], Geom: f.Geom})
				}
			}
			return out
		}
		kreise = read("boundaries/bkg_vg1000_31122024_laender_kreise.zip", "kreise_vg1000", atlas.LevelKreis)
		gem := read("boundaries/bkg_vg5000_01012021_gemeinden_vwg.zip", "gemeinden_vg5000", atlas.LevelGemeinde)
		locator = NewLocator(gem, kreise)
	})
	if locErr != nil {
		t.Fatal(locErr)
	}
	return locator
}

func munichSpec(t testing.TB) (Spec, []byte) {
	t.Helper()
	specs, err := ReadSpecs(seeds.FS, "places/places.json")
	if err != nil || len(specs) != 1 {
		t.Fatalf("specs: %v %v", specs, err)
	}
	data, err := os.ReadFile("../../seeds/" + specs[0].File)
	if err != nil {
		t.Fatal(err)
	}
	return specs[0], data
}

func TestReadMunichInitiatives(t *testing.T) {
	loc := realLocator(t)
	spec, data := munichSpec(t)
	res, err := Read(spec.File, data, spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	// 50 rows; "Helferkreis Germering" has no coordinates.
	if len(res.Places) != 49 {
		t.Errorf("%d places, want 49", len(res.Places))
	}
	if !strings.Contains(strings.Join(res.Report, "\n"), "Helferkreis Germering") {
		t.Errorf("report %q does not name the row without coordinates", res.Report)
	}
	byName := map[string]atlas.Place{}
	for _, p := range res.Places {
		byName[p.Name] = p
		if p.Kreis == "" || p.Land != "09" || !strings.HasPrefix(p.Gemeinde, p.Kreis) && p.Gemeinde != "" {
			t.Errorf("%s: Gemeinde %q Kreis %q Land %q", p.Name, p.Gemeinde, p.Kreis, p.Land)
		}
		if p.Licence != "ODbL 1.0" || !strings.Contains(p.Attribution, "Münchner Flüchtlingsrat") || p.Category != "initiative" || p.Status != atlas.PlacePublished {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	// "Helferkreis Zorneding,48.08696,11.827109" lies in Zorneding, Landkreis Ebersberg.
	if z := byName["Helferkreis Zorneding"]; z.Kreis != "09175" || z.Lat != 48.08696 {
		t.Errorf("Zorneding: %+v", z)
	}
	// "Arbeitskreis Asyl Dachau,48.262998,11.433902" lies in the Große Kreisstadt Dachau.
	if d := byName["Arbeitskreis Asyl Dachau"]; d.Kreis != "09174" || d.Gemeinde != "09174115" {
		t.Errorf("Dachau: Kreis %s Gemeinde %s", d.Kreis, d.Gemeinde)
	}
}

func TestPlaceCountsOnlyWhereCovered(t *testing.T) {
	loc := realLocator(t)
	spec, data := munichSpec(t)
	res, err := Read(spec.File, data, spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	counts, per := atlas.PlaceCounts("initiative", atlas.LevelKreis, kreise, res.Places, []atlas.PlaceSource{spec.Source}, map[string]float64{"09184": 350000}, 2020)
	got := map[string]atlas.Observation{}
	for _, o := range counts {
		got[o.Key] = o
	}
	if len(counts) != 400 {
		t.Fatalf("%d Kreis counts, want one per Kreis", len(counts))
	}
	n := 0
	for _, p := range res.Places {
		if p.Kreis == "09184" {
			n++
		}
	}
	if got["09184"].Value != float64(n) || n == 0 {
		t.Errorf("Landkreis München: %v, places there %d", got["09184"].Value, n)
	}
	// Landsberg am Lech (09181) is not covered by the source: no data, not 0.
	if o := got["09181"]; !math.IsNaN(o.Value) || o.Flag != atlas.FlagMissing {
		t.Errorf("09181 outside the coverage = %+v, want no data", o)
	}
	for _, o := range per {
		if o.Key == "09184" && math.Abs(o.Value-float64(n)/350000*1e5) > 0.01 {
			t.Errorf("per 100,000: %v", o.Value)
		}
	}
	// Bayern as a whole is only partly covered: no Land count.
	lands, _ := atlas.PlaceCounts("initiative", atlas.LevelLand, []atlas.Region{{Key: "09"}}, res.Places, []atlas.PlaceSource{spec.Source}, nil, 2020)
	if !math.IsNaN(lands[0].Value) {
		t.Errorf("Land 09 = %v, want no data (partly covered)", lands[0].Value)
	}
}

func TestReadApproximateAndErrors(t *testing.T) {
	loc := realLocator(t)
	spec, _ := munichSpec(t)
	csv := "name;ags;website\nTesteintrag (kein echter Ort);09162000;https://example.org\n"
	res, err := Read("x.csv", []byte(csv), spec, loc)
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Places[0]; !p.Approximate || p.Gemeinde != "09162000" || p.Kreis != "09162" {
		t.Errorf("place from AGS = %+v, want approximate inside 09162000", p)
	}
	_, err = Read("bad.csv", []byte("name,lat,lon\nA,48.1,11.5\nB,48.x,11.5\n"), spec, loc)
	if err == nil || !strings.Contains(err.Error(), "row 3") || !strings.Contains(err.Error(), "lat/lon") {
		t.Errorf("err = %v, want row 3 and the column named", err)
	}
	_, err = Read("far.csv", []byte("name,lat,lon\nParis,48.85,2.35\n"), spec, loc)
	if err == nil || !strings.Contains(err.Error(), "not in Germany") {
		t.Errorf("err = %v, want a coordinate error", err)
	}
}
