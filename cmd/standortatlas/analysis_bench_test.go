package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
	"github.com/standortatlas/standortatlas/atlas/web"
)

// Benchmarks of the values-only answers, the extended choropleth and the
// analyses on the seeded store (go test -run '^$' -bench 'Values|Extended|Distribution|Index|Profile' ./cmd/standortatlas).

func benchValues(b *testing.B, level atlas.Level, indicator string, cached bool) {
	svc := seededService(b)
	q := atlas.MapQuery{Level: level, Indicator: indicator}
	benchAnswer(b, svc, cached, func(ctx context.Context) (*atlas.Encoded, error) { return svc.MapAnswer(ctx, q, atlas.MapValues) })
}

func BenchmarkValuesKreisCached(b *testing.B) {
	benchValues(b, atlas.LevelKreis, "unemployment_rate", true)
}
func BenchmarkValuesKreisUncached(b *testing.B) {
	benchValues(b, atlas.LevelKreis, "unemployment_rate", false)
}
func BenchmarkValuesGemeindeCached(b *testing.B) {
	benchValues(b, atlas.LevelGemeinde, "vacancy_rate_zensus2022", true)
}
func BenchmarkValuesGemeindeUncached(b *testing.B) {
	benchValues(b, atlas.LevelGemeinde, "vacancy_rate_zensus2022", false)
}

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

func BenchmarkChoroplethKreisExtendedUncached(b *testing.B) {
	svc := seededService(b)
	ctx := context.Background()
	q := atlas.MapQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate", Method: atlas.MethodStdDev, Scheme: "RdBu_r"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		svc.ClearCache()
		if _, err := svc.Choropleth(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAnalyzer(b *testing.B) *analysis.Analyzer {
	return analysis.New(seededService(b))
}

// BenchmarkDistributionLand computes a distribution key for the Länder with
// its ±20 % sensitivity grid (the analyzer's values are read in the first,
// untimed call; no answer cache).
func BenchmarkDistributionLand(b *testing.B) {
	an := benchAnalyzer(b)
	ctx := context.Background()
	q := analysis.DistributionQuery{Level: atlas.LevelLand, Arrivals: 100000, KS: "2016",
		Weights: []analysis.Weight{{Indicator: "population", Weight: 1}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "childcare_under3", Weight: 1}}}
	if _, err := an.Distribution(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := an.Distribution(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDistributionLandCold includes reading the values from the store.
func BenchmarkDistributionLandCold(b *testing.B) {
	svc := seededService(b)
	ctx := context.Background()
	q := analysis.DistributionQuery{Level: atlas.LevelLand, Arrivals: 100000, KS: "2016",
		Weights: []analysis.Weight{{Indicator: "population", Weight: 1}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "childcare_under3", Weight: 1}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := analysis.New(svc).Distribution(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDistributionKreiseBayern(b *testing.B) {
	an := benchAnalyzer(b)
	ctx := context.Background()
	q := analysis.DistributionQuery{Level: atlas.LevelKreis, Land: "09", Arrivals: 100000,
		Weights: []analysis.Weight{{Indicator: "population", Weight: 2}, {Indicator: "childcare_under3", Weight: 1}, {Indicator: "dwellings_vacant_zensus2022", Weight: 1}}}
	if _, err := an.Distribution(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := an.Distribution(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndexKreis(b *testing.B) {
	an := benchAnalyzer(b)
	ctx := context.Background()
	q := analysis.IndexQuery{Level: atlas.LevelKreis,
		Weights: []analysis.Weight{{Indicator: "childcare_under3", Weight: 2}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "unemployment_rate", Weight: 1}}}
	if _, err := an.Index(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := an.Index(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProfileKreis(b *testing.B) {
	an := benchAnalyzer(b)
	ctx := context.Background()
	if _, err := an.Profile(ctx, "09162", 5); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := an.Profile(ctx, "09162", 5); err != nil {
			b.Fatal(err)
		}
	}
}
