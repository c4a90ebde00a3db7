package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.ReportStore = (*Store)(nil)

// writeReports stores the report part of a release (in Write's transaction).
func writeReports(ctx context.Context, tx *sql.Tx, release int64, r atlas.ReportChange) error {
	for _, d := range r.Definitions {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_definitions(id, release, info) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET release = excluded.release, info = excluded.info`, d.ID, release, string(b)); err != nil {
			return fmt.Errorf("report definition %s: %w", d.ID, err)
		}
	}
	for _, s := range r.Submissions {
		s.Release = release
		res, err := tx.ExecContext(ctx, `INSERT INTO report_submissions(report, period, key, status, release, info) VALUES (?, ?, ?, ?, ?, '{}')`,
			s.Report, s.Period, s.Key, s.Status, release)
		if err != nil {
			return fmt.Errorf("report submission %s %d %s: %w", s.Report, s.Period, s.Key, err)
		}
		if s.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report_submissions SET info = ? WHERE id = ?`, string(b), s.ID); err != nil {
			return err
		}
	}
	for _, p := range r.Publications {
		p.Release = release
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_publications(report, period, release, info) VALUES (?, ?, ?, ?)`,
			p.Report, p.Period, release, string(b)); err != nil {
			return fmt.Errorf("report publication %s %d: %w", p.Report, p.Period, err)
		}
	}
	return nil
}

// ReportDefinitions implements atlas.ReportStore.
func (s *Store) ReportDefinitions(ctx context.Context) ([]atlas.ReportDefinition, error) {
	return queryJSON[atlas.ReportDefinition](ctx, s.db, `SELECT info FROM report_definitions ORDER BY id`)
}

// ReportSubmissions implements atlas.ReportStore.
func (s *Store) ReportSubmissions(ctx context.Context, report string, period int) ([]atlas.ReportSubmission, error) {
	return queryJSON[atlas.ReportSubmission](ctx, s.db, `SELECT info FROM report_submissions
		WHERE report = ? AND (? = 0 OR period = ?) ORDER BY id`, report, period, period)
}

// ReportPublications implements atlas.ReportStore.
func (s *Store) ReportPublications(ctx context.Context, report string) ([]atlas.ReportPublication, error) {
	return queryJSON[atlas.ReportPublication](ctx, s.db, `SELECT info FROM report_publications WHERE report = ? ORDER BY release`, report)
}

// queryJSON reads rows of one JSON column into values of T.
func queryJSON[T any](ctx context.Context, db *sql.DB, query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(info), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
