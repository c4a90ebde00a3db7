package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// handlers answer the read routes; every read goes through the service (or
// the analyzer and tile set over it), never to the store.
type handlers struct {
	svc     *atlas.Service
	an      *analysis.Analyzer
	tiles   atlas.TileSet
	version string
	timeout time.Duration // Deps.RequestTimeout, for the routes that set it themselves
}

func (h *handlers) healthz(c echo.Context) error {
	v, err := h.svc.Version(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "data_version": v, "version": h.version})
}

// writeEncoded answers with a cached body: strong ETag, 304 on a matching
// If-None-Match, gzip when the client accepts it.
func writeEncoded(c echo.Context, enc *atlas.Encoded, contentType string) error {
	hd := c.Response().Header()
	hd.Set("ETag", enc.ETag)
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept-Encoding")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatches(match, enc.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if acceptsGzip(c) {
		return writeBody(c, contentType+"; charset=utf-8", enc.Gzipped(), true)
	}
	return writeBody(c, contentType+"; charset=utf-8", enc.Body, false)
}

// writeBody writes a 200 answer with its Content-Length (so that a HEAD
// request gets the headers of GET) and, when gzipped, its Content-Encoding.
func writeBody(c echo.Context, contentType string, body []byte, gzipped bool) error {
	return writeBodyLength(c, contentType, body, gzipped, nil)
}

// writeBodyLength is writeBody with the Content-Length value made before
// (shared; nil: made here).
func writeBodyLength(c echo.Context, contentType string, body []byte, gzipped bool, length []string) error {
	hd := c.Response().Header()
	if gzipped {
		hd["Content-Encoding"] = hdrGzip
	}
	setSharedNumber(hd, "Content-Length", length, int64(len(body)))
	return c.Blob(http.StatusOK, contentType, body)
}

// setShared sets header key (canonical) to the shared one-element slice
// values, made once for many answers, or, when there is none, to value.
func setShared(hd http.Header, key string, values []string, value string) {
	if len(values) == 1 {
		hd[key] = values
		return
	}
	hd[key] = []string{value}
}

// setSharedNumber is setShared for a number, formatted only when there are
// no shared values (formatting a number of three or more digits allocates).
func setSharedNumber(hd http.Header, key string, values []string, n int64) {
	if len(values) == 1 {
		hd[key] = values
		return
	}
	hd[key] = []string{strconv.FormatInt(n, 10)}
}

var (
	hdrGzip           = []string{"gzip"}
	hdrAcceptEncoding = []string{"Accept-Encoding"}
)

// addVaryAcceptEncoding adds Accept-Encoding to Vary (sharing one slice
// when Vary is not set yet).
func addVaryAcceptEncoding(hd http.Header) {
	if len(hd["Vary"]) == 0 {
		hd["Vary"] = hdrAcceptEncoding
		return
	}
	hd.Add("Vary", "Accept-Encoding")
}

func etagMatches(header, etag string) bool {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		p := strings.TrimSpace(part)
		if p == "*" || p == etag || strings.TrimPrefix(p, "W/") == etag {
			return true
		}
	}
	return false
}

// preflight answers a browser's CORS preflight of a public read route: any
// origin may GET it, with any request headers (a journalist's page may add
// its own); no credentials are involved (cors sets the origin).
func preflight(c echo.Context) error {
	hd := c.Response().Header()
	hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	if h := c.Request().Header.Get("Access-Control-Request-Headers"); h != "" && validHeaderList(h) {
		hd.Set("Access-Control-Allow-Headers", h)
	}
	hd.Set("Access-Control-Max-Age", "86400")
	hd.Add("Vary", "Access-Control-Request-Headers")
	return c.NoContent(http.StatusNoContent)
}

// validHeaderList accepts a comma-separated list of header names (token
// characters), at most 1000 bytes.
func validHeaderList(s string) bool {
	if len(s) > 1000 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '_', r == ',', r == ' ':
		default:
			return false
		}
	}
	return true
}
