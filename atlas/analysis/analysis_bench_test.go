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
//
// The values an analysis reads are kept in the service's snapshot: the
// first, untimed call reads them; the timed calls compute the answer (no
// answer cache), except the Cold one, which starts a new snapshot each time.

// benchAnalysis measures answer after one untimed call.
func benchAnalysis(b *testing.B, answer func(context.Context) error) {
	ctx := context.Background()
	if err := answer(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := answer(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

var distributionLand = analysis.DistributionQuery{Level: atlas.LevelLand, Arrivals: 100000, KS: "2016",
	Weights: []analysis.Weight{{Indicator: "population", Weight: 1}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "childcare_under3", Weight: 1}}}

// BenchmarkDistributionLand computes a distribution key for the Länder with
// its ±20 % sensitivity grid.
func BenchmarkDistributionLand(b *testing.B) {
	benchAnalysis(b, func(ctx context.Context) error { _, err := testAn.Distribution(ctx, distributionLand); return err })
}

// BenchmarkDistributionLandCold includes reading the values from the store
// (and the Länder boundaries) in a new snapshot.
func BenchmarkDistributionLandCold(b *testing.B) {
	benchAnalysis(b, func(ctx context.Context) error {
		testSvc.Reset()
		_, err := analysis.New(testSvc).Distribution(ctx, distributionLand)
		return err
	})
}

func BenchmarkDistributionKreiseBayern(b *testing.B) {
	q := analysis.DistributionQuery{Level: atlas.LevelKreis, Land: "09", Arrivals: 100000,
		Weights: []analysis.Weight{{Indicator: "population", Weight: 2}, {Indicator: "childcare_under3", Weight: 1}, {Indicator: "dwellings_vacant_zensus2022", Weight: 1}}}
	benchAnalysis(b, func(ctx context.Context) error { _, err := testAn.Distribution(ctx, q); return err })
}

func BenchmarkIndexKreis(b *testing.B) {
	q := analysis.IndexQuery{Level: atlas.LevelKreis,
		Weights: []analysis.Weight{{Indicator: "childcare_under3", Weight: 2}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "unemployment_rate", Weight: 1}}}
	benchAnalysis(b, func(ctx context.Context) error { _, err := testAn.Index(ctx, q); return err })
}

func BenchmarkProfileKreis(b *testing.B) {
	benchAnalysis(b, func(ctx context.Context) error { _, err := testAn.Profile(ctx, "09162", 5); return err })
}
