package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Boundaries answers the display outlines of a level as an encoded GeoJSON
// FeatureCollection (properties key, name, type) with attribution.
func (s *Service) Boundaries(ctx context.Context, level Level) (*Encoded, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	ck := fmt.Sprintf("boundaries|%d|%s", v, level)
	if e, ok := s.cache.get(ck); ok {
		return e, nil
	}
	sh, err := s.shapesFor(ctx, level)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, r := range sh.regions {
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
	b = strconv.AppendQuote(b, level.String())
	info, err := json.Marshal(boundaryInfo(sh.set))
	if err != nil {
		return nil, err
	}
	b = append(b, `,"boundaries":`...)
	b = append(b, info...)
	attr, err := json.Marshal([]string{sh.set.Attribution})
	if err != nil {
		return nil, err
	}
	b = append(b, `,"attribution":`...)
	b = append(b, attr...)
	b = append(b, '}')
	enc := NewEncoded(b)
	s.cache.put(ck, enc)
	return enc, nil
}

// BoundarySets lists the boundary set of each level.
func (s *Service) BoundarySets(ctx context.Context) ([]BoundarySet, error) {
	return s.store.BoundarySets(ctx)
}
