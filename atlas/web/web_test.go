package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
	"github.com/standortatlas/standortatlas/tiles"
)

// failingStore answers Values with an error that carries SQL, which must
// never reach a client.
type failingStore struct{ atlas.Store }

func (failingStore) Values(context.Context, string, atlas.Level, int) (map[string]atlas.Value, error) {
	return nil, errors.New(`query values: SELECT key FROM observations WHERE secret = 1: disk I/O error`)
}

func newTestServer(t testing.TB, wrap func(atlas.Store) atlas.Store) http.Handler {
	t.Helper()
	return newTestServerWith(t, wrap, nil)
}

// newTestServerWith is newTestServer with changes to the dependencies.
func newTestServerWith(t testing.TB, wrap func(atlas.Store) atlas.Store, deps func(*Deps)) http.Handler {
	t.Helper()
	return newTestServerFull(t, wrap, tiles.Options{}, deps)
}

// newTestServerWithTiles is newTestServer with other tile options.
func newTestServerWithTiles(t testing.TB, wrap func(atlas.Store) atlas.Store, topt tiles.Options) http.Handler {
	t.Helper()
	return newTestServerFull(t, wrap, topt, nil)
}

func newTestServerFull(t testing.TB, wrap func(atlas.Store) atlas.Store, topt tiles.Options, deps func(*Deps)) http.Handler {
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
	var store atlas.Store = s
	if wrap != nil {
		store = wrap(s)
	}
	static := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>x</title>")}, "embed.html": {Data: []byte("<!doctype html><title>e</title>")}}
	svc := atlas.NewService(store, atlas.Options{})
	d := Deps{RequestTimeout: testRequestTimeout, Service: svc, Tiles: maptiles.New(svc, topt), Static: static, Logger: nil}
	if deps != nil {
		deps(&d)
	}
	e, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func get(t testing.TB, h http.Handler, url string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSecurityHeaders(t *testing.T) {
	h := newTestServer(t, nil)
	page := get(t, h, "/", nil)
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("/ CSP = %q", csp)
	}
	if page.Header().Get("X-Frame-Options") != "DENY" || page.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("/ headers = %v", page.Header())
	}
	embed := get(t, h, "/embed", nil)
	if csp := embed.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || embed.Header().Get("X-Frame-Options") != "" {
		t.Errorf("/embed must be frameable: CSP %q, XFO %q", csp, embed.Header().Get("X-Frame-Options"))
	}
	api := get(t, h, "/api/v1/indicators", nil)
	if api.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("read API without CORS: %v", api.Header())
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	h := newTestServer(t, func(s atlas.Store) atlas.Store { return failingStore{s} })
	rec := get(t, h, "/api/v1/choropleth?level=land&indicator=unemployment_rate&year=2019", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || strings.Contains(body, "SELECT") || strings.Contains(body, "observations") || !strings.Contains(body, `"error"`) {
		t.Errorf("500 answer = %d %s", rec.Code, body)
	}
}

func TestChoroplethCachingHeaders(t *testing.T) {
	h := newTestServer(t, nil)
	url := "/api/v1/choropleth?level=land&indicator=unemployment_rate&year=2019"
	first := get(t, h, url, map[string]string{"Accept-Encoding": "gzip"})
	if first.Code != 200 || first.Header().Get("Content-Encoding") != "gzip" || first.Header().Get("ETag") == "" {
		t.Fatalf("first = %d %v", first.Code, first.Header())
	}
	again := get(t, h, url, map[string]string{"If-None-Match": first.Header().Get("ETag")})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation = %d (%d bytes), want 304", again.Code, again.Body.Len())
	}
	plain := get(t, h, url, nil)
	b, _ := io.ReadAll(plain.Body)
	if plain.Header().Get("Content-Encoding") != "" || !strings.Contains(string(b), `"key":"09"`) {
		t.Errorf("plain answer: %v %.80s", plain.Header(), b)
	}
}

func TestErrorStatusesNameTheParameter(t *testing.T) {
	h := newTestServer(t, nil)
	tests := []struct {
		url   string
		code  int
		words string
	}{
		{"/api/v1/choropleth?level=land", 400, "indicator"},
		{"/api/v1/choropleth?level=land&indicator=DROP%20TABLE", 400, "indicator"},
		{"/api/v1/choropleth?level=land&indicator=unknown_one", 404, "unknown_one"},
		{"/api/v1/choropleth?level=land&indicator=unemployment_rate&classes=20", 400, "classes"},
		{"/api/v1/choropleth?level=land&indicator=unemployment_rate&method=magic", 400, "method"},
		{"/api/v1/boundaries?level=planet", 400, "level"},
		{"/static/../../etc/passwd", 404, ""},
		{"/nope", 404, ""},
	}
	for _, tt := range tests {
		rec := get(t, h, tt.url, nil)
		if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.words) {
			t.Errorf("GET %s = %d %s, want %d naming %q", tt.url, rec.Code, rec.Body.String(), tt.code, tt.words)
		}
	}
}

func TestWritesAreRateLimited(t *testing.T) {
	h := newTestServer(t, nil)
	codes := map[int]int{}
	for i := 0; i < 25; i++ {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/imports?format=canonical", strings.NewReader("key,indicator,period,value\n"))
		req.Header.Set("Authorization", "Bearer guessed-token")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		codes[rec.Code]++
	}
	if codes[http.StatusUnauthorized] < 20 || codes[http.StatusTooManyRequests] < 3 || codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != 25 {
		t.Errorf("25 quick writes with a wrong token: %v, want about 20 × 401 (the burst), then 429", codes)
	}
}

// FuzzQueryParameters sends arbitrary query strings to the read API on the
// real seed data (so that index, distribution and headroom arithmetic is
// reached): every answer is a 2xx, 304 or a 4xx with a JSON error, never a
// 5xx or a panic, and every JSON answer is valid JSON (no NaN or Inf).
// Seeds: the golden answers' real requests and the inputs of issue 15.
// The seeds are imported once per `go test` process; fuzz workers open a
// copy of that store (shareSeededStore).
func FuzzQueryParameters(f *testing.F) {
	h, _ := seededEcho(f)
	shareSeededStore(f)
	routes := []string{"/api/v1/choropleth", "/api/v1/values", "/api/v1/histogram", "/api/v1/ranking", "/api/v1/compare", "/api/v1/index",
		"/api/v1/distribution", "/api/v1/headroom", "/api/v1/boundaries", "/api/v1/places", "/api/v1/export", "/ogc/collections/land/items", "/api/v1/regions/09"}
	seeds := []string{"level=land&indicator=unemployment_rate&year=2019", "level=land&indicator=unemployment_rate&method=manual&breaks=3,4,5",
		"keys=09,11&format=csv", "bbox=5,47,15,55&limit=1&offset=3", "weights=unemployment_rate:1&level=land", "level=land&indicator=unemployment_rate&classes=-1",
		"level=%ff&indicator=%00", "breaks=1e309,NaN", "year=99999999999999999999",
		"level=land&weights=population:1,vacancy_rate_zensus2022:1&arrivals=100000&perturb=NaN", "level=kreis&weights=childcare_under3:1e308",
		"level=land&capacity=childcare_places&arrivals=100000&key=model&weights=population:1"}
	for _, q := range goldenQueries {
		path, query, _ := strings.Cut(q.url, "?")
		if i := slices.Index(routes, path); i >= 0 {
			f.Add(uint8(i), query)
		} else {
			seeds = append(seeds, query)
		}
	}
	for _, seed := range seeds {
		for i := range routes {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		url := routes[int(route)%len(routes)] + "?" + query
		req, err := http.NewRequest(http.MethodGet, "http://atlas.test"+url, nil)
		if err != nil {
			t.Skip()
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s = %d %s", url, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Fatalf("GET %s = %d without an error message: %s", url, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Header().Get("Content-Type"), "json") && rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET %s: invalid JSON: %.300s", url, rec.Body.String())
		}
	})
}

// FuzzTilePaths requests arbitrary tile paths (levels, zooms, coordinates,
// suffixes, parameters): never a 5xx or a panic.
func FuzzTilePaths(f *testing.F) {
	h := newTestServer(f, nil)
	for _, seed := range [][4]string{{"land", "5", "16", "10.mvt"}, {"kreis", "0", "0", "0.mvt"}, {"places", "10", "544", "355.mvt"}, {"land", "14", "16383", "16383.mvt"},
		{"land", "15", "0", "0.mvt"}, {"land", "-1", "0", "0.mvt"}, {"gemeinde", "3", "9", "1.png"}, {"land.json", "", "", ""}, {"land", "4", "18446744073709551615", "1.mvt?indicator=unemployment_rate&year=2019"}} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, level, z, x, y string) {
		path := "/tiles/" + url.PathEscape(level) + "/" + url.PathEscape(z) + "/" + url.PathEscape(x) + "/" + y
		req, err := http.NewRequest(http.MethodGet, "http://atlas.test"+path, nil)
		if err != nil {
			t.Skip()
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body.String())
		}
	})
}

// The base URL of every answer that names its own URLs follows one rule
// (issue 15, item 2): X-Forwarded-Proto/Host are honoured only from a
// trusted proxy, like X-Forwarded-For; from any other peer a forged host
// appears nowhere. A malformed host is ignored even from a proxy.
func TestBaseURLOneRule(t *testing.T) {
	// httptest requests come from 192.0.2.1
	_, proxy, _ := net.ParseCIDR("192.0.2.0/24")
	_, elsewhere, _ := net.ParseCIDR("10.0.0.0/8")
	behind := newTestServerWith(t, nil, func(d *Deps) { d.TrustedProxies = []*net.IPNet{proxy} })
	untrusted := newTestServerWith(t, nil, func(d *Deps) { d.TrustedProxies = []*net.IPNet{elsewhere} })
	direct := newTestServer(t, nil)
	forged := map[string]string{"X-Forwarded-Host": "atlas.example.org", "X-Forwarded-Proto": "https"}
	for _, path := range []string{"/ogc", "/ogc/collections/land/items?limit=1", "/tiles/land.json", "/tiles/places.json"} {
		rec := get(t, behind, path, forged)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "https://atlas.example.org/") || strings.Contains(rec.Body.String(), "example.com") {
			t.Errorf("%s behind a trusted proxy: %d %.300s", path, rec.Code, rec.Body.String())
		}
		for name, h := range map[string]http.Handler{"no trusted proxies": direct, "an untrusted peer": untrusted} {
			rec = get(t, h, path, forged)
			if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "atlas.example.org") || strings.Contains(rec.Body.String(), "https://") ||
				!strings.Contains(rec.Body.String(), "http://example.com/") {
				t.Errorf("%s, forwarding headers from %s: %d %.300s", path, name, rec.Code, rec.Body.String())
			}
		}
		rec = get(t, behind, path, map[string]string{"X-Forwarded-Host": "evil.example/<script>"})
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "evil") || !strings.Contains(rec.Body.String(), "http://example.com/") {
			t.Errorf("%s with a malformed forwarded host: %d %.300s", path, rec.Code, rec.Body.String())
		}
	}
}

// A tile with a map query carries the classes of the same view as
// /api/v1/values, also for the extended options (manual breaks, scheme).
func TestTilePropertiesAreTheMapView(t *testing.T) {
	h := newTestServer(t, nil)
	query := "indicator=unemployment_rate&year=2019&breaks=5,6.5&scheme=PuOr"
	var vals struct {
		Values map[string]struct {
			Class *int    `json:"class"`
			Flag  *string `json:"flag"`
		} `json:"values"`
	}
	rec := get(t, h, "/api/v1/values?level=land&"+query, nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &vals); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("values: %d %v", rec.Code, err)
	}
	tj := get(t, h, "/tiles/land.json?"+query, nil)
	if !strings.Contains(tj.Body.String(), "breaks=5%2C6.5") || !strings.Contains(tj.Body.String(), "scheme=PuOr") {
		t.Errorf("TileJSON tile URLs lose the map query: %s", tj.Body.String())
	}
	rec = get(t, h, "/tiles/land/0/0/0.mvt?"+query, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("tile: %d %s", rec.Code, rec.Body.String())
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil || len(layers) != 1 {
		t.Fatalf("tile: %d layers, %v", len(layers), err)
	}
	n := 0
	for _, f := range layers[0].Features {
		key, _ := f.Properties["key"].(string)
		want, ok := vals.Values[key]
		if !ok {
			t.Errorf("tile feature %q is not in /values", key)
			continue
		}
		got, hasClass := f.Properties["class"].(float64)
		if (want.Class == nil) == hasClass || (hasClass && int(got) != *want.Class) {
			t.Errorf("%s: tile class %v, /values class %v", key, f.Properties["class"], want.Class)
		}
		n++
	}
	if n != 16 {
		t.Errorf("%d Länder in tile 0/0/0, want 16", n)
	}
	if bad := get(t, h, "/tiles/land/0/0/0.mvt?breaks=5", nil); bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "only with indicator") {
		t.Errorf("map options without indicator: %d %s", bad.Code, bad.Body.String())
	}
}

// testRequestTimeout replaces the 15 s default in tests: under the race
// detector on a loaded two-core machine a cold region profile can take
// longer, and no test here is about the deadline itself.
const testRequestTimeout = 5 * time.Minute

// HEAD (sent by caches and link checkers) answers every read route with the
// status and headers of GET and no body, over a real net/http server.
func TestHeadAnswersWithTheHeadersOfGet(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, nil))
	defer srv.Close()
	client := &http.Transport{DisableCompression: true} // sends Accept-Encoding as given
	defer client.CloseIdleConnections()
	query := "indicator=unemployment_rate&year=2019"
	for _, path := range []string{
		"/", "/embed", "/healthz", "/api/openapi.json",
		"/api/v1/indicators", "/api/v1/choropleth?level=land&" + query, "/api/v1/values?level=land&" + query,
		"/tiles/land.json", "/tiles/land.json?" + query,
		"/tiles/land/0/0/0.mvt", "/tiles/land/5/17/10.mvt?" + query, "/tiles/land/5/0/0.mvt",
		"/tiles/places.json", "/ogc/collections",
		"/tiles/nowhere.json", "/api/v1/choropleth?level=land&indicator=nothing",
	} {
		for _, enc := range []string{"", "gzip", "gzip;q=0"} {
			do := func(method string) (*http.Response, []byte) {
				req, _ := http.NewRequest(method, srv.URL+path, nil)
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				res, err := client.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res, b
			}
			g, body := do(http.MethodGet)
			h, hbody := do(http.MethodHead)
			if h.StatusCode != g.StatusCode || len(hbody) != 0 {
				t.Errorf("HEAD %s (%q): %d with %d bytes, GET %d", path, enc, h.StatusCode, len(hbody), g.StatusCode)
				continue
			}
			for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag", "Cache-Control", "X-Data-Version", "Vary", "Access-Control-Allow-Origin"} {
				if h.Header.Get(k) != g.Header.Get(k) {
					t.Errorf("HEAD %s (%q): %s %q, GET %q", path, enc, k, h.Header.Get(k), g.Header.Get(k))
				}
			}
			if g.StatusCode == http.StatusOK && g.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("GET %s (%q): Content-Length %q for %d bytes", path, enc, g.Header.Get("Content-Length"), len(body))
			}
		}
	}
}

// The one Accept-Encoding rule of every route.
func TestAcceptsGzip(t *testing.T) {
	e := echo.New()
	for h, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip": true, "GZIP": true, "br;q=1.0, gzip;q=0.8": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "*": true, "*;q=0": false, "identity": false, "x-gzip2": false, "deflate": false,
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(e.NewContext(req, httptest.NewRecorder())); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", h, got, want)
		}
	}
}

// A tile that left out properties to stay within the size limit says so in
// a header (readable across origins), and the TileJSON describes the rule.
func TestTrimmedTileSaysSo(t *testing.T) {
	h := newTestServerWithTiles(t, nil, tiles.Options{MaxTileBytes: 600})
	rec := get(t, h, "/tiles/land/0/0/0.mvt", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("X-Tile-Omitted") == "" || !strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), "X-Tile-Omitted") {
		t.Errorf("trimmed tile: %d, X-Tile-Omitted %q, exposed %q", rec.Code, rec.Header().Get("X-Tile-Omitted"), rec.Header().Get("Access-Control-Expose-Headers"))
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil || len(layers) != 1 || len(layers[0].Features) != 16 {
		t.Fatalf("trimmed tile: %v", err)
	}
	for _, f := range layers[0].Features {
		for _, p := range strings.Split(rec.Header().Get("X-Tile-Omitted"), ",") {
			if _, ok := f.Properties[p]; ok {
				t.Errorf("feature %v has %s, which the header says was left out", f.ID, p)
			}
		}
	}
	tj := get(t, h, "/tiles/land.json", nil)
	if !strings.Contains(tj.Body.String(), `"omitted_properties":"A tile whose uncompressed MVT would exceed 600 bytes`) || !strings.Contains(tj.Body.String(), "X-Tile-Omitted") {
		t.Errorf("TileJSON does not state the rule: %s", tj.Body.String())
	}
	full := get(t, newTestServer(t, nil), "/tiles/land/0/0/0.mvt", nil)
	if full.Code != http.StatusOK || full.Header().Get("X-Tile-Omitted") != "" {
		t.Errorf("untrimmed tile: %d, X-Tile-Omitted %q", full.Code, full.Header().Get("X-Tile-Omitted"))
	}
}
