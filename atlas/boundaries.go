package atlas

import (
	"context"
	"encoding/json"
	"strconv"
)

// Boundaries answers the display outlines of a level as an encoded GeoJSON
// FeatureCollection (properties key, name, type) with attribution.
func (s *Service) Boundaries(ctx context.Context, level Level) (*Encoded, error) {
	snap, sh, err := s.Level(ctx, level)
	if err != nil {
		return nil, err
	}
	return snap.cached(ctx, "boundaries|"+level.String(), func(context.Context) ([]byte, error) { return encodeBoundaries(sh) })
}

func encodeBoundaries(sh *LevelData) ([]byte, error) {
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, r := range sh.Regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeatureHead(b, r, sh.geomJSON[i])
		if r.Gemeindefrei {
			b = append(b, `,"gemeindefrei":true`...)
		}
		b = append(b, "}}"...)
	}
	b = append(b, `],"level":`...)
	b = strconv.AppendQuote(b, sh.Level.String())
	info, err := json.Marshal(boundaryInfo(sh.Set))
	if err != nil {
		return nil, err
	}
	b = append(b, `,"boundaries":`...)
	b = append(b, info...)
	attr, err := json.Marshal([]string{sh.Set.Attribution})
	if err != nil {
		return nil, err
	}
	b = append(b, `,"attribution":`...)
	b = append(b, attr...)
	return append(b, '}'), nil
}
