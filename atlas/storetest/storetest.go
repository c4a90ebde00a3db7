// Package storetest is the contract test suite every atlas.Store must pass
// (the embedded store and PostGIS). It uses real fixtures from the
// repository's testdata: the BKG VG1000 Länder and a Regionaldatenbank
// excerpt.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
)

// Open returns a new, empty store for one test; the test's cleanup closes it.
type Open func(t *testing.T) atlas.Store

// TestdataDir is the repository's top-level testdata folder.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Laender reads the 16 real Länder (BKG VG1000, GF 4) from testdata.
func Laender(t testing.TB) *ingest.BoundaryResult {
	t.Helper()
	res, err := ingest.ReadBoundaries(os.DirFS(filepath.Join(TestdataDir(), "boundaries")), ingest.BoundarySpec{
		Level: atlas.LevelLand, File: "laender_vg1000.shp", Name: "BKG VG1000 Länder", Gebietsstand: "31.12.2024",
		Licence: "dl-de/by-2-0", Attribution: "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)",
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Unemployment reads the real 2019 unemployment rates of the Regionaldatenbank excerpt.
func Unemployment(t testing.TB) (atlas.Indicator, []atlas.Observation) {
	t.Helper()
	return excerptColumn(t, 12, atlas.Indicator{ID: "unemployment_rate", Title: "Arbeitslosenquote", Unit: "%", Decimals: 1})
}

// excerptColumn reads one value column of the real Regionaldatenbank
// excerpt (table 13211-02-05-4) as the indicator ind, with the table's
// source, licence and attribution filled in.
func excerptColumn(t testing.TB, column int, ind atlas.Indicator) (atlas.Indicator, []atlas.Observation) {
	t.Helper()
	ind.Topic, ind.TopicTitle, ind.Direction = "arbeitsmarkt", "Arbeitsmarkt", atlas.DirectionNeed
	ind.Source, ind.Licence = "Regionaldatenbank 13211-02-05-4", "dl-de/by-2-0"
	ind.Attribution = "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021, dl-de/by-2-0"
	name := "genesis_13211-02-05-4_excerpt_latin1.csv"
	data, err := os.ReadFile(filepath.Join(TestdataDir(), "indicators", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.ReadTable(name, data, ingest.TableSpec{ID: "rdb_13211", Encoding: "latin1", Delimiter: ";", Decimal: ",",
		FirstDataRow: 9, Key: []ingest.Column{{Index: 2}}, Period: &ingest.Column{Index: 1}, StopAt: "__________", SkipUnknownKeys: true,
		Levels: []atlas.Level{atlas.LevelLand, atlas.LevelKreis}, Values: []ingest.ValueSpec{{Column: ingest.Column{Index: column}, Indicator: ind.ID}}},
		map[string]atlas.Indicator{ind.ID: ind})
	if err != nil {
		t.Fatal(err)
	}
	return ind, res.Observations
}

// Gemeinden reads the real VG5000 extract (36 Gemeinden and gemeindefreie
// Gebiete of München and Landkreis München, and the three Gemeinden whose
// geometry GEOS reports as invalid in the full file, repaired on import).
func Gemeinden(t testing.TB) *ingest.BoundaryResult {
	t.Helper()
	res, err := ingest.ReadBoundaries(os.DirFS(filepath.Join(TestdataDir(), "boundaries")), ingest.BoundarySpec{
		Level: atlas.LevelGemeinde, File: "gemeinden_vg5000_extract.shp", Name: "BKG VG5000 Gemeinden (Auszug)",
		Licence: "dl-de/by-2-0", Attribution: "© GeoBasis-DE / BKG (2021), dl-de/by-2-0 (Daten verändert)",
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Run runs the contract suite against stores made by open.
func Run(t *testing.T, open Open) {
	t.Run("Boundaries", func(t *testing.T) { testBoundaries(t, open(t)) })
	t.Run("GeometryRoundTrip", func(t *testing.T) { testGeometryRoundTrip(t, open(t)) })
	t.Run("ReplaceBoundariesIsAllOrNothing", func(t *testing.T) { testBoundariesAtomic(t, open(t)) })
	t.Run("ImportAndValues", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("ImportIsAllOrNothing", func(t *testing.T) { testAtomic(t, open(t)) })
	t.Run("LastDuplicateWins", func(t *testing.T) { testDuplicates(t, open(t)) })
	t.Run("CatalogueUpsert", func(t *testing.T) { testCatalogue(t, open(t)) })
	t.Run("ConcurrentImports", func(t *testing.T) { testConcurrentImports(t, open(t)) })
	t.Run("EmptyAnswers", func(t *testing.T) { testEmpty(t, open(t)) })
	t.Run("CancelledReads", func(t *testing.T) { testCancelledReads(t, open(t)) })
	t.Run("Meta", func(t *testing.T) { testMeta(t, open(t)) })
	t.Run("Places", func(t *testing.T) { testPlaces(t, open(t)) })
}

func testBoundaries(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	lr := Laender(t)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	got, err := s.Regions(ctx, atlas.LevelLand)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 16 {
		t.Fatalf("%d Länder, want 16", len(got))
	}
	byKey := map[string]atlas.Region{}
	for _, r := range got {
		byKey[r.Key] = r
	}
	if byKey["09"].Name != "Bayern" || byKey["16"].Name != "Thüringen" || byKey["01"].Key != "01" {
		t.Errorf("names/keys not kept: 09=%q 16=%q", byKey["09"].Name, byKey["16"].Name)
	}
	for _, want := range lr.Regions {
		r := byKey[want.Key]
		if len(r.Geom) != len(want.Geom) || math.Abs(r.Geom.Bound().Max[0]-want.Geom.Bound().Max[0]) > 1e-9 {
			t.Errorf("geometry of %s changed on the way through the store", want.Key)
		}
	}
	sets, err := s.BoundarySets(ctx)
	if err != nil || len(sets) != 1 || sets[0].Gebietsstand != "31.12.2024" || sets[0].Level != atlas.LevelLand {
		t.Errorf("boundary sets = %+v, %v", sets, err)
	}
	if v1, _ := s.DataVersion(ctx); v1 <= v0 {
		t.Errorf("data version %d → %d after writing boundaries", v0, v1)
	}
	// Replacing keeps exactly the new set.
	if err := ReplaceBoundaries(ctx, s, lr.Set, lr.Regions[:3]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Regions(ctx, atlas.LevelLand); len(got) != 3 {
		t.Errorf("after replacing with 3 regions: %d", len(got))
	}
}

func testImport(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	rel, err := Import(ctx, s, atlas.Release{Source: "rdb_13211", File: "excerpt.csv"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID == 0 || rel.Rows != len(obs) {
		t.Errorf("release = %+v", rel)
	}
	inds, err := s.Indicators(ctx)
	if err != nil || len(inds) != 1 {
		t.Fatalf("indicators = %v, %v", inds, err)
	}
	if got := inds[0]; got.Title != "Arbeitslosenquote" || len(got.Years) != 1 || got.Years[0] != 2019 || len(got.Levels) != 2 {
		t.Errorf("indicator = %+v", got)
	}
	vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if err != nil {
		t.Fatal(err)
	}
	// Raw file: "2019;09162;…;3,8;3,5;…" (all civilian labour force = 3,5).
	if v := vals["09162"]; v.Value != 3.5 || v.Flag != "" {
		t.Errorf("09162 = %+v, want 3.5", v)
	}
	if v := vals["13001"]; !math.IsNaN(v.Value) || v.Flag != atlas.FlagZero {
		t.Errorf("13001 (dissolved, '-') = %+v, want no value with flag zero", v)
	}
	land, _ := s.Values(ctx, ind.ID, atlas.LevelLand, 2019)
	if land["09"].Value != 2.8 {
		t.Errorf("Land 09 = %+v, want 2.8", land["09"])
	}
	// A new release replaces values with the same key and period.
	upd := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagSecret}}
	rel2, err := Import(ctx, s, atlas.Release{Source: "t"}, []atlas.Indicator{ind}, upd)
	if err != nil {
		t.Fatal(err)
	}
	if rel2.ID <= rel.ID {
		t.Errorf("release ids %d then %d", rel.ID, rel2.ID)
	}
	vals, _ = s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if v := vals["09162"]; !math.IsNaN(v.Value) || v.Flag != atlas.FlagSecret {
		t.Errorf("after update 09162 = %+v", v)
	}
}

func testAtomic(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	first, err := Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	v0, _ := s.DataVersion(ctx)
	// Second import: valid rows, then a row for an indicator missing from the
	// catalogue, which the store must refuse — nothing of it may stay.
	bad := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: 99}}
	bad = append(bad, atlas.Observation{Indicator: "not_in_catalogue", Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: 1})
	if _, err := Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, bad); !errors.Is(err, atlas.ErrUnknownIndicator) {
		t.Fatalf("import with an observation of an unknown indicator: %v, want atlas.ErrUnknownIndicator", err)
	}
	after, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if after["09162"].Value != before["09162"].Value || len(after) != len(before) {
		t.Errorf("failed import changed data: 09162 %v → %v", before["09162"], after["09162"])
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0 {
		t.Errorf("failed import changed the data version %d → %d", v0, v1)
	}
	// A cancelled context writes nothing either.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Import(cctx, s, atlas.Release{Source: "c"}, []atlas.Indicator{ind}, bad[:1]); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("import with a cancelled context: %v", err)
	}
	after, _ = s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if after["09162"].Value != before["09162"].Value {
		t.Errorf("cancelled import changed data")
	}
	// Releases are numbered without gaps: failed imports use no number.
	rel, err := Import(ctx, s, atlas.Release{Source: "d"}, []atlas.Indicator{ind}, bad[:1])
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID != first.ID+1 {
		t.Errorf("release after two failed imports is %d, want %d", rel.ID, first.ID+1)
	}
}

func testMeta(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	if v, err := s.Meta(ctx, "seed_version"); err != nil || v != "" {
		t.Errorf("unset meta = %q, %v", v, err)
	}
	if err := s.SetMeta(ctx, "seed_version", "x1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "seed_version", "x2"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Meta(ctx, "seed_version"); v != "x2" {
		t.Errorf("meta = %q, want x2", v)
	}
	if err := s.SetMeta(ctx, "other", "ü 1"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Meta(ctx, "seed_version"); a != "x2" {
		t.Errorf("meta seed_version = %q after setting another key", a)
	}
	if b, _ := s.Meta(ctx, "other"); b != "ü 1" {
		t.Errorf("meta other = %q, want %q", b, "ü 1")
	}
}

// testGeometryRoundTrip stores real Gemeinden (with ARS, types and
// gemeindefreie Gebiete) and expects every attribute and every coordinate
// back unchanged, regions ordered by key, and the boundary set as written.
func testGeometryRoundTrip(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	gr := Gemeinden(t)
	if err := ReplaceBoundaries(ctx, s, gr.Set, gr.Regions); err != nil {
		t.Fatal(err)
	}
	got, err := s.Regions(ctx, atlas.LevelGemeinde)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 36 {
		t.Fatalf("%d Gemeinden, want 36", len(got))
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Key < got[j].Key }) {
		t.Error("regions are not ordered by key")
	}
	want := map[string]atlas.Region{}
	for _, r := range gr.Regions {
		want[r.Key] = r
	}
	var free []string
	for _, r := range got {
		w := want[r.Key]
		if r.Level != atlas.LevelGemeinde || r.Name != w.Name || r.ARS != w.ARS || r.Type != w.Type || r.Gemeindefrei != w.Gemeindefrei {
			t.Errorf("%s = {%s %q %q %q %v}, want {%s %q %q %q %v}", r.Key, r.Level, r.Name, r.ARS, r.Type, r.Gemeindefrei,
				atlas.LevelGemeinde, w.Name, w.ARS, w.Type, w.Gemeindefrei)
		}
		if !orb.Equal(r.Geom, w.Geom) {
			t.Errorf("%s %s: geometry changed on the way through the store (%d polygons, %d points; want %d, %d)",
				r.Key, r.Name, len(r.Geom), countPoints(r.Geom), len(w.Geom), countPoints(w.Geom))
		}
		if r.Gemeindefrei {
			free = append(free, r.Key)
		}
	}
	// Raw file (BEZ "Gemeindefreies Gebiet"): Forstenrieder Park, Grünwalder
	// Forst, Perlacher Forst (Landkreis München) and Burgjoß (Main-Spessart).
	if fmt.Sprint(free) != "[09184452 09184454 09184457 09677452]" {
		t.Errorf("gemeindefreie Gebiete %v, want [09184452 09184454 09184457 09677452]", free)
	}
	if r := want["09162000"]; r.Name != "München" || r.ARS != "091620000000" {
		t.Errorf("09162000 = %q ARS %q, want München 091620000000", r.Name, r.ARS)
	}
	sets, err := s.BoundarySets(ctx)
	if err != nil || len(sets) != 1 {
		t.Fatalf("boundary sets = %+v, %v", sets, err)
	}
	g := sets[0]
	if g.Name != gr.Set.Name || g.Source != gr.Set.Source || g.Gebietsstand != gr.Set.Gebietsstand || g.SourceSRID != 31467 ||
		g.Attribution != gr.Set.Attribution || g.Licence != gr.Set.Licence || g.Count != 36 || !g.ImportedAt.Equal(gr.Set.ImportedAt) {
		t.Errorf("boundary set = %+v\nwant %+v", g, gr.Set)
	}
	if len(g.Report) < len(gr.Set.Report) {
		t.Errorf("boundary set report lost lines: %q, want %q", g.Report, gr.Set.Report)
	}
}

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// testBoundariesAtomic expects a failed ReplaceBoundaries to leave the
// regions, the boundary set and the data version as they were.
func testBoundariesAtomic(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	lr := Laender(t)
	if err := ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	v0, _ := s.DataVersion(ctx)
	tests := []struct {
		name    string
		regions []atlas.Region
	}{
		{"duplicate key", append(append([]atlas.Region(nil), lr.Regions[:2]...), lr.Regions[0])},
		{"region of another level", append(append([]atlas.Region(nil), lr.Regions[:2]...), atlas.Region{Level: atlas.LevelKreis, Key: "09162", Name: "München", Geom: lr.Regions[8].Geom})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := lr.Set
			set.Gebietsstand = "01.01.1999"
			if err := ReplaceBoundaries(ctx, s, set, tt.regions); !errors.Is(err, atlas.ErrInvalidData) {
				t.Fatalf("ReplaceBoundaries: %v, want atlas.ErrInvalidData", err)
			}
			got, err := s.Regions(ctx, atlas.LevelLand)
			if err != nil || len(got) != 16 {
				t.Errorf("after a failed replace: %d Länder, %v; want 16", len(got), err)
			}
			sets, _ := s.BoundarySets(ctx)
			if len(sets) != 1 || sets[0].Gebietsstand != "31.12.2024" {
				t.Errorf("after a failed replace: boundary sets %+v", sets)
			}
			if v, _ := s.DataVersion(ctx); v != v0 {
				t.Errorf("failed replace changed the data version %d → %d", v0, v)
			}
		})
	}
}

// testDuplicates expects the last of several observations with the same
// indicator, level, key and period in one import to win.
func testDuplicates(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	o := atlas.Observation{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019}
	a, b := o, o
	a.Value, b.Value = 1.5, 2.5
	if _, err := Import(ctx, s, atlas.Release{Source: "dup"}, []atlas.Indicator{ind}, append(append(obs, a), b)); err != nil {
		t.Fatal(err)
	}
	vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if err != nil {
		t.Fatal(err)
	}
	if vals["09162"].Value != 2.5 {
		t.Errorf("09162 = %v, want the last duplicate's 2.5", vals["09162"])
	}
	if vals["09184"].Value != 2.2 { // raw file: "2019;09184;München, Landkreis;…;2,2;…"
		t.Errorf("09184 = %v, want 2.2", vals["09184"])
	}
}

// testCatalogue expects a later import to update an indicator's catalogue
// entry, and levels, years and default year to follow the observations.
func testCatalogue(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	if _, err := Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	ind2 := ind
	ind2.Title = "Arbeitslosenquote (alle zivilen Erwerbspersonen)"
	ind2.Notes = "Jahresdurchschnitt"
	// Two Kreise for 2020 are not enough for 2020 to become the default year.
	extra := []atlas.Observation{
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2020, Value: 4.6},
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09184", Period: 2020, Value: 2.9},
	}
	if _, err := Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind2}, extra); err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil || len(inds) != 1 {
		t.Fatalf("indicators = %+v, %v", inds, err)
	}
	got := inds[0]
	if got.Title != ind2.Title || got.Notes != ind2.Notes || got.Attribution != ind.Attribution || got.Direction != atlas.DirectionNeed {
		t.Errorf("catalogue entry = %+v", got)
	}
	if fmt.Sprint(got.Years) != "[2019 2020]" || fmt.Sprint(got.Levels) != "[land kreis]" || got.DefaultYear != 2019 {
		t.Errorf("years %v levels %v default %d, want [2019 2020] [land kreis] 2019", got.Years, got.Levels, got.DefaultYear)
	}
}

// testConcurrentImports runs imports at the same time: all succeed with
// distinct, consecutive release numbers and all values arrive.
func testConcurrentImports(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	first, err := Import(ctx, s, atlas.Release{Source: "base"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2000 + i, Value: float64(i)}}
			rel, err := Import(ctx, s, atlas.Release{Source: fmt.Sprint("c", i)}, []atlas.Indicator{ind}, o)
			ids[i], errs[i] = rel.ID, err
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("import %d: %v", i, errs[i])
		}
		vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 2000+i)
		if err != nil || vals["09162"].Value != float64(i) {
			t.Errorf("value of import %d = %v, %v", i, vals["09162"], err)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, id := range ids {
		if id != first.ID+1+int64(i) {
			t.Errorf("release numbers %v after %d, want consecutive", ids, first.ID)
			break
		}
	}
}

// testEmpty expects empty answers, not errors, for what is not there.
func testEmpty(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	if r, err := s.Regions(ctx, atlas.LevelVWG); err != nil || len(r) != 0 {
		t.Errorf("regions of an empty level = %d, %v", len(r), err)
	}
	if v, err := s.Values(ctx, "no_such_indicator", atlas.LevelKreis, 2019); err != nil || len(v) != 0 {
		t.Errorf("values of an unknown indicator = %v, %v", v, err)
	}
	if inds, err := s.Indicators(ctx); err != nil || len(inds) != 0 {
		t.Errorf("indicators of an empty store = %v, %v", inds, err)
	}
	if sets, err := s.BoundarySets(ctx); err != nil || len(sets) != 0 {
		t.Errorf("boundary sets of an empty store = %v, %v", sets, err)
	}
	// An import without observations is a release too.
	ind, _ := Unemployment(t)
	v0, _ := s.DataVersion(ctx)
	rel, err := Import(ctx, s, atlas.Release{Source: "catalogue only", CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}, []atlas.Indicator{ind}, nil)
	if err != nil || rel.ID == 0 || rel.Rows != 0 {
		t.Errorf("empty import = %+v, %v", rel, err)
	}
	if v1, _ := s.DataVersion(ctx); v1 <= v0 {
		t.Errorf("data version %d → %d after an import", v0, v1)
	}
	if inds, _ := s.Indicators(ctx); len(inds) != 1 || len(inds[0].Years) != 0 || inds[0].DefaultYear != 0 {
		t.Errorf("indicator without observations = %+v", inds)
	}
}

// testCancelledReads expects reads with a cancelled context to fail with
// context.Canceled in their error chain.
func testCancelledReads(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	if _, err := Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Values(cctx, ind.ID, atlas.LevelKreis, 2019); !errors.Is(err, context.Canceled) {
		t.Errorf("Values with a cancelled context: %v", err)
	}
	if _, err := s.Regions(cctx, atlas.LevelLand); !errors.Is(err, context.Canceled) {
		t.Errorf("Regions with a cancelled context: %v", err)
	}
	if _, err := s.Indicators(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Indicators with a cancelled context: %v", err)
	}
	if _, err := s.DataVersion(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("DataVersion with a cancelled context: %v", err)
	}
}

// Import writes catalogue entries and observations as one release
// (atlas.Store.Write with only those), as the contract's tests need.
func Import(ctx context.Context, s atlas.Store, rel atlas.Release, inds []atlas.Indicator, obs []atlas.Observation) (atlas.Release, error) {
	return s.Write(ctx, atlas.Change{Release: rel, Indicators: inds, Observations: obs})
}

// ReplaceBoundaries writes the regions of one level as one release.
func ReplaceBoundaries(ctx context.Context, s atlas.Store, set atlas.BoundarySet, regions []atlas.Region) error {
	_, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "boundaries_" + set.Level.String(), File: set.Source},
		Boundaries: []atlas.BoundaryChange{{Set: set, Regions: regions}}})
	return err
}
