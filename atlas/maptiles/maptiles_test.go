package maptiles

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
	"github.com/standortatlas/standortatlas/tiles"
)

// emptyStore returns a new embedded store.
func emptyStore(t *testing.T) *sqlitestore.Store {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// laenderStore returns an embedded store holding the Länder boundaries.
func laenderStore(t *testing.T) *sqlitestore.Store {
	t.Helper()
	ctx := context.Background()
	st := emptyStore(t)
	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, st, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	return st
}

// The tile server's layers and value sets follow the atlas's one cache
// rule: kept in the snapshot of a data version (the same LayerData, so the
// zoom pyramid is built once), new after an import.
func TestLayersAndValuesKeptPerDataVersion(t *testing.T) {
	ctx := context.Background()
	st := laenderStore(t)
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "t"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Nanosecond})
	src := Source(svc)
	q := atlas.MapQuery{Indicator: ind.ID, Year: 2019}
	vq := tiles.ValueQuery{Key: q.Key(), Params: q}
	l1, err := src.Layer(ctx, "land")
	if err != nil {
		t.Fatal(err)
	}
	v1, err := src.Values(ctx, "land", vq)
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := src.Layer(ctx, "land")
	v2, _ := src.Values(ctx, "land", vq)
	if l1 != l2 || v1 != v2 || len(l1.Features) != 16 || l1.Version != v1.Version {
		t.Fatalf("same data version: layer %p/%p, values %p/%p, %d features, versions %d/%d", l1, l2, v1, v2, len(l1.Features), l1.Version, v1.Version)
	}
	by := v1.ByKey["09"]
	if !by.HasValue || by.Value != 2.8 || by.Class < 0 || v1.ByKey["03"].Flag != "missing" {
		t.Errorf("Bayern %+v, Niedersachsen %+v", by, v1.ByKey["03"])
	}
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "t2"}, []atlas.Indicator{ind}, obs[:1]); err != nil {
		t.Fatal(err)
	}
	l3, err := src.Layer(ctx, "land")
	if err != nil {
		t.Fatal(err)
	}
	v3, err := src.Values(ctx, "land", vq)
	if err != nil {
		t.Fatal(err)
	}
	if l3 == l1 || v3 == v1 || l3.Version == l1.Version || v3.Version != l3.Version {
		t.Errorf("after an import: layer version %d → %d, values version %d", l1.Version, l3.Version, v3.Version)
	}
	if _, err := src.Layer(ctx, "bezirk"); err == nil {
		t.Error("unknown layer answered")
	}
}

// Tiles start from the stored geometry: a tile never waits for (or builds)
// the atlas's display geometry of its level.
func TestTilesDoNotBuildDisplayGeometry(t *testing.T) {
	ctx := context.Background()
	st := laenderStore(t)
	svc := atlas.NewService(st, atlas.Options{})
	mt := New(svc, tiles.Options{})
	tl, err := mt.Tile(ctx, atlas.LevelLand, 5, 16, 10, nil)
	if err != nil || tl.Gzip == nil {
		t.Fatalf("land/5/16/10: %v", err)
	}
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.LevelBuilt(atlas.LevelLand) {
		t.Error("a tile built the display geometry of its level")
	}
	if _, _, err := svc.Level(ctx, atlas.LevelLand); err != nil {
		t.Fatal(err)
	}
	if !snap.LevelBuilt(atlas.LevelLand) {
		t.Error("LevelBuilt false after Level")
	}
}
