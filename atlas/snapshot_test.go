package atlas_test

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// countingStore counts the reads that reach the store.
type countingStore struct {
	atlas.Store
	values, regions atomic.Int64
	// duringRegions runs inside Regions (a concurrent import).
	duringRegions func()
}

func (s *countingStore) Values(ctx context.Context, id string, l atlas.Level, year int) (map[string]atlas.Value, error) {
	s.values.Add(1)
	return s.Store.Values(ctx, id, l, year)
}

func (s *countingStore) Regions(ctx context.Context, l atlas.Level) ([]atlas.Region, error) {
	s.regions.Add(1)
	if f := s.duringRegions; f != nil {
		s.duringRegions = nil
		f()
	}
	return s.Store.Regions(ctx, l)
}

// landStore is a SQLite store with the real Länder boundaries and the real
// 2019 unemployment rates of the Regionaldatenbank excerpt.
func landStore(t *testing.T) (*countingStore, atlas.Indicator, []atlas.Observation) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "t"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	return &countingStore{Store: s}, ind, obs
}

func landValue(t *testing.T, v *atlas.MapView, key string) float64 {
	t.Helper()
	i, ok := v.Level.Index(key)
	if !ok {
		t.Fatalf("no Land %s", key)
	}
	return v.Values[i]
}

// Everything derived from the data is kept per data version: asked again,
// the map comes from the snapshot; after an import, from the new data.
func TestSnapshotKeepsAndDropsWithTheDataVersion(t *testing.T) {
	ctx := context.Background()
	st, ind, obs := landStore(t)
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Nanosecond})
	q := atlas.MapQuery{Level: atlas.LevelLand, Indicator: ind.ID, Year: 2019}
	v1, err := svc.Map(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	reads, regions := st.values.Load(), st.regions.Load()
	for range 3 {
		v, err := svc.Map(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if v != v1 {
			t.Fatal("the same query at the same data version built a new view")
		}
		if _, err := svc.Choropleth(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if st.values.Load() != reads || st.regions.Load() != regions {
		t.Errorf("cached answers read the store again: values %d → %d, regions %d → %d", reads, st.values.Load(), regions, st.regions.Load())
	}
	bayern := landValue(t, v1, "09")
	var changed []atlas.Observation
	for _, o := range obs {
		if o.Key == "09" && o.Period == 2019 {
			o.Value = bayern + 1
			changed = append(changed, o)
		}
	}
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "t2"}, []atlas.Indicator{ind}, changed); err != nil {
		t.Fatal(err)
	}
	v2, err := svc.Map(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version == v1.Version || landValue(t, v2, "09") != bayern+1 {
		t.Errorf("after an import: version %d → %d, Bayern %v → %v (want %v)", v1.Version, v2.Version, bayern, landValue(t, v2, "09"), bayern+1)
	}
}

// A level read while the data change is read again under the new version,
// so that nothing stamped with a version shows other data.
func TestLevelReadAgainWhenTheDataChangeWhileReading(t *testing.T) {
	ctx := context.Background()
	st, ind, obs := landStore(t)
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Hour})
	before, err := svc.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.duringRegions = func() {
		if _, err := storetest.Import(ctx, st, atlas.Release{Source: "concurrent"}, []atlas.Indicator{ind}, obs[:1]); err != nil {
			t.Error(err)
		}
	}
	snap, d, err := svc.Level(ctx, atlas.LevelLand)
	if err != nil {
		t.Fatal(err)
	}
	after, err := st.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != after || after == before || len(d.Regions) != 16 || st.regions.Load() != 2 {
		t.Errorf("snapshot version %d (store %d → %d), %d Länder, %d reads of the regions", snap.Version, before, after, len(d.Regions), st.regions.Load())
	}
}

// Derive builds a value once, however many ask at the same time.
func TestDeriveBuildsOnce(t *testing.T) {
	ctx := context.Background()
	st, _, _ := landStore(t)
	svc := atlas.NewService(st, atlas.Options{})
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ name string }
	var builds atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := atlas.Derive(ctx, snap, key{"x"}, func(context.Context) (int, error) {
				builds.Add(1)
				time.Sleep(10 * time.Millisecond)
				return 42, nil
			})
			if err != nil || v != 42 {
				t.Errorf("Derive = %v, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("built %d times", builds.Load())
	}
}

// The plain choropleth, the values and the histogram count flagged values
// by one rule: a source flag counts, "missing" (no observation, or an empty
// cell) does not.
func TestFlaggedCountsOneRuleInEveryForm(t *testing.T) {
	ctx := context.Background()
	st, ind, obs := landStore(t)
	var edited []atlas.Observation
	for _, o := range obs {
		if o.Period != 2019 {
			continue
		}
		switch o.Key {
		case "01":
			o.Value, o.Flag = math.NaN(), atlas.FlagSecret
		case "02":
			o.Value, o.Flag = math.NaN(), atlas.FlagMissing
		case "09":
			o.Flag = atlas.FlagEstimated
		default:
			continue
		}
		edited = append(edited, o)
	}
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "flags"}, []atlas.Indicator{ind}, edited); err != nil {
		t.Fatal(err)
	}
	svc := atlas.NewService(st, atlas.Options{})
	q := atlas.MapQuery{Level: atlas.LevelLand, Indicator: ind.ID, Year: 2019}
	for _, form := range []atlas.MapForm{atlas.MapGeoJSON, atlas.MapValues, atlas.MapHistogram} {
		enc, err := svc.MapAnswer(ctx, q, form)
		if err != nil {
			t.Fatal(err)
		}
		var ans struct {
			Stats struct {
				Flagged, Missing, Count int
			} `json:"stats"`
		}
		if err := json.Unmarshal(enc.Body, &ans); err != nil {
			t.Fatal(err)
		}
		// The excerpt has 2019 values for Länder 01, 02, 09 and 11; of the
		// 16 Länder, 09 and 11 keep a value.
		if ans.Stats.Flagged != 2 || ans.Stats.Missing != 14 || ans.Stats.Count != 2 {
			t.Errorf("%s: stats %+v, want flagged 2 (secret, estimated), missing 14, count 2", form, ans.Stats)
		}
	}
}

// slowVersionStore answers its first DataVersion with the version of the
// moment it was asked, but only after release is closed.
type slowVersionStore struct {
	atlas.Store
	asked, release chan struct{}
	once           sync.Once
}

func (s *slowVersionStore) DataVersion(ctx context.Context) (int64, error) {
	v, err := s.Store.DataVersion(ctx)
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.asked)
		<-s.release
	}
	return v, err
}

// A poll of the data version that answers after a later poll (a slow
// request) never replaces the later poll's snapshot with the older state.
func TestSnapshotIgnoresALateAnswerOfAnEarlierPoll(t *testing.T) {
	ctx := context.Background()
	st, ind, obs := landStore(t)
	slow := &slowVersionStore{Store: st, asked: make(chan struct{}), release: make(chan struct{})}
	svc := atlas.NewService(slow, atlas.Options{VersionCheck: time.Nanosecond})
	late := make(chan int64)
	go func() {
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Error(err)
		}
		late <- snap.Version
	}()
	<-slow.asked
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "t2"}, []atlas.Indicator{ind}, obs[:1]); err != nil {
		t.Fatal(err)
	}
	newer, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	close(slow.release)
	if v := <-late; v != newer.Version {
		t.Errorf("the late poll answered version %d, the current is %d", v, newer.Version)
	}
	if got := svc.Stats().DataVersion; got != newer.Version {
		t.Errorf("the late poll switched the service back to version %d (current %d)", got, newer.Version)
	}
}

// KnownVersion tells the data version only while Version would answer it
// without reading the store: before the first read, and once
// Options.VersionCheck has passed since the last, only Version can tell.
func TestKnownVersionWithoutReadingTheStore(t *testing.T) {
	ctx := context.Background()
	st, ind, obs := landStore(t)
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	svc := atlas.NewService(st, atlas.Options{VersionCheck: time.Second, Now: func() time.Time { return now }})
	if v, ok := svc.KnownVersion(); ok {
		t.Fatalf("before the first read: %d", v)
	}
	v1, err := svc.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := svc.KnownVersion(); !ok || v != v1 {
		t.Errorf("right after a read: %d %v, want %d", v, ok, v1)
	}
	if _, err := storetest.Import(ctx, st, atlas.Release{Source: "later"}, []atlas.Indicator{ind}, obs[:1]); err != nil {
		t.Fatal(err)
	}
	now = now.Add(999 * time.Millisecond)
	if v, ok := svc.KnownVersion(); !ok || v != v1 {
		t.Errorf("within the check interval: %d %v, want %d (what Version answers)", v, ok, v1)
	}
	now = now.Add(time.Millisecond)
	if v, ok := svc.KnownVersion(); ok {
		t.Errorf("once the interval has passed: %d, want only Version to tell", v)
	}
	v2, err := svc.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := svc.KnownVersion(); !ok || v != v2 || v2 == v1 {
		t.Errorf("after the next read: %d %v, want %d (was %d)", v, ok, v2, v1)
	}
}
