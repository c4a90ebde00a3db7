package web

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/standortatlas/standortatlas/atlas"
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
	// Tiles, Analysis and Ingest configure the routes of those features.
	Tiles    TilesDeps
	Analysis AnalysisDeps
	Ingest   IngestDeps
	Updates  UpdatesDeps
}

// New returns the atlas's HTTP handler.
func New(d Deps) (*echo.Echo, error) {
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 15 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Logger)
	m := newMetrics(d.Service)
	e.Use(middleware.Recover())
	e.Use(observe(m, d.Logger))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: ownBodyLimit}))
	e.Use(securityHeaders)
	e.Use(requestTimeout(d.RequestTimeout))

	h := &handlers{svc: d.Service, version: d.Version}
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", metricsHandler(m))
	api := e.Group("/api/v1", cors)
	api.GET("/indicators", h.indicators)
	api.GET("/choropleth", h.choropleth)
	api.GET("/boundaries", h.boundaries)
	api.GET("/sources", h.sources)

	if err := registerTiles(e, d); err != nil {
		return nil, err
	}
	if err := registerAnalysis(e, d); err != nil {
		return nil, err
	}
	if err := registerIngest(e, d); err != nil {
		return nil, err
	}
	registerUpdates(e, d, m)

	st, err := newStaticFiles(d.Static)
	if err != nil {
		return nil, err
	}
	e.GET("/", st.page("index.html"))
	e.GET("/embed", st.page("embed.html"))
	e.GET("/static/*", st.asset)
	return e, nil
}

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
			return next(c)
		}
	}
}

var _ http.Handler = (*echo.Echo)(nil)
