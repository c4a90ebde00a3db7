package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.PlaceStore = (*Store)(nil)

// Places implements atlas.PlaceStore (the bound through the GiST index).
func (s *Store) Places(ctx context.Context, q atlas.PlaceQuery) ([]atlas.Place, error) {
	status := q.Status
	if status == "" {
		status = atlas.PlacePublished
	}
	var minLon, minLat, maxLon, maxLat, limit any // NULL: no bound, no limit
	if q.Bound != nil {
		minLon, minLat, maxLon, maxLat = q.Bound.Min[0], q.Bound.Min[1], q.Bound.Max[0], q.Bound.Max[1]
	}
	if q.Limit > 0 {
		limit = q.Limit
	}
	categories := q.Categories
	if categories == nil {
		categories = []string{}
	}
	rows, err := s.pool.Query(ctx, `SELECT info FROM places
		WHERE status = $1
		  AND ($2::float8 IS NULL OR geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
		  AND (cardinality($6::text[]) = 0 OR category = ANY ($6))
		ORDER BY id
		LIMIT $7`, status, minLon, minLat, maxLon, maxLat, categories, limit)
	if err != nil {
		return nil, wrap("query places", err)
	}
	infos, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("query places", err)
	}
	var out []atlas.Place
	for _, info := range infos {
		var p atlas.Place
		if err := json.Unmarshal(info, &p); err != nil {
			return nil, fmt.Errorf("decode place: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// PlaceSources implements atlas.PlaceStore.
func (s *Store) PlaceSources(ctx context.Context) ([]atlas.PlaceSource, error) {
	rows, err := s.pool.Query(ctx, `SELECT info FROM place_sources ORDER BY id`)
	if err != nil {
		return nil, wrap("query place sources", err)
	}
	infos, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("query place sources", err)
	}
	var out []atlas.PlaceSource
	for _, info := range infos {
		var src atlas.PlaceSource
		if err := json.Unmarshal(info, &src); err != nil {
			return nil, fmt.Errorf("decode place source: %w", err)
		}
		out = append(out, src)
	}
	return out, nil
}
