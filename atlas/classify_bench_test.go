package atlas_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// Benchmarks of the classification on real values: the vacancy rates of the
// 10,997 Gemeinden (Zensus 2022, with secret ones missing).
//
//	go test -run '^$' -bench Classify -benchmem ./atlas

func gemeindeValues(b *testing.B) []float64 {
	v, err := seededService(b).Map(context.Background(), gemeindeVacancy)
	if err != nil {
		b.Fatal(err)
	}
	return v.Values
}

func benchClassify(b *testing.B, m atlas.Method, k int) {
	xs := gemeindeValues(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := atlas.Classify(xs, k, m, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassifyQuantileGemeinde(b *testing.B) { benchClassify(b, atlas.MethodQuantile, 5) }
func BenchmarkClassifyEqualGemeinde(b *testing.B)    { benchClassify(b, atlas.MethodEqual, 5) }
func BenchmarkClassifyJenksGemeinde(b *testing.B)    { benchClassify(b, atlas.MethodJenks, 7) }
func BenchmarkClassifyStdDevGemeinde(b *testing.B)   { benchClassify(b, atlas.MethodStdDev, 5) }

func BenchmarkClassifyBreaksGemeinde(b *testing.B) {
	xs := gemeindeValues(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := atlas.ClassifyBreaks(xs, []float64{2, 4, 6, 8}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassifySymmetricGemeinde(b *testing.B) {
	xs := append([]float64(nil), gemeindeValues(b)...) // the view's values are shared
	for i := range xs {
		xs[i] -= 4 // differences around a typical rate
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		atlas.ClassifySymmetric(xs)
	}
}
