package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/seeds"
	"github.com/standortatlas/standortatlas/tiles"
)

// The analysis, OpenAPI and OGC tests run on the real seeds, imported once
// per test binary into a temporary embedded store.
var seeded struct {
	once   sync.Once
	dir    string // removed by TestMain
	store  *sqlitestore.Store
	svc    *atlas.Service
	e      *echo.Echo
	err    error
	shared string // the copy for fuzz workers (shareSeededStore)
}

// TestMain removes the seeded store's temporary directory (and the copy
// shared with fuzz workers in it) after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.store != nil {
		seeded.store.Close()
	}
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// seededStoreEnv names a consistent copy of the seeded store that a fuzz
// coordinator made for its workers: each worker process opens it instead
// of importing the seeds again, which took longer than a whole fuzz run
// (FuzzQueryParameters never got past its baseline).
const seededStoreEnv = "STANDORTATLAS_TEST_SEEDED_STORE"

func seededEcho(t testing.TB) (*echo.Echo, *atlas.Service) {
	t.Helper()
	seeded.once.Do(func() {
		ctx := context.Background()
		if shared := os.Getenv(seededStoreEnv); shared != "" {
			seeded.store, seeded.err = sqlitestore.Open(ctx, shared)
		} else if seeded.dir, seeded.err = os.MkdirTemp("", "web-analysis-test"); seeded.err == nil {
			seeded.store, seeded.err = loadSeeds(ctx, filepath.Join(seeded.dir, "atlas.db"))
		}
		if seeded.err != nil {
			return
		}
		seeded.svc = atlas.NewService(seeded.store, atlas.Options{Now: goldenClock()})
		static := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}, "embed.html": {Data: []byte("<!doctype html>")}}
		seeded.e, seeded.err = New(Deps{RequestTimeout: testRequestTimeout, Service: seeded.svc, Tiles: maptiles.New(seeded.svc, tiles.Options{}), Static: static, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	return seeded.e, seeded.svc
}

// loadSeeds imports the real seeds into a new store at path.
func loadSeeds(ctx context.Context, path string) (*sqlitestore.Store, error) {
	store, err := sqlitestore.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	m, err := ingest.ReadManifest(seeds.FS, seeds.Manifest)
	if err == nil {
		_, err = ingest.LoadManifest(ctx, seeds.FS, m, store, nil)
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// shareSeededStore hands the seeded store to the fuzz workers this process
// starts (go test -fuzz): a consistent copy (VACUUM INTO) named in the
// environment, which the workers inherit. In a worker, or without -fuzz
// (the seed corpus only), it does nothing.
func shareSeededStore(f *testing.F) {
	f.Helper()
	seededEcho(f)
	if fz := flag.Lookup("test.fuzz"); os.Getenv(seededStoreEnv) != "" || fz == nil || fz.Value.String() == "" {
		return
	}
	if seeded.shared == "" {
		shared := filepath.Join(seeded.dir, "shared.db")
		if err := seeded.store.Backup(context.Background(), shared); err != nil {
			f.Fatal(err)
		}
		seeded.shared = shared
	}
	f.Setenv(seededStoreEnv, seeded.shared)
}

func getJSONOK(t *testing.T, h http.Handler, url string, v any) *httptest.ResponseRecorder {
	t.Helper()
	rec := get(t, h, url, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, rec.Code, rec.Body.String())
	}
	if v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return rec
}

// documentedPath turns an echo route path into its OpenAPI form.
func documentedPath(p string) string {
	return regexp.MustCompile(`:([A-Za-z]+)`).ReplaceAllString(p, "{$1}")
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e, _ := seededEcho(t)
	rec := getJSONOK(t, e, "/api/openapi.json", nil)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	routes := map[string]bool{}
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	for _, r := range e.Routes() {
		p := documentedPath(r.Path)
		if !slices.Contains(methods, r.Method) || !(strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ogc") || p == "/healthz") {
			continue // static pages, tiles, operations; echo's not-found routes of groups
		}
		if r.Method == http.MethodGet {
			routes[p] = true
		}
		if item := doc.Paths.Find(p); item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s %s is not described in /api/openapi.json", r.Method, r.Path)
		}
	}
	for p := range doc.Paths.Map() {
		if !routes[p] && doc.Paths.Find(p).Get != nil {
			t.Errorf("/api/openapi.json describes GET %s, which is not a route", p)
		}
	}
	for _, must := range []string{"/api/v1/indicators", "/api/v1/choropleth", "/api/v1/boundaries", "/api/v1/sources", "/healthz", "/api/v1/distribution", "/ogc/collections/{collectionId}/items"} {
		if !routes[must] {
			t.Errorf("%s is not a route", must)
		}
	}
}

func TestValuesForJoiningOntoTiles(t *testing.T) {
	e, _ := seededEcho(t)
	var ans struct {
		Level  string `json:"level"`
		Year   int    `json:"year"`
		Values map[string]struct {
			Value *float64 `json:"value"`
			Flag  *string  `json:"flag"`
			Class *int     `json:"class"`
		} `json:"values"`
		Legend struct {
			Classes []struct{ Count int } `json:"classes"`
			NoData  struct{ Count int }   `json:"no_data"`
		} `json:"legend"`
		Attribution []string `json:"attribution"`
	}
	rec := getJSONOK(t, e, "/api/v1/values?level=kreis&indicator=unemployment_rate&year=2019", &ans)
	muc := ans.Values["09162"]
	if len(ans.Values) != 400 || muc.Value == nil || *muc.Value != 3.5 || muc.Flag != nil || muc.Class == nil {
		t.Fatalf("%d values, München %+v", len(ans.Values), muc)
	}
	n := ans.Legend.NoData.Count
	for _, c := range ans.Legend.Classes {
		n += c.Count
	}
	if n != 400 || len(ans.Attribution) < 2 {
		t.Errorf("legend counts %d, attribution %v", n, ans.Attribution)
	}
	etag := rec.Header().Get("ETag")
	if again := get(t, e, "/api/v1/values?level=kreis&indicator=unemployment_rate&year=2019", map[string]string{"If-None-Match": etag}); again.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", again.Code)
	}
	var gem struct {
		Values map[string]struct {
			Value *float64 `json:"value"`
		} `json:"values"`
	}
	getJSONOK(t, e, "/api/v1/values?level=gemeinde&indicator=vacancy_rate_zensus2022", &gem)
	if len(gem.Values) != 10997 {
		t.Errorf("%d Gemeinde values, want one per Gemeinde of the boundary set (10997)", len(gem.Values))
	}
}

type extendedChoropleth struct {
	Features []struct {
		ID         string `json:"id"`
		Properties struct {
			Value   *float64 `json:"value"`
			Class   *int     `json:"class"`
			Flag    *string  `json:"flag"`
			Flagged bool     `json:"flagged"`
		} `json:"properties"`
	} `json:"features"`
	Legend struct {
		Method  string    `json:"method"`
		Scheme  string    `json:"scheme"`
		Unit    string    `json:"unit"`
		Breaks  []float64 `json:"breaks"`
		Colors  []string  `json:"colors"`
		Classes []struct {
			Lower, Upper float64
			Count        int
			Closed       bool
		} `json:"classes"`
		NoData struct{ Count int } `json:"no_data"`
		Fixed  *struct {
			Years []int `json:"years"`
		} `json:"fixed"`
		StdDev *struct{ Mean, SD float64 } `json:"stddev"`
		Flags  []struct {
			Flag     string `json:"flag"`
			Count    int    `json:"count"`
			HasValue bool   `json:"has_value"`
		} `json:"flags"`
	} `json:"legend"`
	Histogram struct {
		Bins []struct {
			Lower, Upper float64
			Count        int
		} `json:"bins"`
		Breaks []float64 `json:"breaks"`
		Count  int       `json:"count"`
		NoData int       `json:"no_data"`
	} `json:"histogram"`
	Normalization *struct {
		Base     string `json:"base"`
		BaseYear int    `json:"base_year"`
		Unit     string `json:"unit"`
	} `json:"normalization"`
}

func TestChoroplethExtendedClasses(t *testing.T) {
	e, svc := seededEcho(t)
	ctx := context.Background()
	raw, err := svc.Store().Values(ctx, "unemployment_rate", atlas.LevelKreis, 2019)
	if err != nil {
		t.Fatal(err)
	}
	// Manual breaks: the counts per class recomputed from the stored values.
	var fc extendedChoropleth
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019&breaks=3,5,7&scheme=RdBu_r", &fc)
	if fc.Legend.Method != "manual" || !slices.Equal(fc.Legend.Breaks, []float64{3, 5, 7}) || fc.Legend.Scheme != "RdBu_r" || len(fc.Legend.Classes) != 4 {
		t.Fatalf("legend %+v", fc.Legend)
	}
	want := make([]int, 4)
	valued := 0
	_, kreise, err := svc.Level(ctx, atlas.LevelKreis)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range kreise.Regions {
		v, ok := raw[r.Key]
		if !ok || math.IsNaN(v.Value) {
			continue
		}
		valued++
		switch {
		case v.Value < 3:
			want[0]++
		case v.Value < 5:
			want[1]++
		case v.Value < 7:
			want[2]++
		default:
			want[3]++
		}
	}
	for i, c := range fc.Legend.Classes {
		if c.Count != want[i] {
			t.Errorf("class %d [%v, %v): %d, by hand %d", i, c.Lower, c.Upper, c.Count, want[i])
		}
	}
	if last := fc.Legend.Classes[3]; !last.Closed || fc.Legend.Colors[3] != "#ca0020" {
		t.Errorf("last class %+v colour %s (RdBu reversed: high = red)", last, fc.Legend.Colors[3])
	}
	// Histogram: 20 bins holding every valued region, with the breaks.
	hsum := 0
	for _, b := range fc.Histogram.Bins {
		hsum += b.Count
	}
	if len(fc.Histogram.Bins) != 20 || hsum != valued || fc.Histogram.Count != valued || fc.Histogram.NoData != 400-valued || !slices.Equal(fc.Histogram.Breaks, fc.Legend.Breaks) {
		t.Errorf("histogram: %d bins, %d counted of %d, no data %d", len(fc.Histogram.Bins), hsum, valued, fc.Histogram.NoData)
	}
	// Standard deviation classes with the diverging default.
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019&method=stddev", &fc)
	if fc.Legend.StdDev == nil || fc.Legend.Scheme != "RdBu_r" {
		t.Errorf("stddev legend %+v", fc.Legend)
	}
	// Fixed breaks: the same classes in 2015 and 2019.
	var a, b extendedChoropleth
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2015&fixed=1&method=jenks", &a)
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019&fixed=1&method=jenks", &b)
	if !slices.Equal(a.Legend.Breaks, b.Legend.Breaks) || a.Legend.Fixed == nil || len(a.Legend.Fixed.Years) != 6 {
		t.Errorf("fixed breaks 2015 %v, 2019 %v, fixed %+v", a.Legend.Breaks, b.Legend.Breaks, a.Legend.Fixed)
	}
	// Flags are marked: the foreigners' rates of 2017 are secret (".") in the
	// source, those of 2019 partly not meaningful ("x"); never zeros.
	for _, year := range []int{2017, 2019} {
		var fc extendedChoropleth
		getJSONOK(t, e, fmt.Sprintf("/api/v1/choropleth?level=kreis&indicator=unemployment_rate_foreigners&year=%d&histogram=1", year), &fc)
		flagged := map[string]int{}
		for _, f := range fc.Features {
			if f.Properties.Flag != nil && *f.Properties.Flag != "missing" {
				flagged[*f.Properties.Flag]++
				if f.Properties.Value != nil || f.Properties.Class != nil || !f.Properties.Flagged {
					t.Errorf("%d %s: flagged value shown as %+v", year, f.ID, f.Properties)
				}
			}
		}
		legend := map[string]int{}
		for _, fl := range fc.Legend.Flags {
			if fl.Flag != "missing" {
				legend[fl.Flag] = fl.Count
			}
		}
		if len(flagged) == 0 || fmt.Sprint(flagged) != fmt.Sprint(legend) {
			t.Errorf("%d: flagged features %v, legend %v", year, flagged, legend)
		}
		t.Logf("%d: flags %v", year, flagged)
	}
	// Errors name the parameter.
	for url, code := range map[string]int{
		"/api/v1/choropleth?indicator=unemployment_rate&breaks=3,2":                   400,
		"/api/v1/choropleth?indicator=unemployment_rate&method=manual":                400,
		"/api/v1/choropleth?indicator=unemployment_rate&scheme=Jet":                   400,
		"/api/v1/choropleth?indicator=unemployment_rate&normalize=per1000":            400,
		"/api/v1/values?indicator=unemployed_foreigners&year=2019&normalize=per1000":  400,
		"/api/v1/histogram?indicator=unemployment_rate&bins=0":                        400,
		"/api/v1/values?indicator=unemployed_foreigners&year=2019&normalize=perliter": 400,
		"/api/v1/values?indicator=nope":                                               404,
	} {
		if rec := get(t, e, url, nil); rec.Code != code || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("GET %s = %d %s, want %d", url, rec.Code, rec.Body.String(), code)
		}
	}
}

func TestNormalizationNamesItsBase(t *testing.T) {
	e, svc := seededEcho(t)
	ctx := context.Background()
	// Counts of 2019 have no population of 2019 in the data: the base year must be chosen explicitly.
	var fc extendedChoropleth
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=unemployed_foreigners&year=2019&normalize=per1000&base_year=2021", &fc)
	if fc.Normalization == nil || fc.Normalization.Base != "population" || fc.Normalization.BaseYear != 2021 || !strings.Contains(fc.Legend.Unit, "je 1.000 Einw.") {
		t.Fatalf("normalization %+v unit %q", fc.Normalization, fc.Legend.Unit)
	}
	num, _ := svc.Store().Values(ctx, "unemployed_foreigners", atlas.LevelKreis, 2019)
	pop, _ := svc.Store().Values(ctx, "population", atlas.LevelKreis, 2021)
	for _, f := range fc.Features {
		if f.ID == "09162" {
			want := num["09162"].Value / pop["09162"].Value * 1000
			if f.Properties.Value == nil || math.Abs(*f.Properties.Value-want) > 1e-12 {
				t.Errorf("München: %v per 1,000, by hand %v", f.Properties.Value, want)
			}
		}
	}
	// Zensus counts are divided by the Zensus population, never by the Fortschreibung.
	getJSONOK(t, e, "/api/v1/choropleth?level=kreis&indicator=dwellings_zensus2022&normalize=per1000", &fc)
	if fc.Normalization == nil || fc.Normalization.Base != "population_zensus2022" || fc.Normalization.BaseYear != 2022 {
		t.Errorf("Zensus base: %+v", fc.Normalization)
	}
}

func TestAnalysisEndpoints(t *testing.T) {
	e, _ := seededEcho(t)
	var prof struct {
		Name       string `json:"name"`
		Indicators []struct {
			ID     string `json:"id"`
			Latest *struct {
				Year int     `json:"year"`
				Rank int     `json:"rank"`
				Of   int     `json:"of"`
				Pct  float64 `json:"percentile"`
			} `json:"latest"`
		} `json:"indicators"`
		Similar struct {
			Indicators []string `json:"indicators"`
		} `json:"similar"`
	}
	getJSONOK(t, e, "/api/v1/regions/09162", &prof)
	if prof.Name != "München" || len(prof.Indicators) < 30 || len(prof.Similar.Indicators) == 0 {
		t.Errorf("profile: %s, %d indicators, similar over %v", prof.Name, len(prof.Indicators), prof.Similar.Indicators)
	}
	// Ranking as CSV: UTF-8 with umlauts, header, footer with source and licence.
	rec := getJSONOK(t, e, "/api/v1/ranking?level=kreis&indicator=unemployment_rate&year=2019&format=csv", nil)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(rec.Header().Get("Content-Disposition"), ".csv") {
		t.Errorf("content type %q", ct)
	}
	body := rec.Body.String()
	cr := csv.NewReader(strings.NewReader(body))
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 401 || !strings.Contains(body, "München") || !strings.Contains(body, "# Quelle:") || !strings.Contains(body, "Lizenz: dl-de/by-2-0") {
		t.Errorf("csv: %v, %d rows\n%s", err, len(rows), body[len(body)-500:])
	}
	// the German Excel form of the same answer: the same rows, semicolons, decimal commas
	deBody := getJSONOK(t, e, "/api/v1/ranking?level=kreis&indicator=unemployment_rate&year=2019&format=csv-de", nil).Body.String()
	dr := csv.NewReader(strings.NewReader(strings.TrimPrefix(deBody, "\ufeff")))
	dr.Comma, dr.Comment, dr.FieldsPerRecord = ';', '#', -1
	deRows, err := dr.ReadAll()
	if err != nil || !strings.HasPrefix(deBody, "\ufeff") || len(deRows) != len(rows) {
		t.Fatalf("csv-de: %v, %d rows", err, len(deRows))
	}
	for i := range rows {
		for j := range rows[i] {
			if want := strings.Replace(rows[i][j], ".", ",", 1); deRows[i][j] != rows[i][j] && deRows[i][j] != want {
				t.Errorf("csv-de row %d field %d = %q, csv %q", i, j, deRows[i][j], rows[i][j])
			}
		}
	}
	if !strings.Contains(deBody, ";München;") || strings.Count(deBody, "# ") != strings.Count(body, "# ") {
		t.Errorf("csv-de lacks names or source lines")
	}
	getJSONOK(t, e, "/api/v1/compare?keys=09162,09184&indicators=unemployment_rate,gisd_score&format=csv", nil)
	var dist struct {
		Formula string `json:"formula"`
		KS      struct {
			KeyYear   int `json:"key_year"`
			YearOfUse int `json:"year_of_use"`
		} `json:"ks"`
		DataVersion int64 `json:"data_version"`
		Regions     []struct {
			Key    string  `json:"key"`
			Share  float64 `json:"share"`
			DiffPP float64 `json:"diff_pp"`
		} `json:"regions"`
	}
	getJSONOK(t, e, "/api/v1/distribution?level=land&weights=population:1,vacancy_rate_zensus2022:1&arrivals=100000&ks_year=2016", &dist)
	if len(dist.Regions) != 16 || dist.KS.KeyYear != 2016 || dist.KS.YearOfUse != 2017 || dist.Formula == "" || dist.DataVersion == 0 {
		t.Errorf("distribution: %+v", dist)
	}
	var law struct {
		KS struct {
			KeyYear   *int `json:"key_year"`
			YearOfUse int  `json:"year_of_use"`
		} `json:"ks"`
	}
	getJSONOK(t, e, "/api/v1/distribution?level=kreis&land=09&weights=population:1,childcare_under3:1&arrivals=100000&ks_year=lukifg2025", &law)
	if law.KS.KeyYear != nil || law.KS.YearOfUse != 2025 {
		t.Errorf("LuKIFG key: %+v", law.KS)
	}
	getJSONOK(t, e, "/api/v1/index?level=kreis&weights=childcare_under3:2,vacancy_rate_zensus2022:1,unemployment_rate:1&method=zscore", nil)
	getJSONOK(t, e, "/api/v1/index?level=kreis&weights=childcare_under3:2,unemployment_rate:1&format=csv", nil)
	getJSONOK(t, e, "/api/v1/headroom?level=kreis&land=09&capacity=dwellings_vacant_zensus2022&key=model&weights=population:1&arrivals=100000", nil)
	for url, code := range map[string]int{
		"/api/v1/regions/9162":                                    400,
		"/api/v1/regions/99999":                                   404,
		"/api/v1/ranking?indicator=unemployment_rate&order=up":    400,
		"/api/v1/ranking?indicator=unemployment_rate&format=xlsx": 400,
		"/api/v1/compare?keys=":                                   400,
		"/api/v1/index?level=kreis&weights=population:1":          400,
		"/api/v1/distribution?weights=unemployment_rate:1":        400,
		"/api/v1/distribution?level=kreis&weights=population:1":   400,
		"/api/v1/headroom?capacity=kita_places&arrivals=1000":     400,
		"/api/v1/headroom?arrivals=-5":                            400,
		"/api/v1/distribution?weights=population:1&ks_year=1999":  400,
		"/api/v1/index?level=kreis&weights=nope:1":                404,
		"/api/v1/regions/09162?format=csv":                        400,
	} {
		if rec := get(t, e, url, nil); rec.Code != code || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("GET %s = %d %s, want %d", url, rec.Code, rec.Body.String(), code)
		}
	}
}

type ogcItems struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string `json:"id"`
		Properties struct {
			Key, Name string
		} `json:"properties"`
		Geometry struct {
			Type string `json:"type"`
		} `json:"geometry"`
	} `json:"features"`
	NumberMatched  int `json:"numberMatched"`
	NumberReturned int `json:"numberReturned"`
	Links          []struct {
		Href, Rel string
	} `json:"links"`
}

func (it ogcItems) link(rel string) string {
	for _, l := range it.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func TestOGCFeatures(t *testing.T) {
	e, _ := seededEcho(t)
	var landing struct {
		Links []struct{ Href, Rel string } `json:"links"`
	}
	getJSONOK(t, e, "/ogc", &landing)
	rels := map[string]bool{}
	for _, l := range landing.Links {
		rels[l.Rel] = true
	}
	if !rels["conformance"] || !rels["data"] || !rels["service-desc"] {
		t.Errorf("landing links %+v", landing.Links)
	}
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	getJSONOK(t, e, "/ogc/conformance", &conf)
	if !slices.Contains(conf.ConformsTo, ogcConfCore) || !slices.Contains(conf.ConformsTo, ogcConfGeoJSON) {
		t.Errorf("conformance %v", conf.ConformsTo)
	}
	var cols struct {
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	getJSONOK(t, e, "/ogc/collections", &cols)
	if len(cols.Collections) != 4 {
		t.Errorf("collections %+v", cols.Collections)
	}
	var page ogcItems
	rec := getJSONOK(t, e, "/ogc/collections/kreis/items", &page)
	if rec.Header().Get("Content-Type") != geoJSONType || page.NumberMatched != 400 || page.NumberReturned != 10 || len(page.Features) != 10 || page.link("next") == "" || page.link("prev") != "" {
		t.Fatalf("first page: matched %d returned %d links %+v", page.NumberMatched, page.NumberReturned, page.Links)
	}
	// Follow next links through all Kreise with 150 a page.
	seen := map[string]bool{}
	url := "/ogc/collections/kreis/items?limit=150"
	for pages := 0; url != ""; pages++ {
		var p ogcItems
		getJSONOK(t, e, url, &p)
		for _, f := range p.Features {
			if seen[f.ID] || f.Geometry.Type != "MultiPolygon" {
				t.Fatalf("feature %s twice or without geometry", f.ID)
			}
			seen[f.ID] = true
		}
		url = strings.TrimPrefix(p.link("next"), "http://example.com")
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 400 {
		t.Errorf("%d Kreise over all pages", len(seen))
	}
	// bbox around the Marienplatz: München (and nothing far away).
	getJSONOK(t, e, "/ogc/collections/kreis/items?bbox=11.57,48.13,11.58,48.14", &page)
	if page.NumberMatched != 1 || page.Features[0].ID != "09162" {
		t.Errorf("bbox Marienplatz: %d matched %+v", page.NumberMatched, page.Features)
	}
	getJSONOK(t, e, "/ogc/collections/gemeinde/items?limit=20000&offset=10990", &page)
	if page.NumberMatched != 10997 || page.NumberReturned != 7 || page.link("prev") == "" {
		t.Errorf("gemeinde tail: %d %d", page.NumberMatched, page.NumberReturned)
	}
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	getJSONOK(t, e, "/ogc/collections/kreis/items/09162", &f)
	if f.ID != "09162" || f.Properties.Name != "München" {
		t.Errorf("item %+v", f)
	}
	for url, code := range map[string]int{
		"/ogc/collections/bezirk":                    404,
		"/ogc/collections/kreis/items/99999":         404,
		"/ogc/collections/kreis/items?limit=0":       400,
		"/ogc/collections/kreis/items?bbox=1,2,3":    400,
		"/ogc/collections/kreis/items?foo=bar":       400,
		"/ogc/collections/kreis/items?f=html":        400,
		"/ogc/collections/kreis/items?bbox-crs=EPSG": 400,
	} {
		if rec := get(t, e, url, nil); rec.Code != code {
			t.Errorf("GET %s = %d, want %d", url, rec.Code, code)
		}
	}
}

// TestOGCWithGDAL reads the OGC API with GDAL's OAPIF driver, as QGIS
// does. It fails instead of skipping when CI=true and ogrinfo is missing
// (.ci/install-gdal.sh installs it).
func TestOGCWithGDAL(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo not found (run .ci/install-gdal.sh as root)")
		}
		t.Skip("ogrinfo not found; install gdal-bin to run this test")
	}
	e, _ := seededEcho(t)
	srv := httptest.NewServer(e)
	defer srv.Close()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(ogrinfo, args...)
		cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("ogrinfo %v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	src := "OAPIF:" + srv.URL + "/ogc"
	out := run("-ro", src)
	for _, layer := range []string{"land", "kreis", "vwg", "gemeinde"} {
		if !regexp.MustCompile(`(?m)^\d+: ` + layer + `\b`).MatchString(out) {
			t.Errorf("layer %s not listed:\n%s", layer, out)
		}
	}
	out = run("-ro", "-so", src, "kreis")
	if !strings.Contains(out, "Feature Count: 400") {
		t.Errorf("kreis summary:\n%s", out)
	}
	out = run("-ro", "-q", src, "kreis", "-where", "key = '09162'", "-fields=YES")
	if !strings.Contains(out, "München") {
		t.Errorf("feature 09162 not read by GDAL:\n%s", out)
	}
	t.Logf("GDAL read %s", src)
}

// goldenClock is a clock that reads 5 December 2026 when the tests start and
// runs on from there: answers that depend on the date (the "Stand 2016" age
// mark of data older than five years) stay the same in every year, and the
// service's version checks still see time pass.
func goldenClock() func() time.Time {
	start := time.Now()
	ref := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return ref.Add(time.Since(start)) }
}

// The catalogue says which normalisations apply to an indicator; the map
// query accepts exactly those (one rule: atlas.Normalizations).
func TestCatalogueNormalizeMatchesMapQuery(t *testing.T) {
	e, _ := seededEcho(t)
	var cat []struct {
		ID          string   `json:"id"`
		Count       bool     `json:"count"`
		Normalize   []string `json:"normalize"`
		DefaultYear int      `json:"default_year"`
	}
	getJSONOK(t, e, "/api/v1/indicators", &cat)
	want := map[string]struct {
		count bool
		norms string
	}{
		"population":           {true, "perkm2"},
		"dwellings_zensus2022": {true, "per1000,per100000,perkm2"},
		"unemployment_rate":    {false, ""},
	}
	seen := 0
	for _, ind := range cat {
		w, ok := want[ind.ID]
		if !ok {
			continue
		}
		seen++
		if ind.Count != w.count || strings.Join(ind.Normalize, ",") != w.norms {
			t.Errorf("%s: count %v normalize %v, want %v %q", ind.ID, ind.Count, ind.Normalize, w.count, w.norms)
		}
		for _, n := range []string{"per1000", "perkm2"} {
			url := fmt.Sprintf("/api/v1/values?level=kreis&indicator=%s&year=%d&normalize=%s", ind.ID, ind.DefaultYear, n)
			rec := get(t, e, url, nil)
			listed := slices.Contains(ind.Normalize, n)
			if listed && rec.Code != http.StatusOK || !listed && rec.Code != http.StatusBadRequest {
				t.Errorf("GET %s = %d (listed in the catalogue: %v) %s", url, rec.Code, listed, rec.Body.String())
			}
		}
	}
	if seen != len(want) {
		t.Errorf("catalogue has %d of the %d indicators checked", seen, len(want))
	}
}

// Every view follows the map's normalisation: the ranking and the
// comparison of a count per 1,000 inhabitants show the values, units and
// ranks the map shows (/values with the same normalize), rates stay as
// published, and Germany's value is Germany's count over Germany's
// population, not the published count.
func TestCompareAndRankingFollowTheMapsNormalization(t *testing.T) {
	type germanyValue struct {
		Value *float64 `json:"value"`
	}
	e, svc := seededEcho(t)
	ctx := context.Background()
	var mapv struct {
		Unit   string `json:"unit"`
		Values map[string]struct {
			Value *float64 `json:"value"`
		} `json:"values"`
	}
	getJSONOK(t, e, "/api/v1/values?level=kreis&indicator=dwellings_zensus2022&year=2022&normalize=per1000", &mapv)
	if !strings.Contains(mapv.Unit, "je 1.000 Einw.") || mapv.Values["09162"].Value == nil {
		t.Fatalf("map: unit %q, München %v", mapv.Unit, mapv.Values["09162"].Value)
	}
	var cmp struct {
		Indicators []struct {
			ID                string                   `json:"id"`
			Unit              string                   `json:"unit"`
			Decimals          int                      `json:"decimals"`
			Normalization     *atlas.NormalizationInfo `json:"normalization"`
			NormalizationNote string                   `json:"normalization_note"`
			Values            []struct {
				Key   string   `json:"key"`
				Year  *int     `json:"year"`
				Value *float64 `json:"value"`
				Rank  *int     `json:"rank"`
				Of    *int     `json:"of"`
			} `json:"values"`
			Germany *germanyValue `json:"germany"`
		} `json:"indicators"`
	}
	getJSONOK(t, e, "/api/v1/compare?keys=09162,09184,14713&indicators=dwellings_zensus2022,unemployment_rate,unemployed_foreigners&normalize=per1000", &cmp)
	if len(cmp.Indicators) != 3 {
		t.Fatalf("compare: %d indicators", len(cmp.Indicators))
	}
	ps, ur, uf := cmp.Indicators[0], cmp.Indicators[1], cmp.Indicators[2]
	// a count of 2017–2020 with populations of 2021 and 2023 only: published values, and why
	if uf.Normalization != nil || uf.NormalizationNote == "" || uf.Unit != "Personen" || uf.Values[0].Value == nil {
		t.Errorf("a count without a base year: %+v", uf)
	}
	if ps.ID != "dwellings_zensus2022" || ps.Unit != mapv.Unit || ps.Normalization == nil || ps.Normalization.Base != "population_zensus2022" || ps.Decimals != 1 {
		t.Errorf("compare row %s: unit %q (map %q), normalization %+v, decimals %d", ps.ID, ps.Unit, mapv.Unit, ps.Normalization, ps.Decimals)
	}
	if ur.ID != "unemployment_rate" || ur.Normalization != nil || strings.Contains(ur.Unit, "Einw.") {
		t.Errorf("a rate is compared as published: %+v", ur)
	}
	var rk struct {
		Indicator struct {
			Unit string `json:"unit"`
		} `json:"indicator"`
		Entries []struct {
			Key   string   `json:"key"`
			Rank  *int     `json:"rank"`
			Value *float64 `json:"value"`
		} `json:"entries"`
		Germany *germanyValue `json:"germany"`
	}
	getJSONOK(t, e, "/api/v1/ranking?level=kreis&indicator=dwellings_zensus2022&year=2022&normalize=per1000", &rk)
	if rk.Indicator.Unit != mapv.Unit {
		t.Errorf("ranking unit %q, map %q", rk.Indicator.Unit, mapv.Unit)
	}
	rankOf := map[string]int{}
	for _, x := range rk.Entries {
		if x.Rank != nil {
			rankOf[x.Key] = *x.Rank
		}
		if m := mapv.Values[x.Key].Value; (m == nil) != (x.Value == nil) || m != nil && *m != *x.Value {
			t.Errorf("ranking %s = %v, map %v", x.Key, x.Value, m)
		}
	}
	for _, v := range ps.Values {
		m := mapv.Values[v.Key].Value
		if v.Value == nil || m == nil || *v.Value != *m || v.Year == nil || *v.Year != 2022 {
			t.Errorf("compare %s = %v (%v), map %v", v.Key, v.Value, v.Year, m)
			continue
		}
		if v.Rank == nil || *v.Rank != rankOf[v.Key] {
			t.Errorf("compare rank of %s = %v, ranking %d", v.Key, v.Rank, rankOf[v.Key])
		}
	}
	// Germany: Germany's count over Germany's population of the same year
	// (the DG row where the source has one, else the sum of the Länder)
	germany := func(id string) float64 {
		if dg, _ := svc.Store().Values(ctx, id, atlas.LevelGermany, 2022); len(dg) == 1 {
			return dg[atlas.GermanyKey].Value
		}
		lands, _ := svc.Store().Values(ctx, id, atlas.LevelLand, 2022)
		if len(lands) != 16 {
			t.Fatalf("%s: %d Länder", id, len(lands))
		}
		total := 0.0
		for _, v := range lands {
			total += v.Value
		}
		return total
	}
	want := germany("dwellings_zensus2022") / germany("population_zensus2022") * 1000
	for _, g := range []*germanyValue{rk.Germany, ps.Germany} {
		if g == nil || g.Value == nil || math.Abs(*g.Value-want) > 1e-9 {
			t.Errorf("Germany per 1,000: %+v, by hand %v", g, want)
		}
	}
}
