package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.PlaceStore = (*Store)(nil)

// ReplacePlaces implements atlas.PlaceStore: all places of src.ID are
// replaced in one transaction and the source is recorded.
func (s *Store) ReplacePlaces(ctx context.Context, src atlas.PlaceSource, places []atlas.Place) error {
	info, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("encode place source %s: %w", src.ID, err)
	}
	rows := make([][]any, len(places))
	for i, p := range places {
		if p.Source != src.ID {
			return fmt.Errorf("place %s: source %q, want %q", p.ID, p.Source, src.ID)
		}
		if rows[i], err = placeRow(p); err != nil {
			return err
		}
	}
	op := "replace places of " + src.ID
	return s.write(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM places WHERE source = $1`, src.ID); err != nil {
			return wrap(op, err)
		}
		b := &pgx.Batch{}
		for _, r := range rows {
			b.Queue(insertPlace, r...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return wrap(op, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO place_sources (id, info) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET info = excluded.info`, src.ID, json.RawMessage(info)); err != nil {
			return wrap(op+": source", err)
		}
		return nil
	})
}

const insertPlace = `INSERT INTO places (id, source, category, status, info, geom)
	VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))`

// placeRow checks p and returns the arguments of insertPlace.
func placeRow(p atlas.Place) ([]any, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	info, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode place %s: %w", p.ID, err)
	}
	return []any{p.ID, p.Source, p.Category, p.Status, json.RawMessage(info), p.Lon, p.Lat}, nil
}

// AddPlace implements atlas.PlaceStore.
func (s *Store) AddPlace(ctx context.Context, p atlas.Place) error {
	row, err := placeRow(p)
	if err != nil {
		return err
	}
	op := "add place " + p.ID
	return s.write(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, insertPlace, row...); err != nil {
			return wrap(op, err)
		}
		return nil
	})
}

// SetPlaceStatus implements atlas.PlaceStore.
func (s *Store) SetPlaceStatus(ctx context.Context, id, status string) error {
	if status != atlas.PlacePublished && status != atlas.PlacePending {
		return &atlas.ParamError{Param: "status", Value: status, Reason: "must be published or pending"}
	}
	op := "set status of place " + id
	return s.write(ctx, op, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE places SET status = $2, info = jsonb_set(info, '{status}', to_jsonb($2::text))
			WHERE id = $1`, id, status)
		if err != nil {
			return wrap(op, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("place %s: %w", id, atlas.ErrNotFound)
		}
		return nil
	})
}

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
