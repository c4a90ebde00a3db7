package tiles

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/standortatlas/standortatlas/geo"
)

func newSeedServer(t testing.TB, opt Options) (*Server, *seedSource) {
	t.Helper()
	if _, err := loadSeedLayers(); err != nil {
		t.Fatalf("read seed boundaries: %v", err)
	}
	src := &seedSource{version: 1}
	return NewServer(src, opt), src
}

// The per-zoom geometry of the Länder and the 400 Kreise is a coverage:
// simplified with shared borders, it has exactly no gaps and no overlaps
// (measured against the full-resolution BKG geometry), and every island is
// still there.
func TestZoomGeometryHasNoGapsOrOverlaps(t *testing.T) {
	if testing.Short() {
		t.Skip("overlays of 400 regions at three zooms take a few seconds")
	}
	for _, layer := range []string{"land", "kreis"} {
		d := seedData(t, layer)
		p := newPyramid(d, 14, 8)
		world := make([]orb.MultiPolygon, len(d.Features))
		for i, f := range d.Features {
			world[i] = projectMultiPolygon(f.Geom)
		}
		total := 0.0
		for _, mp := range world {
			total += planar.Area(mp)
		}
		for _, z := range []int{4, 6, 8} {
			g, _ := p.zoom(context.Background(), z)
			gap, overlap, err := geo.CoverageDefects(world, g.polys)
			if err != nil {
				t.Fatalf("%s z%d: %v", layer, z, err)
			}
			t.Logf("%s z%d: gap area %g, overlap area %g (of %g world units²)", layer, z, gap, overlap, total)
			if gap > 1e-12*total || overlap > 1e-12*total {
				t.Errorf("%s z%d: gap area %g, overlap area %g, want 0", layer, z, gap, overlap)
			}
			in, out := 0, 0
			for i := range g.polys {
				in += len(world[i])
				out += len(g.polys[i])
				if len(g.polys[i]) != len(world[i]) {
					t.Errorf("%s z%d %s: %d polygons, the BKG geometry has %d (island lost)", layer, z, d.Features[i].Key, len(g.polys[i]), len(world[i]))
				}
			}
			if z == 4 {
				t.Logf("%s: %d polygon parts (islands and exclaves) at full resolution and at z4", layer, in)
			}
		}
	}
}

// Every tile is valid MVT 2.1 as read from its protobuf: one layer named
// after the level, version 2, extent 4096, polygons whose exterior rings
// have positive and holes negative area in tile coordinates, no ring with
// fewer than three distinct points or without area, valid polygons (no
// self-intersection or self-tangency, which rounding to the grid would
// otherwise cause now and then), feature id = numeric key, properties key,
// name and type; every region appears at z8.
func TestTilesAreValidMVT(t *testing.T) {
	s, _ := newSeedServer(t, Options{})
	ctx := context.Background()
	for _, c := range []struct {
		layer      string
		minZ, maxZ int
	}{{"land", 0, 10}, {"kreis", 0, 10}, {"vwg", 0, 8}, {"gemeinde", 0, 8}} {
		d := seedData(t, c.layer)
		byKey := map[string]Feature{}
		for _, f := range d.Features {
			byKey[f.Key] = f
		}
		for z := c.minZ; z <= c.maxZ; z++ {
			coords, err := s.Coords(ctx, c.layer, z)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, xy := range coords {
				tile, err := s.Tile(ctx, c.layer, z, xy[0], xy[1], ValueQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if tile.Empty() {
					continue
				}
				raw, err := tile.MVT()
				if err != nil {
					t.Fatal(err)
				}
				ls, err := decodeMVT(raw)
				if err != nil {
					t.Fatalf("%s %s: %v", c.layer, tileName(z, xy), err)
				}
				if len(ls) != 1 || ls[0].name != c.layer || ls[0].version != 2 || ls[0].extent != Extent {
					t.Fatalf("%s %s: layers %+v", c.layer, tileName(z, xy), ls)
				}
				if len(ls[0].features) != tile.Features {
					t.Errorf("%s %s: %d features decoded, %d encoded", c.layer, tileName(z, xy), len(ls[0].features), tile.Features)
				}
				for _, f := range ls[0].features {
					checkFeature(t, c.layer, z, xy, f, byKey, tile.Trimmed, seen)
				}
			}
			// No region disappears at any zoom (07134019 Dickesbach, 5.2
			// km², used to be missing from every Gemeinde tile of z4).
			if len(seen) != len(d.Features) {
				var missing []string
				for _, f := range d.Features {
					if !seen[f.Key] {
						missing = append(missing, f.Key+" "+f.Name)
					}
				}
				t.Errorf("%s z%d: %d of %d regions in no tile: %v", c.layer, z, len(missing), len(d.Features), missing[:min(10, len(missing))])
			}
		}
	}
}

// At z9–z12 the 150 smallest regions of every level (those that rounding
// to the tile grid could drop) are each in at least one of the tiles they
// reach.
func TestSmallestRegionsInTilesUpToZ12(t *testing.T) {
	s, _ := newSeedServer(t, Options{CacheBytes: -1})
	ctx := context.Background()
	for _, layer := range []string{"land", "kreis", "vwg", "gemeinde"} {
		d := seedData(t, layer)
		byKey := map[string]Feature{}
		type sized struct {
			i    int
			area float64
		}
		var fs []sized
		for i, f := range d.Features {
			byKey[f.Key] = f
			fs = append(fs, sized{i, planar.Area(f.Geom)})
		}
		slices.SortFunc(fs, func(a, b sized) int { return cmp.Compare(a.area, b.area) })
		fs = fs[:min(150, len(fs))]
		for z := 9; z <= 12; z++ {
			seen := map[string]bool{}
			tiles := map[[2]uint32]bool{}
			for _, f := range fs {
				x0, y0, x1, y1 := tileRange(z, projectMultiPolygon(d.Features[f.i].Geom).Bound())
				for x := x0; x <= x1; x++ {
					for y := y0; y <= y1; y++ {
						tiles[[2]uint32{x, y}] = true
					}
				}
			}
			for xy := range tiles {
				tile, err := s.Tile(ctx, layer, z, xy[0], xy[1], ValueQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if tile.Empty() {
					continue
				}
				raw, _ := tile.MVT()
				ls, err := decodeMVT(raw)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range ls[0].features {
					checkFeature(t, layer, z, xy, f, byKey, tile.Trimmed, seen)
				}
			}
			for _, f := range fs {
				if k := d.Features[f.i].Key; !seen[k] {
					t.Errorf("%s z%d: %s %s (%.3g sq. deg.) in no tile", layer, z, k, d.Features[f.i].Name, f.area)
				}
			}
		}
	}
}

func checkFeature(t *testing.T, layer string, z int, xy [2]uint32, f decodedFeature, byKey map[string]Feature, trimmed bool, seen map[string]bool) {
	t.Helper()
	where := layer + " " + tileName(z, xy)
	if f.id == nil {
		t.Fatalf("%s: feature without id", where)
	}
	key, _ := f.props["key"].(string)
	if key == "" && trimmed {
		// Trimmed tiles may leave out the key: the id is the key as a number.
		for k, rf := range byKey {
			if rf.ID == *f.id {
				key = k
			}
		}
	}
	rf, ok := byKey[key]
	if !ok {
		t.Fatalf("%s: feature id %d with unknown key %q", where, *f.id, key)
	}
	seen[key] = true
	if want, _ := strconv.ParseUint(key, 10, 64); *f.id != want {
		t.Errorf("%s: id %d for key %s", where, *f.id, key)
	}
	if !trimmed && (f.props["name"] != rf.Name || f.props["type"] != rf.Type || len(f.props) != 3) {
		t.Errorf("%s %s: properties %v, want key, name %q, type %q", where, key, f.props, rf.Name, rf.Type)
	}
	exterior := false
	for i, r := range f.rings {
		a := ringArea2(r)
		if a == 0 || len(r) < 4 {
			t.Errorf("%s %s ring %d: degenerate (%d points, area %d)", where, key, i, len(r), a)
		}
		if i == 0 && a < 0 {
			t.Errorf("%s %s: first ring has negative area (a hole before any exterior)", where, key)
		}
		exterior = exterior || a > 0
		for _, p := range r {
			if p[0] < -64 || p[0] > Extent+64 || p[1] < -64 || p[1] > Extent+64 {
				t.Fatalf("%s %s: point %v outside the buffered tile", where, key, p)
			}
		}
	}
	if !exterior {
		t.Errorf("%s %s: no exterior ring", where, key)
	}
	// OGC validity of the polygons (simple rings, holes inside their
	// exteriors, parts not overlapping), as the MVT specification asks.
	var mp orb.MultiPolygon
	for _, r := range f.rings {
		ring := make(orb.Ring, len(r))
		for i, p := range r {
			ring[i] = orb.Point{float64(p[0]), float64(p[1])}
		}
		if ringArea2(r) > 0 {
			mp = append(mp, orb.Polygon{ring})
		} else {
			mp[len(mp)-1] = append(mp[len(mp)-1], ring)
		}
	}
	if err := geo.Validate(mp); err != nil {
		t.Errorf("%s %s: invalid polygon: %v", where, key, err)
	}
}

// Decoded with GDAL, the independent decoder, the Kreis tiles at z4, z6 and
// z8 fit together without gaps or overlaps (up to quantisation to the 4096
// grid), carry the right ids and properties, and cover the same area as the
// BKG geometry.
func TestKreisTilesDecodedByGDALHaveNoGapsOrOverlaps(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes some 70 tiles with ogr2ogr and overlays them")
	}
	s, _ := newSeedServer(t, Options{})
	d := seedData(t, "kreis")
	byKey := map[string]Feature{}
	var before []orb.MultiPolygon
	total := 0.0
	for _, f := range d.Features {
		byKey[f.Key] = f
		m := toMercator(f.Geom)
		before = append(before, m)
		total += planar.Area(m)
	}
	for _, z := range []int{4, 6, 8} {
		decoded := gdalDecodeZoom(t, s, "kreis", z)
		var pieces []orb.MultiPolygon
		var err error
		area, invalid := 0.0, 0
		keys := map[string]bool{}
		tilesInOrder := make([][2]uint32, 0, len(decoded))
		for c := range decoded {
			tilesInOrder = append(tilesInOrder, c)
		}
		sortCoords(tilesInOrder)
		for _, c := range tilesInOrder {
			for _, f := range decoded[c] {
				rf, ok := byKey[f.key]
				if !ok || f.id != int64(rf.ID) || f.name != rf.Name || f.typ != rf.Type {
					t.Errorf("z%d tile %v: GDAL read id %d key %q name %q type %q", z, c, f.id, f.key, f.name, f.typ)
				}
				keys[f.key] = true
				// GDAL computes the points where it cuts a region at the tile
				// edge in each tile's own frame; snap to a millimetre grid so
				// that the overlays see the two sides of a tile edge as one.
				g := snap(f.geom, 1e-3)
				if geo.Validate(g) != nil {
					// Rounding to the tile grid can make a narrow part of a
					// region touch or cross itself; the overlays below need
					// valid input, so repair it (even–odd) first.
					invalid++
					if g, _, err = geo.Repair(g); err != nil {
						t.Fatalf("z%d %s: repair: %v", z, f.key, err)
					}
				}
				pieces = append(pieces, g)
				area += planar.Area(g)
			}
		}
		if len(keys) != len(d.Features) {
			t.Errorf("z%d: %d of %d Kreise decoded", z, len(keys), len(d.Features))
		}
		// CoverageDefects pairs its arguments by index only to find the holes
		// of the union before; pad the shorter list with empty geometry.
		b := append([]orb.MultiPolygon(nil), before...)
		for len(b) < len(pieces) {
			b = append(b, nil)
		}
		gap, overlap, err := geo.CoverageDefects(b, pieces)
		if err != nil {
			t.Fatalf("z%d: %v", z, err)
		}
		unit := 2 * math.Pi * 6378137 / float64(uint64(Extent)<<z) // metres per tile unit at the equator
		t.Logf("kreis z%d: %d tiles, %d pieces (%d invalid); gap %.0f m², overlap %.0f m² (one tile unit² = %.0f m²); area %.4f%% of the BKG geometry",
			z, len(decoded), len(pieces), invalid, gap, overlap, unit*unit, 100*area/total)
		if invalid > 0 {
			t.Errorf("z%d: GDAL read %d invalid pieces", z, invalid)
		}
		// Up to quantisation: the repairs of features that rounding made
		// invalid may move a border by less than a tile unit.
		if limit := float64(len(pieces)) * unit * unit / 2; gap > limit || overlap > limit {
			t.Errorf("z%d: gap %.0f m², overlap %.0f m², want at most half a tile unit² per piece (%.0f m²)", z, gap, overlap, limit)
		}
		// The simplified geometry of the zoom covers (up to quantisation)
		// the same area as the decoded tiles: no lost regions, no rings
		// read with the wrong winding.
		simple := 0.0
		g, _ := newPyramid(d, 14, 8).zoom(context.Background(), z)
		for _, mp := range g.polys {
			simple += planar.Area(toMercatorWorld(mp))
		}
		if math.Abs(area/simple-1) > 0.001 {
			t.Errorf("z%d: the decoded tiles cover %.4f%% of the simplified geometry's area", z, 100*area/simple)
		}
	}
}

// No tile of the Gemeinde level (10,997 regions) is larger than 500 KB,
// uncompressed, at z0–z8, with or without values.
func TestGemeindeTilesWithin500KB(t *testing.T) {
	s, _ := newSeedServer(t, Options{CacheBytes: -1})
	ctx := context.Background()
	const limit = 500_000
	for _, q := range []ValueQuery{{}, {Key: "synthetic"}} {
		maxRaw, maxGz, n, trimmed := 0, 0, 0, 0
		for z := 0; z <= 8; z++ {
			coords, err := s.Coords(ctx, "gemeinde", z)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range coords {
				tile, err := s.Tile(ctx, "gemeinde", z, c[0], c[1], q)
				if err != nil {
					t.Fatal(err)
				}
				if tile.Empty() {
					continue
				}
				n++
				if tile.Size > limit || len(tile.Gzip) > limit {
					t.Errorf("gemeinde %s: %d bytes (%d gzipped), over %d", tileName(z, c), tile.Size, len(tile.Gzip), limit)
				}
				if tile.Trimmed {
					trimmed++
					if tile.Omitted == "" {
						t.Errorf("gemeinde %s: trimmed without saying what it left out", tileName(z, c))
					}
				} else if tile.Omitted != "" {
					t.Errorf("gemeinde %s: untrimmed, but says it left out %q", tileName(z, c), tile.Omitted)
				}
				maxRaw, maxGz = max(maxRaw, tile.Size), max(maxGz, len(tile.Gzip))
			}
		}
		t.Logf("gemeinde z0–z8 %+v: %d tiles, largest %d bytes (%d gzipped); %d without name and type", q, n, maxRaw, maxGz, trimmed)
	}
}

func TestTilesCarryChoroplethValues(t *testing.T) {
	s, _ := newSeedServer(t, Options{})
	ctx := context.Background()
	q := ValueQuery{Key: "synthetic"}
	tile, err := s.Tile(ctx, "kreis", 6, 33, 21, q)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Tile(ctx, "kreis", 6, 33, 21, ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if tile.ETag == plain.ETag {
		t.Error("tiles with and without values share an ETag")
	}
	raw, _ := tile.MVT()
	ls, err := decodeMVT(raw)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range ls[0].features {
		id := *f.id
		switch {
		case id%7 == 0:
			counts["missing"]++
			if f.props["flag"] != "missing" || f.props["value"] != nil || f.props["class"] != nil {
				t.Errorf("%d: %v, want flag missing only", id, f.props)
			}
		case id%11 == 0:
			counts["secret"]++
			if f.props["flag"] != "secret" || f.props["value"] != nil || f.props["class"] != nil {
				t.Errorf("%d: %v, want flag secret only", id, f.props)
			}
		default:
			counts["value"]++
			if f.props["value"] != float64(id%1000)+0.5 || f.props["class"] != int64(id%5) || f.props["flag"] != nil {
				t.Errorf("%d: %v, want value %g class %d", id, f.props, float64(id%1000)+0.5, id%5)
			}
		}
	}
	if counts["value"] == 0 || counts["missing"] == 0 {
		t.Errorf("feature kinds in the tile: %v", counts)
	}
	if _, err := s.Tile(ctx, "kreis", 6, 33, 21, ValueQuery{Key: "nope"}); !errors.Is(err, errUnknownIndicator) {
		t.Errorf("unknown indicator: %v, want the source's error", err)
	}
	if _, err := s.Tile(ctx, "bezirk", 6, 33, 21, ValueQuery{}); !errors.Is(err, ErrUnknownLayer) {
		t.Errorf("unknown layer: %v", err)
	}
	for _, c := range [][3]int{{15, 0, 0}, {-1, 0, 0}, {3, 8, 0}, {3, 0, 8}} {
		if _, err := s.Tile(ctx, "kreis", c[0], uint32(c[1]), uint32(c[2]), ValueQuery{}); !errors.Is(err, ErrInvalidTile) {
			t.Errorf("tile %v: %v, want ErrInvalidTile", c, err)
		}
	}
}

func TestCacheETagsAndDataVersions(t *testing.T) {
	s, src := newSeedServer(t, Options{})
	ctx := context.Background()

	// Many concurrent first requests load the layer once and share one tile.
	var wg sync.WaitGroup
	got := make([]*Tile, 32)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tl, err := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{})
			if err != nil {
				t.Error(err)
			}
			got[i] = tl
		}()
	}
	wg.Wait()
	if src.loads != 1 {
		t.Errorf("layer loaded %d times by 32 concurrent requests, want 1", src.loads)
	}
	for _, tl := range got[1:] {
		if tl != got[0] {
			t.Fatal("concurrent requests got different tiles")
		}
	}
	// Rendering again gives the same bytes and ETag (deterministic output).
	again, err := s.Render(ctx, "kreis", 8, 134, 86, ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := got[0].MVT()
	b, _ := again.MVT()
	if string(a) != string(b) || again.ETag != got[0].ETag || len(got[0].ETag) < 10 || got[0].ETag[0] != '"' {
		t.Errorf("re-rendered tile differs: ETag %s vs %s", again.ETag, got[0].ETag)
	}

	// A new data version drops the cache and reloads the layer.
	src.setVersion(2)
	tl, err := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if tl.Version != 2 || src.loads != 2 || tl == got[0] {
		t.Errorf("after the data change: version %d, %d loads", tl.Version, src.loads)
	}
	if n, _ := s.CacheStats(); n != 1 {
		t.Errorf("%d tiles cached after the data change, want 1", n)
	}
	if tl.ETag != got[0].ETag {
		t.Error("the same content got another ETag in the next data version")
	}
}

// slowPollSource answers Version with the version it had when the poll
// started, but only once release is closed (a poll that is slow to answer).
type slowPollSource struct {
	*seedSource
	slow    chan struct{} // closed when the slow poll has read its version
	release chan struct{}
	once    sync.Once
}

func (s *slowPollSource) Version(ctx context.Context) (int64, error) {
	v, err := s.seedSource.Version(ctx)
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.slow)
		<-s.release
	}
	return v, err
}

// TestVersionStragglerIgnored: a poll that started before a newer one but
// answers after it (however late) never switches the server back, and a tile
// rendered for the old version by such a request is not cached; a later
// poll that names a lower version (a restored store) is followed.
func TestVersionStragglerIgnored(t *testing.T) {
	if _, err := loadSeedLayers(); err != nil {
		t.Fatal(err)
	}
	src := &slowPollSource{seedSource: &seedSource{version: 1}, slow: make(chan struct{}), release: make(chan struct{})}
	s := NewServer(src, Options{})
	ctx := context.Background()
	type answer struct {
		tl  *Tile
		err error
	}
	old := make(chan answer)
	go func() {
		tl, err := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{}) // the slow poll, reads version 1
		old <- answer{tl, err}
	}()
	<-src.slow
	src.setVersion(2)
	tl, err := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{})
	if err != nil || tl.Version != 2 {
		t.Fatalf("tile after the switch: %v, %v", tl, err)
	}
	time.Sleep(10 * time.Millisecond) // no time window decides: the order of the polls does
	close(src.release)
	a := <-old
	if a.err != nil {
		t.Fatal(a.err)
	}
	if v, _ := s.Version(ctx); v != 2 {
		t.Errorf("straggler switched the server back to version %d", v)
	}
	if n, _ := s.CacheStats(); n != 1 {
		t.Errorf("%d tiles cached, want 1 (the straggler's must not stay)", n)
	}
	if tl2, _ := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{}); tl2 != tl {
		t.Error("the cached tile of version 2 was replaced")
	}
	// A newer poll naming a lower version is a real change of the data.
	src.setVersion(1)
	if v, _ := s.Version(ctx); v != 1 {
		t.Errorf("a restored store's version 1 was not followed: %d", v)
	}
}

func TestCacheIsBoundedByBytes(t *testing.T) {
	const limit = 300_000
	s, _ := newSeedServer(t, Options{CacheBytes: limit, WarmMaxZoom: 8})
	if err := s.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, size := s.CacheStats()
	if size > limit || n == 0 {
		t.Errorf("cache holds %d tiles in %d bytes, limit %d", n, size, limit)
	}
}

func TestWarmFillsTheCache(t *testing.T) {
	s, src := newSeedServer(t, Options{WarmMaxZoom: 6})
	ctx := context.Background()
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, l := range []string{"land", "kreis", "vwg", "gemeinde"} {
		for z := 0; z <= 6; z++ {
			cs, err := s.Coords(ctx, l, z)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if tl, err := s.Render(ctx, l, z, c[0], c[1], ValueQuery{}); err == nil && !tl.Empty() {
					want++
				}
			}
		}
	}
	n, size := s.CacheStats()
	// Empty tiles are cached too (they answer 204 quickly).
	if n < want {
		t.Errorf("%d tiles cached after Warm, want at least the %d non-empty ones of z0–z6", n, want)
	}
	t.Logf("warm z0–z6, 4 layers: %d tiles, %d bytes", n, size)
	loads := src.loads
	if _, err := s.Tile(ctx, "gemeinde", 6, 33, 21, ValueQuery{}); err != nil || src.loads != loads {
		t.Errorf("a warm tile loaded the layer again: %v", err)
	}
}

func TestTileJSON(t *testing.T) {
	s, _ := newSeedServer(t, Options{})
	tj, err := s.TileJSON(context.Background(), "kreis", ValueQuery{}, func(v int64) string {
		return fmt.Sprintf("https://atlas.example/tiles/kreis/{z}/{x}/{y}.mvt?v=%d", v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if tj.TileJSON != "3.0.0" || tj.Version != "1.1.0" || tj.Scheme != "xyz" || tj.MinZoom != 0 || tj.MaxZoom != 14 ||
		len(tj.Tiles) != 1 || tj.Tiles[0] != "https://atlas.example/tiles/kreis/{z}/{x}/{y}.mvt?v=1" {
		t.Errorf("tilejson = %+v", tj)
	}
	// Germany: 5.87° to 15.04° E, 47.27° to 55.06° N.
	b := tj.Bounds
	if b[0] < 5.8 || b[0] > 5.9 || b[1] < 47.2 || b[1] > 47.3 || b[2] < 15.0 || b[2] > 15.1 || b[3] < 55.0 || b[3] > 55.1 {
		t.Errorf("bounds %v are not Germany's", b)
	}
	if tj.Attribution != "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)" {
		t.Errorf("attribution %q", tj.Attribution)
	}
	if len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "kreis" || len(tj.VectorLayers[0].Fields) != 3 || tj.VectorLayers[0].Fields["key"] == "" {
		t.Errorf("vector_layers %+v", tj.VectorLayers)
	}
	vj, err := s.TileJSON(context.Background(), "kreis", ValueQuery{Key: "synthetic"}, func(int64) string { return "" })
	if err != nil || len(vj.VectorLayers[0].Fields) != 6 {
		t.Errorf("with values: %v %+v", err, vj)
	}
	if _, err := s.TileJSON(context.Background(), "kreis", ValueQuery{Key: "nope"}, func(int64) string { return "" }); !errors.Is(err, errUnknownIndicator) {
		t.Errorf("bad query: %v", err)
	}
}

// A cached tile asked for without gzip is inflated once: the identity copy
// is kept beside it and counted against the cache's bound.
func TestIdentityCopyKeptWithTheCachedTile(t *testing.T) {
	s, _ := newSeedServer(t, Options{})
	ctx := context.Background()
	tl, err := s.Tile(ctx, "kreis", 8, 134, 86, ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	_, before := s.CacheStats()
	a, err := tl.MVT()
	if err != nil || len(a) != tl.Size {
		t.Fatalf("identity: %d bytes, %v; want %d", len(a), err, tl.Size)
	}
	b, _ := tl.MVT()
	if &a[0] != &b[0] {
		t.Error("the identity copy was inflated again")
	}
	if _, after := s.CacheStats(); after != before+int64(len(a)) {
		t.Errorf("cache bytes %d → %d, want + %d for the identity copy", before, after, len(a))
	}
	r, err := s.Render(ctx, "kreis", 8, 134, 86, ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := r.MVT(); string(c) != string(a) {
		t.Error("the identity copy differs from the rendered tile")
	}
}

// Requested tiles come first: while a request renders a tile that is not
// cached, Warm neither simplifies nor renders; it goes on once the request
// is answered.
func TestWarmWaitsForRequests(t *testing.T) {
	s, _ := newSeedServer(t, Options{WarmMaxZoom: 4})
	ctx := context.Background()
	s.demand.Add(1) // a request rendering
	done := make(chan error)
	go func() { done <- s.Warm(ctx) }()
	time.Sleep(200 * time.Millisecond)
	if n, _ := s.CacheStats(); n != 0 {
		t.Errorf("warm rendered %d tiles while a request was rendering", n)
	}
	p, err := s.pyramid(ctx, "land")
	if err != nil {
		t.Fatal(err)
	}
	for z := range p.zooms {
		if p.zooms[z].g.Load() != nil {
			t.Errorf("warm simplified z%d while a request was rendering", z)
		}
	}
	s.demand.Add(-1)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CacheStats(); n == 0 {
		t.Error("warm rendered nothing after the request")
	}
	// A request's own cache miss counts as demand while it renders, Warm's
	// do not.
	if _, err := s.Tile(ctx, "kreis", 6, 33, 21, ValueQuery{}); err != nil || s.demand.Load() != 0 {
		t.Errorf("demand %d after a request, %v", s.demand.Load(), err)
	}
}

// A requested tile is answered from its own layer and zoom: no other layer
// is loaded and no other zoom simplified for it (the first tile after a
// start waits for nothing it does not show).
func TestRequestedTileBuildsOnlyItsLayerAndZoom(t *testing.T) {
	s, src := newSeedServer(t, Options{})
	ctx := context.Background()
	tl, err := s.Tile(ctx, "gemeinde", 8, 134, 86, ValueQuery{})
	if err != nil || tl.Features == 0 {
		t.Fatalf("gemeinde/8/134/86: %v, %+v", err, tl)
	}
	built := func() []int {
		p, err := s.pyramid(ctx, "gemeinde")
		if err != nil {
			t.Fatal(err)
		}
		var zs []int
		for z := range p.zooms {
			if p.zooms[z].g.Load() != nil {
				zs = append(zs, z)
			}
		}
		return zs
	}
	src.mu.Lock()
	var layers []string
	for name := range src.layers[src.version] {
		layers = append(layers, name)
	}
	src.mu.Unlock()
	if len(layers) != 1 || layers[0] != "gemeinde" {
		t.Errorf("layers loaded for one Gemeinde tile: %v", layers)
	}
	if zs := built(); !slices.Equal(zs, []int{8}) {
		t.Errorf("zooms simplified for a z8 tile: %v", zs)
	}
	if _, err := s.Tile(ctx, "gemeinde", 10, 537, 346, ValueQuery{}); err != nil {
		t.Fatal(err)
	}
	if zs := built(); !slices.Equal(zs, []int{8, 10}) {
		t.Errorf("zooms simplified after a z10 tile: %v", zs)
	}
}
