package tiles

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ogr2ogr returns the path of GDAL's ogr2ogr, the independent MVT decoder
// of these tests. Without it the tests skip on a developer machine but fail
// in CI (CI=true), where .ci/install-gdal.sh installs gdal-bin.
func ogr2ogr(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("ogr2ogr")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("ogr2ogr (GDAL) not found; CI must decode tiles with GDAL (run .ci/install-gdal.sh as root)")
	}
	t.Skip("ogr2ogr (GDAL) not installed: tiles not checked with an independent decoder (set CI=true to make this a failure)")
	return ""
}

// gdalFeature is a feature as GDAL's MVT driver reads it: geometry in
// EPSG:3857 metres, clipped to the tile (the driver's default CLIP=YES
// removes the buffer).
type gdalFeature struct {
	id   int64
	key  string
	name string
	typ  string
	geom orb.MultiPolygon
}

// gdalDecode decodes one tile with GDAL: it is written as dir/z/x/y.pbf,
// from which path the MVT driver takes the tile's position, and converted to
// GeoJSON with ogr2ogr.
func gdalDecode(bin, dir string, z int, x, y uint32, raw []byte) ([]gdalFeature, error) {
	p := filepath.Join(dir, strconv.Itoa(z), strconv.FormatUint(uint64(x), 10))
	if err := os.MkdirAll(p, 0o755); err != nil {
		return nil, err
	}
	in := filepath.Join(p, strconv.FormatUint(uint64(y), 10)+".pbf")
	out := in + ".geojson"
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-f", "GeoJSON", out, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ogr2ogr %d/%d/%d: %w\n%s", z, x, y, err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("GDAL's GeoJSON of %d/%d/%d: %w", z, x, y, err)
	}
	var fs []gdalFeature
	for _, f := range fc.Features {
		g := gdalFeature{key: f.Properties.MustString("key", ""), name: f.Properties.MustString("name", ""), typ: f.Properties.MustString("type", "")}
		g.id = int64(f.Properties.MustFloat64("mvt_id", -1))
		switch geom := f.Geometry.(type) {
		case orb.Polygon:
			g.geom = orb.MultiPolygon{geom}
		case orb.MultiPolygon:
			g.geom = geom
		default:
			return nil, fmt.Errorf("tile %d/%d/%d: GDAL read a %T for %s", z, x, y, f.Geometry, g.key)
		}
		fs = append(fs, g)
	}
	return fs, nil
}

// gdalDecodeZoom decodes every non-empty tile of a zoom with GDAL, a few at
// a time, and returns the features by tile.
func gdalDecodeZoom(t *testing.T, s *Server, layer string, z int) map[[2]uint32][]gdalFeature {
	t.Helper()
	bin := ogr2ogr(t)
	dir := t.TempDir()
	ctx := context.Background()
	coords, err := s.Coords(ctx, layer, z)
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]uint32][]gdalFeature{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, c := range coords {
		tile, err := s.Tile(ctx, layer, z, c[0], c[1], ValueQuery{})
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
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fs, err := gdalDecode(bin, dir, z, c[0], c[1], raw)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[c] = fs
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	return out
}

// toMercator projects WGS84 geometry to EPSG:3857 metres, as GDAL reports
// tile geometry.
func toMercator(mp orb.MultiPolygon) orb.MultiPolygon {
	return toMercatorWorld(projectMultiPolygon(mp))
}

// snap rounds every coordinate to a multiple of grid.
func snap(mp orb.MultiPolygon, grid float64) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i, pt := range r {
				r[i] = orb.Point{math.Round(pt[0]/grid) * grid, math.Round(pt[1]/grid) * grid}
			}
		}
	}
	return out
}

// toMercatorWorld scales world coordinates to EPSG:3857 metres.
func toMercatorWorld(mp orb.MultiPolygon) orb.MultiPolygon {
	const r = 6378137.0
	out := mp.Clone()
	for _, p := range out {
		for _, ring := range p {
			for i, pt := range ring {
				ring[i] = orb.Point{(pt[0] - 0.5) * 2 * math.Pi * r, (0.5 - pt[1]) * 2 * math.Pi * r}
			}
		}
	}
	return out
}

func tileName(z int, c [2]uint32) string { return fmt.Sprintf("%d/%d/%d", z, c[0], c[1]) }
