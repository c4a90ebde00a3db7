package pmtiles

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	gopmtiles "github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/paulmach/orb"
)

func TestTileIDMatchesGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for z := uint8(0); z <= 20; z++ {
		n := uint32(1) << z
		for range 500 {
			x, y := rng.Uint32N(n), rng.Uint32N(n)
			if got, want := TileID(z, x, y), gopmtiles.ZxyToID(z, x, y); got != want {
				t.Fatalf("TileID(%d, %d, %d) = %d, go-pmtiles %d", z, x, y, got, want)
			}
		}
	}
}

// An archive of 87,381 tiles (every tile of z0–z8; runs of identical tiles
// and repeated contents among them) is read back by go-pmtiles: header,
// directories with leaves, run lengths, deduplicated offsets, metadata.
func TestArchiveReadByGoPMTiles(t *testing.T) {
	type tile struct {
		z    uint8
		x, y uint32
	}
	var all []tile
	for z := uint8(0); z <= 8; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				all = append(all, tile{z, x, y})
			}
		}
	}
	slices.SortFunc(all, func(a, b tile) int { return cmp.Compare(TileID(a.z, a.x, a.y), TileID(b.z, b.x, b.y)) })
	content := func(tl tile) []byte {
		switch {
		case tl.z == 8 && tl.x >= 128:
			return []byte("ocean") // long runs and repeats
		case tl.z == 7 && tl.y%2 == 0:
			return []byte("land")
		}
		// Lengths that vary like those of real tiles, so that the
		// directory does not compress into the root.
		id := TileID(tl.z, tl.x, tl.y)
		return bytes.Repeat([]byte(fmt.Sprintf("tile %d/%d/%d;", tl.z, tl.x, tl.y)), 1+int(id*2654435761%97))
	}
	dir := t.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tl := range all {
		if err := w.Add(tl.z, tl.x, tl.y, content(tl)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Add(0, 0, 0, []byte("late")); err == nil {
		t.Error("a tile out of order was accepted")
	}
	var buf bytes.Buffer
	h := Header{MinZoom: 0, MaxZoom: 8, Bounds: orb.Bound{Min: orb.Point{5.86, 47.27}, Max: orb.Point{15.04, 55.06}}, Center: orb.Point{10.45, 51.16}, CenterZoom: 6}
	if err := w.Finish(&buf, h, []byte(`{"name":"test","vector_layers":[{"id":"kreis","fields":{}}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test.pmtiles"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	hd, err := gopmtiles.DeserializeHeader(buf.Bytes()[:HeaderLen])
	if err != nil {
		t.Fatal(err)
	}
	addressed, entries, contents := w.Stats()
	if hd.SpecVersion != 3 || hd.TileType != gopmtiles.Mvt || hd.TileCompression != gopmtiles.Gzip || hd.InternalCompression != gopmtiles.Gzip ||
		!hd.Clustered || hd.MinZoom != 0 || hd.MaxZoom != 8 || hd.MinLonE7 != 58600000 || hd.MaxLatE7 != 550600000 || hd.CenterZoom != 6 ||
		hd.AddressedTilesCount != uint64(len(all)) || hd.AddressedTilesCount != addressed || hd.TileEntriesCount != entries || hd.TileContentsCount != contents {
		t.Errorf("header %+v", hd)
	}
	if hd.LeafDirectoryLength == 0 || hd.RootOffset+hd.RootLength > 16384 {
		t.Errorf("want leaf directories and a root within 16 KiB: %+v", hd)
	}
	if entries >= addressed || contents >= entries {
		t.Errorf("%d tiles, %d entries, %d contents: runs and repeats not used", addressed, entries, contents)
	}

	srv, err := gopmtiles.NewServerWithBucket(gopmtiles.NewFileBucket(dir), "", log.New(io.Discard, "", 0), 64, "")
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	rng := rand.New(rand.NewPCG(2, 2))
	for range 300 {
		tl := all[rng.IntN(len(all))]
		status, headers, data := srv.Get(context.Background(), fmt.Sprintf("/test/%d/%d/%d.mvt", tl.z, tl.x, tl.y))
		if status != 200 || !bytes.Equal(data, content(tl)) || headers["Content-Encoding"] != "gzip" {
			t.Fatalf("go-pmtiles read %d/%d/%d: %d %q %v, want %q", tl.z, tl.x, tl.y, status, data, headers, content(tl))
		}
	}
	status, _, meta := srv.Get(context.Background(), "/test/metadata")
	if status != 200 || !bytes.Contains(meta, []byte(`"vector_layers"`)) {
		t.Errorf("metadata: %d %s", status, meta)
	}
	if status, _, _ := srv.Get(context.Background(), "/test/9/0/0.mvt"); status != 204 && status != 404 {
		t.Errorf("tile beyond maxzoom: %d", status)
	}
}
