// Package storetest is the contract test suite every atlas.Store must pass
// (the embedded store and PostGIS). It uses real fixtures from the
// repository's testdata: the BKG VG1000 Länder and a Regionaldatenbank
// excerpt.
package storetest

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

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
	ind := atlas.Indicator{ID: "unemployment_rate", Title: "Arbeitslosenquote", Unit: "%", Decimals: 1, Topic: "arbeitsmarkt", TopicTitle: "Arbeitsmarkt",
		Direction: atlas.DirectionNeed, Source: "Regionaldatenbank 13211-02-05-4", Licence: "dl-de/by-2-0",
		Attribution: "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021, dl-de/by-2-0"}
	name := "genesis_13211-02-05-4_excerpt_latin1.csv"
	data, err := os.ReadFile(filepath.Join(TestdataDir(), "indicators", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.ReadTable(name, data, ingest.TableSpec{ID: "rdb_13211", Encoding: "latin1", Delimiter: ";", Decimal: ",",
		FirstDataRow: 9, Key: []ingest.Column{{Index: 2}}, Period: &ingest.Column{Index: 1}, StopAt: "__________", SkipUnknownKeys: true,
		Levels: []atlas.Level{atlas.LevelLand, atlas.LevelKreis}, Values: []ingest.ValueSpec{{Column: ingest.Column{Index: 12}, Indicator: ind.ID}}},
		map[string]atlas.Indicator{ind.ID: ind})
	if err != nil {
		t.Fatal(err)
	}
	return ind, res.Observations
}

// Run runs the contract suite against stores made by open.
func Run(t *testing.T, open Open) {
	t.Run("Boundaries", func(t *testing.T) { testBoundaries(t, open(t)) })
	t.Run("ImportAndValues", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("ImportIsAllOrNothing", func(t *testing.T) { testAtomic(t, open(t)) })
	t.Run("Meta", func(t *testing.T) { testMeta(t, open(t)) })
}

func testBoundaries(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	lr := Laender(t)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceBoundaries(ctx, lr.Set, lr.Regions); err != nil {
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
	if err := s.ReplaceBoundaries(ctx, lr.Set, lr.Regions[:3]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Regions(ctx, atlas.LevelLand); len(got) != 3 {
		t.Errorf("after replacing with 3 regions: %d", len(got))
	}
}

func testImport(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	ind, obs := Unemployment(t)
	rel, err := s.Import(ctx, atlas.Release{Source: "rdb_13211", File: "excerpt.csv"}, []atlas.Indicator{ind}, obs)
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
	rel2, err := s.Import(ctx, atlas.Release{Source: "t"}, []atlas.Indicator{ind}, upd)
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
	if _, err := s.Import(ctx, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	v0, _ := s.DataVersion(ctx)
	// Second import: valid rows, then a row for an indicator missing from the
	// catalogue, which the store must refuse — nothing of it may stay.
	bad := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: 99}}
	bad = append(bad, atlas.Observation{Indicator: "not_in_catalogue", Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: 1})
	if _, err := s.Import(ctx, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, bad); err == nil {
		t.Fatal("import with an observation of an unknown indicator succeeded")
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
	if _, err := s.Import(cctx, atlas.Release{Source: "c"}, []atlas.Indicator{ind}, bad[:1]); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("import with a cancelled context: %v", err)
	}
	after, _ = s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if after["09162"].Value != before["09162"].Value {
		t.Errorf("cancelled import changed data")
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
}
