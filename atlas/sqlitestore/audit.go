package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.AuditStore = (*Store)(nil)

// AppendAudit implements atlas.AuditStore. The id is taken inside the
// write transaction (SQLite serialises writers), so the entry is inserted
// complete and the append-only triggers never need an exception.
func (s *Store) AppendAudit(ctx context.Context, e atlas.AuditEntry) (atlas.AuditEntry, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return e, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if e, err = appendAudit(ctx, tx, e); err != nil {
		return e, err
	}
	return e, tx.Commit()
}

// appendAudit inserts e in tx (also the transaction of a write, so that a
// release and its audit entry are stored together).
func appendAudit(ctx context.Context, tx *sql.Tx, e atlas.AuditEntry) (atlas.AuditEntry, error) {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM audit`).Scan(&e.ID); err != nil {
		return e, fmt.Errorf("number audit entry: %w", err)
	}
	info, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit(id, at, actor, action, outcome, info) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.At.Format(time.RFC3339Nano), e.Actor, e.Action, e.Outcome, string(info)); err != nil {
		return e, fmt.Errorf("append audit entry: %w", err)
	}
	return e, nil
}

// Audit implements atlas.AuditStore.
func (s *Store) Audit(ctx context.Context, limit int) ([]atlas.AuditEntry, error) {
	q := `SELECT info FROM audit ORDER BY id DESC`
	args := []any{}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	defer rows.Close()
	var out []atlas.AuditEntry
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var e atlas.AuditEntry
		if err := json.Unmarshal([]byte(info), &e); err != nil {
			return nil, fmt.Errorf("decode audit entry: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
