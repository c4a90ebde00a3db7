package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.TokenStore = (*Store)(nil)

// CreateToken implements atlas.TokenStore (ingest.Intake checks the token
// and its hash before).
func (s *Store) CreateToken(ctx context.Context, t atlas.Token, hash string) (atlas.Token, error) {
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	t.CreatedAt = time.Now().UTC().Truncate(time.Second)
	t.RevokedAt = nil
	if err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, hash, keys, indicators, scopes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.Name, hash, t.Keys, t.Indicators, t.Scopes, t.CreatedAt).Scan(&t.ID); err != nil {
		return t, wrap("insert token", err)
	}
	return t, nil
}

const tokenColumns = `id, name, keys, indicators, scopes, created_at, revoked_at`

func scanToken(row pgx.Row) (atlas.Token, error) {
	var t atlas.Token
	var revoked *time.Time
	if err := row.Scan(&t.ID, &t.Name, &t.Keys, &t.Indicators, &t.Scopes, &t.CreatedAt, &revoked); err != nil {
		return t, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked != nil {
		r := revoked.UTC()
		t.RevokedAt = &r
	}
	return t, nil
}

// TokenByHash implements atlas.TokenStore: the active token with this hash,
// or atlas.ErrUnauthenticated.
func (s *Store) TokenByHash(ctx context.Context, hash string) (atlas.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return atlas.Token{}, atlas.ErrUnauthenticated
	}
	if err != nil {
		return t, wrap("look up token", err)
	}
	return t, nil
}

// Tokens implements atlas.TokenStore: all tokens, revoked ones included, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]atlas.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, wrap("query tokens", err)
	}
	defer rows.Close()
	var out []atlas.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap("query tokens", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("query tokens", err)
	}
	return out, nil
}

// RevokeToken implements atlas.TokenStore. Revoking twice keeps the first
// time. The token's sessions end in the same transaction.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(fmt.Sprintf("revoke token %d: begin", id), err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		time.Now().UTC().Truncate(time.Second), id)
	if err != nil {
		return wrap(fmt.Sprintf("revoke token %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token %d: %w", id, atlas.ErrNotFound)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, id); err != nil {
		return wrap(fmt.Sprintf("revoke token %d: end its sessions", id), err)
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(fmt.Sprintf("revoke token %d: commit", id), err)
	}
	return nil
}
