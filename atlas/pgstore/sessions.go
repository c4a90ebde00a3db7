package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.SessionStore = (*Store)(nil)

// sessionLock is the pg_advisory_xact_lock key that serialises the opening
// of sessions, so that the bound on open sessions holds across instances.
const sessionLock = 0x5365_7373_696f_6e73 // "Sessions"

// CreateSession implements atlas.SessionStore.
func (s *Store) CreateSession(ctx context.Context, idHash string, tokenID int64, csrf string, expires, now time.Time, max int) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap("create session: begin", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(sessionLock)); err != nil {
		return wrap("create session: lock", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires <= $1`, now); err != nil {
		return wrap("delete expired sessions", err)
	}
	var open int
	var active bool
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions),
		EXISTS (SELECT 1 FROM tokens WHERE id = $1 AND revoked_at IS NULL)`, tokenID).Scan(&open, &active); err != nil {
		return wrap("count sessions", err)
	}
	if !active {
		return fmt.Errorf("create session: %w", atlas.ErrUnauthenticated)
	}
	if open >= max {
		return fmt.Errorf("create session (%d open): %w", open, atlas.ErrTooManySessions)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, token, csrf, expires) VALUES ($1, $2, $3, $4)`,
		idHash, tokenID, csrf, expires); err != nil {
		return wrap("insert session", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap("create session: commit", err)
	}
	return nil
}

// SessionByHash implements atlas.SessionStore.
func (s *Store) SessionByHash(ctx context.Context, idHash string, now time.Time) (atlas.Session, error) {
	var ss atlas.Session
	var tokenID int64
	err := s.pool.QueryRow(ctx, `SELECT token, csrf, expires FROM sessions WHERE id_hash = $1`, idHash).Scan(&tokenID, &ss.CSRF, &ss.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, fmt.Errorf("session expired or unknown: %w", atlas.ErrUnauthenticated)
	}
	if err != nil {
		return ss, wrap("look up session", err)
	}
	ss.Expires = ss.Expires.UTC()
	if !now.Before(ss.Expires) {
		if err := s.DeleteSession(ctx, idHash); err != nil {
			return atlas.Session{}, err
		}
		return atlas.Session{}, fmt.Errorf("session expired: %w", atlas.ErrUnauthenticated)
	}
	ss.Token, err = scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1 AND revoked_at IS NULL`, tokenID))
	if errors.Is(err, pgx.ErrNoRows) {
		return atlas.Session{}, fmt.Errorf("session's token revoked: %w", atlas.ErrUnauthenticated)
	}
	if err != nil {
		return atlas.Session{}, wrap("look up session's token", err)
	}
	return ss, nil
}

// DeleteSession implements atlas.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return wrap("delete session", err)
	}
	return nil
}
