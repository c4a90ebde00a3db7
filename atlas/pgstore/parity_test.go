package pgstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/seeds"
)

// seededStores are both stores, each filled once from the built-in seeds
// (real BKG boundaries and official statistics) as `standortatlas seed` does.
type seededStores struct {
	pg   *pgstore.Store
	url  string
	lite *sqlitestore.Store
	// pgLoad and liteLoad are what LoadManifest reported.
	pgLoad, liteLoad *ingest.LoadResult
}

func seedBoth(t testing.TB) *seededStores {
	t.Helper()
	ctx := context.Background()
	var err error
	s := &seededStores{}
	s.pg, s.url = newStore(t, pgstore.Options{})
	if s.lite, err = sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "atlas.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.lite.Close() })
	start := time.Now()
	seed := func(store atlas.Store) *ingest.LoadResult {
		res, err := (&ingest.Intake{Store: store, Derive: maptiles.Prebuild}).Seed(ctx, seeds.FS, seeds.Manifest, "places/places.json", "seed")
		if err != nil {
			t.Fatalf("seed %T: %v", store, err)
		}
		t.Logf("seeded %T in %s", store, time.Since(start).Round(time.Millisecond))
		start = time.Now()
		return res.LoadResult
	}
	s.liteLoad, s.pgLoad = seed(s.lite), seed(s.pg)
	return s
}

// TestSeedParity seeds both stores from the built-in seeds and expects the
// same atlas from each: indicator catalogue, regions, every observation,
// every choropleth (each indicator × level at its default year) byte for
// byte, and the places.
func TestSeedParity(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds both stores (about 20 s)")
	}
	ctx := context.Background()
	st := seedBoth(t)

	// The catalogue with levels, years and default years.
	indsPG, err := st.pg.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	indsLite, err := st.lite.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(indsPG) < 30 || !reflect.DeepEqual(indsPG, indsLite) {
		a, _ := json.MarshalIndent(indsPG, "", " ")
		b, _ := json.MarshalIndent(indsLite, "", " ")
		t.Fatalf("indicators differ (%d PostGIS, %d embedded):\n%s", len(indsPG), len(indsLite), firstDiff(a, b))
	}

	// The tiles' zoom pyramids stored with the boundaries: the same parts,
	// byte for byte (PostGIS repaired nothing, see below).
	rows, err := sqlPool(t, st.url).Query(ctx, `SELECT level, name FROM derived ORDER BY level, name`)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for rows.Next() {
		var level, name string
		if err := rows.Scan(&level, &name); err != nil {
			t.Fatal(err)
		}
		names[level] = append(names[level], name)
	}
	rows.Close()
	if len(names) != 4 {
		t.Errorf("derived data of %d levels in PostGIS, want 4", len(names))
	}
	for level, ns := range names {
		l, _ := atlas.ParseLevel(level)
		pg, err := st.pg.Derived(ctx, l, ns)
		if err != nil {
			t.Fatal(err)
		}
		lite, err := st.lite.Derived(ctx, l, ns)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg) != len(ns) || len(lite) != len(ns) {
			t.Errorf("%s: %d derived parts, %d read from PostGIS, %d from the embedded store", level, len(ns), len(pg), len(lite))
		}
		for _, n := range ns {
			if !bytes.Equal(pg[n], lite[n]) {
				t.Errorf("%s %s: %d bytes in PostGIS, %d in the embedded store, not the same", level, n, len(pg[n]), len(lite[n]))
			}
		}
	}

	// Boundary sets: the same but for the import time (each store read the
	// files itself) and PostGIS's repair notes, which must name no region
	// here: the importer's own repairs leave no geometry GEOS finds invalid.
	setsPG, _ := st.pg.BoundarySets(ctx)
	setsLite, _ := st.lite.BoundarySets(ctx)
	byLevel := map[atlas.Level]atlas.BoundarySet{}
	for _, b := range setsLite {
		byLevel[b.Level] = b
	}
	if len(setsPG) != 4 || len(setsLite) != 4 {
		t.Fatalf("%d and %d boundary sets, want 4", len(setsPG), len(setsLite))
	}
	for _, a := range setsPG {
		b := byLevel[a.Level]
		a.ImportedAt, b.ImportedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("boundary set %s:\nPostGIS  %+v\nembedded %+v", a.Level, a, b)
		}
	}

	// Regions: keys, names, types, ARS, gemeindefrei and every coordinate.
	wantCount := map[atlas.Level]int{atlas.LevelLand: 16, atlas.LevelKreis: 400, atlas.LevelGemeinde: 10997}
	for _, l := range atlas.AllLevels() {
		a, err := st.pg.Regions(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.lite.Regions(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) || len(a) == 0 || (wantCount[l] != 0 && len(a) != wantCount[l]) {
			t.Errorf("%s: %d regions from PostGIS, %d from the embedded store (want %d)", l, len(a), len(b), wantCount[l])
			continue
		}
		diff := 0
		for i := range a {
			ra, rb := a[i], b[i]
			if ra.Key != rb.Key || ra.Name != rb.Name || ra.Type != rb.Type || ra.ARS != rb.ARS || ra.Gemeindefrei != rb.Gemeindefrei || !orb.Equal(ra.Geom, rb.Geom) {
				if diff++; diff <= 5 {
					t.Errorf("%s region %d: PostGIS %s %q %q, embedded %s %q %q (geometry equal: %v)", l, i, ra.Key, ra.Name, ra.Type, rb.Key, rb.Name, rb.Type, orb.Equal(ra.Geom, rb.Geom))
				}
			}
		}
		t.Logf("%s: %d regions equal", l, len(a)-diff)
	}

	// Every observation: each indicator × level × year.
	queries, values := 0, 0
	for _, ind := range indsPG {
		for _, l := range ind.Levels {
			for _, y := range ind.Years {
				a, err := st.pg.Values(ctx, ind.ID, l, y)
				if err != nil {
					t.Fatal(err)
				}
				b, err := st.lite.Values(ctx, ind.ID, l, y)
				if err != nil {
					t.Fatal(err)
				}
				queries++
				values += len(a)
				if !sameValues(a, b) {
					t.Errorf("values of %s/%s/%d differ: %d from PostGIS, %d embedded", ind.ID, l, y, len(a), len(b))
				}
			}
		}
	}
	t.Logf("%d observations equal in %d (indicator, level, year) queries", values, queries)

	// Every choropleth at the default year, through the atlas's own service.
	svcPG := atlas.NewService(st.pg, atlas.Options{})
	svcLite := atlas.NewService(st.lite, atlas.Options{})
	maps := 0
	for _, ind := range indsPG {
		for _, l := range ind.Levels {
			q := atlas.ChoroplethQuery{Level: l, Indicator: ind.ID}
			a, err := svcPG.Choropleth(ctx, q)
			if err != nil {
				t.Fatalf("PostGIS choropleth %s/%s: %v", ind.ID, l, err)
			}
			b, err := svcLite.Choropleth(ctx, q)
			if err != nil {
				t.Fatalf("embedded choropleth %s/%s: %v", ind.ID, l, err)
			}
			if !bytes.Equal(a.Body, b.Body) {
				t.Errorf("choropleth %s/%s/%d differs:\n%s", ind.ID, l, ind.DefaultYear, firstDiff(a.Body, b.Body))
			}
			maps++
		}
	}
	t.Logf("%d choropleths byte-identical", maps)
	if maps < 50 {
		t.Errorf("only %d choropleths compared", maps)
	}

	// Places (Helferkreise München, placed by point in polygon on import).
	for _, status := range []string{atlas.PlacePublished, atlas.PlacePending} {
		a, err := st.pg.Places(ctx, atlas.PlaceQuery{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.lite.Places(ctx, atlas.PlaceQuery{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) || (status == atlas.PlacePublished && len(a) < 20) {
			t.Errorf("%s places differ: %d from PostGIS, %d embedded", status, len(a), len(b))
		}
	}
	srcA, _ := st.pg.PlaceSources(ctx)
	srcB, _ := st.lite.PlaceSources(ctx)
	if !reflect.DeepEqual(srcA, srcB) || len(srcA) == 0 {
		t.Errorf("place sources differ: %+v, %+v", srcA, srcB)
	}

	// Releases: the same sources, files, hashes, specs, rows and replaced
	// counts (each store timed its own imports).
	relA, err := st.pg.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	relB, err := st.lite.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(relA) != len(relB) || len(relA) == 0 {
		t.Errorf("%d releases in PostGIS, %d embedded", len(relA), len(relB))
	} else {
		for i := range relA {
			a, b := relA[i], relB[i]
			a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("release %d:\nPostGIS  %+v\nembedded %+v", i+1, a, b)
			}
		}
	}

	t.Run("Locate", func(t *testing.T) { testLocateSeeded(t, st) })
	t.Run("Coverage", func(t *testing.T) {
		testCoverageSeeded(t, "PostGIS", st.pg, indsPG)
		testCoverageSeeded(t, "embedded", st.lite, indsLite)
	})
}

// testCoverageSeeded checks the catalogue's coverage on the real seeds:
// each level's count is the number of regions of the level's boundary set
// with a value in that year, never more than the set has, although the
// seeds hold values for keys of other Gebietsstände (which the test
// requires, so that it can fail).
func testCoverageSeeded(t *testing.T, name string, s atlas.Store, inds []atlas.Indicator) {
	ctx := context.Background()
	sets := map[atlas.Level]map[string]bool{}
	for _, l := range atlas.AllLevels() {
		regions, err := s.Regions(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		sets[l] = make(map[string]bool, len(regions))
		for _, r := range regions {
			sets[l][r.Key] = true
		}
	}
	outside, checked := map[string]int{}, 0
	for _, ind := range inds {
		for _, c := range ind.Coverage {
			vals, err := s.Values(ctx, ind.ID, c.Level, c.Year)
			if err != nil {
				t.Fatal(err)
			}
			in := 0
			for k, v := range vals {
				switch {
				case math.IsNaN(v.Value):
				case sets[c.Level][k]:
					in++
				default:
					outside[fmt.Sprintf("%s/%s/%d", ind.ID, c.Level, c.Year)]++
				}
			}
			checked++
			if c.Regions != in || c.Regions > len(sets[c.Level]) {
				t.Errorf("%s: coverage of %s at %s in %d: %d regions, want %d of the %d of the boundary set", name, ind.ID, c.Level, c.Year, c.Regions, in, len(sets[c.Level]))
			}
		}
	}
	t.Logf("%s: %d coverage counts checked; values outside the boundary sets, not counted: %v", name, checked, outside)
	if len(outside) == 0 || checked < 50 {
		t.Errorf("%s: the seeds hold no values outside the boundary sets (%d counts checked): the test shows nothing", name, checked)
	}
}

// testLocateSeeded finds known places on every level, and an inner point of
// every tenth Gemeinde in that Gemeinde.
func testLocateSeeded(t *testing.T, st *seededStores) {
	ctx := context.Background()
	tests := []struct {
		name     string
		lon, lat float64
		want     map[atlas.Level]string
	}{
		{"Marienplatz München", 11.5755, 48.1374, map[atlas.Level]string{atlas.LevelLand: "09", atlas.LevelKreis: "09162", atlas.LevelGemeinde: "09162000"}},
		{"Brandenburger Tor", 13.3777, 52.5163, map[atlas.Level]string{atlas.LevelLand: "11", atlas.LevelKreis: "11000", atlas.LevelGemeinde: "11000000"}},
		{"Kölner Dom", 6.9581, 50.9413, map[atlas.Level]string{atlas.LevelLand: "05", atlas.LevelKreis: "05315", atlas.LevelGemeinde: "05315000"}},
		{"Frauenkirche Dresden", 13.7416, 51.0519, map[atlas.Level]string{atlas.LevelLand: "14", atlas.LevelKreis: "14612", atlas.LevelGemeinde: "14612000"}},
		{"Marktplatz Tübingen", 9.0569, 48.5200, map[atlas.Level]string{atlas.LevelLand: "08", atlas.LevelKreis: "08416", atlas.LevelGemeinde: "08416041"}},
	}
	for _, tt := range tests {
		for _, l := range []atlas.Level{atlas.LevelLand, atlas.LevelKreis, atlas.LevelGemeinde} {
			key, ok, err := st.pg.Locate(ctx, tt.lon, tt.lat, l)
			if err != nil || !ok || key != tt.want[l] {
				t.Errorf("Locate(%s, %s) = %q, %v, %v; want %q", tt.name, l, key, ok, err, tt.want[l])
			}
		}
	}
	rows, err := sqlPool(t, st.url).Query(ctx, `SELECT key, ST_X(p), ST_Y(p) FROM (
		SELECT key, ST_PointOnSurface(geom) AS p, row_number() OVER (ORDER BY key) AS n
		  FROM regions WHERE level = 'gemeinde') s WHERE n % 10 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	type point struct {
		key      string
		lon, lat float64
	}
	var pts []point
	for rows.Next() {
		var p point
		if err := rows.Scan(&p.key, &p.lon, &p.lat); err != nil {
			t.Fatal(err)
		}
		pts = append(pts, p)
	}
	start := time.Now()
	wrong := 0
	for _, p := range pts {
		key, ok, err := st.pg.Locate(ctx, p.lon, p.lat, atlas.LevelGemeinde)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || key != p.key {
			if wrong++; wrong <= 5 {
				t.Errorf("inner point %.5f,%.5f of Gemeinde %s located in %q (%v)", p.lon, p.lat, p.key, key, ok)
			}
		}
	}
	if len(pts) < 1000 {
		t.Errorf("only %d Gemeinden sampled", len(pts))
	}
	t.Logf("%d Gemeinden located, %s per point", len(pts), (time.Since(start) / time.Duration(max(len(pts), 1))).Round(time.Microsecond))
}

func sameValues(a, b map[string]atlas.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || va.Flag != vb.Flag {
			return false
		}
		if va.Value != vb.Value && !(math.IsNaN(va.Value) && math.IsNaN(vb.Value)) {
			return false
		}
	}
	return true
}

// firstDiff shows where two encodings first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-120, 0)
	clip := func(x []byte) string {
		return strings.ToValidUTF8(string(x[from:min(i+120, len(x))]), "?")
	}
	return fmt.Sprintf("at byte %d (lengths %d, %d):\nPostGIS:  …%s…\nembedded: …%s…", i, len(a), len(b), clip(a), clip(b))
}
