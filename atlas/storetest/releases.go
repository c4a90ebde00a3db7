package storetest

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// UnemployedForeigners reads the real 2019 counts of unemployed foreign
// nationals (column 5) of the Regionaldatenbank excerpt.
func UnemployedForeigners(t testing.TB) (atlas.Indicator, []atlas.Observation) {
	t.Helper()
	return excerptColumn(t, 5, atlas.Indicator{ID: "unemployed_foreigners", Title: "Arbeitslose Ausländer", Unit: "Personen"})
}

// RunReleases is the contract of atlas.ReleaseStore: history of overwritten
// observations and catalogue entries, rollback to any earlier active release.
func RunReleases(t *testing.T, open Open) {
	t.Run("RollbackRestores", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("RollbackErrors", func(t *testing.T) { testRollbackErrors(t, open(t)) })
}

func releaseStore(t *testing.T, s atlas.Store) atlas.ReleaseStore {
	t.Helper()
	rs, ok := s.(atlas.ReleaseStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.ReleaseStore", s)
	}
	return rs
}

func value(t *testing.T, s atlas.Store, ind string, level atlas.Level, key string) atlas.Value {
	t.Helper()
	vals, err := s.Values(context.Background(), ind, level, 2019)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := vals[key]
	if !ok {
		return atlas.Value{Value: math.NaN(), Flag: "absent"}
	}
	return v
}

func testRollback(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	rs := releaseStore(t, s)
	ind, obs := Unemployment(t)
	fi, fobs := UnemployedForeigners(t)

	r1, err := Import(ctx, s, atlas.Release{Source: "rdb_13211", File: "excerpt.csv", SHA256: "aa", Spec: "s1"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	// Release 2 overwrites one Kreis (suppressed), adds a second indicator
	// and changes the first one's catalogue entry.
	changed := ind
	changed.Notes = "geändert in Release 2"
	upd := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagSecret}}
	r2, err := Import(ctx, s, atlas.Release{Source: "t2"}, []atlas.Indicator{changed, fi}, append(upd, fobs...))
	if err != nil {
		t.Fatal(err)
	}
	// Release 3 overwrites the same Kreis again and the Land.
	upd3 := []atlas.Observation{
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagNotYet},
		{Indicator: ind.ID, Level: atlas.LevelLand, Key: "09", Period: 2019, Value: math.NaN(), Flag: atlas.FlagNotYet},
	}
	r3, err := Import(ctx, s, atlas.Release{Source: "t3"}, []atlas.Indicator{changed}, upd3)
	if err != nil {
		t.Fatal(err)
	}
	list, err := rs.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].ID != r1.ID || list[2].ID != r3.ID || !list[0].Active() || !list[2].Active() {
		t.Fatalf("releases = %+v", list)
	}
	if list[0].Spec != "s1" || list[0].SHA256 != "aa" || list[0].Rows != len(obs) {
		t.Errorf("release 1 lost its file hash, spec or rows: %+v", list[0])
	}
	if list[1].Replaced != 1 || list[2].Replaced != 2 {
		t.Errorf("replaced counts %d, %d; want 1 (09162) and 2 (09162, 09)", list[1].Replaced, list[2].Replaced)
	}

	v0, _ := s.DataVersion(ctx)
	undone, err := atlas.Rollback(ctx, s, r2.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(undone) != 1 || undone[0].ID != r3.ID || undone[0].RolledBackAt == nil {
		t.Errorf("rollback to %d undid %+v, want release %d", r2.ID, undone, r3.ID)
	}
	if v1, _ := s.DataVersion(ctx); v1 == v0 {
		t.Error("rollback did not change the data version")
	}
	if v := value(t, s, ind.ID, atlas.LevelKreis, "09162"); v.Flag != atlas.FlagSecret || !math.IsNaN(v.Value) {
		t.Errorf("after rollback to release 2: 09162 = %+v, want secret", v)
	}
	if v := value(t, s, ind.ID, atlas.LevelLand, "09"); v.Value != 2.8 {
		t.Errorf("after rollback to release 2: Land 09 = %+v, want 2.8 (raw file)", v)
	}

	undone, err = atlas.Rollback(ctx, s, r1.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(undone) != 1 || undone[0].ID != r2.ID {
		t.Errorf("rollback to %d undid %+v, want only release %d (3 was undone already)", r1.ID, undone, r2.ID)
	}
	// Raw file: "2019;09162;…;3,8;3,5;…".
	if v := value(t, s, ind.ID, atlas.LevelKreis, "09162"); v.Value != 3.5 || v.Flag != "" {
		t.Errorf("after rollback to release 1: 09162 = %+v, want 3.5", v)
	}
	vals, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	want := 0
	for _, o := range obs {
		if o.Level == atlas.LevelKreis {
			want++
		}
	}
	if len(vals) != want {
		t.Errorf("after rollback: %d Kreis values, want the %d of release 1", len(vals), want)
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inds) != 1 || inds[0].ID != ind.ID || inds[0].Notes != "" {
		t.Errorf("catalogue after rollback = %+v, want only %s without the release-2 note", inds, ind.ID)
	}
	if fv, _ := s.Values(ctx, fi.ID, atlas.LevelKreis, 2019); len(fv) != 0 {
		t.Errorf("observations of %s added by release 2 survived the rollback: %d", fi.ID, len(fv))
	}

	// New releases continue after the undone ones; rolling back again undoes
	// only active releases.
	r4, err := Import(ctx, s, atlas.Release{Source: "t4"}, []atlas.Indicator{ind}, upd)
	if err != nil {
		t.Fatal(err)
	}
	if r4.ID <= r3.ID {
		t.Errorf("release after rollback got id %d, want > %d", r4.ID, r3.ID)
	}
	undone, err = atlas.Rollback(ctx, s, r1.ID, nil)
	if err != nil || len(undone) != 1 || undone[0].ID != r4.ID {
		t.Errorf("second rollback = %+v, %v; want release %d undone", undone, err, r4.ID)
	}
	if v := value(t, s, ind.ID, atlas.LevelKreis, "09162"); v.Value != 3.5 {
		t.Errorf("after the second rollback: 09162 = %+v, want 3.5", v)
	}
	list, _ = rs.Releases(ctx)
	active := 0
	for _, r := range list {
		if r.Active() {
			active++
		}
	}
	if len(list) != 4 || active != 1 {
		t.Errorf("%d releases, %d active; want 4 listed, 1 active", len(list), active)
	}
}

func testRollbackErrors(t *testing.T, s atlas.Store) {
	ctx := context.Background()
	releaseStore(t, s)
	ind, obs := Unemployment(t)
	r1, err := Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, obs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := atlas.Rollback(ctx, s, r2.ID+100, nil); !errors.Is(err, atlas.ErrNotFound) {
		t.Errorf("rollback to an unknown release: %v, want ErrNotFound", err)
	}
	if undone, err := atlas.Rollback(ctx, s, r2.ID, nil); err != nil || len(undone) != 0 {
		t.Errorf("rollback to the newest release = %v, %v; want nothing to undo", undone, err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := atlas.Rollback(ctx, s, r2.ID, nil); !errors.Is(err, atlas.ErrConflict) {
		t.Errorf("rollback to a rolled-back release: %v, want ErrConflict", err)
	}
	// Boundaries are not versioned: a rollback across a boundary release is
	// refused (and changes nothing), one to it or later works.
	lr := Laender(t)
	if err := ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	r4, err := Import(ctx, s, atlas.Release{Source: "c"}, []atlas.Indicator{ind}, obs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); !errors.Is(err, atlas.ErrConflict) || !strings.Contains(err.Error(), "boundaries of level land") {
		t.Errorf("rollback across a boundary release: %v, want ErrConflict naming the boundaries", err)
	}
	if regions, _ := s.Regions(ctx, atlas.LevelLand); len(regions) != 16 {
		t.Errorf("refused rollback: %d Länder", len(regions))
	}
	if undone, err := atlas.Rollback(ctx, s, r4.ID-1, nil); err != nil || len(undone) != 1 || undone[0].ID != r4.ID {
		t.Errorf("rollback to the boundary release = %+v, %v; want release %d undone", undone, err, r4.ID)
	}
}
