package maptiles

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
	"github.com/standortatlas/standortatlas/tiles"
)

// Boundaries written through the intake carry the tiles' zoom pyramid,
// which the tiles then read instead of simplifying: the same tiles, byte
// for byte, as computed live. Boundaries written without it (by another
// path or build) are never served from the pyramid of the regions before.
func TestStoredPyramidOnlyForTheRegionsStored(t *testing.T) {
	ctx := context.Background()
	st := emptyStore(t)
	lr := storetest.Laender(t)
	in := &ingest.Intake{Store: st, Derive: Prebuild}
	commit := func() {
		t.Helper()
		c := atlas.Change{Release: atlas.Release{Source: "boundaries_land"}, Boundaries: []atlas.BoundaryChange{{Set: lr.Set, Regions: lr.Regions}}}
		if _, err := in.Commit(ctx, "test", c, atlas.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	commit()
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Nanosecond})
	var logged bytes.Buffer // slog's handler serialises its writes; no tile is built in the background here
	stored := New(svc, tiles.Options{CacheBytes: -1, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	live := tiles.NewServer(Source(svc), tiles.Options{CacheBytes: -1})
	const noPyramid = "no stored tile pyramid for this build"
	// fromStore reports whether the tiles of the land layer are read from
	// the stored pyramid.
	fromStore := func() bool {
		t.Helper()
		ld, err := source{svc: svc, prebuilt: prebuiltPrefix(tiles.Options{})}.Layer(ctx, "land")
		if err != nil {
			t.Fatal(err)
		}
		return ld.Stored()
	}
	same := func(when string) {
		t.Helper()
		for z := 0; z <= 7; z++ {
			coords, err := live.Coords(ctx, "land", z)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range coords {
				a, err := live.Tile(ctx, "land", z, c[0], c[1], tiles.ValueQuery{})
				if err != nil {
					t.Fatal(err)
				}
				b, err := stored.Tile(ctx, atlas.LevelLand, z, c[0], c[1], nil)
				if err != nil {
					t.Fatal(err)
				}
				am, _ := a.MVT()
				bm, _ := b.Identity.MVT()
				if !bytes.Equal(am, bm) || a.Version != b.Version {
					t.Fatalf("%s: land/%d/%d/%d differs (version %d, %d bytes; live version %d, %d bytes)", when, z, c[0], c[1], b.Version, len(bm), a.Version, len(am))
				}
			}
		}
	}
	if !fromStore() {
		t.Fatal("boundaries written through the intake: tiles not read from the stored pyramid")
	}
	same("stored pyramid")
	if strings.Contains(logged.String(), noPyramid) {
		t.Errorf("a stored pyramid logged as missing:\n%s", logged.String())
	}
	// Other Länder, written without the pyramid: the tiles show them.
	moved := make([]atlas.Region, 0, len(lr.Regions)-1)
	for _, r := range lr.Regions {
		if r.Key != "09" {
			moved = append(moved, r)
		}
	}
	if err := storetest.ReplaceBoundaries(ctx, st, lr.Set, moved); err != nil {
		t.Fatal(err)
	}
	same("live after new boundaries")
	// The operator learns that the tiles are simplified live, and how to change it.
	if l := logged.String(); !strings.Contains(l, noPyramid) || !strings.Contains(l, "layer=land") || !strings.Contains(l, "standortatlas prebuild") {
		t.Errorf("boundaries without a pyramid, log:\n%s", l)
	}
	if fromStore() {
		t.Fatal("boundaries written without a pyramid: tiles read from the pyramid of the earlier ones")
	}
	if tl, err := stored.Tile(ctx, atlas.LevelLand, 0, 0, 0, nil); err != nil || tl.Identity.(*tiles.Tile).Features != 15 {
		t.Errorf("land/0/0/0 without Bayern: %v, %v; want 15 features", tl.Identity, err)
	}
	commit()
	if !fromStore() {
		t.Fatal("boundaries written through the intake again: tiles not read from the stored pyramid")
	}
	same("stored pyramid again")
}

// changingStore writes new boundaries just before the first read of a
// stored pyramid's cell geometry, as another instance's import could.
type changingStore struct {
	*sqlitestore.Store
	change func()
	once   sync.Once
}

func (s *changingStore) Derived(ctx context.Context, l atlas.Level, names []string) (map[string][]byte, error) {
	for _, n := range names {
		if strings.Contains(n, ".z") && strings.Contains(n, ".c") {
			s.once.Do(s.change)
		}
	}
	return s.Store.Derived(ctx, l, names)
}

// A tile whose cells are read after the data changed is rendered in the
// new version, from the new regions: never from parts of two versions, and
// not an error.
func TestStoredPyramidReadAcrossAChange(t *testing.T) {
	ctx := context.Background()
	inner := emptyStore(t)
	lr := storetest.Laender(t)
	in := &ingest.Intake{Store: inner, Derive: Prebuild}
	write := func(regions []atlas.Region) {
		t.Helper()
		c := atlas.Change{Release: atlas.Release{Source: "boundaries_land"}, Boundaries: []atlas.BoundaryChange{{Set: lr.Set, Regions: regions}}}
		if _, err := in.Commit(ctx, "test", c, atlas.AuditEntry{}); err != nil {
			t.Error(err)
		}
	}
	write(lr.Regions)
	st := &changingStore{Store: inner, change: func() { write(lr.Regions[1:]) }} // without Schleswig-Holstein
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Hour})
	stored := New(svc, tiles.Options{CacheBytes: -1})
	v0, err := svc.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := stored.Tile(ctx, atlas.LevelLand, 0, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Version == v0 || tl.Identity.(*tiles.Tile).Features != 15 {
		t.Errorf("tile of version %d (before the change %d) with %d features, want the new version's 15", tl.Version, v0, tl.Identity.(*tiles.Tile).Features)
	}
}
