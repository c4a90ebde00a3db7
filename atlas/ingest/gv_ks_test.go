package ingest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// seedManifest reads seeds/manifest.json and its catalogue.
func seedManifest(t testing.TB) (*Manifest, map[string]atlas.Indicator) {
	t.Helper()
	m, err := ReadManifest(os.DirFS("../../seeds"), "manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]atlas.Indicator{}
	for _, ind := range m.Indicators {
		known[ind.ID] = ind
	}
	return m, known
}

func seedSpec(t testing.TB, m *Manifest, id string) TableSpec {
	t.Helper()
	for _, s := range m.Tables {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no table %s in seeds/manifest.json", id)
	return TableSpec{}
}

type obsKey struct {
	ind, key string
	level    atlas.Level
	period   int
}

func sameObservations(t *testing.T, what string, got, want []atlas.Observation) {
	t.Helper()
	m := map[obsKey]atlas.Observation{}
	for _, o := range got {
		m[obsKey{o.Indicator, o.Key, o.Level, o.Period}] = o
	}
	for _, o := range want {
		g, ok := m[obsKey{o.Indicator, o.Key, o.Level, o.Period}]
		if !ok || g.Flag != o.Flag || (o.Valued() && g.Value != o.Value) {
			t.Errorf("%s: %s %s %s %d = %+v (found %v), want %+v", what, o.Indicator, o.Level, o.Key, o.Period, g, ok, o)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d observations, want %d", what, len(got), len(want))
	}
}

// `import gv FILE` needs no spec: it finds sheet, columns and dates and
// gives exactly what the seeds' hand-written spec gives.
func TestGVWithoutSpecMatchesSeedSpec(t *testing.T) {
	m, known := seedManifest(t)
	spec := seedSpec(t, m, "gv_gemeinden_2023")
	data, err := os.ReadFile("../../seeds/" + spec.File)
	if err != nil {
		t.Fatal(err)
	}
	handed, err := ReadTable(spec.File, data, spec, known)
	if err != nil {
		t.Fatal(err)
	}
	auto, err := ReadTable(spec.File, data, TableSpec{ID: "gv", Format: FormatGV}, map[string]atlas.Indicator{})
	if err != nil {
		t.Fatal(err)
	}
	sameObservations(t, "gv", auto.Observations, handed.Observations)
	if auto.Rows != 10959 || !strings.Contains(strings.Join(auto.Report, " "), "(207 gemeindefreie Gebiete)") {
		t.Errorf("%d Satzart-60 rows; report %q", auto.Rows, auto.Report)
	}
	sum := 0.0
	for _, o := range auto.Observations {
		if o.Indicator == "population" && o.Level == atlas.LevelLand {
			sum += o.Value
		}
	}
	// Destatis' total for 31.12.2023 on the Zensus-2011 basis (PROVENANCE).
	if sum != 84669326 {
		t.Errorf("population of the 16 Länder = %v, want 84,669,326", sum)
	}
	pop, _ := indicatorByID(auto.Indicators, "population")
	if pop.Gebietsstand != "31.12.2024" || !strings.Contains(pop.PopulationBase, "Zensus 2011") || !strings.Contains(pop.Attribution, "© Statistisches Bundesamt (Destatis), 2025") {
		t.Errorf("population entry %+v", pop)
	}
}

// `import ks FILE` reads the seeds' table: key year and year of use, and
// the shares whose key year is not stated, as the seeds' specs do.
func TestKSMatchesSeedSpecs(t *testing.T) {
	m, known := seedManifest(t)
	data, err := os.ReadFile("../../seeds/indicators/koenigsteiner_schluessel.csv")
	if err != nil {
		t.Fatal(err)
	}
	var want []atlas.Observation
	for _, id := range []string{"ks_gwk", "ks_lukifg"} {
		spec := seedSpec(t, m, id)
		r, err := ReadTable(spec.File, data, spec, known)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r.Observations...)
	}
	got, err := ReadTable("koenigsteiner_schluessel.csv", data, TableSpec{ID: "ks", Format: FormatKS}, known)
	if err != nil {
		t.Fatal(err)
	}
	sameObservations(t, "ks", got.Observations, want)
	// "09,Bayern,KS 2016,2016,2017,15.53327": key year 2016, used in 2017.
	if o, _ := find(got.Observations, "koenigsteiner_schluessel", "09", 2016); o.Value != 15.53327 {
		t.Errorf("BY 2016 = %+v", o)
	}
	if o, _ := find(got.Observations, "koenigsteiner_schluessel_year_of_use", "09", 2016); o.Value != 2017 {
		t.Errorf("year of use of KS 2016 = %+v", o)
	}
	if !strings.Contains(strings.Join(got.Report, "\n"), "LuKIFG 2025: 16 Länder, sum 100.00000 %, key year not stated, year of use 2025") {
		t.Errorf("report %q", got.Report)
	}
	// Refused: a missing Land, and shares that do not add up to 100.
	lines := strings.Split(string(data), "\n")
	missing := strings.Join(append(append([]string{}, lines[:5]...), lines[6:]...), "\n")
	if _, err := ReadTable("ks.csv", []byte(missing), TableSpec{ID: "ks", Format: FormatKS}, known); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "15 Länder, want 16 (missing 05)") {
		t.Errorf("missing NW: %v", err)
	}
	wrong := strings.Replace(string(data), "09,Bayern,KS 2016,2016,2017,15.53327", "09,Bayern,KS 2016,2016,2017,15.63327", 1)
	if _, err := ReadTable("ks.csv", []byte(wrong), TableSpec{ID: "ks", Format: FormatKS}, known); err == nil || !strings.Contains(err.Error(), "sum to 100.10000") {
		t.Errorf("wrong sum: %v", err)
	}
}

// Mapping the Zensus-2022 population of the GERDA Gemeinde table onto the
// catalogue's population series (labelled "Fortschreibung Zensus 2011")
// warns (issue 14, item 12); its own series does not.
func TestZensus2022OntoZensus2011SeriesWarns(t *testing.T) {
	m, _ := seedManifest(t)
	data, err := os.ReadFile("../../testdata/auto/indicators/gerda_zensus2022_gemeinden.csv")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]atlas.Indicator{}
	for _, ind := range m.Indicators {
		known[ind.ID] = ind
	}
	spec := TableSpec{ID: "zensus", File: "gerda_zensus2022_gemeinden.csv", Delimiter: ",", HeaderRow: 1, Key: []Column{{Name: "ags"}}, Level: atlas.LevelGemeinde, PeriodValue: 2022,
		Values: []ValueSpec{{Column: Column{Name: "population_census22"}, Indicator: "population"}}}
	res, err := ReadTable(spec.File, data, spec, known)
	if err != nil {
		t.Fatal(err)
	}
	w := censusBaseWarnings(spec.File, data, res.Observations, known)
	if len(w) != 1 || !strings.Contains(w[0], "Zensus 2022") || !strings.Contains(w[0], "Fortschreibung Zensus 2011") {
		t.Errorf("warnings = %q", w)
	}
	spec.Values[0].Indicator = "population_zensus2022"
	res, _ = ReadTable(spec.File, data, spec, known)
	if w := censusBaseWarnings(spec.File, data, res.Observations, known); len(w) != 0 {
		t.Errorf("own series warned: %q", w)
	}
}
