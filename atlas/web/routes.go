package web

import (
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// Deps are what the HTTP layer needs.
type Deps struct {
	Service *atlas.Service
	// Static holds index.html, embed.html, css/, js/ and lib/.
	Static fs.FS
	Logger *slog.Logger
	// RequestTimeout bounds each request's work (default 15 s).
	RequestTimeout time.Duration
	// Version is the build version shown by /healthz.
	Version string
	// Tiles renders the vector tiles (cmd wires atlas/maptiles); nil
	// answers the tile routes with 501.
	Tiles atlas.TileSet
	// Analyzer answers profiles, comparisons, rankings, indices and
	// distribution keys. Nil: one over Service.
	Analyzer *analysis.Analyzer
	Ingest   IngestDeps
	Updates  UpdatesDeps
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (rate limits and logs use the client address it gives); none: the TCP
	// peer is the client.
	TrustedProxies []*net.IPNet
}

// New returns the atlas's HTTP handler: the one route table below.
func New(d Deps) (*echo.Echo, error) {
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 15 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Analyzer == nil {
		d.Analyzer = analysis.New(d.Service)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Logger)
	e.IPExtractor = clientIP(d.TrustedProxies)
	m := newMetrics(d.Service)
	e.Use(middleware.Recover())
	e.Use(observe(m, d.Logger))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: ownBodyLimit}))
	e.Use(securityHeaders)
	e.Use(requestTimeout(d.RequestTimeout))

	h := &handlers{svc: d.Service, an: d.Analyzer, tiles: d.Tiles, version: d.Version}
	ogc := &ogcHandlers{svc: d.Service}
	ih, limiter, upload := newIngestHandlers(d)
	updates := newUpdateHandlers(d, m)
	st, err := newStaticFiles(d.Static)
	if err != nil {
		return nil, err
	}
	doc, err := openAPIDocument()
	if err != nil {
		return nil, err
	}
	openAPI := func(c echo.Context) error {
		return writeEncoded(c, doc, "application/vnd.oai.openapi+json;version=3.0")
	}
	write := []echo.MiddlewareFunc{limiter, ih.auth}
	for _, r := range []struct {
		method, path string
		h            echo.HandlerFunc
		mw           []echo.MiddlewareFunc
	}{
		{"GET", "/", st.page("index.html"), nil},
		{"GET", "/embed", st.page("embed.html"), nil},
		{"GET", "/static/*", st.asset, nil},
		{"GET", "/healthz", h.healthz, nil},
		{"GET", "/readyz", h.readyz, nil},
		{"GET", "/metrics", metricsHandler(m), nil},
		{"GET", "/api/openapi.json", openAPI, public},
		// maps (maps.go)
		{"GET", "/api/v1/indicators", h.indicators, public},
		{"GET", "/api/v1/choropleth", h.choropleth, public},
		{"GET", "/api/v1/values", h.values, public},
		{"GET", "/api/v1/histogram", h.histogram, public},
		{"GET", "/api/v1/boundaries", h.boundaries, public},
		{"GET", "/api/v1/sources", h.sources, public},
		{"GET", "/api/v1/export", h.export, public},
		// analyses (analysis.go)
		{"GET", "/api/v1/regions/:key", h.region, public},
		{"GET", "/api/v1/compare", h.compare, public},
		{"GET", "/api/v1/ranking", h.ranking, public},
		{"GET", "/api/v1/index", h.index, public},
		{"GET", "/api/v1/distribution", h.distribution, public},
		{"GET", "/api/v1/headroom", h.headroom, public},
		// checks against the official sources (updates.go)
		{"GET", "/api/v1/updates", updates.status, public},
		// places (places.go)
		{"GET", "/api/v1/places", h.places, public},
		{"GET", "/api/v1/places/categories", h.placeCategories, public},
		{"POST", "/api/v1/places", ih.submitPlace, write},
		// writes and the audit log (ingest.go)
		{"POST", importsPath, ih.importFile, append(write, upload)},
		{"GET", "/api/v1/audit", ih.audit, append(write[:len(write):len(write)], ih.requireScope(atlas.ScopeAdmin))},
		// vector tiles (tiles.go)
		{"GET", "/tiles/places/:z/:x/:y", h.placeTile, public},
		{"GET", "/tiles/places.json", h.placeTileJSON, public},
		{"GET", "/tiles/:level/:z/:x/:y", h.tile, public},
		{"GET", "/tiles/:level", h.tileJSON, public},
		// OGC API – Features (ogc.go)
		{"GET", "/ogc", ogc.landing, public},
		{"GET", "/ogc/conformance", ogc.conformance, public},
		{"GET", "/ogc/collections", ogc.collections, public},
		{"GET", "/ogc/collections/:collectionId", ogc.collection, public},
		{"GET", "/ogc/collections/:collectionId/items", ogc.items, public},
		{"GET", "/ogc/collections/:collectionId/items/:featureId", ogc.item, public},
	} {
		e.Add(r.method, r.path, r.h, r.mw...)
		if r.method == http.MethodGet && isPublic(r.mw) {
			e.Add(http.MethodOptions, r.path, preflight, r.mw...)
		}
	}
	return e, nil
}

// public marks the read-only API that any origin may read; its GET
// routes also answer the CORS preflight (OPTIONS), the write routes do not.
var public = []echo.MiddlewareFunc{cors}

// isPublic reports whether a route's middleware is public (the same slice).
func isPublic(mw []echo.MiddlewareFunc) bool { return len(mw) > 0 && &mw[0] == &public[0] }

// securityHeaders sets a strict CSP and related headers. Only /embed may be
// framed (by anyone: journalists embed it); everything else refuses framing.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		frame := "'none'"
		if c.Request().URL.Path == "/embed" {
			frame = "*"
		} else {
			hd.Set("X-Frame-Options", "DENY")
		}
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors "+frame)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		return next(c)
	}
}

// cors allows any origin to read the public read-only API.
func cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Access-Control-Allow-Origin", "*")
		c.Response().Header().Set("Access-Control-Expose-Headers", "ETag")
		return next(c)
	}
}

// requestTimeout puts a deadline on the request's context; store queries use it.
func requestTimeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := contextWithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return whenTimedOut(ctx, next(c))
		}
	}
}

var _ http.Handler = (*echo.Echo)(nil)
