package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/standortatlas/standortatlas/atlas"
)

var _ atlas.ReportStore = (*Store)(nil)

// writeReports stores the report part of a release (in Write's transaction).
func writeReports(ctx context.Context, tx pgx.Tx, release int64, r atlas.ReportChange) error {
	for _, d := range r.Definitions {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO report_definitions (id, release, info) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET release = excluded.release, info = excluded.info`, d.ID, release, b); err != nil {
			return wrap("report definition "+d.ID, err)
		}
	}
	for _, s := range r.Submissions {
		s.Release = release
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('report_submissions', 'id'))`).Scan(&s.ID); err != nil {
			return wrap("number report submission", err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO report_submissions (id, report, period, key, status, release, info) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			s.ID, s.Report, s.Period, s.Key, s.Status, release, b); err != nil {
			return wrap(fmt.Sprintf("report submission %s %d %s", s.Report, s.Period, s.Key), err)
		}
	}
	for _, p := range r.Publications {
		p.Release = release
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO report_publications (report, period, release, info) VALUES ($1, $2, $3, $4)`,
			p.Report, p.Period, release, b); err != nil {
			return wrap(fmt.Sprintf("report publication %s %d", p.Report, p.Period), err)
		}
	}
	return nil
}

// ReportDefinitions implements atlas.ReportStore.
func (s *Store) ReportDefinitions(ctx context.Context) ([]atlas.ReportDefinition, error) {
	return queryJSON[atlas.ReportDefinition](ctx, s, `SELECT info FROM report_definitions ORDER BY id`)
}

// ReportSubmissions implements atlas.ReportStore.
func (s *Store) ReportSubmissions(ctx context.Context, report string, period int) ([]atlas.ReportSubmission, error) {
	return queryJSON[atlas.ReportSubmission](ctx, s, `SELECT info FROM report_submissions
		WHERE report = $1 AND ($2 = 0 OR period = $2) ORDER BY id`, report, period)
}

// ReportPublications implements atlas.ReportStore.
func (s *Store) ReportPublications(ctx context.Context, report string) ([]atlas.ReportPublication, error) {
	return queryJSON[atlas.ReportPublication](ctx, s, `SELECT info FROM report_publications WHERE report = $1 ORDER BY release`, report)
}

// queryJSON reads rows of one JSON column into values of T.
func queryJSON[T any](ctx context.Context, s *Store, query string, args ...any) ([]T, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, wrap("query", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
		var v T
		var b []byte
		if err := r.Scan(&b); err != nil {
			return v, err
		}
		return v, json.Unmarshal(b, &v)
	})
	if err != nil {
		return nil, wrap("read", err)
	}
	return out, nil
}
