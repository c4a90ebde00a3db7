package tiles

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
)

// seedPrebuilt caches the stored pyramids of the seed layers across tests.
var seedPrebuilt struct {
	once  sync.Once
	parts map[string][]PrebuiltPart
}

func prebuiltSeed(t *testing.T) map[string][]PrebuiltPart {
	t.Helper()
	ls, err := loadSeedLayers()
	if err != nil {
		t.Fatalf("read seed boundaries: %v", err)
	}
	seedPrebuilt.once.Do(func() {
		seedPrebuilt.parts = map[string][]PrebuiltPart{}
		for name, d := range ls {
			// A fresh LayerData: Prebuild's pyramid is not the tests' one.
			seedPrebuilt.parts[name] = Prebuild(&LayerData{Name: name, Features: d.Features})
		}
	})
	return seedPrebuilt.parts
}

// partReader reads parts from a map, counting the reads.
type partReader struct {
	mu    sync.Mutex
	parts map[string][]byte
	reads []string
	calls int
}

func newPartReader(parts []PrebuiltPart) *partReader {
	r := &partReader{parts: map[string][]byte{}}
	for _, p := range parts {
		r.parts[p.Name] = p.Data
	}
	return r
}

func (r *partReader) read(_ context.Context, names []string) (map[string][]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	out := map[string][]byte{}
	for _, name := range names {
		r.reads = append(r.reads, name)
		if b, ok := r.parts[name]; ok {
			out[name] = b
		}
	}
	return out, nil
}

// storedSource serves the seed layers from their stored pyramids.
type storedSource struct {
	*seedSource
	mu     sync.Mutex
	layers map[string]*LayerData
	parts  map[string][]PrebuiltPart
}

func (s *storedSource) Layer(ctx context.Context, name string) (*LayerData, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.layers[name]; d != nil {
		return d, nil
	}
	live, err := s.seedSource.Layer(ctx, name)
	if err != nil {
		return nil, err
	}
	d, err := LoadPrebuilt(ctx, PrebuiltPrefix(Options{}), newPartReader(s.parts[name]).read)
	if err != nil || d == nil {
		return nil, errors.Join(err, errors.New("no stored pyramid"))
	}
	d.Name, d.Title, d.Version, d.Attribution, d.Description = live.Name, live.Title, live.Version, live.Attribution, live.Description
	if s.layers == nil {
		s.layers = map[string]*LayerData{}
	}
	s.layers[name] = d
	return d, nil
}

// The tiles of a stored pyramid are those of the live one, byte for byte:
// every non-empty tile of z0–z9 of every seed layer (with the synthetic
// values up to z6), with the same list of tiles per zoom, TileJSON bounds
// and trimming.
func TestPrebuiltTilesMatchLive(t *testing.T) {
	parts := prebuiltSeed(t)
	ctx := context.Background()
	live := NewServer(&seedSource{version: 1}, Options{CacheBytes: -1})
	stored := NewServer(&storedSource{seedSource: &seedSource{version: 1}, parts: parts}, Options{CacheBytes: -1})
	for _, layer := range []string{"land", "kreis", "vwg", "gemeinde"} {
		tjLive, err := live.TileJSON(ctx, layer, ValueQuery{}, func(int64) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		tjStored, err := stored.TileJSON(ctx, layer, ValueQuery{}, func(int64) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if tjLive.Bounds != tjStored.Bounds {
			t.Errorf("%s: bounds %v stored, %v live", layer, tjStored.Bounds, tjLive.Bounds)
		}
		n := 0
		for z := 0; z <= 9; z++ {
			coords, err := live.Coords(ctx, layer, z)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := stored.Coords(ctx, layer, z)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc) != len(coords) {
				t.Fatalf("%s z%d: %d tiles stored, %d live", layer, z, len(sc), len(coords))
			}
			for i, c := range coords {
				if sc[i] != c {
					t.Fatalf("%s z%d: tile %d is %v stored, %v live", layer, z, i, sc[i], c)
				}
				qs := []ValueQuery{{}}
				if z <= 6 {
					qs = append(qs, ValueQuery{Key: "synthetic"})
				}
				for _, q := range qs {
					a, err := live.Tile(ctx, layer, z, c[0], c[1], q)
					if err != nil {
						t.Fatal(err)
					}
					b, err := stored.Tile(ctx, layer, z, c[0], c[1], q)
					if err != nil {
						t.Fatal(err)
					}
					am, _ := a.MVT()
					bm, _ := b.MVT()
					if !bytes.Equal(am, bm) || a.ETag != b.ETag || a.Omitted != b.Omitted || a.Anchored != b.Anchored || a.Repaired != b.Repaired {
						t.Fatalf("%s/%d/%d/%d %q: stored tile (%d bytes, %s) differs from live (%d bytes, %s)", layer, z, c[0], c[1], q.Key, len(bm), b.ETag, len(am), a.ETag)
					}
					n++
				}
			}
		}
		t.Logf("%s: %d tiles identical", layer, n)
	}
}

// A stored pyramid is read by zoom and cell, only what a tile shows: the
// first Gemeinde tile at z8 reads the features and z7 geometry (z8 refers
// to it: the VG5000 Gemeinden are at full resolution from z7 on) of the
// cells it reaches, a small part of the layer, in three reads.
func TestPrebuiltReadsOnlyWhatATileShows(t *testing.T) {
	parts := prebuiltSeed(t)["gemeinde"]
	r := newPartReader(parts)
	ctx := context.Background()
	d, err := LoadPrebuilt(ctx, PrebuiltPrefix(Options{}), r.read)
	if err != nil || d == nil {
		t.Fatalf("LoadPrebuilt: %v, %v", d, err)
	}
	d.Name, d.Version = "gemeinde", 1
	s := NewServer(&firstSource{seedSource: &seedSource{version: 1}, d: d}, Options{CacheBytes: -1})
	if tl, err := s.Tile(ctx, "gemeinde", 8, 134, 86, ValueQuery{}); err != nil || tl.Features == 0 {
		t.Fatalf("gemeinde/8/134/86: %v, %v", tl, err)
	}
	prefix := PrebuiltPrefix(Options{})
	read, total := 0, 0
	for _, p := range parts {
		total += len(p.Data)
	}
	for _, name := range r.reads {
		read += len(r.parts[name])
		rest := strings.TrimPrefix(name, prefix)
		if !(rest == "layer" || strings.HasPrefix(rest, "c") || strings.HasPrefix(rest, "z7.c")) {
			t.Errorf("read %s", name)
		}
	}
	t.Logf("read %d parts in %d reads, %d of %d bytes", len(r.reads), r.calls, read, total)
	if r.calls != 3 { // the layer, the cells' features, the cells' geometry
		t.Errorf("%d reads, want 3", r.calls)
	}
	if read*25 > total {
		t.Errorf("read %d of %d bytes, want at most 4 %%", read, total)
	}
}

// Nothing stored under the prefix: the caller computes live. A zoom that
// is missing or does not decode fails the tile (never a tile from other
// data), and a stored pyramid serves only the options it was made for.
func TestPrebuiltMissingOrForeign(t *testing.T) {
	ctx := context.Background()
	parts := prebuiltSeed(t)["kreis"]
	prefix := PrebuiltPrefix(Options{})
	if d, err := LoadPrebuilt(ctx, "tiles.v0.tol8.", newPartReader(parts).read); d != nil || err != nil {
		t.Errorf("LoadPrebuilt of another version: %v, %v; want nil, nil", d, err)
	}
	if PrebuiltPrefix(Options{MaxZoom: 16}) != "" {
		t.Errorf("PrebuiltPrefix(MaxZoom 16) = %q, want none", PrebuiltPrefix(Options{MaxZoom: 16}))
	}
	if PrebuiltPrefix(Options{Tolerance: 4}) == prefix {
		t.Errorf("PrebuiltPrefix(Tolerance 4) = %q, the default's", prefix)
	}
	for _, tc := range []struct {
		name string
		edit func(map[string][]byte)
	}{
		{"missing geometry", func(m map[string][]byte) { edit(m, prefix+"z6.c", nil) }},
		{"truncated geometry", func(m map[string][]byte) { edit(m, prefix+"z6.c", func(b []byte) []byte { return b[:len(b)-3] }) }},
		{"missing features", func(m map[string][]byte) { edit(m, prefix+"c", nil) }},
		{"truncated features", func(m map[string][]byte) { edit(m, prefix+"c", func(b []byte) []byte { return b[:len(b)-1] }) }},
	} {
		r := newPartReader(parts)
		tc.edit(r.parts)
		d, err := LoadPrebuilt(ctx, prefix, r.read)
		if err != nil || d == nil {
			t.Fatalf("%s: LoadPrebuilt: %v, %v", tc.name, d, err)
		}
		d.Name, d.Version = "kreis", 1
		s := NewServer(&firstSource{seedSource: &seedSource{version: 1}, d: d}, Options{CacheBytes: -1})
		if tl, err := s.Tile(ctx, "kreis", 6, 33, 21, ValueQuery{}); err == nil {
			t.Errorf("%s: kreis/6/33/21 served (%d features), want an error", tc.name, tl.Features)
		}
	}
	for _, cut := range []int{1, 5} {
		r := newPartReader(parts)
		r.parts[prefix+"layer"] = r.parts[prefix+"layer"][:len(r.parts[prefix+"layer"])-cut]
		if d, err := LoadPrebuilt(ctx, prefix, r.read); err == nil {
			t.Errorf("layer part cut by %d bytes: LoadPrebuilt = %v, want an error", cut, d)
		}
	}
	d, err := LoadPrebuilt(ctx, prefix, newPartReader(parts).read)
	if err != nil || d == nil {
		t.Fatalf("LoadPrebuilt: %v, %v", d, err)
	}
	d.Name, d.Version = "kreis", 1
	s := NewServer(&firstSource{seedSource: &seedSource{version: 1}, d: d}, Options{CacheBytes: -1, Tolerance: 4})
	if _, err := s.Tile(ctx, "kreis", 6, 33, 21, ValueQuery{}); err == nil {
		t.Error("a pyramid stored for tolerance 8 served a server of tolerance 4")
	}
}

// edit changes the parts whose names start with prefix with fn (deletes
// them when fn is nil).
func edit(m map[string][]byte, prefix string, fn func([]byte) []byte) {
	for name, b := range m {
		if strings.HasPrefix(name, prefix) {
			if fn == nil {
				delete(m, name)
			} else {
				m[name] = fn(b)
			}
		}
	}
}

// prebuiltDigest is the SHA-256 of the stored pyramids of the seed layers.
// When it changes, the simplification or the format changed: bump prebuiltVersion (so
// that pyramids stored by earlier builds are no longer read) and update
// the digest here.
const prebuiltDigest = "878f914b095c654a259255d61db078e488488ae62715567b4d133b27c7595bcb"

func TestPrebuiltDigest(t *testing.T) {
	parts := prebuiltSeed(t)
	h := sha256.New()
	for _, layer := range []string{"land", "kreis", "vwg", "gemeinde"} {
		for _, p := range parts[layer] {
			h.Write([]byte(layer + "\x00" + p.Name + "\x00"))
			h.Write(p.Data)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != prebuiltDigest {
		t.Errorf("stored pyramids of the seed layers have digest %s, want %s: the simplification changed — bump prebuiltVersion and update prebuiltDigest", got, prebuiltDigest)
	}
}

// Requests and the warm-up read a stored pyramid's cells at the same time:
// each cell is read once and every tile is the live one.
func TestPrebuiltConcurrentReads(t *testing.T) {
	parts := prebuiltSeed(t)["kreis"]
	ctx := context.Background()
	r := newPartReader(parts)
	d, err := LoadPrebuilt(ctx, PrebuiltPrefix(Options{}), r.read)
	if err != nil || d == nil {
		t.Fatalf("LoadPrebuilt: %v, %v", d, err)
	}
	d.Name, d.Version = "kreis", 1
	stored := NewServer(&firstSource{seedSource: &seedSource{version: 1}, d: d}, Options{CacheBytes: -1, WarmMaxZoom: 6})
	live := NewServer(&seedSource{version: 1}, Options{CacheBytes: -1})
	coords, err := live.Coords(ctx, "kreis", 6)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := stored.Warm(ctx); err != nil {
			t.Error(err)
		}
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(coords); i += 4 {
				c := coords[i]
				a, err := live.Tile(ctx, "kreis", 6, c[0], c[1], ValueQuery{})
				if err != nil {
					t.Error(err)
					return
				}
				b, err := stored.Tile(ctx, "kreis", 6, c[0], c[1], ValueQuery{})
				if err != nil || a.ETag != b.ETag {
					t.Errorf("kreis/6/%d/%d: %v, ETag %s, live %s", c[0], c[1], err, b.ETag, a.ETag)
					return
				}
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, name := range r.reads {
		if seen[name] {
			t.Errorf("%s read twice", name)
		}
		seen[name] = true
	}
}
