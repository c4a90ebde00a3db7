package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standortatlas/standortatlas/atlas/web"
)

// The map pipeline's own benchmarks are in atlas (mapview_bench_test.go,
// classify_bench_test.go), the analyses' in atlas/analysis.

// BenchmarkValuesKreisHTTP measures a whole request with gzip, as a browser
// joining values onto vector tiles sends it.
func BenchmarkValuesKreisHTTP(b *testing.B) {
	svc := seededService(b)
	e, err := web.New(web.Deps{Service: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/values?level=kreis&indicator=unemployment_rate&year=2019", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
