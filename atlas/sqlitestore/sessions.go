package sqlitestore

import (
	"context"
	"fmt"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.SessionStore = (*Store)(nil)

// CreateSession implements atlas.SessionStore. The transaction takes the
// write lock at its start (_txlock=immediate), so that the bound holds for
// concurrent creators.
func (s *Store) CreateSession(ctx context.Context, idHash string, tokenID int64, csrf string, expires, now time.Time, max int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create session: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, now.Unix()); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	var open, active int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM tokens WHERE id = ? AND revoked_at IS NULL)`,
		tokenID).Scan(&open, &active); err != nil {
		return fmt.Errorf("count sessions: %w", err)
	}
	if active == 0 {
		return fmt.Errorf("create session: %w", atlas.ErrUnauthenticated)
	}
	if open >= max {
		return fmt.Errorf("create session (%d open): %w", open, atlas.ErrTooManySessions)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions(id_hash, token, csrf, expires) VALUES (?, ?, ?, ?)`,
		idHash, tokenID, csrf, expires.Unix()); err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session: commit: %w", err)
	}
	return nil
}

// SessionByHash implements atlas.SessionStore.
func (s *Store) SessionByHash(ctx context.Context, idHash string, now time.Time) (atlas.Session, error) {
	var ss atlas.Session
	var tokenID, expires int64
	err := s.db.QueryRowContext(ctx, `SELECT token, csrf, expires FROM sessions WHERE id_hash = ?`, idHash).Scan(&tokenID, &ss.CSRF, &expires)
	if errNoRows(err) {
		return ss, fmt.Errorf("session expired or unknown: %w", atlas.ErrUnauthenticated)
	}
	if err != nil {
		return ss, fmt.Errorf("look up session: %w", err)
	}
	ss.Expires = time.Unix(expires, 0).UTC()
	if !now.Before(ss.Expires) {
		if err := s.DeleteSession(ctx, idHash); err != nil {
			return ss, err
		}
		return atlas.Session{}, fmt.Errorf("session expired: %w", atlas.ErrUnauthenticated)
	}
	ss.Token, err = scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ? AND revoked_at IS NULL`, tokenID))
	if errNoRows(err) {
		return atlas.Session{}, fmt.Errorf("session's token revoked: %w", atlas.ErrUnauthenticated)
	}
	if err != nil {
		return atlas.Session{}, fmt.Errorf("look up session's token: %w", err)
	}
	return ss, nil
}

// DeleteSession implements atlas.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
