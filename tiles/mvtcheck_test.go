package tiles

import (
	"fmt"

	"github.com/paulmach/orb/encoding/mvt/vectortile"
)

// decodedFeature is a feature read from the raw protobuf of a tile, with
// its rings exactly as the geometry commands give them.
type decodedFeature struct {
	id    *uint64
	props map[string]any
	rings [][][2]int64 // closed: the first point repeated at the end
}

// decodedLayer is a layer read from the raw protobuf.
type decodedLayer struct {
	name     string
	version  uint32
	extent   uint32
	features []decodedFeature
}

// decodeMVT reads a tile with the protobuf definitions of the MVT 2.1
// specification and decodes the geometry commands itself, checking them as
// it goes: polygons only; each ring one MoveTo, one LineTo with at least two
// points and a ClosePath; no repeated consecutive points.
func decodeMVT(raw []byte) ([]decodedLayer, error) {
	var tile vectortile.Tile
	if err := tile.Unmarshal(raw); err != nil {
		return nil, err
	}
	var out []decodedLayer
	for _, l := range tile.Layers {
		dl := decodedLayer{name: l.GetName(), version: l.GetVersion(), extent: l.GetExtent()}
		for fi, f := range l.Features {
			if f.GetType() != vectortile.Tile_POLYGON {
				return nil, fmt.Errorf("layer %s feature %d: type %v", dl.name, fi, f.GetType())
			}
			df := decodedFeature{id: f.Id, props: map[string]any{}}
			if len(f.Tags)%2 != 0 {
				return nil, fmt.Errorf("feature %d: odd number of tags", fi)
			}
			for i := 0; i < len(f.Tags); i += 2 {
				k, v := int(f.Tags[i]), int(f.Tags[i+1])
				if k >= len(l.Keys) || v >= len(l.Values) {
					return nil, fmt.Errorf("feature %d: tag index out of range", fi)
				}
				val := l.Values[v]
				switch {
				case val.StringValue != nil:
					df.props[l.Keys[k]] = *val.StringValue
				case val.DoubleValue != nil:
					df.props[l.Keys[k]] = *val.DoubleValue
				case val.SintValue != nil:
					df.props[l.Keys[k]] = *val.SintValue
				case val.IntValue != nil:
					df.props[l.Keys[k]] = *val.IntValue
				case val.UintValue != nil:
					df.props[l.Keys[k]] = int64(*val.UintValue)
				default:
					return nil, fmt.Errorf("feature %d: property %s of unexpected type", fi, l.Keys[k])
				}
			}
			rings, err := decodeRings(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("layer %s feature %d (id %v): %w", dl.name, fi, f.GetId(), err)
			}
			df.rings = rings
			dl.features = append(dl.features, df)
		}
		out = append(out, dl)
	}
	return out, nil
}

func decodeRings(cmds []uint32) ([][][2]int64, error) {
	var rings [][][2]int64
	var x, y int64
	zigzag := func(v uint32) int64 { return int64(v>>1) ^ -int64(v&1) }
	for i := 0; i < len(cmds); {
		// MoveTo(1)
		if cmds[i] != (1<<3|1) || i+2 >= len(cmds) {
			return nil, fmt.Errorf("ring %d: expected MoveTo(1), got command %d", len(rings), cmds[i])
		}
		x += zigzag(cmds[i+1])
		y += zigzag(cmds[i+2])
		ring := [][2]int64{{x, y}}
		i += 3
		if i >= len(cmds) || cmds[i]&7 != 2 {
			return nil, fmt.Errorf("ring %d: expected LineTo", len(rings))
		}
		n := int(cmds[i] >> 3)
		if n < 2 {
			return nil, fmt.Errorf("ring %d: LineTo with %d points (degenerate ring)", len(rings), n)
		}
		i++
		if i+2*n > len(cmds) {
			return nil, fmt.Errorf("ring %d: truncated LineTo", len(rings))
		}
		for k := 0; k < n; k++ {
			dx, dy := zigzag(cmds[i]), zigzag(cmds[i+1])
			if dx == 0 && dy == 0 {
				return nil, fmt.Errorf("ring %d: repeated point", len(rings))
			}
			x, y = x+dx, y+dy
			ring = append(ring, [2]int64{x, y})
			i += 2
		}
		if i >= len(cmds) || cmds[i] != (1<<3|7) {
			return nil, fmt.Errorf("ring %d: expected ClosePath", len(rings))
		}
		i++
		rings = append(rings, append(ring, ring[0]))
	}
	return rings, nil
}

// ringArea2 is twice the signed area of a closed ring in tile coordinates
// (positive: an exterior ring by the MVT 2.1 definition).
func ringArea2(r [][2]int64) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}
