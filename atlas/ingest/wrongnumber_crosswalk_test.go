package ingest

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// Areas are extensive: a crosswalk splits them by area shares and sums
// them, never averages them. Real files: the Destatis Kreis list of
// 31.12.2018 (npm landkreise-deutschland, testdata/README.md: area, population,
// density) and the BBSR Umsteigeschlüssel 2018→2020 (seeds), with the
// Eisenach merger of 2021. Sheet 2018-2020: Wartburgkreis 16063 keeps
// 0.96903920578832237 of its area and 0.97318431213168055 of its
// population, the rest goes to 16066; the sheet repeats the whole Kreis's
// area (1307.44 km²) on both rows.
func TestCrosswalkAreasAreSummed(t *testing.T) {
	csv, err := os.ReadFile("../../testdata/indicators/npm_landkreise_kreise_31122018_excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	bbsrData, err := os.ReadFile("../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"kreise.csv": {Data: csv}, "bbsr.xlsx": {Data: bbsrData}}
	ind := func(id, title, unit string, dec int) atlas.Indicator {
		return atlas.Indicator{ID: id, Title: title, Unit: unit, Decimals: dec, Topic: "bevoelkerung", Direction: atlas.DirectionContext,
			Source: "Destatis GV-ISys 04-kreise.xlsx, 31.12.2018", Licence: "dl-de/by-2-0", Attribution: "© Statistisches Bundesamt (Destatis), 2019"}
	}
	m := &Manifest{
		Indicators: []atlas.Indicator{ind("area_2018", "Fläche", "km²", 2), ind("population_2018", "Bevölkerung", "Personen", 0), ind("density_2018", "Bevölkerungsdichte", "Einw. je km²", 0)},
		Tables: []TableSpec{{ID: "kreise_2018", File: "kreise.csv", HeaderRow: 1, Key: []Column{{Name: "AGS"}}, PeriodValue: 2018,
			Values: []ValueSpec{{Column: Column{Name: "area_km2"}, Indicator: "area_2018"}, {Column: Column{Name: "population"}, Indicator: "population_2018"},
				{Column: Column{Name: "population_per_km2"}, Indicator: "density_2018"}},
			Crosswalk: &CrosswalkSpec{File: "bbsr.xlsx", Year: 2018, Merge: []string{"16056=16063"}}}},
	}
	in, _ := newTestIntake(t)
	plan, err := PrepareWith(context.Background(), fsys, m, in.Store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	obs := plan.tables[0].res.Observations
	keep, keepPop := 0.96903920578832237, 0.97318431213168055
	r4 := func(v float64) float64 { return math.Round(v*1e4) / 1e4 } // decimals 2 + 2
	r2 := func(v float64) float64 { return math.Round(v*1e2) / 1e2 } // decimals 0 + 2
	area63 := 104.17 + 1307.44*keep
	want := map[string]float64{
		"area_2018/16063":       r4(area63),
		"area_2018/16066":       r4(1210.73 + 1307.44*(1-keep)),
		"population_2018/16063": r2(42370 + 123025*keepPop),
		"density_2018/16063":    r2((407*104.17 + 94*1307.44*keep) / area63),
		"area_2018/09162":       310.70,
	}
	for k, v := range want {
		id, key, _ := strings.Cut(k, "/")
		o, ok := find(obs, id, key, 2018)
		if !ok || math.Abs(o.Value-v) > 1e-9 {
			t.Errorf("%s = %+v, want %v", k, o, v)
		}
	}
	if _, ok := find(obs, "area_2018", "16056", 2018); ok {
		t.Error("Eisenach kept its own value after the merge")
	}
	rep := strings.Join(plan.Summary(), "\n")
	if !strings.Contains(rep, "area_2018: sum, split by area shares") || !strings.Contains(rep, "density_2018: area-weighted mean") {
		t.Errorf("report does not name the methods:\n%s", rep)
	}
}

// newTestIntake returns an intake on a new embedded store.
func newTestIntake(t *testing.T) (*Intake, *sqlitestore.Store) {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Intake{Store: s}, s
}
