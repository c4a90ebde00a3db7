package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.AuditStore = (*Store)(nil)

// AppendAudit implements atlas.AuditStore. The audit table refuses updates
// and deletes (a trigger), so the entry is inserted complete.
func (s *Store) AppendAudit(ctx context.Context, e atlas.AuditEntry) (atlas.AuditEntry, error) {
	return appendAudit(ctx, s.pool, e)
}

// appendAudit inserts e with q (the pool, or the transaction of a write, so
// that a release and its audit entry are stored together).
func appendAudit(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, e atlas.AuditEntry) (atlas.AuditEntry, error) {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	e.At = e.At.Truncate(time.Microsecond) // what timestamptz keeps
	var rel *int64
	if e.Release != 0 {
		rel = &e.Release
	}
	if err := q.QueryRow(ctx, `INSERT INTO audit (at, actor, action, outcome, format, file, sha256, release, observations, indicators, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		e.At, e.Actor, e.Action, e.Outcome, e.Format, e.File, e.SHA256, rel, e.Observations, e.Indicators, e.Detail).Scan(&e.ID); err != nil {
		return e, wrap("append audit entry", err)
	}
	return e, nil
}

// Audit implements atlas.AuditStore: the newest entries first, at most
// limit (0 = all).
func (s *Store) Audit(ctx context.Context, limit int) ([]atlas.AuditEntry, error) {
	var lim *int64 // NULL: no limit
	if limit > 0 {
		n := int64(limit)
		lim = &n
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, action, outcome, format, file, sha256, coalesce(release, 0), observations, indicators, detail
		FROM audit ORDER BY id DESC LIMIT $1`, lim)
	if err != nil {
		return nil, wrap("query audit log", err)
	}
	defer rows.Close()
	var out []atlas.AuditEntry
	for rows.Next() {
		var e atlas.AuditEntry
		var obs, inds int32
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Outcome, &e.Format, &e.File, &e.SHA256, &e.Release, &obs, &inds, &e.Detail); err != nil {
			return nil, wrap("query audit log", err)
		}
		e.At = e.At.UTC()
		e.Observations, e.Indicators = int(obs), int(inds)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("query audit log", err)
	}
	return out, nil
}
