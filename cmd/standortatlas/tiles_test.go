package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	gopmtiles "github.com/protomaps/go-pmtiles/pmtiles"
)

// get does a GET with headers and returns the response with its body read.
func get(t *testing.T, url string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type tileJSON struct {
	TileJSON     string     `json:"tilejson"`
	Tiles        []string   `json:"tiles"`
	Version      string     `json:"version"`
	Attribution  string     `json:"attribution"`
	Bounds       [4]float64 `json:"bounds"`
	MinZoom      int        `json:"minzoom"`
	MaxZoom      int        `json:"maxzoom"`
	DataVersion  int64      `json:"data_version"`
	VectorLayers []struct {
		ID     string            `json:"id"`
		Fields map[string]string `json:"fields"`
	} `json:"vector_layers"`
}

// The tile routes on the seeded store: TileJSON with absolute URLs behind a
// trusted proxy (the test client on 127.0.0.1), MVT with ETags and the two caching policies, 204 for empty tiles,
// errors, and choropleth values identical to /api/v1/choropleth.
func TestTilesOverHTTP(t *testing.T) {
	srv := startServerWith(t, []string{"-db", filepath.Join(t.TempDir(), "atlas.db"), "-trusted-proxies", "127.0.0.1"}, func(string) string { return "" })

	resp, b := get(t, srv.url+"/tiles/kreis.json", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "atlas.example.org"})
	var tj tileJSON
	if err := json.Unmarshal(b, &tj); err != nil || resp.StatusCode != 200 {
		t.Fatalf("tilejson: %d %s %v", resp.StatusCode, b, err)
	}
	v := tj.DataVersion
	if want := fmt.Sprintf("https://atlas.example.org/tiles/kreis/{z}/{x}/{y}.mvt?v=%d", v); tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != want {
		t.Errorf("tilejson %s: tiles %v, want [%s]", tj.TileJSON, tj.Tiles, want)
	}
	if tj.Version != fmt.Sprintf("1.%d.0", v) || tj.MinZoom != 0 || tj.MaxZoom != 14 || tj.Bounds[0] < 5.8 || tj.Bounds[3] > 55.1 {
		t.Errorf("tilejson version %s zooms %d–%d bounds %v", tj.Version, tj.MinZoom, tj.MaxZoom, tj.Bounds)
	}
	if tj.Attribution != "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)" {
		t.Errorf("attribution %q", tj.Attribution)
	}
	if len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "kreis" || tj.VectorLayers[0].Fields["name"] == "" {
		t.Errorf("vector_layers %+v", tj.VectorLayers)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("ETag") == "" {
		t.Errorf("tilejson headers %v", resp.Header)
	}
	_, b = get(t, srv.url+"/tiles/gemeinde.json?indicator=population&year=2023", nil)
	if err := json.Unmarshal(b, &tj); err != nil || !strings.HasPrefix(tj.Tiles[0], srv.url+"/tiles/gemeinde/{z}/{x}/{y}.mvt?v=") ||
		!strings.Contains(tj.Tiles[0], "indicator=population") || !strings.Contains(tj.Tiles[0], "year=2023") || tj.VectorLayers[0].Fields["value"] == "" {
		t.Errorf("tilejson with values: %s", b)
	}

	// A tile over central Germany, gzipped, cached for a year with the
	// current version, revalidated with its ETag.
	tileURL := fmt.Sprintf("%s/tiles/kreis/8/134/86.mvt?v=%d", srv.url, v)
	resp, gz := get(t, tileURL, map[string]string{"Accept-Encoding": "gzip"})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("tile: %d %v", resp.StatusCode, resp.Header)
	}
	etag := resp.Header.Get("ETag")
	raw := gunzip(t, gz)
	ls, err := mvt.Unmarshal(raw)
	if err != nil || len(ls) != 1 || ls[0].Name != "kreis" || len(ls[0].Features) < 5 {
		t.Fatalf("tile decodes to %v, %v", ls, err)
	}
	if resp, _ := get(t, tileURL, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
	resp, plain := get(t, srv.url+"/tiles/kreis/8/134/86.mvt", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(plain, raw) || resp.Header.Get("Cache-Control") != "public, max-age=60" || resp.Header.Get("ETag") != etag {
		t.Errorf("tile without v and gzip: %d %v, %d bytes", resp.StatusCode, resp.Header, len(plain))
	}
	if resp, _ := get(t, fmt.Sprintf("%s/tiles/kreis/8/134/86.mvt?v=%d", srv.url, v-1), nil); resp.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("stale v: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	if resp, b := get(t, srv.url+"/tiles/kreis/8/0/0.mvt", nil); resp.StatusCode != http.StatusNoContent || len(b) != 0 {
		t.Errorf("empty tile: %d, %d bytes", resp.StatusCode, len(b))
	}
	for path, want := range map[string]int{
		"/tiles/bezirk/0/0/0.mvt":                               404,
		"/tiles/kreis/3/4/2.png":                                404,
		"/tiles/bezirk.json":                                    404,
		"/tiles/kreis/15/0/0.mvt":                               400,
		"/tiles/kreis/3/8/0.mvt":                                400,
		"/tiles/kreis/3/a/0.mvt":                                400,
		"/tiles/kreis/4/8/5.mvt?year=2019":                      400,
		"/tiles/kreis/4/8/5.mvt?indicator=nope":                 404,
		"/tiles/kreis/4/8/5.mvt?indicator=population&year=1900": 400,
	} {
		if resp, b := get(t, srv.url+path, nil); resp.StatusCode != want || !strings.Contains(string(b), `"error"`) {
			t.Errorf("GET %s = %d %s, want %d with an error", path, resp.StatusCode, b, want)
		}
	}

	// Values and classes in the tiles are those of the choropleth.
	var fc struct {
		Features []struct {
			Properties struct {
				Key   string   `json:"key"`
				Value *float64 `json:"value"`
				Class *int     `json:"class"`
				Flag  *string  `json:"flag"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, srv.url+"/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019&method=jenks&classes=6", &fc)
	_, gz = get(t, srv.url+"/tiles/kreis/4/8/5.mvt?indicator=unemployment_rate&year=2019&method=jenks&classes=6", map[string]string{"Accept-Encoding": "gzip"})
	ls, err = mvt.Unmarshal(gunzip(t, gz))
	if err != nil {
		t.Fatal(err)
	}
	inTile := map[string]map[string]any{}
	for _, f := range ls[0].Features {
		inTile[f.Properties.MustString("key")] = f.Properties
	}
	if len(fc.Features) != 400 || len(inTile) != 400 {
		t.Fatalf("%d choropleth features, %d in the z4 tile", len(fc.Features), len(inTile))
	}
	for _, f := range fc.Features {
		p := inTile[f.Properties.Key]
		val, hasVal := p["value"].(float64)
		cls, hasCls := p["class"].(float64)
		flag, _ := p["flag"].(string)
		want := ""
		if f.Properties.Flag != nil {
			want = *f.Properties.Flag
		}
		if hasVal != (f.Properties.Value != nil) || (hasVal && val != *f.Properties.Value) ||
			hasCls != (f.Properties.Class != nil) || (hasCls && int(cls) != *f.Properties.Class) || flag != want {
			t.Errorf("%s: tile %v, choropleth value %v class %v flag %q", f.Properties.Key, p, f.Properties.Value, f.Properties.Class, want)
		}
	}

	// The densest tile with real values stays within 500 KB.
	resp, gz = get(t, srv.url+"/tiles/gemeinde/4/8/5.mvt?indicator=population&year=2023", map[string]string{"Accept-Encoding": "gzip"})
	if n := len(gunzip(t, gz)); resp.StatusCode != 200 || n > 500_000 {
		t.Errorf("Gemeinde z4 with population: %d, %d bytes uncompressed (%d gzipped)", resp.StatusCode, n, len(gz))
	} else {
		t.Logf("Gemeinde z4 with population: %d bytes uncompressed, %d gzipped", n, len(gz))
	}
}

// `standortatlas export pmtiles` writes an archive that go-pmtiles reads,
// with the very tiles the server serves.
func TestExportPMTiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atlas.db")
	srv := startServer(t, db)
	out := filepath.Join(dir, "kreise.pmtiles")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"export", "pmtiles", "-db", db, "-level", "kreis", "-minzoom", "0", "-maxzoom", "9", out},
		func(string) string { return "" }, &stdout, io.Discard); err != nil {
		t.Fatalf("export: %v", err)
	}
	t.Log(strings.TrimSpace(stdout.String()))

	pm, err := gopmtiles.NewServerWithBucket(gopmtiles.NewFileBucket(dir), "", log.New(io.Discard, "", 0), 64, "")
	if err != nil {
		t.Fatal(err)
	}
	pm.Start()
	for _, c := range [][3]int{{0, 0, 0}, {4, 8, 5}, {6, 33, 21}, {8, 134, 86}, {9, 275, 167}} {
		status, headers, data := pm.Get(context.Background(), fmt.Sprintf("/kreise/%d/%d/%d.mvt", c[0], c[1], c[2]))
		if status != 200 || headers["Content-Encoding"] != "gzip" {
			t.Fatalf("go-pmtiles %v: %d %v", c, status, headers)
		}
		_, served := get(t, fmt.Sprintf("%s/tiles/kreis/%d/%d/%d.mvt", srv.url, c[0], c[1], c[2]), map[string]string{"Accept-Encoding": "gzip"})
		if !bytes.Equal(gunzip(t, data), gunzip(t, served)) {
			t.Errorf("tile %v in the archive differs from the served one", c)
		}
	}
	if status, _, _ := pm.Get(context.Background(), "/kreise/8/0/0.mvt"); status == 200 {
		t.Error("empty tile in the archive")
	}
	status, _, meta := pm.Get(context.Background(), "/kreise/metadata")
	if status != 200 || !bytes.Contains(meta, []byte(`"id":"kreis"`)) || !bytes.Contains(meta, []byte("GeoBasis-DE / BKG")) {
		t.Errorf("metadata: %d %s", status, meta)
	}
	if err := run(context.Background(), []string{"export", "pmtiles", "-db", db, "-maxzoom", "15", out}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Error("maxzoom 15 accepted")
	}
}
