package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.TokenStore = (*Store)(nil)

// CreateToken implements atlas.TokenStore (ingest.Intake checks the token
// and its hash before).
func (s *Store) CreateToken(ctx context.Context, t atlas.Token, hash string) (atlas.Token, error) {
	keys, err := json.Marshal(t.Keys)
	if err != nil {
		return t, err
	}
	inds, err := json.Marshal(t.Indicators)
	if err != nil {
		return t, err
	}
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	scopes, err := json.Marshal(t.Scopes)
	if err != nil {
		return t, err
	}
	t.CreatedAt = time.Now().UTC().Truncate(time.Second)
	t.RevokedAt = nil
	res, err := s.db.ExecContext(ctx, `INSERT INTO tokens(name, hash, keys, indicators, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Name, hash, string(keys), string(inds), string(scopes), t.CreatedAt.Format(time.RFC3339))
	if err != nil {
		return t, fmt.Errorf("insert token: %w", err)
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return t, err
	}
	return t, nil
}

const tokenColumns = `id, name, keys, indicators, scopes, created_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (atlas.Token, error) {
	var t atlas.Token
	var keys, inds, scopes, created string
	var revoked sql.NullString
	if err := sc.Scan(&t.ID, &t.Name, &keys, &inds, &scopes, &created, &revoked); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(keys), &t.Keys); err != nil {
		return t, fmt.Errorf("token %d keys: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(inds), &t.Indicators); err != nil {
		return t, fmt.Errorf("token %d indicators: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
		return t, fmt.Errorf("token %d scopes: %w", t.ID, err)
	}
	var err error
	if t.CreatedAt, err = time.Parse(time.RFC3339, created); err != nil {
		return t, fmt.Errorf("token %d created_at: %w", t.ID, err)
	}
	if revoked.Valid {
		r, err := time.Parse(time.RFC3339, revoked.String)
		if err != nil {
			return t, fmt.Errorf("token %d revoked_at: %w", t.ID, err)
		}
		t.RevokedAt = &r
	}
	return t, nil
}

// TokenByHash implements atlas.TokenStore.
func (s *Store) TokenByHash(ctx context.Context, hash string) (atlas.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ? AND revoked_at IS NULL`, hash))
	if errNoRows(err) {
		return t, atlas.ErrUnauthenticated
	}
	if err != nil {
		return t, fmt.Errorf("look up token: %w", err)
	}
	return t, nil
}

// Tokens implements atlas.TokenStore.
func (s *Store) Tokens(ctx context.Context) ([]atlas.Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("query tokens: %w", err)
	}
	defer rows.Close()
	var out []atlas.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements atlas.TokenStore. Revoking twice keeps the first
// time. The token's sessions end in the same transaction.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revoke token %d: begin: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, time.Now().UTC().Format(time.RFC3339), id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("token %d: %w", id, atlas.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, id); err != nil {
		return fmt.Errorf("revoke token %d: end its sessions: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("revoke token %d: commit: %w", id, err)
	}
	return nil
}
