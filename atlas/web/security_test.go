package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// writeAttempts sends n requests to a write route, each claiming another
// client address in X-Forwarded-For and X-Real-IP, from peer, and returns
// the status codes.
func writeAttempts(h http.Handler, peer string, n int) map[int]int {
	codes := map[int]int{}
	for i := 0; i < n; i++ {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
		req.RemoteAddr = peer + ":40000"
		forged := fmt.Sprintf("203.0.113.%d", i+1)
		req.Header.Set("X-Forwarded-For", forged)
		req.Header.Set("X-Real-IP", forged)
		req.Header.Set("Authorization", "Bearer sat_guess")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		codes[rec.Code]++
	}
	return codes
}

// Issue 15, item 2: forwarding headers are believed only from configured
// proxies. Without any, thirty guesses with thirty forged addresses come
// from one peer and hit the write rate limit (burst 20); the log names the
// real peer.
func TestForwardedForTrustedOnlyFromProxies(t *testing.T) {
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	h := newTestServerWith(t, nil, func(d *Deps) { d.Logger = logger })
	codes := writeAttempts(h, "198.51.100.7", 30)
	if codes[http.StatusTooManyRequests] != 10 || codes[http.StatusUnauthorized] != 20 {
		t.Errorf("forged X-Forwarded-For without trusted proxies: %v, want 20×401 then 10×429", codes)
	}
	if strings.Contains(log.String(), "203.0.113.") || !strings.Contains(log.String(), `"remote":"198.51.100.7"`) || !strings.Contains(log.String(), `"peer":"198.51.100.7"`) {
		t.Errorf("the log believes the forged address:\n%.600s", log.String())
	}

	// Behind a trusted proxy the forwarded client counts (and is logged
	// beside the proxy); a peer outside the trusted range is not believed.
	_, proxies, _ := net.ParseCIDR("10.1.0.0/16")
	log.Reset()
	h = newTestServerWith(t, nil, func(d *Deps) { d.Logger, d.TrustedProxies = logger, []*net.IPNet{proxies} })
	if codes := writeAttempts(h, "10.1.2.3", 30); codes[http.StatusTooManyRequests] != 0 || codes[http.StatusUnauthorized] != 30 {
		t.Errorf("30 clients behind a trusted proxy: %v, want 30×401", codes)
	}
	if !strings.Contains(log.String(), `"remote":"203.0.113.30","peer":"10.1.2.3"`) {
		t.Errorf("log behind the proxy:\n%.600s", log.String())
	}
	if codes := writeAttempts(h, "10.2.0.1", 30); codes[http.StatusTooManyRequests] != 10 {
		t.Errorf("peer outside the trusted range: %v, want 10×429", codes)
	}
}

// Issue 15, item 6: every numeric query parameter refuses NaN, Inf and
// out-of-range values with a 400 that names the parameter (the parsers of
// params.go), so that no NaN reaches the arithmetic or the JSON encoder.
func TestNumericParametersRefuseNonFinite(t *testing.T) {
	h := newTestServer(t, nil)
	dist := "/api/v1/distribution?level=land&weights=unemployment_rate:1&arrivals=1000"
	cases := map[string]string{
		dist + "&perturb=NaN":  "perturb",
		dist + "&perturb=+Inf": "perturb",
		dist + "&perturb=-0.5": "perturb",
		dist + "&perturb=1e9":  "perturb",
		"/api/v1/distribution?level=land&weights=unemployment_rate:1&arrivals=NaN":           "arrivals",
		"/api/v1/distribution?level=land&weights=unemployment_rate:1&arrivals=-Inf":          "arrivals",
		"/api/v1/distribution?level=land&weights=unemployment_rate:1&arrivals=1e10":          "arrivals",
		"/api/v1/headroom?level=land&capacity=unemployment_rate&arrivals=NaN":                "arrivals",
		"/api/v1/index?level=land&weights=unemployment_rate:1e308":                           "weights",
		"/api/v1/index?level=land&weights=unemployment_rate:NaN":                             "weights",
		"/api/v1/index?level=land&weights=unemployment_rate:Inf":                             "weights",
		"/api/v1/index?level=land&weights=unemployment_rate:0":                               "weights",
		"/api/v1/index?level=land&weights=unemployment_rate:1&years=unemployment_rate:NaN":   "years",
		"/api/v1/distribution?level=land&weights=unemployment_rate:1&arrivals=1&years=x:1e9": "years",
		"/api/v1/choropleth?indicator=unemployment_rate&level=land&breaks=1,NaN":             "breaks",
		"/api/v1/choropleth?indicator=unemployment_rate&level=land&breaks=1,Inf":             "breaks",
		"/api/v1/choropleth?indicator=unemployment_rate&level=land&year=NaN":                 "year",
		"/api/v1/choropleth?indicator=unemployment_rate&level=land&classes=1e3":              "classes",
		"/api/v1/histogram?indicator=unemployment_rate&level=land&bins=Inf":                  "bins",
		"/ogc/collections/land/items?bbox=NaN,47,15,55":                                      "bbox",
		"/ogc/collections/land/items?limit=-1":                                               "limit",
	}
	for url, param := range cases {
		rec := get(t, h, url, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "parameter "+param+"=") {
			t.Errorf("%s: %d %.200s, want 400 naming %s", url, rec.Code, rec.Body.String(), param)
		}
	}
	// A 60 KB value is not echoed back.
	long := strings.Repeat("x", 60000)
	if rec := get(t, h, "/api/v1/index?level=land&weights="+long, nil); rec.Code != http.StatusBadRequest || rec.Body.Len() > 500 {
		t.Errorf("long weights: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}

// Issue 15, item 5: work cut off by the request timeout is a 503 (the
// client may retry), not a 500, whatever words the failing step uses (an
// import whose reader or store says "interrupted").
func TestTimeoutIs503(t *testing.T) {
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	h := newTestServerWith(t, func(s atlas.Store) atlas.Store {
		if _, err := s.(atlas.TokenStore).CreateToken(context.Background(), atlas.Token{Name: "Destatis", Keys: []string{"*"}, Indicators: []string{"*"}}, hash); err != nil {
			t.Fatal(err)
		}
		return s
	}, func(d *Deps) {
		d.RequestTimeout = 50 * time.Millisecond
		d.Ingest.Import = func(ctx context.Context, req atlas.ImportRequest) (atlas.ImportResult, error) {
			<-ctx.Done()
			return atlas.ImportResult{}, errors.New("inflate: interrupted")
		}
	})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/imports?format=ffcsv", strings.NewReader("PK"))
	req.Header.Set("Authorization", "Bearer "+secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "interrupted") {
		t.Errorf("timed-out import: %d %s", rec.Code, rec.Body.String())
	}
}

// Issue 15, item 7: requests refused for their token are handed to the
// audit log (ingest.Intake.Refused in the server): no token and an unknown
// token (401, actor: the client's address), a token without the admin
// scope reading the audit log (403, actor: the token).
func TestRefusedRequestsAreAudited(t *testing.T) {
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	h := newTestServerWith(t, func(s atlas.Store) atlas.Store {
		if _, err := s.(atlas.TokenStore).CreateToken(context.Background(), atlas.Token{Name: "LfStat Bayern", Keys: []string{"09"}, Indicators: []string{"*"}}, hash); err != nil {
			t.Fatal(err)
		}
		return s
	}, func(d *Deps) {
		d.Ingest.Refused = func(_ context.Context, e atlas.AuditEntry, cause error) {
			got = append(got, fmt.Sprintf("%s %s %s: %v", e.Action, e.Actor, e.Detail, cause))
		}
	})
	for _, bearer := range []string{"", "sat_guess", secret} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
		req.RemoteAddr = "198.51.100.7:40000"
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	want := []string{
		"access client:198.51.100.7 GET /api/v1/audit: no bearer token",
		"access client:198.51.100.7 GET /api/v1/audit: unknown or revoked token",
		`access token:1 (LfStat Bayern) GET /api/v1/audit: token "LfStat Bayern" lacks the admin scope`,
	}
	if len(got) != len(want) {
		t.Fatalf("audited %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("entry %d = %q, want %q…", i, got[i], want[i])
		}
	}
}

// Issue 15, item 11: the public read routes answer a browser's CORS
// preflight (OPTIONS, e.g. for a custom header of a journalist's page)
// with the origin, methods and headers a browser needs; the write routes
// give no cross-origin permission (echo's own OPTIONS answer lacks them).
func TestPreflightForReadRoutesOnly(t *testing.T) {
	h := newTestServer(t, nil)
	preflight := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, path, nil)
		req.Header.Set("Origin", "https://zeitung.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "X-Requested-With, X-Embed-Id")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, path := range []string{"/api/v1/choropleth?indicator=unemployment_rate", "/api/v1/indicators", "/api/v1/regions/09", "/tiles/land/5/17/11.mvt", "/ogc/collections"} {
		rec := preflight(path)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "GET") || rec.Header().Get("Access-Control-Allow-Headers") != "X-Requested-With, X-Embed-Id" {
			t.Errorf("OPTIONS %s: %d %v", path, rec.Code, rec.Header())
		}
	}
	for _, path := range []string{"/api/v1/imports", "/api/v1/audit"} {
		if rec := preflight(path); rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Access-Control-Allow-Headers") != "" {
			t.Errorf("OPTIONS %s (write side): %d %v", path, rec.Code, rec.Header())
		}
	}
}

// Issue 15, item 12: error texts speak of the user's input, without Go
// type names, and do not echo large input.
func TestErrorTextsShortAndWithoutGoNames(t *testing.T) {
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	h := newTestServerWith(t, func(s atlas.Store) atlas.Store {
		if _, err := s.(atlas.TokenStore).CreateToken(context.Background(), atlas.Token{Name: "Flüchtlingsrat", Keys: []string{"09"}, Indicators: []string{"*"}}, hash); err != nil {
			t.Fatal(err)
		}
		return s
	}, func(d *Deps) {
		d.Ingest.SubmitPlace = func(context.Context, placeimport.Submission, string, *atlas.Token) (atlas.Place, error) {
			return atlas.Place{}, errors.New("not reached")
		}
	})
	big := strings.Repeat("A", 60000)
	for body, want := range map[string]string{
		`{"name":"Helferkreis","lat":"48.1","lon":11.5}`: `member \"lat\" must be a number, not string`,
		`{"name":"` + big + `","lat":1,"lon":`:           "cut off",
		`{"nam` + big + `":1}`:                           "unknown member",
		`[1,2]`:                                          "must be an object",
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/places", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		msg := rec.Body.String()
		if rec.Code != http.StatusBadRequest || strings.Contains(msg, "Go struct") || strings.Contains(msg, "Submission") || strings.Contains(msg, "float64") || len(msg) > 600 || !strings.Contains(msg, want) {
			t.Errorf("%.60s…: %d %.300s (%d bytes), want %q", body, rec.Code, msg, len(msg), want)
		}
	}
}

// A cached tile is answered without a deadline (CachedTile takes none); a
// tile that is not cached is rendered under the request's deadline
// (ownDeadline, withDeadline), and rendering cut off by it is a 503, as on
// every other route.
func TestTileDeadlineOnlyWhenRendered(t *testing.T) {
	var rec *recordingTiles
	h := newTestServerWith(t, nil, func(d *Deps) {
		d.RequestTimeout = time.Minute
		rec = &recordingTiles{TileSet: d.Tiles}
		d.Tiles = rec
	})
	first := get(t, h, "/tiles/land/5/16/10.mvt", nil)
	again := get(t, h, "/tiles/land/5/16/10.mvt", nil)
	if first.Code != http.StatusOK || again.Code != http.StatusOK || first.Header().Get("ETag") != again.Header().Get("ETag") || !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) {
		t.Fatalf("tile: %d %d, ETags %q %q", first.Code, again.Code, first.Header().Get("ETag"), again.Header().Get("ETag"))
	}
	if want := "cached:false render:1m cached:true"; strings.Join(rec.calls, " ") != want {
		t.Errorf("calls %q, want %q (found in the cache; deadline of a render, rounded)", strings.Join(rec.calls, " "), want)
	}

	rec.calls, rec.block = nil, true
	h = newTestServerWith(t, nil, func(d *Deps) {
		d.RequestTimeout = 50 * time.Millisecond
		d.Tiles = rec
	})
	if res := get(t, h, "/tiles/land/6/33/21.mvt", nil); res.Code != http.StatusServiceUnavailable {
		t.Errorf("render cut off by the deadline: %d %s", res.Code, res.Body.String())
	}
}

// recordingTiles records the deadline each call of a TileSet sees; block
// makes rendering wait until its context ends.
type recordingTiles struct {
	atlas.TileSet
	calls []string
	block bool
}

func deadlineOf(ctx context.Context) string {
	d, ok := ctx.Deadline()
	if !ok {
		return "none"
	}
	return time.Until(d).Round(time.Minute).String()[:2]
}

func (r *recordingTiles) CachedTile(l atlas.Level, z int, x, y uint32, q *atlas.MapQuery) (atlas.Tile, bool, error) {
	t, ok, err := r.TileSet.CachedTile(l, z, x, y, q)
	r.calls = append(r.calls, fmt.Sprintf("cached:%v", ok))
	return t, ok, err
}

func (r *recordingTiles) Tile(ctx context.Context, l atlas.Level, z int, x, y uint32, q *atlas.MapQuery) (atlas.Tile, error) {
	r.calls = append(r.calls, "render:"+deadlineOf(ctx))
	if r.block {
		<-ctx.Done()
		return atlas.Tile{}, fmt.Errorf("render: %w", ctx.Err())
	}
	return r.TileSet.Tile(ctx, l, z, x, y, q)
}

// The middleware chain is composed once per route (routes.go): what the
// router answers itself — an unknown path (404), a method the path does
// not have (405), OPTIONS on a route without a preflight — must still pass
// the same chain: security headers, forwarding headers stripped, a log
// line and a metric.
func TestRouterAnswersPassTheChain(t *testing.T) {
	var log bytes.Buffer
	h := newTestServerWith(t, nil, func(d *Deps) { d.Logger = slog.New(slog.NewJSONHandler(&log, nil)) })
	for _, c := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{http.MethodGet, "/no/such/page", http.StatusNotFound, ""},
		{http.MethodDelete, "/tiles/kreis/5/16/10.mvt", http.StatusMethodNotAllowed, "GET"},
		{http.MethodPut, "/api/v1/indicators", http.StatusMethodNotAllowed, "GET"},
		{http.MethodOptions, "/api/v1/audit", http.StatusNoContent, "GET"},
	} {
		log.Reset()
		req := httptest.NewRequest(c.method, c.path, nil)
		req.RemoteAddr = "198.51.100.9:4000"
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.code {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.code)
		}
		if c.allow != "" && !strings.Contains(rec.Header().Get("Allow"), c.allow) {
			t.Errorf("%s %s: Allow %q, want %s in it", c.method, c.path, rec.Header().Get("Allow"), c.allow)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s: no security headers: %v", c.method, c.path, rec.Header())
		}
		line := log.String()
		if !strings.Contains(line, `"method":"`+c.method+`"`) || !strings.Contains(line, fmt.Sprintf(`"status":%d`, c.code)) || !strings.Contains(line, `"remote":"198.51.100.9"`) {
			t.Errorf("%s %s: log line %q", c.method, c.path, line)
		}
	}
	metrics := get(t, h, "/metrics", nil).Body.String()
	if !strings.Contains(metrics, `code="405",method="DELETE"`) || !strings.Contains(metrics, `code="404",method="GET"`) {
		t.Errorf("router answers not counted:\n%s", grepLines(metrics, "standortatlas_http_requests_total"))
	}
}

// Every request writes one log line with the same eight fields at the top
// level, in JSON and in text; the fields' holder is used again for the
// next request (requestLine), so each line must carry its own request's
// values and nothing of the one before.
func TestRequestLogLine(t *testing.T) {
	var jsonLog, textLog bytes.Buffer
	both := slog.New(fanout{slog.NewJSONHandler(&jsonLog, nil), slog.NewTextHandler(&textLog, nil)})
	h := newTestServerWith(t, nil, func(d *Deps) { d.Logger = both })
	for _, c := range []struct {
		path, route string
		code        int
	}{
		{"/tiles/land/5/16/10.mvt?v=1", "/tiles/:level/:z/:x/:y", http.StatusOK},
		{"/no/such/page", "unmatched", http.StatusNotFound},
		{"/tiles/land/5/16/10.mvt", "/tiles/:level/:z/:x/:y", http.StatusOK},
	} {
		jsonLog.Reset()
		textLog.Reset()
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.RemoteAddr = "198.51.100.9:4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.code {
			t.Fatalf("%s: %d, want %d", c.path, rec.Code, c.code)
		}
		var line map[string]any
		if err := json.Unmarshal(jsonLog.Bytes(), &line); err != nil {
			t.Fatalf("%s: log line %q: %v", c.path, jsonLog.String(), err)
		}
		path, _, _ := strings.Cut(c.path, "?")
		want := map[string]any{"level": "INFO", "msg": "request", "method": "GET", "path": path, "route": c.route,
			"status": float64(c.code), "bytes": float64(rec.Body.Len()), "remote": "198.51.100.9", "peer": "198.51.100.9"}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("%s: log field %s = %v, want %v (line %s)", c.path, k, line[k], v, jsonLog.String())
			}
		}
		if us, ok := line["us"].(float64); !ok || us < 0 || us != float64(int64(us)) {
			t.Errorf("%s: log field us = %v, want whole microseconds (line %s)", c.path, line["us"], jsonLog.String())
		}
		if len(line) != len(want)+2 { // and time, us
			t.Errorf("%s: %d log fields, want %d: %s", c.path, len(line), len(want)+2, jsonLog.String())
		}
		text := textLog.String()
		for _, f := range []string{"msg=request method=GET path=" + path + " route=" + c.route, fmt.Sprintf("status=%d bytes=%d us=", c.code, rec.Body.Len()), "remote=198.51.100.9 peer=198.51.100.9\n"} {
			if !strings.Contains(text, f) {
				t.Errorf("%s: text log line %q lacks %q", c.path, text, f)
			}
		}
	}
}

// fanout hands every record to each of its handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool { return f[0].Enabled(ctx, l) }
func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}
func (f fanout) WithAttrs([]slog.Attr) slog.Handler { return f }
func (f fanout) WithGroup(string) slog.Handler      { return f }

// A cached tile through the whole route (echo, the chain, the handler)
// allocates nothing, as BenchmarkCachedTileRequest reports, with the JSON
// log of serve too. This keeps the chain composed once per route (20
// allocations when echo wrapped every middleware per request), the tile's
// header values made with the tile (numbers formatted only without them),
// a query of only ?v= unparsed, the status label made once, the log line's
// fields in a reused holder and the deadline put only on rendering.
func TestCachedTileAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts under the race detector are its own; make test runs this package without it too")
	}
	h := newTestServerWith(t, nil, func(d *Deps) { d.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) })
	req := httptest.NewRequest(http.MethodGet, "/tiles/land/5/16/10.mvt?v=1", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.code != http.StatusOK {
		t.Fatalf("tile: %d", w.code)
	}
	allocs := testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, req)
	})
	if allocs > 0 {
		t.Errorf("a cached tile request allocates %.0f times, want none", allocs)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Tile URLs that carry only the data version (?v=) are answered without
// parsing the query (rawParam, tileMapQuery); any other parameter, or one
// written with escapes, takes the full parse and its checks.
func TestTileQueryWithoutParse(t *testing.T) {
	for _, c := range []struct {
		raw   string
		onlyV bool
		v     string
	}{
		{"", true, ""},
		{"v=12", true, "12"},
		{"v=12&v=13", true, "12"},
		{"v=12&", true, "12"},
		{"v", true, ""},
		{"v=12&year=2020", false, "12"},
		{"year=2020&v=12", false, "12"},
		{"%76=12", false, ""},
		{"vv=12", false, ""},
	} {
		got, only := rawParam(c.raw, "v")
		if only != c.onlyV {
			t.Errorf("rawParam(%q, v): only %v", c.raw, only)
		}
		if got != c.v {
			t.Errorf("rawParam(%q, v) = %q, want %q", c.raw, got, c.v)
		}
	}
	h := newTestServer(t, nil)
	tj := get(t, h, "/tiles/land.json", nil)
	var doc struct {
		DataVersion int64 `json:"data_version"`
	}
	if err := json.Unmarshal(tj.Body.Bytes(), &doc); err != nil || doc.DataVersion == 0 {
		t.Fatalf("TileJSON: %v %s", err, tj.Body.String())
	}
	v := strconv.FormatInt(doc.DataVersion, 10)
	for _, c := range []struct {
		query, cache string
		code         int
	}{
		{"?v=" + v, "immutable", http.StatusOK},
		{"?v=" + v + "0", "max-age=60", http.StatusOK},
		{"", "max-age=60", http.StatusOK},
		{"?v=" + v + "&year=2019", "", http.StatusBadRequest}, // a map parameter without indicator
		{"?v=" + v + "&indicator=unemployment_rate&year=2019", "immutable", http.StatusOK},
	} {
		rec := get(t, h, "/tiles/land/5/16/10.mvt"+c.query, map[string]string{"Accept-Encoding": "gzip"})
		if rec.Code != c.code || !strings.Contains(rec.Header().Get("Cache-Control"), c.cache) {
			t.Errorf("tile%s: %d, Cache-Control %q; want %d and %q", c.query, rec.Code, rec.Header().Get("Cache-Control"), c.code, c.cache)
		}
	}
}
