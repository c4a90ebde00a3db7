package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

// Release history and rollback, with the semantics of the embedded store.
// The history of overwritten observations and catalogue entries is recorded
// by the row triggers of migrations/0004_intake.sql, so Write needs no extra
// work and edits made in QGIS or psql are recorded too.

var _ atlas.ReleaseStore = (*Store)(nil)

// selectReleases reads releases with their state and the number of
// observations of earlier releases each overwrote.
const selectReleases = `SELECT r.id, r.created_at, r.source, r.file, r.sha256, r.spec, r.row_count, r.report, r.parts, r.rolled_back_at,
       (SELECT count(*) FROM observation_history h WHERE h.release = r.id AND h.prev_release <> h.release)
  FROM releases r`

func scanRelease(row pgx.Row) (atlas.ReleaseInfo, error) {
	var ri atlas.ReleaseInfo
	var rows int32
	var replaced int64
	var back *time.Time
	if err := row.Scan(&ri.ID, &ri.CreatedAt, &ri.Source, &ri.File, &ri.SHA256, &ri.Spec, &rows, &ri.Report, &ri.Parts, &back, &replaced); err != nil {
		return ri, err
	}
	ri.CreatedAt = ri.CreatedAt.UTC()
	ri.Rows, ri.Replaced = int(rows), int(replaced)
	if len(ri.Report) == 0 {
		ri.Report = nil // as the embedded store reads it back (omitempty)
	}
	if len(ri.Parts) == 0 {
		ri.Parts = nil
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

// Undo implements atlas.ReleaseStore: in one transaction, holding the
// store's write lock, it checks that the active releases newer than
// plan.Target are still plan.Undo, undoes them newest first and appends the
// plan's audit entry. The data version goes up (releases_changed trigger).
func (s *Store) Undo(ctx context.Context, plan atlas.RollbackPlan) ([]atlas.ReleaseInfo, error) {
	op := fmt.Sprintf("rollback to release %d", plan.Target)
	var out []atlas.ReleaseInfo
	err := s.write(ctx, op, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, selectReleases+` WHERE r.id > $1 AND r.rolled_back_at IS NULL ORDER BY r.id DESC`, plan.Target)
		if err != nil {
			return wrap(op, err)
		}
		undo, err := collectReleases(rows)
		if err != nil {
			return wrap(op, err)
		}
		want := plan.UndoIDs()
		if len(undo) != len(want) {
			return atlas.ErrReleasesChanged(plan.Target)
		}
		for i := range undo {
			if undo[i].ID != want[i] {
				return atlas.ErrReleasesChanged(plan.Target)
			}
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
			if _, err := tx.Exec(ctx, `UPDATE releases SET rolled_back_at = $2, rolled_back_to = $3 WHERE id = $1`, rel.ID, now, plan.Target); err != nil {
				return wrap(fmt.Sprintf("mark release %d rolled back", rel.ID), err)
			}
			rel.RolledBackAt = &now
			out = append(out, rel)
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('standortatlas.history_paused', 'off', true)`); err != nil {
			return wrap(op+": resume history", err)
		}
		if plan.Audit != nil {
			if _, err := appendAudit(ctx, tx, *plan.Audit); err != nil {
				return err
			}
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
