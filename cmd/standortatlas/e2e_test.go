package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// server is a running `standortatlas serve` on a seeded embedded store.
type server struct {
	url    string
	stdout *syncBuffer
	stop   func() error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer runs the serve command as a user would, on the store file db.
func startServer(t testing.TB, db string) *server {
	return startServerWith(t, []string{"-db", db}, func(string) string { return "" })
}

// startServerWith runs serve with more flags and an environment.
func startServerWith(t testing.TB, flags []string, getenv func(string) string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append(append([]string{"serve"}, flags...), "-addr", addr), getenv, out, io.Discard)
	}()
	s := &server{url: "http://" + addr, stdout: out}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-errc })
		return stopErr
	}
	t.Cleanup(func() { _ = s.stop() })
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
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
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server did not become healthy\n%s", out.String())
	return nil
}

func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// rawUnemployment reads the 2019 Kreis rates from the seed's raw GENESIS
// file with plain string handling, independent of the importer: column 12 is
// "Arbeitslosenquote bez. auf alle zivile Erwerbspersonen".
func rawUnemployment(t testing.TB) map[string]*float64 {
	t.Helper()
	f, err := os.Open("../../seeds/indicators/regionalstatistik_13211-02-05-4_kreise_2015-2020.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*float64{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ";")
		if len(fields) < 16 || fields[0] != "2019" || len(fields[1]) != 5 {
			continue
		}
		v, err := strconv.ParseFloat(strings.Replace(fields[11], ",", ".", 1), 64)
		if err != nil {
			out[fields[1]] = nil // special value
			continue
		}
		out[fields[1]] = &v
	}
	return out
}

type featureCollection struct {
	Features []struct {
		ID         string `json:"id"`
		Properties struct {
			Key   string   `json:"key"`
			Name  string   `json:"name"`
			Value *float64 `json:"value"`
			Class *int     `json:"class"`
		} `json:"properties"`
		Geometry struct {
			Type string `json:"type"`
		} `json:"geometry"`
	} `json:"features"`
	Legend struct {
		Breaks  []float64 `json:"breaks"`
		Colors  []string  `json:"colors"`
		Classes []struct {
			Lower, Upper float64
			Count        int
			Color        string
		} `json:"classes"`
	} `json:"legend"`
	Attribution []string `json:"attribution"`
}

func TestServeSeedsAndAnswersFromRealData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	srv := startServer(t, db)
	if !strings.Contains(srv.stdout.String(), "seeded") {
		t.Errorf("first start did not seed:\n%s", srv.stdout.String())
	}

	var inds []map[string]any
	getJSON(t, srv.url+"/api/v1/indicators", &inds)
	ids := map[string]map[string]any{}
	for _, ind := range inds {
		for _, field := range []string{"id", "title", "unit", "topic", "direction", "levels", "years", "source"} {
			if _, ok := ind[field]; !ok {
				t.Errorf("indicator %v lacks %q", ind["id"], field)
			}
		}
		ids[ind["id"].(string)] = ind
	}
	for _, id := range []string{"population", "area", "density", "share_foreign", "unemployment_rate", "youth_unemployment_rate", "childcare_under3",
		"share_no_degree", "rent_level", "vacancy_rate_zensus2022", "gp_density", "hospital_beds", "broadband_gigabit", "gisd_score", "tax_revenue_per_capita"} {
		if ids[id] == nil {
			t.Errorf("indicator %s missing from the catalogue", id)
		}
	}

	// The BKG boundaries: 16 Länder, 400 Kreise, 10,997 Gemeinde-level units
	// of which 207 gemeindefreie Gebiete, each with its Gebietsstand.
	var sources struct {
		Boundaries []struct {
			Level        string `json:"level"`
			Gebietsstand string `json:"gebietsstand"`
			Count        int    `json:"count"`
			SourceSRID   int    `json:"source_srid"`
		} `json:"boundaries"`
	}
	getJSON(t, srv.url+"/api/v1/sources", &sources)
	want := map[string]struct {
		count        int
		gebietsstand string
		srid         int
	}{"land": {16, "31.12.2024", 25832}, "kreis": {400, "31.12.2024", 25832}, "vwg": {4605, "01.01.2021", 31467}, "gemeinde": {10997, "01.01.2021", 31467}}
	for _, b := range sources.Boundaries {
		w := want[b.Level]
		if b.Count != w.count || b.Gebietsstand != w.gebietsstand || b.SourceSRID != w.srid {
			t.Errorf("boundary set %s: %d regions, Gebietsstand %s, EPSG:%d; want %d, %s, EPSG:%d", b.Level, b.Count, b.Gebietsstand, b.SourceSRID, w.count, w.gebietsstand, w.srid)
		}
		delete(want, b.Level)
	}
	if len(want) > 0 {
		t.Errorf("boundary sets missing: %v", want)
	}
	var gem struct {
		Features []struct {
			Properties struct {
				Gemeindefrei bool `json:"gemeindefrei"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, srv.url+"/api/v1/boundaries?level=gemeinde", &gem)
	frei := 0
	for _, f := range gem.Features {
		if f.Properties.Gemeindefrei {
			frei++
		}
	}
	if len(gem.Features) != 10997 || frei != 207 {
		t.Errorf("%d Gemeinde-level units with %d gemeindefreie Gebiete, want 10997 and 207", len(gem.Features), frei)
	}

	var fc featureCollection
	getJSON(t, srv.url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019", &fc)
	if len(fc.Features) != 400 {
		t.Fatalf("%d Kreis features, want 400", len(fc.Features))
	}
	raw := rawUnemployment(t)
	checked := 0
	for _, f := range fc.Features {
		if f.ID != f.Properties.Key || f.Geometry.Type != "MultiPolygon" {
			t.Errorf("feature %s: key %s geometry %s", f.ID, f.Properties.Key, f.Geometry.Type)
		}
		want, inRaw := raw[f.ID]
		switch {
		case f.ID == "02000" || f.ID == "11000":
			// City states: the raw file lists them as Land rows 02 and 11.
		case !inRaw:
			if f.Properties.Value != nil {
				t.Errorf("%s has value %v but no row in the raw file", f.ID, *f.Properties.Value)
			}
		case want == nil:
			if f.Properties.Value != nil {
				t.Errorf("%s: raw special value served as %v", f.ID, *f.Properties.Value)
			}
		default:
			if f.Properties.Value == nil || *f.Properties.Value != *want {
				t.Errorf("%s (%s): value %v, raw file %v", f.ID, f.Properties.Name, f.Properties.Value, *want)
			}
			checked++
		}
		if (f.Properties.Value == nil) != (f.Properties.Class == nil) {
			t.Errorf("%s: value %v but class %v", f.ID, f.Properties.Value, f.Properties.Class)
		}
	}
	if checked < 398 {
		t.Errorf("only %d Kreise compared with the raw file", checked)
	}
	for _, f := range fc.Features {
		if f.ID == "09162" && (f.Properties.Value == nil || *f.Properties.Value != 3.5 || f.Properties.Name != "München") {
			t.Errorf("München 2019: %+v, want 3.5 as in the raw file's row 2019;09162", f.Properties)
		}
	}
	if len(fc.Legend.Classes) != 5 || len(fc.Legend.Colors) != 5 || len(fc.Legend.Breaks) != 4 {
		t.Errorf("legend = %+v", fc.Legend)
	}
	total := 0
	for _, c := range fc.Legend.Classes {
		total += c.Count
	}
	if total != 400 {
		t.Errorf("legend counts sum to %d, want 400", total)
	}
	attr := strings.Join(fc.Attribution, " | ")
	if !strings.Contains(attr, "GeoBasis-DE / BKG") || !strings.Contains(attr, "Statistische Ämter") {
		t.Errorf("attribution %q lacks BKG or the statistical offices", attr)
	}

	// Errors name the parameter.
	for url, want := range map[string]int{
		"/api/v1/choropleth?level=kreis&indicator=nope":                        404,
		"/api/v1/choropleth?level=bezirk&indicator=unemployment_rate":          400,
		"/api/v1/choropleth?level=gemeinde&indicator=unemployment_rate":        400,
		"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=1990": 400,
		"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=abc":  400,
	} {
		resp, err := http.Get(srv.url + url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || !strings.Contains(string(b), `"error"`) {
			t.Errorf("GET %s = %d %s, want %d with an error message", url, resp.StatusCode, b, want)
		}
	}

	// The page and Leaflet come from our own origin.
	for _, p := range []string{"/", "/embed", "/static/lib/leaflet/leaflet.js", "/static/lib/leaflet/leaflet.css", "/static/js/main.js"} {
		resp, err := http.Get(srv.url + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", p, resp.StatusCode)
		}
		if p == "/" && (strings.Contains(string(b), "src=\"http") || strings.Contains(string(b), "href=\"http")) {
			t.Errorf("index.html loads something from another origin")
		}
	}

	// Places: the real Munich initiatives, with their licence, and counts
	// per Kreis only where the source covers the Kreis.
	var places struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
		Attribution []string `json:"attribution"`
	}
	getJSON(t, srv.url+"/api/v1/places?category=initiative&bbox=11.0,47.8,12.2,48.5", &places)
	if len(places.Features) < 40 || len(places.Attribution) != 1 || !strings.Contains(places.Attribution[0], "ODbL") {
		t.Errorf("places around Munich: %d, attribution %v", len(places.Features), places.Attribution)
	}
	var counts featureCollection
	getJSON(t, srv.url+"/api/v1/choropleth?level=kreis&indicator=places_initiative_count", &counts)
	valued := 0
	for _, f := range counts.Features {
		if f.Properties.Value != nil {
			valued++
		}
		if f.ID == "09181" && f.Properties.Value != nil {
			t.Errorf("Landsberg am Lech (not covered by the source) has a count %v", *f.Properties.Value)
		}
	}
	if valued != 10 {
		t.Errorf("%d Kreise with an initiatives count, want the 10 the source covers", valued)
	}

	// Operations: readiness once the geometry is built, Prometheus metrics.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(srv.url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d after 30 s", resp.StatusCode)
		}
		time.Sleep(200 * time.Millisecond)
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, series := range []string{`standortatlas_http_requests_total{code="200",method="GET",route="/api/v1/choropleth"}`, "standortatlas_cache_hits_total", "standortatlas_http_request_duration_seconds_bucket"} {
		if !strings.Contains(string(metricsText), series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	// A backup can be taken while the server runs.
	backup := filepath.Join(t.TempDir(), "backup.db")
	var bout bytes.Buffer
	if err := run(context.Background(), []string{"backup", "-db", db, backup}, func(string) string { return "" }, &bout, io.Discard); err != nil {
		t.Errorf("backup while serving: %v", err)
	}

	// Restart: the data is kept, no second seeding.
	if err := srv.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	start := time.Now()
	srv2 := startServer(t, db)
	if strings.Contains(srv2.stdout.String(), "seeding") {
		t.Errorf("second start seeded again:\n%s", srv2.stdout.String())
	}
	t.Logf("restart until healthy: %s", time.Since(start))
	var fc2 featureCollection
	getJSON(t, srv2.url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019", &fc2)
	if len(fc2.Features) != 400 {
		t.Errorf("after restart: %d features", len(fc2.Features))
	}
}

func TestRunCommands(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, io.Discard); err != nil || !strings.Contains(out.String(), "standortatlas") {
		t.Errorf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
	err := run(context.Background(), []string{"serve", "-request-timeout", "-1s"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "request-timeout") {
		t.Errorf("bad flag: %v", err)
	}
}
