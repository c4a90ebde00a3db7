package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.ReleaseStore = (*Store)(nil)

// Releases implements atlas.ReleaseStore.
func (s *Store) Releases(ctx context.Context) ([]atlas.ReleaseInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.info, s.rolled_back_at,
		(SELECT count(*) FROM observation_history h WHERE h.release = r.id)
		FROM releases r LEFT JOIN release_state s ON s.release = r.id ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("query releases: %w", err)
	}
	defer rows.Close()
	var out []atlas.ReleaseInfo
	for rows.Next() {
		var info string
		var back sql.NullString
		var ri atlas.ReleaseInfo
		if err := rows.Scan(&info, &back, &ri.Replaced); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(info), &ri.Release); err != nil {
			return nil, fmt.Errorf("decode release: %w", err)
		}
		if back.Valid {
			t, err := time.Parse(time.RFC3339Nano, back.String)
			if err != nil {
				return nil, fmt.Errorf("release %d: rolled_back_at %q: %w", ri.ID, back.String, err)
			}
			ri.RolledBackAt = &t
		}
		out = append(out, ri)
	}
	return out, rows.Err()
}

// Undo implements atlas.ReleaseStore: in one transaction it checks that
// the active releases newer than plan.Target are still plan.Undo, undoes
// them newest first and appends the plan's audit entry.
func (s *Store) Undo(ctx context.Context, plan atlas.RollbackPlan) ([]atlas.ReleaseInfo, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	undo, err := activeAfter(ctx, tx, plan.Target)
	if err != nil {
		return nil, err
	}
	if !sameIDs(undo, plan.UndoIDs()) {
		return nil, atlas.ErrReleasesChanged(plan.Target)
	}
	if len(undo) == 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('history_paused', '1')`); err != nil {
		return nil, fmt.Errorf("pause history: %w", err)
	}
	now := time.Now().UTC()
	var out []atlas.ReleaseInfo
	for _, rel := range undo {
		if err := undoRelease(ctx, tx, rel.ID); err != nil {
			return nil, fmt.Errorf("undo release %d: %w", rel.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_state(release, rolled_back_at, target) VALUES (?, ?, ?)`, rel.ID, now.Format(time.RFC3339Nano), plan.Target); err != nil {
			return nil, err
		}
		rel.RolledBackAt = &now
		out = append(out, rel)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'history_paused'`); err != nil {
		return nil, err
	}
	if plan.Audit != nil {
		if _, err := appendAudit(ctx, tx, *plan.Audit); err != nil {
			return nil, err
		}
	}
	if err := bumpVersion(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit rollback: %w", err)
	}
	return out, nil
}

func sameIDs(rs []atlas.ReleaseInfo, ids []int64) bool {
	if len(rs) != len(ids) {
		return false
	}
	for i := range rs {
		if rs[i].ID != ids[i] {
			return false
		}
	}
	return true
}

// activeAfter lists the active releases newer than id, newest first.
func activeAfter(ctx context.Context, tx *sql.Tx, id int64) ([]atlas.ReleaseInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT info FROM releases WHERE id > ?
		AND id NOT IN (SELECT release FROM release_state) ORDER BY id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []atlas.ReleaseInfo
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var ri atlas.ReleaseInfo
		if err := json.Unmarshal([]byte(info), &ri.Release); err != nil {
			return nil, fmt.Errorf("decode release: %w", err)
		}
		out = append(out, ri)
	}
	return out, rows.Err()
}

// undoRelease restores what release r overwrote and deletes what it added.
// The earliest history row of r for a cell holds the cell's state before r;
// when that state was r's own (r wrote the cell twice), the cell goes.
func undoRelease(ctx context.Context, tx *sql.Tx, r int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE observations SET (value, flag, release) = (
			SELECT h.value, h.flag, h.prev_release FROM observation_history h
			WHERE h.release = ?1 AND h.indicator = observations.indicator AND h.level = observations.level
			  AND h.period = observations.period AND h.key = observations.key
			ORDER BY h.seq LIMIT 1)
		WHERE release = ?1 AND EXISTS (SELECT 1 FROM observation_history h
			WHERE h.release = ?1 AND h.indicator = observations.indicator AND h.level = observations.level
			  AND h.period = observations.period AND h.key = observations.key)`, r); err != nil {
		return fmt.Errorf("restore observations: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM observations WHERE release = ?`, r); err != nil {
		return fmt.Errorf("delete observations: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT h.id, h.info FROM indicator_history h
		WHERE h.release = ? AND h.seq = (SELECT min(seq) FROM indicator_history g WHERE g.release = h.release AND g.id = h.id)`, r)
	if err != nil {
		return fmt.Errorf("read catalogue history: %w", err)
	}
	type entry struct {
		id   string
		info sql.NullString
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.info); err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		var err error
		if e.info.Valid {
			_, err = tx.ExecContext(ctx, `UPDATE indicators SET info = ? WHERE id = ?`, e.info.String, e.id)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM indicators WHERE id = ? AND NOT EXISTS (SELECT 1 FROM observations WHERE indicator = ?)`, e.id, e.id)
		}
		if err != nil {
			return fmt.Errorf("restore catalogue entry %s: %w", e.id, err)
		}
	}
	return nil
}

// errNoRows reports whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
