package tiles

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// Point is one feature of a point layer (e.g. the places of the atlas).
type Point struct {
	Lon, Lat   float64 // WGS84
	Properties map[string]any
}

// PointBound returns the WGS84 bounds of tile z/x/y widened by a margin of
// 64 extent units, so that symbols at tile edges are not cut: the points to
// pass to EncodePoints.
func PointBound(z int, x, y uint32) orb.Bound {
	return maptile.New(x, y, maptile.Zoom(z)).Bound(64.0 / Extent)
}

// EncodePoints encodes points as the layer name of tile z/x/y (MVT, not
// compressed). Points are rendered per request: point layers are small and
// change through moderation, not with the data version.
func EncodePoints(name string, z int, x, y uint32, points []Point) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	for _, p := range points {
		f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
		f.Properties = p.Properties
		fc.Append(f)
	}
	layer := mvt.NewLayer(name, fc)
	layer.ProjectToTile(maptile.New(x, y, maptile.Zoom(z)))
	b, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return nil, fmt.Errorf("encode %s tile %d/%d/%d: %w", name, z, x, y, err)
	}
	return b, nil
}
