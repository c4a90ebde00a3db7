package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

// The write side ("intake"): release history and rollback, write tokens and
// the audit log, with the semantics of the embedded store. The history of
// overwritten observations and catalogue entries is recorded by the row
// triggers of migrations/0004_intake.sql, so Import needs no extra work and
// edits made in QGIS or psql are recorded too.

var (
	_ atlas.ReleaseStore = (*Store)(nil)
	_ atlas.TokenStore   = (*Store)(nil)
	_ atlas.AuditStore   = (*Store)(nil)
)

// selectReleases reads releases with their state and the number of
// observations of earlier releases each overwrote.
const selectReleases = `SELECT r.id, r.created_at, r.source, r.file, r.sha256, r.spec, r.row_count, r.report, r.rolled_back_at,
       (SELECT count(*) FROM observation_history h WHERE h.release = r.id AND h.prev_release <> h.release)
  FROM releases r`

func scanRelease(row pgx.Row) (atlas.ReleaseInfo, error) {
	var ri atlas.ReleaseInfo
	var rows int32
	var replaced int64
	var back *time.Time
	if err := row.Scan(&ri.ID, &ri.CreatedAt, &ri.Source, &ri.File, &ri.SHA256, &ri.Spec, &rows, &ri.Report, &back, &replaced); err != nil {
		return ri, err
	}
	ri.CreatedAt = ri.CreatedAt.UTC()
	ri.Rows, ri.Replaced = int(rows), int(replaced)
	if len(ri.Report) == 0 {
		ri.Report = nil // as the embedded store reads it back (omitempty)
	}
	if back != nil {
		t := back.UTC()
		ri.RolledBackAt = &t
	}
	return ri, nil
}

func collectReleases(rows pgx.Rows) ([]atlas.ReleaseInfo, error) {
	defer rows.Close()
	var out []atlas.ReleaseInfo
	for rows.Next() {
		ri, err := scanRelease(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ri)
	}
	return out, rows.Err()
}

// Releases implements atlas.ReleaseStore: all releases, oldest first.
func (s *Store) Releases(ctx context.Context) ([]atlas.ReleaseInfo, error) {
	rows, err := s.pool.Query(ctx, selectReleases+` ORDER BY r.id`)
	if err != nil {
		return nil, wrap("query releases", err)
	}
	out, err := collectReleases(rows)
	if err != nil {
		return nil, wrap("query releases", err)
	}
	return out, nil
}

// Rollback implements atlas.ReleaseStore: in one transaction, holding the
// store's write lock, it undoes every active release newer than id, newest
// first. Rolling back to an unknown release is atlas.ErrNotFound, to a
// rolled-back one (or one older than the history, see 0004_intake.sql)
// atlas.ErrConflict. When something is undone the data version goes up.
func (s *Store) Rollback(ctx context.Context, id int64) ([]atlas.ReleaseInfo, error) {
	op := fmt.Sprintf("rollback to release %d", id)
	var out []atlas.ReleaseInfo
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		var back *time.Time
		err := tx.QueryRow(ctx, `SELECT rolled_back_at FROM releases WHERE id = $1`, id).Scan(&back)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("release %d: %w", id, atlas.ErrNotFound)
		}
		if err != nil {
			return wrap(op, err)
		}
		if back != nil {
			return fmt.Errorf("release %d was itself rolled back; roll back to an active release: %w", id, atlas.ErrConflict)
		}
		var since string
		err = tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'history_since'`).Scan(&since)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%s: meta history_since is missing (written by migration 0004_intake.sql)", op)
		}
		if err != nil {
			return wrap(op+": read history_since", err)
		}
		first, err := strconv.ParseInt(since, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: history_since %q: %w", op, since, err)
		}
		if id < first-1 {
			return fmt.Errorf("release history is kept from release %d on (the database was migrated then); cannot roll back to %d: %w", first, id, atlas.ErrConflict)
		}
		rows, err := tx.Query(ctx, selectReleases+` WHERE r.id > $1 AND r.rolled_back_at IS NULL ORDER BY r.id DESC`, id)
		if err != nil {
			return wrap(op, err)
		}
		undo, err := collectReleases(rows)
		if err != nil {
			return wrap(op, err)
		}
		if len(undo) == 0 {
			return nil
		}
		// The restoring updates below are not history (transaction-local).
		if _, err := tx.Exec(ctx, `SELECT set_config('standortatlas.history_paused', 'on', true)`); err != nil {
			return wrap(op+": pause history", err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		for _, rel := range undo {
			if err := undoRelease(ctx, tx, rel.ID); err != nil {
				return fmt.Errorf("undo release %d: %w", rel.ID, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE releases SET rolled_back_at = $2, rolled_back_to = $3 WHERE id = $1`, rel.ID, now, id); err != nil {
				return wrap(fmt.Sprintf("mark release %d rolled back", rel.ID), err)
			}
			rel.RolledBackAt = &now
			out = append(out, rel)
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('standortatlas.history_paused', 'off', true)`); err != nil {
			return wrap(op+": resume history", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// undoRelease restores what release r overwrote and deletes what it added.
// The earliest history row of r for a cell holds the cell's state before r;
// when that state was r's own (r wrote the cell twice), the cell goes.
func undoRelease(ctx context.Context, tx pgx.Tx, r int64) error {
	if _, err := tx.Exec(ctx, `UPDATE observations o
		   SET value = h.value, flag = h.flag, release = h.prev_release
		  FROM (SELECT DISTINCT ON (indicator, level, period, key) indicator, level, period, key, value, flag, prev_release
		          FROM observation_history
		         WHERE release = $1
		         ORDER BY indicator, level, period, key, seq) h
		 WHERE o.release = $1
		   AND o.indicator = h.indicator AND o.level = h.level AND o.period = h.period AND o.key = h.key`, r); err != nil {
		return wrap("restore observations", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM observations WHERE release = $1`, r); err != nil {
		return wrap("delete observations", err)
	}
	const first = `SELECT DISTINCT ON (id) id, entry FROM indicator_history WHERE release = $1 ORDER BY id, seq`
	if _, err := tx.Exec(ctx, `UPDATE indicators i SET entry = f.entry
		  FROM (`+first+`) f
		 WHERE i.id = f.id AND f.entry IS NOT NULL`, r); err != nil {
		return wrap("restore catalogue entries", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM indicators i
		 USING (`+first+`) f
		 WHERE i.id = f.id AND f.entry IS NULL
		   AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.indicator = i.id)`, r); err != nil {
		return wrap("delete catalogue entries", err)
	}
	return nil
}

// CreateToken implements atlas.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t atlas.Token, hash string) (atlas.Token, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	if len(hash) != 64 {
		return t, fmt.Errorf("token hash must be a hex SHA-256")
	}
	t.CreatedAt = time.Now().UTC().Truncate(time.Second)
	t.RevokedAt = nil
	if err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, hash, keys, indicators, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, t.Name, hash, t.Keys, t.Indicators, t.CreatedAt).Scan(&t.ID); err != nil {
		return t, wrap("insert token", err)
	}
	return t, nil
}

const tokenColumns = `id, name, keys, indicators, created_at, revoked_at`

func scanToken(row pgx.Row) (atlas.Token, error) {
	var t atlas.Token
	var revoked *time.Time
	if err := row.Scan(&t.ID, &t.Name, &t.Keys, &t.Indicators, &t.CreatedAt, &revoked); err != nil {
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

// RevokeToken implements atlas.TokenStore. Revoking twice keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		time.Now().UTC().Truncate(time.Second), id)
	if err != nil {
		return wrap(fmt.Sprintf("revoke token %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token %d: %w", id, atlas.ErrNotFound)
	}
	return nil
}

// AppendAudit implements atlas.AuditStore. The audit table refuses updates
// and deletes (a trigger), so the entry is inserted complete.
func (s *Store) AppendAudit(ctx context.Context, e atlas.AuditEntry) (atlas.AuditEntry, error) {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	e.At = e.At.Truncate(time.Microsecond) // what timestamptz keeps
	var rel *int64
	if e.Release != 0 {
		rel = &e.Release
	}
	if err := s.pool.QueryRow(ctx, `INSERT INTO audit (at, actor, action, outcome, format, file, sha256, release, observations, indicators, detail)
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
