package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
)

// startPGServer runs `standortatlas serve` with args until the test ends.
func startPGServer(t *testing.T, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"serve", "-addr", addr}, args...), func(string) string { return "" }, out, io.Discard)
	}()
	s := &server{url: "http://" + addr, stdout: out}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-errc })
		return stopErr
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-errc:
			t.Fatalf("serve stopped: %v\n%s", err, out.String())
		default:
		}
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
	}
	t.Fatalf("server did not become healthy\n%s", out.String())
	return nil
}

// TestPostGISCommands runs the README's PostGIS steps (migrate, seed, serve)
// with two servers on one database, then imports a table through the
// command line while both run: the second server serves it within 2 s.
func TestPostGISCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a PostGIS database (about 15 s)")
	}
	url := pgtest.NewDB(t)
	out := runCLI(t, "migrate", "-database-url", url, "-dry-run")
	if !strings.Contains(out, "pending 0001_init.sql, 0002_views.sql") {
		t.Errorf("migrate -dry-run on an empty database:\n%s", out)
	}
	if out := runCLI(t, "migrate", "-database-url", url); !strings.Contains(out, "applied 0001_init.sql\napplied 0002_views.sql\n") {
		t.Errorf("migrate:\n%s", out)
	}
	if out := runCLI(t, "migrate", "-database-url", url); !strings.Contains(out, "schema up to date") {
		t.Errorf("second migrate:\n%s", out)
	}
	start := time.Now()
	if out := runCLI(t, "seed", "-database-url", url); !strings.Contains(out, "seeded 4 boundary sets") {
		t.Errorf("seed:\n%s", out)
	}
	t.Logf("seed into PostGIS: %s", time.Since(start).Round(time.Millisecond))

	a := startPGServer(t, "-database-url", url)
	b := startPGServer(t, "-database-url", url, "-migrate=false")
	for _, s := range []*server{a, b} {
		if o := s.stdout.String(); strings.Contains(o, "seeding") || !strings.Contains(o, "store PostGIS postgres://") {
			t.Errorf("serve output:\n%s", o)
		}
	}
	raw := rawUnemployment(t)
	var fc featureCollection
	getJSON(t, b.url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019", &fc)
	if len(fc.Features) != 400 {
		t.Fatalf("%d Kreise from PostGIS, want 400", len(fc.Features))
	}
	for _, f := range fc.Features {
		if want := raw[f.ID]; want != nil && (f.Properties.Value == nil || *f.Properties.Value != *want) {
			t.Errorf("Kreis %s: %v, raw file %v", f.ID, f.Properties.Value, *want)
		}
	}

	// A new indicator from the real GENESIS excerpt, imported while both run.
	dir := t.TempDir()
	writeExcerptManifest(t, dir)
	resp, err := http.Get(b.url + "/api/v1/choropleth?level=kreis&indicator=unemployment_rate_check&year=2019")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before the import: %d, want 404", resp.StatusCode)
	}
	if out := runCLI(t, "import", "manifest", "-database-url", url, filepath.Join(dir, "manifest.json")); !strings.Contains(out, "release ") {
		t.Errorf("import manifest:\n%s", out)
	}
	imported := time.Now()
	// B serves the new indicator in its catalogue within 2 s (it listens
	// for the database's NOTIFY; polling alone would take up to 1 s) …
	var seen time.Duration
	for time.Since(imported) < 5*time.Second && seen == 0 {
		var inds []struct {
			ID    string `json:"id"`
			Years []int  `json:"years"`
		}
		getJSON(t, b.url+"/api/v1/indicators", &inds)
		for _, ind := range inds {
			if ind.ID == "unemployment_rate_check" && len(ind.Years) == 1 && ind.Years[0] == 2019 {
				seen = time.Since(imported)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if seen == 0 || seen > 2*time.Second {
		t.Fatalf("server B did not serve the import within 2 s")
	}
	// … and its map (after rebuilding its display geometry for the new data version).
	var imp featureCollection
	getJSON(t, b.url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate_check&year=2019", &imp)
	t.Logf("the other server listed the import %s and served its map %s after the import command returned",
		seen.Round(time.Millisecond), time.Since(imported).Round(time.Millisecond))
	found := false
	for _, f := range imp.Features {
		if f.ID == "09162" { // raw file: "2019;09162;…;3,8;3,5;…"
			found = f.Properties.Value != nil && *f.Properties.Value == 3.5
		}
	}
	if !found || len(imp.Features) != 400 {
		t.Errorf("imported map: %d Kreise, 09162 = 3.5: %v", len(imp.Features), found)
	}
}
