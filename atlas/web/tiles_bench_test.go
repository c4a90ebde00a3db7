package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps its header map between
// requests and drops the body, so that a benchmark counts the handler's
// allocations only (net/http's own per-request work is not in it).
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header  { return w.h }
func (w *discardWriter) WriteHeader(code int) { w.code = code }
func (w *discardWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	return len(b), nil
}

// BenchmarkCachedTileRequest serves a cached tile through the route table
// (echo, middleware, parameters, headers), gzipped and, for clients that do
// not ask for gzip, the kept identity copy; allocations are those of the
// atlas's tile path above net/http.
func BenchmarkCachedTileRequest(b *testing.B) {
	h := newTestServer(b, nil)
	for _, c := range []struct{ name, enc string }{{"gzip", "gzip"}, {"identity", ""}} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/tiles/land/5/16/10.mvt?v=1", nil)
			if c.enc != "" {
				req.Header.Set("Accept-Encoding", c.enc)
			}
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK {
				b.Fatalf("tile: %d", w.code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clear(w.h)
				w.code = 0
				h.ServeHTTP(w, req)
			}
			if w.code != http.StatusOK {
				b.Fatalf("tile: %d", w.code)
			}
		})
	}
}
