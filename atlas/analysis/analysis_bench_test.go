package analysis_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// Benchmarks of the analyses on the seed data (TestMain seeds the store):
//
//	go test -run '^$' -bench . -benchmem ./atlas/analysis

// BenchmarkDistributionLand computes a distribution key for the Länder with
// its ±20 % sensitivity grid (the analyzer's values are read in the first,
// untimed call; no answer cache).
func BenchmarkDistributionLand(b *testing.B) {
	an := testAn
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

// BenchmarkDistributionLandCold includes reading the values from the store
// (and the Länder boundaries) in a new snapshot.
func BenchmarkDistributionLandCold(b *testing.B) {
	svc := testSvc
	ctx := context.Background()
	q := analysis.DistributionQuery{Level: atlas.LevelLand, Arrivals: 100000, KS: "2016",
		Weights: []analysis.Weight{{Indicator: "population", Weight: 1}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "childcare_under3", Weight: 1}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		svc.Reset()
		if _, err := analysis.New(svc).Distribution(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDistributionKreiseBayern(b *testing.B) {
	an := testAn
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
	an := testAn
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
	an := testAn
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
