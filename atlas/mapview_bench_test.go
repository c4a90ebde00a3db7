package atlas_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// Benchmarks of the map pipeline on the seed data:
//
//	go test -run '^$' -bench 'Map|Choropleth' -benchmem ./atlas
//
// Cached: the encoded answer from the snapshot. Uncached: the view built
// anew (alignment, classification, legend, statistics, histogram) and
// encoded, from the values the snapshot already read. Cold: a new snapshot,
// so values are read from the store again (the level's geometry too).

func benchMap(b *testing.B, q atlas.MapQuery, form atlas.MapForm, cached bool) {
	svc := seededService(b)
	ctx := context.Background()
	if _, err := svc.MapAnswer(ctx, q, form); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !cached {
			svc.ClearCache()
		}
		enc, err := svc.MapAnswer(ctx, q, form)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(enc.Body)))
	}
}

var (
	kreisUnemployment    = atlas.MapQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate"}
	gemeindeVacancy      = atlas.MapQuery{Level: atlas.LevelGemeinde, Indicator: "vacancy_rate_zensus2022"}
	kreisExtended        = atlas.MapQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate", Method: atlas.MethodStdDev, Scheme: "RdBu_r"}
	kreisPer1000Fixed    = atlas.MapQuery{Level: atlas.LevelKreis, Indicator: "protection_seekers", Normalize: atlas.NormPer1000, Fixed: true, Method: atlas.MethodJenks}
	gemeindeVacancyJenks = atlas.MapQuery{Level: atlas.LevelGemeinde, Indicator: "vacancy_rate_zensus2022", Method: atlas.MethodJenks}
)

func BenchmarkChoroplethKreisCached(b *testing.B) {
	benchMap(b, kreisUnemployment, atlas.MapGeoJSON, true)
}
func BenchmarkChoroplethKreisUncached(b *testing.B) {
	benchMap(b, kreisUnemployment, atlas.MapGeoJSON, false)
}
func BenchmarkChoroplethGemeindeUncached(b *testing.B) {
	benchMap(b, gemeindeVacancy, atlas.MapGeoJSON, false)
}
func BenchmarkChoroplethKreisExtendedUncached(b *testing.B) {
	benchMap(b, kreisExtended, atlas.MapGeoJSON, false)
}
func BenchmarkValuesKreisCached(b *testing.B) { benchMap(b, kreisUnemployment, atlas.MapValues, true) }
func BenchmarkValuesKreisUncached(b *testing.B) {
	benchMap(b, kreisUnemployment, atlas.MapValues, false)
}
func BenchmarkValuesGemeindeCached(b *testing.B) {
	benchMap(b, gemeindeVacancy, atlas.MapValues, true)
}
func BenchmarkValuesGemeindeUncached(b *testing.B) {
	benchMap(b, gemeindeVacancy, atlas.MapValues, false)
}
func BenchmarkValuesGemeindeJenksUncached(b *testing.B) {
	benchMap(b, gemeindeVacancyJenks, atlas.MapValues, false)
}
func BenchmarkHistogramKreisNormalizedFixedUncached(b *testing.B) {
	benchMap(b, kreisPer1000Fixed, atlas.MapHistogram, false)
}

// BenchmarkMapViewKreisCold builds the view in a new snapshot each time:
// the level's geometry and the values are read from the store again.
func BenchmarkMapViewKreisCold(b *testing.B) {
	svc := seededService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		svc.Reset()
		if _, err := svc.Map(ctx, kreisUnemployment); err != nil {
			b.Fatal(err)
		}
	}
}
