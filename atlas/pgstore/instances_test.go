package pgstore_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// instance is one atlas process: its own pool on the shared database and
// its own Service with caches.
type instance struct {
	store *pgstore.Store
	svc   *atlas.Service
}

func newInstance(t *testing.T, url string, opts atlas.Options) instance {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return instance{store: s, svc: atlas.NewService(s, opts)}
}

// landValue returns the value of Land key in the instance's 2019
// unemployment choropleth (NaN when it has none).
func (in instance) landValue(t *testing.T, key string) float64 {
	t.Helper()
	enc, err := in.svc.Choropleth(context.Background(), atlas.ChoroplethQuery{Level: atlas.LevelLand, Indicator: "unemployment_rate", Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Value *float64 `json:"value"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(enc.Body, &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.ID == key && f.Properties.Value != nil {
			return *f.Properties.Value
		}
	}
	return math.NaN()
}

// TestInstancesSeeImports runs three atlas instances on one database: data
// imported through A is served by B (which polls the data version every
// second, the default) and C (which polls only hourly but LISTENs for
// changes) within 2 seconds, without restart.
func TestInstancesSeeImports(t *testing.T) {
	ctx := context.Background()
	_, url := newStore(t, pgstore.Options{})
	a := newInstance(t, url, atlas.Options{})
	b := newInstance(t, url, atlas.Options{})
	c := newInstance(t, url, atlas.Options{VersionCheck: time.Hour})

	watchCtx, stop := context.WithCancel(ctx)
	ready := make(chan struct{}, 1)
	watchDone := make(chan error, 1)
	go func() {
		watchDone <- c.store.Watch(watchCtx, func() {
			c.svc.Invalidate()
			select {
			case ready <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		stop()
		if err := <-watchDone; err != nil {
			t.Errorf("watch: %v", err)
		}
	})
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not start listening")
	}

	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, a.store, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, a.store, atlas.Release{Source: "rdb_13211"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	// Let every instance build its caches; B and C have not seen the
	// import yet only if they asked before it, so wait out B's interval.
	time.Sleep(1100 * time.Millisecond)
	for name, in := range map[string]instance{"A": a, "B": b, "C": c} {
		if v := in.landValue(t, "09"); v != 2.8 {
			t.Fatalf("instance %s: Bayern 2019 = %v, want 2.8 (raw file)", name, v)
		}
	}

	// A correction of Bayern's rate, imported through A.
	fix := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelLand, Key: "09", Period: 2019, Value: 2.9}}
	start := time.Now()
	if _, err := storetest.Import(ctx, a.store, atlas.Release{Source: "correction"}, []atlas.Indicator{ind}, fix); err != nil {
		t.Fatal(err)
	}
	imported := time.Since(start)
	seen := map[string]time.Duration{}
	for time.Since(start) < 3*time.Second && len(seen) < 2 {
		for name, in := range map[string]instance{"B": b, "C": c} {
			if _, ok := seen[name]; !ok && in.landValue(t, "09") == 2.9 {
				seen[name] = time.Since(start)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("import took %s; seen by B (polling every second) after %s, by C (LISTEN/NOTIFY) after %s", imported.Round(time.Millisecond), seen["B"].Round(time.Millisecond), seen["C"].Round(time.Millisecond))
	// C polls hourly: only the NOTIFY can have told it.
	for _, name := range []string{"B", "C"} {
		if d, ok := seen[name]; !ok || d > 2*time.Second {
			t.Errorf("instance %s did not serve the import within 2 s (seen: %v after %s)", name, ok, d)
		}
	}
}

// TestWatchReconnects kills the listening connection on the server: Watch
// reconnects, says so, and reports later commits again.
func TestWatchReconnects(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	calls := make(chan struct{}, 16)
	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Watch(watchCtx, func() { calls <- struct{}{} }) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
	}()
	wait := func(what string) {
		t.Helper()
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatalf("no call after %s", what)
		}
	}
	wait("start")
	if err := s.SetMeta(ctx, "seed_version", "x"); err != nil { // a setting, not data: no call
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	wait("an import")
	select {
	case <-calls:
		t.Error("more than one call for one import (or one for a setting)")
	case <-time.After(200 * time.Millisecond):
	}
	var killed int
	if err := sqlPool(t, url).QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'standortatlas (watch)'`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d watch connections, %v", killed, err)
	}
	wait("the reconnection")
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, obs[:1]); err != nil {
		t.Fatal(err)
	}
	wait("an import after the reconnection")
}
