package pgstore_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	ms, err := pgstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 || ms[0].Name != "0001_init.sql" || ms[1].Name != "0002_views.sql" {
		t.Fatalf("migrations = %v", ms)
	}
	// Not migrated yet: Open refuses and says what to run.
	_, err = pgstore.Open(ctx, url, pgstore.Options{})
	if !errors.Is(err, pgstore.ErrNotMigrated) || !strings.Contains(err.Error(), "standortatlas migrate") || !strings.Contains(err.Error(), "0001_init.sql") {
		t.Errorf("Open on an empty database: %v", err)
	}
	pool, err := pgstore.Connect(ctx, url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if p, err := pgstore.Pending(ctx, pool); err != nil || len(p) != len(ms) {
		t.Errorf("pending on an empty database = %v, %v", p, err)
	}
	// Four instances starting at once: every migration is applied exactly once.
	var wg sync.WaitGroup
	applied := make([][]string, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = pgstore.Migrate(ctx, pool)
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for i := range applied {
		if errs[i] != nil {
			t.Fatalf("concurrent migrate %d: %v", i, errs[i])
		}
		for _, name := range applied[i] {
			count[name]++
		}
	}
	for _, m := range ms {
		if count[m.Name] != 1 {
			t.Errorf("%s applied %d times by concurrent migrations", m.Name, count[m.Name])
		}
	}
	if again, err := pgstore.Migrate(ctx, pool); err != nil || len(again) != 0 {
		t.Errorf("second migrate applied %v, %v", again, err)
	}
	if p, err := pgstore.Pending(ctx, pool); err != nil || len(p) != 0 {
		t.Errorf("pending after migrate = %v, %v", p, err)
	}
	var recorded []string
	rows, err := pool.Query(ctx, `SELECT name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		recorded = append(recorded, n)
	}
	if len(recorded) != len(ms) || recorded[0] != ms[0].Name {
		t.Errorf("schema_migrations = %v", recorded)
	}
	s, err := pgstore.Open(ctx, url, pgstore.Options{})
	if err != nil {
		t.Fatalf("Open after migrate: %v", err)
	}
	s.Close()
}

// TestQGISLayers checks the schema as QGIS sees it: geometry columns with
// type and SRID, areas, and the views joining values to regions.
func TestQGISLayers(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "rdb_13211", File: "excerpt.csv"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	db := sqlPool(t, url)
	rows, err := db.Query(ctx, `SELECT f_table_name || '.' || f_geometry_column || ' ' || type || ' ' || srid
		FROM geometry_columns ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	want := []string{
		"places.geom POINT 4326", "regions.geom MULTIPOLYGON 4326", "regions.geom_25832 MULTIPOLYGON 25832",
		"v_gemeinde_latest.geom MULTIPOLYGON 4326", "v_kreis_latest.geom MULTIPOLYGON 4326",
		"v_land_latest.geom MULTIPOLYGON 4326", "v_observations.geom MULTIPOLYGON 4326", "v_vwg_latest.geom MULTIPOLYGON 4326",
	}
	if strings.Join(cols, "\n") != strings.Join(want, "\n") {
		t.Errorf("geometry columns:\n%s\nwant\n%s", strings.Join(cols, "\n"), strings.Join(want, "\n"))
	}
	// Areas: Bayern 70,542 km², Berlin 891 km², Saarland 2,571 km² (Destatis,
	// Gebietsstand 31.12.2023); VG1000 is generalised, so allow 1 %.
	for key, km2 := range map[string]float64{"09": 70542, "11": 891.1, "10": 2571.1} {
		var area, utm float64
		if err := db.QueryRow(ctx, `SELECT area_km2, ST_Area(geom_25832) / 1e6 FROM regions WHERE level = 'land' AND key = $1`, key).Scan(&area, &utm); err != nil {
			t.Fatal(err)
		}
		if math.Abs(area-km2)/km2 > 0.01 {
			t.Errorf("area of %s = %.1f km², want %.1f", key, area, km2)
		}
		if math.Abs(utm-area)/area > 0.005 {
			t.Errorf("area of %s in EPSG:25832 = %.1f km², on the ellipsoid %.1f", key, utm, area)
		}
	}
	// The latest value per Land, with name and geometry, as a planner reads it.
	var name, title, unit string
	var period int
	var value float64
	var valid bool
	if err := db.QueryRow(ctx, `SELECT name, indicator_title, unit, period, value, ST_IsValid(geom) FROM v_land_latest
		WHERE indicator = 'unemployment_rate' AND key = '09'`).Scan(&name, &title, &unit, &period, &value, &valid); err != nil {
		t.Fatal(err)
	}
	if name != "Bayern" || title != "Arbeitslosenquote" || unit != "%" || period != 2019 || value != 2.8 || !valid {
		t.Errorf("v_land_latest 09 = %s %s %s %d %v valid %v", name, title, unit, period, value, valid)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM v_observations WHERE level = 'land'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	vals, _ := s.Values(ctx, ind.ID, atlas.LevelLand, 2019)
	if n != len(vals) || n == 0 {
		t.Errorf("v_observations has %d Land rows, the store %d values", n, len(vals))
	}
}

// TestMakeValidOnInsert stores a real Land whose outer ring was made to
// cross itself (two neighbouring vertices swapped): PostGIS repairs it,
// reports the repair with the boundary set, and leaves valid regions as
// they were.
func TestMakeValidOnInsert(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	lr := storetest.Laender(t)
	regions := append([]atlas.Region(nil), lr.Regions...)
	saar := &regions[9]
	if saar.Key != "10" {
		t.Fatalf("region 9 is %s", saar.Key)
	}
	orig := saar.Geom
	ring := append(orb.Ring(nil), orig[0][0]...)
	i := len(ring) / 2
	ring[i], ring[i+1] = ring[i+1], ring[i]
	broken := orb.MultiPolygon{append(orb.Polygon{ring}, orig[0][1:]...)}
	saar.Geom = broken
	// Data derived from the regions as given are not those of the regions
	// stored: not kept.
	if _, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "boundaries_land"},
		Boundaries: []atlas.BoundaryChange{{Set: lr.Set, Regions: regions, Derived: []atlas.Derived{{Name: "x", Data: []byte("from the broken ring")}}}}}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Derived(ctx, atlas.LevelLand, []string{"x"}); err != nil || len(m) != 0 {
		t.Errorf("derived data of repaired regions: %q, %v; want none", m, err)
	}
	got, err := s.Regions(ctx, atlas.LevelLand)
	if err != nil {
		t.Fatal(err)
	}
	for j, r := range got {
		if r.Key == "10" {
			if orb.Equal(r.Geom, broken) {
				t.Error("Saarland's broken ring came back unrepaired")
			}
			a, b := planar.Area(r.Geom), planar.Area(orig)
			if math.Abs(a-b)/b > 1e-4 {
				t.Errorf("repaired Saarland has area %g, original %g", a, b)
			}
			for _, p := range r.Geom {
				if p[0].Orientation() != orb.CCW {
					t.Error("repaired Saarland has a clockwise outer ring")
				}
			}
			continue
		}
		if !orb.Equal(r.Geom, lr.Regions[j].Geom) {
			t.Errorf("valid region %s changed", r.Key)
		}
	}
	var invalid int
	if err := sqlPool(t, url).QueryRow(ctx, `SELECT count(*) FROM regions WHERE NOT ST_IsValid(geom)`).Scan(&invalid); err != nil || invalid != 0 {
		t.Errorf("%d invalid geometries stored, %v", invalid, err)
	}
	sets, err := s.BoundarySets(ctx)
	if err != nil || len(sets) != 1 {
		t.Fatalf("boundary sets %v, %v", sets, err)
	}
	rep := sets[0].Report
	if len(rep) != len(lr.Set.Report)+1 || rep[0] != lr.Set.Report[0] ||
		!strings.HasPrefix(rep[len(rep)-1], "10 Saarland: PostGIS found the geometry invalid (") || !strings.Contains(rep[len(rep)-1], "ST_MakeValid") {
		t.Errorf("report = %q", rep)
	}
}

func TestLocate(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, pgstore.Options{})
	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lon, lat float64
		want     string // "" = no region
	}{
		{"Marienplatz München", 11.5755, 48.1374, "09"},
		{"Brandenburger Tor", 13.3777, 52.5163, "11"},
		{"Bremer Marktplatz", 8.8072, 53.0758, "04"},
		{"Hamburger Rathaus", 9.9925, 53.5507, "02"},
		{"Saarbrücken", 6.9969, 49.2402, "10"},
		{"Innsbruck (Austria)", 11.3933, 47.2692, ""},
		{"North Sea", 6.0, 55.0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok, err := s.Locate(ctx, tt.lon, tt.lat, atlas.LevelLand)
			if err != nil {
				t.Fatal(err)
			}
			if key != tt.want || ok != (tt.want != "") {
				t.Errorf("Locate(%g, %g, land) = %q, %v; want %q", tt.lon, tt.lat, key, ok, tt.want)
			}
		})
	}
	if _, ok, err := s.Locate(ctx, 11.5755, 48.1374, atlas.LevelKreis); err != nil || ok {
		t.Errorf("Locate in a level without boundaries = %v, %v", ok, err)
	}
	var pe *atlas.ParamError
	if _, _, err := s.Locate(ctx, math.NaN(), 48, atlas.LevelLand); !errors.As(err, &pe) || pe.Param != "lon" {
		t.Errorf("Locate(NaN) = %v, want a ParamError for lon", err)
	}
	if _, _, err := s.Locate(ctx, 11, 91, atlas.LevelLand); !errors.As(err, &pe) || pe.Param != "lat" {
		t.Errorf("Locate(lat 91) = %v, want a ParamError for lat", err)
	}
}

// TestDataVersion checks that every writing transaction raises the data
// version by exactly one, including edits made directly in SQL (as in QGIS),
// and that reads and settings do not.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	version := func() int64 {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	lr := storetest.Laender(t)
	if err := storetest.ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0+2 {
		t.Errorf("after one boundary replace and one import: version %d, want %d", v, v0+2)
	}
	if err := s.SetMeta(ctx, "seed_version", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Regions(ctx, atlas.LevelLand); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0+2 {
		t.Errorf("settings or reads changed the version to %d", v)
	}
	if _, err := sqlPool(t, url).Exec(ctx, `UPDATE regions SET name = 'Freistaat Bayern' WHERE level = 'land' AND key = '09'`); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0+3 {
		t.Errorf("after an edit in SQL: version %d, want %d", v, v0+3)
	}
	// A missing row is atlas.ErrNotFound, not a pgx error.
	if _, err := sqlPool(t, url).Exec(ctx, `DELETE FROM data_version`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DataVersion(ctx); !errors.Is(err, atlas.ErrNotFound) {
		t.Errorf("DataVersion without its row: %v, want atlas.ErrNotFound", err)
	}
}

func TestConnectSettings(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	pool, err := pgstore.Connect(ctx, url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if got, want := pool.Config().MaxConns, int32(4*runtime.GOMAXPROCS(0)); got != want {
		t.Errorf("max conns = %d, want %d", got, want)
	}
	var st, app string
	if err := pool.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('application_name')`).Scan(&st, &app); err != nil {
		t.Fatal(err)
	}
	if st != "10s" || app != "standortatlas" {
		t.Errorf("statement_timeout %q, application_name %q; want 10s, standortatlas", st, app)
	}
	// The URL's pool size and statement timeout win over the defaults.
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	small, err := pgstore.Connect(ctx, url+sep+"pool_max_conns=3&statement_timeout=30s", pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if small.Config().MaxConns != 3 {
		t.Errorf("pool_max_conns=3 gave %d", small.Config().MaxConns)
	}
	if err := small.QueryRow(ctx, `SELECT current_setting('statement_timeout')`).Scan(&st); err != nil || st != "30s" {
		t.Errorf("statement_timeout=30s in the URL gave %q, %v", st, err)
	}
	small.Close()

	// The server ends a statement after the timeout …
	fast, err := pgstore.Connect(ctx, url, pgstore.Options{StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	start := time.Now()
	_, err = fast.Exec(ctx, `SELECT pg_sleep(5)`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" || time.Since(start) > 3*time.Second {
		t.Errorf("pg_sleep(5) with a 200 ms statement timeout: %v after %s", err, time.Since(start))
	}
	// … and the caller's context ends it earlier.
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = pool.Exec(cctx, `SELECT pg_sleep(5)`)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Errorf("pg_sleep(5) with a 100 ms context: %v after %s", err, time.Since(start))
	}
	if err := pool.Ping(ctx); err != nil {
		t.Errorf("pool unusable after a cancelled query: %v", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ give, want string }{
		{"postgres://atlas:s3cret@db.example:5433/atlas?sslmode=require", "postgres://atlas:xxxxx@db.example:5433/atlas"},
		{"postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/postgres"},
		{"host=db user=atlas password=s3cret dbname=atlas", "postgres://atlas:xxxxx@db:5432/atlas"},
	}
	for _, tt := range tests {
		if got := pgstore.Redact(tt.give); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
	_, err := pgstore.Connect(context.Background(), "postgres://atlas:s3cret@127.0.0.1:1/atlas?connect_timeout=2", pgstore.Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Connect to a closed port: %v", err)
	}
}
