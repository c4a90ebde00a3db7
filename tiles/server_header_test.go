package tiles

import (
	"context"
	"strconv"
	"testing"
)

// The header values made with a tile (HeaderValues) are what an answer
// made per request would send: its ETag, data version, and the lengths of
// the gzipped and of the uncompressed MVT that MVT returns, for tiles with
// features, trimmed ones and empty ones, cached and not.
func TestTileHeaderValues(t *testing.T) {
	ctx := context.Background()
	for _, cacheBytes := range []int64{-1, 0} {
		s := NewServer(&seedSource{version: 7}, Options{CacheBytes: cacheBytes})
		for _, c := range []struct {
			layer   string
			z       int
			x, y    uint32
			empty   bool
			trimmed bool
		}{
			{"gemeinde", 8, 134, 86, false, false},
			{"kreis", 5, 16, 10, false, false},
			{"gemeinde", 4, 8, 5, false, true},
			{"kreis", 8, 10, 10, true, false}, // the Atlantic
		} {
			tl, err := s.Tile(ctx, c.layer, c.z, c.x, c.y, ValueQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if tl.Empty() != c.empty || tl.Trimmed != c.trimmed {
				t.Fatalf("%s/%d/%d/%d: empty %v trimmed %v, want %v %v", c.layer, c.z, c.x, c.y, tl.Empty(), tl.Trimmed, c.empty, c.trimmed)
			}
			etag, version, gz, id := tl.HeaderValues()
			raw, err := tl.MVT()
			if err != nil {
				t.Fatal(err)
			}
			want := [4]string{tl.ETag, "7", strconv.Itoa(len(tl.Gzip)), strconv.Itoa(len(raw))}
			got := [4]string{etag[0], version[0], gz[0], id[0]}
			if got != want || len(etag)+len(version)+len(gz)+len(id) != 4 {
				t.Errorf("%s/%d/%d/%d (cache %d): header values %q, want %q", c.layer, c.z, c.x, c.y, cacheBytes, got, want)
			}
		}
	}
}
