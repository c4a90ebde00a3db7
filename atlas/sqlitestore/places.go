package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.PlaceStore = (*Store)(nil)

// Places implements atlas.PlaceStore.
func (s *Store) Places(ctx context.Context, q atlas.PlaceQuery) ([]atlas.Place, error) {
	status := q.Status
	if status == "" {
		status = atlas.PlacePublished
	}
	where := []string{"status = ?"}
	args := []any{status}
	if q.Bound != nil {
		where = append(where, "lon >= ? AND lon <= ? AND lat >= ? AND lat <= ?")
		args = append(args, q.Bound.Min[0], q.Bound.Max[0], q.Bound.Min[1], q.Bound.Max[1])
	}
	if len(q.Categories) > 0 {
		where = append(where, "category IN (?"+strings.Repeat(",?", len(q.Categories)-1)+")")
		for _, c := range q.Categories {
			args = append(args, c)
		}
	}
	query := `SELECT info FROM places WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query places: %w", err)
	}
	defer rows.Close()
	var out []atlas.Place
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var p atlas.Place
		if err := json.Unmarshal([]byte(info), &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlaceSources implements atlas.PlaceStore.
func (s *Store) PlaceSources(ctx context.Context) ([]atlas.PlaceSource, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT info FROM place_sources ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []atlas.PlaceSource
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var src atlas.PlaceSource
		if err := json.Unmarshal([]byte(info), &src); err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}
