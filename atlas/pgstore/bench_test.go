package pgstore_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// BenchmarkStores compares PostGIS with the embedded store on the seeds,
// seeded once for all sub-benchmarks (about 20 s): the Kreis choropleth of
// the atlas's service uncached (values read from the store and encoded;
// display geometry stays cached, as between imports) and cached, the raw
// Values query of all Gemeinden, the data version poll, the indicator
// catalogue with coverage, and point-in-polygon lookups (PostGIS only).
func BenchmarkStores(b *testing.B) {
	ctx := context.Background()
	st := seedBoth(b)
	stores := []struct {
		name  string
		store atlas.Store
	}{{"postgis", st.pg}, {"embedded", st.lite}}
	for _, s := range stores {
		svc := atlas.NewService(s.store, atlas.Options{})
		if err := svc.Warm(ctx, nil); err != nil {
			b.Fatal(err)
		}
		kreis := atlas.ChoroplethQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate"}
		b.Run("ChoroplethKreisUncached/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				svc.ClearCache()
				enc, err := svc.Choropleth(ctx, kreis)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(enc.Body)))
			}
		})
		b.Run("ChoroplethKreisCached/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Choropleth(ctx, kreis); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("ValuesGemeinde/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				vals, err := s.store.Values(ctx, "population", atlas.LevelGemeinde, 2023)
				if err != nil {
					b.Fatal(err)
				}
				n = len(vals)
			}
			if n < 10000 {
				b.Fatalf("%d Gemeinde values", n)
			}
			b.ReportMetric(float64(n), "rows/op")
		})
		b.Run("DataVersion/"+s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.DataVersion(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Indicators/"+s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.Indicators(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("RegionsKreis/"+s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.Regions(ctx, atlas.LevelKreis); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("LocateGemeinde/postgis", func(b *testing.B) {
		for b.Loop() {
			if key, ok, err := st.pg.Locate(ctx, 11.5755, 48.1374, atlas.LevelGemeinde); err != nil || !ok || key != "09162000" {
				b.Fatalf("Locate(Marienplatz) = %q, %v, %v", key, ok, err)
			}
		}
	})
}
