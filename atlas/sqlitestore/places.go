package sqlitestore

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

//go:embed places.sql
var placesSchema string

var _ atlas.PlaceStore = (*Store)(nil)

// ensurePlaces creates the places tables on first use (older store files
// have none).
func (s *Store) ensurePlaces(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, placesSchema)
	if err != nil {
		return fmt.Errorf("places schema: %w", err)
	}
	return nil
}

// ReplacePlaces implements atlas.PlaceStore.
func (s *Store) ReplacePlaces(ctx context.Context, src atlas.PlaceSource, places []atlas.Place) error {
	if err := s.ensurePlaces(ctx); err != nil {
		return err
	}
	info, err := json.Marshal(src)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM places WHERE source = ?`, src.ID); err != nil {
		return err
	}
	for _, p := range places {
		if p.Source != src.ID {
			return fmt.Errorf("place %s: source %q, want %q", p.ID, p.Source, src.ID)
		}
		if err := insertPlace(ctx, tx, p); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO place_sources(id, info) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET info = excluded.info`, src.ID, string(info)); err != nil {
		return err
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func insertPlace(ctx context.Context, tx *sql.Tx, p atlas.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	info, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO places(id, source, category, status, lon, lat, info) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Source, p.Category, p.Status, p.Lon, p.Lat, string(info))
	if err != nil {
		return fmt.Errorf("insert place %s: %w", p.ID, err)
	}
	return nil
}

// AddPlace implements atlas.PlaceStore.
func (s *Store) AddPlace(ctx context.Context, p atlas.Place) error {
	if err := s.ensurePlaces(ctx); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertPlace(ctx, tx, p); err != nil {
		return err
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// SetPlaceStatus implements atlas.PlaceStore.
func (s *Store) SetPlaceStatus(ctx context.Context, id, status string) error {
	if status != atlas.PlacePublished && status != atlas.PlacePending {
		return &atlas.ParamError{Param: "status", Value: status, Reason: "must be published or pending"}
	}
	if err := s.ensurePlaces(ctx); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var info string
	if err := tx.QueryRowContext(ctx, `SELECT info FROM places WHERE id = ?`, id).Scan(&info); err == sql.ErrNoRows {
		return fmt.Errorf("place %s: %w", id, atlas.ErrNotFound)
	} else if err != nil {
		return err
	}
	var p atlas.Place
	if err := json.Unmarshal([]byte(info), &p); err != nil {
		return err
	}
	p.Status = status
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE places SET status = ?, info = ? WHERE id = ?`, status, string(b), id); err != nil {
		return err
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Places implements atlas.PlaceStore.
func (s *Store) Places(ctx context.Context, q atlas.PlaceQuery) ([]atlas.Place, error) {
	if err := s.ensurePlaces(ctx); err != nil {
		return nil, err
	}
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
	if err := s.ensurePlaces(ctx); err != nil {
		return nil, err
	}
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
