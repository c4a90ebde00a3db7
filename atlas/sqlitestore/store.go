// Package sqlitestore is the embedded store of the Standortatlas: one SQLite
// file (pure Go, no server), transactional and durable. It is the default
// store of `standortatlas serve`.
//
// The package is an SQL adapter with the layout of the PostGIS store
// (atlas/pgstore): store.go (open, meta, reads), write.go (Store.Write: one
// release per change), releases.go (history and Undo), tokens.go,
// audit.go, places.go (reads), migrate.go (schema steps). Rules that are
// not SQL (what a valid change is, rollback preconditions, token checks)
// live in package atlas and in ingest.Intake, once for both stores.
package sqlitestore

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/standortatlas/standortatlas/atlas"
)

//go:embed schema.sql
var schema string

// Store is the embedded SQLite store. It is safe for concurrent use.
type Store struct {
	db *sql.DB
}

var (
	_ atlas.Store        = (*Store)(nil)
	_ atlas.DerivedStore = (*Store)(nil)
)

// Open opens (creating if needed) the store file at path and applies the schema.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("apply schema to %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func bumpVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'`)
	return err
}

// DataVersion implements atlas.Store.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'data_version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// Meta returns a value of the meta table ("" when absent).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta sets a value of the meta table.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// BoundarySets implements atlas.Store.
func (s *Store) BoundarySets(ctx context.Context) ([]atlas.BoundarySet, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT info FROM boundary_sets`)
	if err != nil {
		return nil, fmt.Errorf("query boundary sets: %w", err)
	}
	defer rows.Close()
	var out []atlas.BoundarySet
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			return nil, err
		}
		var b atlas.BoundarySet
		if err := json.Unmarshal([]byte(info), &b); err != nil {
			return nil, fmt.Errorf("decode boundary set: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Regions implements atlas.Store.
func (s *Store) Regions(ctx context.Context, level atlas.Level) ([]atlas.Region, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, ars, name, type, gemeindefrei, geom FROM regions WHERE level = ? ORDER BY key`, level.String())
	if err != nil {
		return nil, fmt.Errorf("query regions %s: %w", level, err)
	}
	defer rows.Close()
	var out []atlas.Region
	for rows.Next() {
		r := atlas.Region{Level: level}
		var g []byte
		if err := rows.Scan(&r.Key, &r.ARS, &r.Name, &r.Type, &r.Gemeindefrei, &g); err != nil {
			return nil, err
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return nil, fmt.Errorf("decode geometry of %s: %w", r.Key, err)
		}
		switch t := geom.(type) {
		case orb.MultiPolygon:
			r.Geom = t
		case orb.Polygon:
			r.Geom = orb.MultiPolygon{t}
		default:
			return nil, fmt.Errorf("region %s: geometry %s is not polygonal", r.Key, geom.GeoJSONType())
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// coverageQuery counts per indicator, level and year the regions with a
// value: only keys of the level's boundary set where the level has one
// (observations of another Gebietsstand, e.g. a Kreis merged since, are no
// region of the map), all keys where it has none (Germany's DG). A year
// whose values all lie outside the set keeps its row with count 0, so the
// catalogue's levels and years still say what the data hold.
//
// The region keys are read once into a materialized table: looked up per
// observation in regions itself, each lookup walks rows that hold the
// geometry (regions is WITHOUT ROWID, its primary key the table), and the
// query took 2.3 s in the sqlite3 shell and 13.6 s in the server on the
// seeds (558,815 observations) — the first /api/v1/indicators after a start
// waited that long. Read this way: 0.29 s in the shell.
const coverageQuery = `WITH region_keys AS MATERIALIZED (SELECT level, key FROM regions)
	SELECT o.indicator, o.level, o.period,
		count(CASE WHEN b.level IS NULL OR r.key IS NOT NULL THEN 1 END)
	FROM observations o
	LEFT JOIN boundary_sets b ON b.level = o.level
	LEFT JOIN region_keys r ON r.level = o.level AND r.key = o.key
	WHERE o.value IS NOT NULL
	GROUP BY o.indicator, o.level, o.period`

// Indicators implements atlas.Store.
func (s *Store) Indicators(ctx context.Context) ([]atlas.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT info FROM indicators ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("query indicators: %w", err)
	}
	var inds []atlas.Indicator
	for rows.Next() {
		var info string
		if err := rows.Scan(&info); err != nil {
			rows.Close()
			return nil, err
		}
		var ind atlas.Indicator
		if err := json.Unmarshal([]byte(info), &ind); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode indicator: %w", err)
		}
		inds = append(inds, ind)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cov, err := s.db.QueryContext(ctx, coverageQuery)
	if err != nil {
		return nil, fmt.Errorf("query coverage: %w", err)
	}
	defer cov.Close()
	var crs []atlas.CoverageRow
	for cov.Next() {
		var r atlas.CoverageRow
		var lvl string
		if err := cov.Scan(&r.Indicator, &lvl, &r.Period, &r.Count); err != nil {
			return nil, err
		}
		if err = r.Level.UnmarshalText([]byte(lvl)); err != nil { // "deutschland" too
			return nil, err
		}
		crs = append(crs, r)
	}
	if err := cov.Err(); err != nil {
		return nil, err
	}
	atlas.FillCoverage(inds, crs)
	return inds, nil
}

// Values implements atlas.Store.
func (s *Store) Values(ctx context.Context, indicator string, level atlas.Level, period int) (map[string]atlas.Value, error) {
	// One row with all values as text: SQLite assembles it in one pass, which
	// avoids database/sql's per-row work (about half the time for 10,000
	// Gemeinden). Format per entry: key TAB value TAB flag, entries separated
	// by newlines; value printed with full precision (%!.17g).
	var packed sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT group_concat(key || char(9) || CASE WHEN value IS NULL THEN '' ELSE printf('%!.17g', value) END || char(9) || flag, char(10))
		FROM observations WHERE indicator = ? AND level = ? AND period = ?`, indicator, level.String(), period).Scan(&packed)
	if err != nil {
		return nil, fmt.Errorf("query values %s/%s/%d: %w", indicator, level, period, err)
	}
	out := make(map[string]atlas.Value, strings.Count(packed.String, "\n")+1)
	if !packed.Valid || packed.String == "" {
		return out, nil
	}
	for line := range strings.SplitSeq(packed.String, "\n") {
		key, rest, ok1 := strings.Cut(line, "\t")
		num, flag, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("query values %s/%s/%d: malformed row %q", indicator, level, period, line)
		}
		val := atlas.Value{Value: math.NaN(), Flag: internFlag([]byte(flag))}
		if num != "" {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return nil, fmt.Errorf("query values %s/%s/%d: value %q of %s: %w", indicator, level, period, num, key, err)
			}
			val.Value = v
		}
		out[key] = val
	}
	return out, nil
}

// internFlag returns the Flag constant spelled by b without allocating for
// the known flags.
func internFlag(b []byte) atlas.Flag {
	if len(b) == 0 {
		return atlas.FlagNone
	}
	for _, f := range []atlas.Flag{atlas.FlagZero, atlas.FlagSecret, atlas.FlagNotYet, atlas.FlagNotMeaningful, atlas.FlagUnreliable, atlas.FlagLimited, atlas.FlagEstimated, atlas.FlagMissing, atlas.FlagNotReported} {
		if string(b) == string(f) {
			return f
		}
	}
	return atlas.Flag(b)
}

// Derived implements atlas.DerivedStore.
func (s *Store) Derived(ctx context.Context, level atlas.Level, names []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	if len(names) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(names)+1)
	args = append(args, level.String())
	for _, n := range names {
		args = append(args, n)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, data FROM derived WHERE level = ? AND name IN (?`+strings.Repeat(", ?", len(names)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read derived data of %s: %w", level, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var b []byte
		if err := rows.Scan(&name, &b); err != nil {
			return nil, fmt.Errorf("read derived data of %s: %w", level, err)
		}
		out[name] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read derived data of %s: %w", level, err)
	}
	return out, nil
}
