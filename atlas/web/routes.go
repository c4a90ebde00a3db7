package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
	"github.com/standortatlas/standortatlas/atlas/reporting"
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
	// Reporting runs municipal reporting (nil: the reporting routes answer 501).
	Reporting *reporting.Service
	// SessionTTL is how long a reporting session lasts (default 2 h).
	SessionTTL time.Duration
	// MaxSessions bounds the open reporting sessions of the store, of all
	// instances together (default 10000); beyond it a sign-in gets 503.
	MaxSessions int
	// Activity, when set, follows the users' requests (serve's warm-ups
	// wait for a pause in them).
	Activity *Activity
	// TrustedProxies are the proxies whose forwarding headers are believed
	// (X-Forwarded-For for rate limits and logs, X-Forwarded-Proto/Host for
	// absolute URLs); none: the TCP peer is the client and the request's
	// own scheme and Host are the base URL.
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
	// What every request passes, in this order. Echo would wrap a handler in
	// its middleware anew on every request (a closure each, for e.Use and
	// route middleware alike); here each route's chain — these, then the
	// route's own — is composed once when the route is added, and what the
	// router answers itself (404, 405, OPTIONS of a path without a
	// preflight) takes the same chain in answeredByRouter.
	every := []echo.MiddlewareFunc{
		trustForwarding(d.TrustedProxies), // first: nothing may read a forged forwarding header
		middleware.Recover(),
		observe(m, d.Logger, d.Activity),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: ownBodyLimit}),
		securityHeaders,
	}
	// then, innermost of these and around the route's own middleware (a
	// token check reads the store), the request's deadline
	deadline := requestTimeout(d.RequestTimeout)
	timed := append(every[:len(every):len(every)], deadline)
	routed := map[routeKey]bool{}
	add := func(method, path string, h echo.HandlerFunc, mw []echo.MiddlewareFunc) {
		chain := timed
		if ownDeadline[path] {
			chain = every
		}
		e.Add(method, path, compose(h, chain, mw))
		routed[routeKey{method, path}] = true
	}
	answeredByRouter := func(c echo.Context) error {
		h := c.Handler()
		if !routed[routeKey{c.Request().Method, c.Path()}] {
			h = compose(h, timed, nil)
		}
		return h(c)
	}
	e.Use(func(echo.HandlerFunc) echo.HandlerFunc { return answeredByRouter })

	h := &handlers{svc: d.Service, an: d.Analyzer, tiles: d.Tiles, version: d.Version, timeout: d.RequestTimeout}
	ogc := &ogcHandlers{svc: d.Service}
	ih, limiter, upload := newIngestHandlers(d)
	updates := newUpdateHandlers(d, m)
	rh := newReportHandlers(d)
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
	report := []echo.MiddlewareFunc{limiter, rh.auth}
	for _, r := range []struct {
		method, path string
		h            echo.HandlerFunc
		mw           []echo.MiddlewareFunc
	}{
		{"GET", "/", st.page("index.html"), nil},
		{"GET", "/embed", st.page("embed.html"), nil},
		{"GET", "/static/*", st.asset, nil},
		// the region report, server-rendered (report.go)
		{"GET", "/region/:key", h.report(langDE), nil},
		{"GET", "/en/region/:key", h.report(langEN), nil},
		// the method pages, server-rendered (methods.go)
		{"GET", "/methods", h.methodsOverview(langDE), nil},
		{"GET", "/en/methods", h.methodsOverview(langEN), nil},
		{"GET", "/methods/indicator/:id", h.methodIndicator(langDE), nil},
		{"GET", "/en/methods/indicator/:id", h.methodIndicator(langEN), nil},
		{"GET", "/methods/classification/:id", h.methodTopic(langDE, "classification/"), nil},
		{"GET", "/en/methods/classification/:id", h.methodTopic(langEN, "classification/"), nil},
		{"GET", "/methods/:id", h.methodTopic(langDE, ""), nil},
		{"GET", "/en/methods/:id", h.methodTopic(langEN, ""), nil},
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
		{"GET", "/api/v1/labels", h.labels, public},
		{"GET", "/api/v1/sources", h.sources, public},
		{"GET", "/api/v1/export", h.export, public},
		// analyses (analysis.go)
		{"GET", "/api/v1/regions/:key", h.region, public},
		{"GET", "/api/v1/regions/:key/domains", h.regionDomains, public},
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
		// municipal reporting (reporting.go)
		{"GET", "/reporting", st.page("reporting/report.html"), nil},
		{"GET", "/reporting/coordinator", st.page("reporting/coordinator.html"), nil},
		{"GET", "/reporting/map", st.page("reporting/map.html"), nil},
		{"GET", "/api/v1/reports", rh.reports, public},
		{"POST", "/api/v1/reports", rh.define, report},
		{"GET", "/api/v1/reports/:id", rh.report, public},
		{"GET", "/api/v1/reports/:id/series/:key", rh.series, public},
		{"GET", "/api/v1/reports/:id/mine", rh.mine, report},
		{"POST", "/api/v1/reports/:id/check", rh.check, report},
		{"GET", "/api/v1/reports/:id/periods/:period", rh.status, report},
		{"GET", "/api/v1/reports/:id/periods/:period/regions/:key", rh.form, report},
		{"PUT", "/api/v1/reports/:id/periods/:period/regions/:key", rh.save, report},
		{"POST", reportUploadPath, rh.upload, append(report, reportUpload)},
		{"POST", "/api/v1/reports/:id/periods/:period/publish", rh.publish, report},
		{"POST", "/api/v1/session", rh.createSession, []echo.MiddlewareFunc{limiter}},
		{"GET", "/api/v1/session", rh.getSession, nil},
		{"DELETE", "/api/v1/session", rh.deleteSession, nil},
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
		add(r.method, r.path, r.h, r.mw)
		if r.method == http.MethodGet {
			// Caches and link checkers send HEAD: the same handler answers
			// it with the headers of GET (net/http drops the body).
			add(http.MethodHead, r.path, r.h, r.mw)
		}
		if r.method == http.MethodGet && isPublic(r.mw) {
			add(http.MethodOptions, r.path, preflight, r.mw)
		}
	}
	return e, nil
}

// routeKey is a route as the router names it: method and path pattern.
type routeKey struct{ method, path string }

// compose wraps h in the middleware every, then route (the first of every
// outermost), once.
func compose(h echo.HandlerFunc, every, route []echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(route) - 1; i >= 0; i-- {
		h = route[i](h)
	}
	for i := len(every) - 1; i >= 0; i-- {
		h = every[i](h)
	}
	return h
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
		// Shared constant values (canonical keys): no allocation per request.
		hd := c.Response().Header()
		if p := c.Request().URL.Path; p == "/embed" || p == "/reporting/map" {
			hd["Content-Security-Policy"] = hdrCSPEmbed
		} else {
			hd["X-Frame-Options"] = hdrDeny
			hd["Content-Security-Policy"] = hdrCSP
		}
		hd["X-Content-Type-Options"] = hdrNoSniff
		hd["Referrer-Policy"] = hdrReferrer
		return next(c)
	}
}

const csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors "

var (
	hdrCSP      = []string{csp + "'none'"}
	hdrCSPEmbed = []string{csp + "*"}
	hdrDeny     = []string{"DENY"}
	hdrNoSniff  = []string{"nosniff"}
	hdrReferrer = []string{"strict-origin-when-cross-origin"}
	hdrAnyOrig  = []string{"*"}
	hdrExpose   = []string{"ETag, X-Data-Version, " + atlas.TileOmittedHeader}
)

// cors allows any origin to read the public read-only API.
func cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd["Access-Control-Allow-Origin"] = hdrAnyOrig
		hd["Access-Control-Expose-Headers"] = hdrExpose
		return next(c)
	}
}

// requestTimeout puts a deadline on the request's context; store queries use it.
func requestTimeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return withDeadline(c, d, func() error { return next(c) }) }
	}
}

// withDeadline runs work with the request's context bounded by d (work
// reads it from c) and says when the deadline cut the work off
// (whenTimedOut: 503). It is how every route gets its deadline: through
// requestTimeout, or, on the routes of ownDeadline, around the work that
// waits.
func withDeadline(c echo.Context, d time.Duration, work func() error) error {
	r := c.Request()
	ctx, cancel := context.WithTimeout(r.Context(), d)
	defer cancel()
	c.SetRequest(r.WithContext(ctx))
	return whenTimedOut(ctx, work())
}

// ownDeadline are the routes that put the request's deadline only on the
// work that waits, not on the whole request: a cached tile is answered
// from memory, and making a deadline for it (a timer, a context and a copy
// of the request) was all that answering it allocated.
var ownDeadline = map[string]bool{"/tiles/:level/:z/:x/:y": true}

var _ http.Handler = (*echo.Echo)(nil)
