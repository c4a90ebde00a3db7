package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/standortatlas/standortatlas/atlas"
)

// metrics are the Prometheus series of one server. They live in a registry
// made per server (no global registry), so tests can build many servers.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	codes    [600]string // the status codes as label values, made once
}

// code is status as a label value.
func (m *metrics) code(status int) string {
	if status >= 0 && status < len(m.codes) {
		return m.codes[status]
	}
	return strconv.Itoa(status)
}

func newMetrics(svc *atlas.Service) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	for i := range m.codes {
		m.codes[i] = strconv.Itoa(i)
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "standortatlas_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "standortatlas_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "standortatlas_cache_hits_total", Help: "Answers served from the response cache."},
			func() float64 { return float64(svc.Stats().CacheHits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "standortatlas_cache_misses_total", Help: "Answers computed because the response cache had none."},
			func() float64 { return float64(svc.Stats().CacheMisses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "standortatlas_data_version", Help: "Data version of the store as last seen."},
			func() float64 { return float64(svc.Stats().DataVersion) }),
	)
	return m
}

// Registry lets other features register their own series.
func (m *metrics) Registry() *prometheus.Registry { return m.registry }

// Activity follows the requests of users (not the probes /healthz,
// /readyz and /metrics), so that work in the background — serve's warm-ups
// after a start or an import — can let them go first: WaitForPause.
type Activity struct {
	inFlight atomic.Int64
	last     atomic.Int64 // when the last request began or ended (Unix ns)
}

// NewActivity returns an Activity that counts its own making as activity:
// work waiting for a pause lets the requests right after a start go first.
func NewActivity() *Activity {
	a := &Activity{}
	a.last.Store(time.Now().UnixNano())
	return a
}

// Touch counts now as activity: serve touches it when its listener opens,
// so that the first requests (right after /healthz answers) come before
// the warm-ups, which wait for a pause.
func (a *Activity) Touch() { a.last.Store(time.Now().UnixNano()) }

func (a *Activity) begin() { a.inFlight.Add(1); a.last.Store(time.Now().UnixNano()) }
func (a *Activity) end()   { a.last.Store(time.Now().UnixNano()); a.inFlight.Add(-1) }

// WaitForPause returns once no request has been in flight for pause, or
// when longest has passed (steady traffic does not hold the work off for
// ever), or with ctx's error when it ends. A nil Activity never waits.
func (a *Activity) WaitForPause(ctx context.Context, pause, longest time.Duration) error {
	if a == nil {
		return nil
	}
	deadline := time.Now().Add(longest)
	for {
		quiet := time.Since(time.Unix(0, a.last.Load()))
		if a.inFlight.Load() == 0 && quiet >= pause || !time.Now().Before(deadline) {
			return nil
		}
		wait := max(pause-quiet, time.Millisecond)
		t := time.NewTimer(min(wait, 10*time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// probeRoute reports whether route is one of monitoring, not of users.
func probeRoute(route string) bool {
	return route == "/healthz" || route == "/readyz" || route == "/metrics"
}

// observe records every request's metrics and writes one structured log
// line; a user's request counts in activity while it runs.
func observe(m *metrics, log *slog.Logger, activity *Activity) echo.MiddlewareFunc {
	lines := &sync.Pool{New: func() any { return new(requestLine) }}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if activity != nil && !probeRoute(c.Path()) {
				activity.begin()
				defer activity.end()
			}
			err := next(c)
			if err != nil {
				c.Error(err) // write the error response now, so the status is known
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := c.Response().Status
			d := time.Since(start)
			m.requests.WithLabelValues(route, c.Request().Method, m.code(status)).Inc()
			m.latency.WithLabelValues(route).Observe(d.Seconds())
			if log.Enabled(c.Request().Context(), slog.LevelInfo) {
				line := lines.Get().(*requestLine)
				line.attrs = [...]slog.Attr{
					slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
					slog.String("route", route), slog.Int("status", status), slog.Int64("bytes", c.Response().Size),
					slog.Int64("us", d.Microseconds()), slog.String("remote", c.RealIP()), slog.String("peer", peerIP(c.Request())),
				}
				log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", slog.Any("", line))
				line.attrs = [len(line.attrs)]slog.Attr{} // keeps no request's text
				lines.Put(line)
			}
			return nil
		}
	}
}

// requestLine holds the fields of a request's log line. Eight attributes
// are more than a log record holds without allocating; given as one
// attribute without a key whose value (LogValue) is their group, they are
// written inline, as if given one by one, and the holder is used again for
// the next request. Handlers resolve the value while the log call runs
// (slog's JSON and text handlers do), so the holder is reused only after.
// The time taken is in whole microseconds ("us"): the JSON handler writes a
// float through encoding/json, which allocates and costs a fifth of the line.
type requestLine struct{ attrs [8]slog.Attr }

func (l *requestLine) LogValue() slog.Value { return slog.GroupValue(l.attrs[:]...) }

// trustForwarding is the one rule of trust for forwarding headers: they are
// believed only from a configured proxy (-trusted-proxies). From any other
// TCP peer (and from every peer when none is configured) they are removed
// before routing, so no handler, extractor or log can read a forged one.
func trustForwarding(trusted []*net.IPNet) echo.MiddlewareFunc {
	// the headers by which a proxy tells what the client sent it: the
	// client's address (rate limits, logs), the scheme and the host
	// (absolute URLs: TileJSON, OGC links, the region report; the session
	// cookie's Secure flag)
	forwarding := []string{
		"Forwarded", echo.HeaderXForwardedFor, echo.HeaderXRealIP,
		echo.HeaderXForwardedProto, echo.HeaderXForwardedProtocol, echo.HeaderXForwardedSsl, echo.HeaderXUrlScheme,
		"X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix",
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !trustedPeer(trusted, r) {
				for _, h := range forwarding {
					r.Header.Del(h)
				}
			}
			return next(c)
		}
	}
}

// trustedPeer reports whether the request's TCP peer is a trusted proxy.
func trustedPeer(trusted []*net.IPNet, r *http.Request) bool {
	if len(trusted) == 0 {
		return false
	}
	ip := net.ParseIP(peerIP(r))
	for _, n := range trusted {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP is the server's echo.IPExtractor (c.RealIP: rate limits, logs).
// Forwarding headers reach it only from a trusted proxy (trustForwarding);
// X-Forwarded-For is read from the right, and its hops are believed only
// while they come from a trusted proxy (echo's ExtractIPFromXFFHeader, with
// none of its default trust in loopback and private networks). Without
// trusted proxies it is the TCP peer.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// peerIP is the address of the TCP peer (a proxy's, behind one), logged
// beside the client address.
func peerIP(r *http.Request) string { return echo.ExtractIPDirect()(r) }

func (h *handlers) readyz(c echo.Context) error {
	st := h.svc.Stats()
	if _, err := h.svc.Version(c.Request().Context()); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "store unavailable"})
	}
	if !st.Warm {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "warming up"})
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "data_version": st.DataVersion})
}

func metricsHandler(m *metrics) echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}
