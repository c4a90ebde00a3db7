package tiles

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// germanyTiles returns the non-empty tiles of a layer from zoom lo to hi.
func germanyTiles(b *testing.B, s *Server, layer string, lo, hi int) [][3]uint32 {
	b.Helper()
	var out [][3]uint32
	for z := lo; z <= hi; z++ {
		cs, err := s.Coords(context.Background(), layer, z)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			out = append(out, [3]uint32{uint32(z), c[0], c[1]})
		}
	}
	return out
}

// BenchmarkTileWarm serves cached Kreis and Gemeinde tiles of z5–z12 (the
// HTTP layer adds header writing; see tiles/bench for the wrk scenario).
func BenchmarkTileWarm(b *testing.B) {
	s, _ := newSeedServer(b, Options{})
	ctx := context.Background()
	var list []struct {
		layer string
		t     [3]uint32
	}
	for _, l := range []string{"kreis", "gemeinde"} {
		for _, t := range germanyTiles(b, s, l, 5, 12) {
			if _, err := s.Tile(ctx, l, int(t[0]), t[1], t[2], ValueQuery{}); err != nil {
				b.Fatal(err)
			}
			list = append(list, struct {
				layer string
				t     [3]uint32
			}{l, t})
		}
	}
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := list[next.Add(1)%uint64(len(list))]
			if _, err := s.Tile(ctx, e.layer, int(e.t[0]), e.t[1], e.t[2], ValueQuery{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkTileColdGemeindeZ8 renders (clip, quantise, encode, gzip) the
// densest z8 tile of the Gemeinde level, geometry of the zoom prepared.
func BenchmarkTileColdGemeindeZ8(b *testing.B) {
	s, _ := newSeedServer(b, Options{CacheBytes: -1})
	ctx := context.Background()
	var densest [3]uint32
	most := 0
	for _, t := range germanyTiles(b, s, "gemeinde", 8, 8) {
		tl, err := s.Render(ctx, "gemeinde", 8, t[1], t[2], ValueQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if tl.Features > most {
			most, densest = tl.Features, t
		}
	}
	b.Logf("tile 8/%d/%d: %d Gemeinden", densest[1], densest[2], most)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Render(ctx, "gemeinde", 8, densest[1], densest[2], ValueQuery{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildGemeindeZ0toZ12 builds every Gemeinde tile of z0–z12 from
// the full-resolution boundaries: projection, coverage, simplification per
// zoom and all tiles, on all CPUs (what a cold cache or an export costs).
func BenchmarkBuildGemeindeZ0toZ12(b *testing.B) {
	if _, err := loadSeedLayers(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		s := NewServer(&seedSource{version: 1}, Options{CacheBytes: -1})
		var n, bytes atomic.Int64
		for z := 0; z <= 12; z++ {
			cs, err := s.Coords(ctx, "gemeinde", z)
			if err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			var next atomic.Int64
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < int64(len(cs)); i = next.Add(1) - 1 {
						t, err := s.Render(ctx, "gemeinde", z, cs[i][0], cs[i][1], ValueQuery{})
						if err != nil {
							b.Error(err)
							return
						}
						if !t.Empty() {
							n.Add(1)
							bytes.Add(int64(len(t.Gzip)))
						}
					}
				}()
			}
			wg.Wait()
		}
		b.ReportMetric(float64(n.Load()), "tiles")
		b.ReportMetric(float64(bytes.Load())/1e6, "MB-gzipped")
	}
}

// BenchmarkFirstTileGemeindeZ8 answers the first request for a Gemeinde
// tile of z8 on a layer nothing has been prepared for (what the first tile
// after a start costs once the layer is read): projection and coverage of
// the level, its simplification for z8 only, the tile.
func BenchmarkFirstTileGemeindeZ8(b *testing.B) {
	ls, err := loadSeedLayers()
	if err != nil {
		b.Fatal(err)
	}
	d := ls["gemeinde"]
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		// A new LayerData is a new data version's layer: no pyramid yet.
		src := &firstSource{seedSource: &seedSource{version: 1}, d: &LayerData{Name: d.Name, Version: 1, Features: d.Features}}
		s := NewServer(src, Options{CacheBytes: -1})
		if t, err := s.Tile(ctx, "gemeinde", 8, 134, 86, ValueQuery{}); err != nil || t.Features == 0 {
			b.Fatalf("gemeinde/8/134/86: %v", err)
		}
	}
}

// firstSource serves one fresh LayerData.
type firstSource struct {
	*seedSource
	d *LayerData
}

func (s *firstSource) Layer(context.Context, string) (*LayerData, error) { return s.d, nil }
