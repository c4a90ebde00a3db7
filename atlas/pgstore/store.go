// Package pgstore is the PostGIS store of the Standortatlas, the production
// store: several stateless atlas instances can serve from one database.
//
// The schema is created by numbered SQL migrations embedded in the binary
// (migrations/*.sql, applied by Migrate). Boundaries are kept as
// geometry(MultiPolygon, 4326) with a GiST index, and as
// geometry(MultiPolygon, 25832) for planners; geometry is made valid with
// ST_MakeValid on the way in (and the repair reported with the boundary set).
// Every write raises a one-row data version in the same transaction and
// NOTIFYs listeners when it commits (see Watch).
//
// Besides atlas.Store the store implements atlas.PlaceStore,
// atlas.ReleaseStore (history of overwritten observations and catalogue
// entries, kept by triggers, and rollback to any earlier release),
// atlas.TokenStore (hashed write tokens) and atlas.AuditStore (an
// append-only audit log). The package is an SQL adapter with the layout of
// the embedded store (atlas/sqlitestore): store.go (open, meta, reads),
// write.go (Store.Write), releases.go, tokens.go, audit.go, places.go,
// migrate.go, plus pool.go and watch.go. Rules that are not SQL live in
// package atlas and in ingest.Intake, once for both stores.
//
// This is the only package besides cmd that imports pgx.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/standortatlas/standortatlas/atlas"
)

// ErrNotMigrated reports a database whose schema lacks migrations of this binary.
var ErrNotMigrated = errors.New("pgstore: database schema not migrated")

// Store is the PostGIS store. It is safe for concurrent use, and several
// processes may use one database at once.
type Store struct {
	pool *pgxpool.Pool
	opts Options
}

var (
	_ atlas.Store        = (*Store)(nil)
	_ atlas.DerivedStore = (*Store)(nil)
)

// New returns a store on pool, whose schema must be migrated (see Migrate).
// The store owns the pool: Close closes it. opts.WriteTimeout applies; the
// other options are those of Connect.
func New(pool *pgxpool.Pool, opts Options) *Store {
	return &Store{pool: pool, opts: opts}
}

// Open connects to databaseURL and returns the store. It fails with
// ErrNotMigrated when the schema lacks migrations of this binary.
func Open(ctx context.Context, databaseURL string, opts Options) (*Store, error) {
	pool, err := Connect(ctx, databaseURL, opts)
	if err != nil {
		return nil, err
	}
	pending, err := Pending(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if len(pending) > 0 {
		pool.Close()
		return nil, fmt.Errorf("%s lacks %s (run standortatlas migrate): %w", Redact(databaseURL), strings.Join(pending, ", "), ErrNotMigrated)
	}
	return New(pool, opts), nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// wrap adds op to err and turns pgx.ErrNoRows into atlas.ErrNotFound, so
// that no other package needs pgx to read the store's errors.
func wrap(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, atlas.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// write runs fn in a transaction that holds the store's write lock (the data
// version row), so that writers queue and release numbers have no gaps.
func (s *Store) write(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(op+": begin", err)
	}
	defer tx.Rollback(ctx) // a no-op after Commit
	ms := strconv.FormatInt(s.opts.writeTimeout().Milliseconds(), 10)
	// Imports sort whole tables: give them time and memory.
	if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('work_mem', '64MB', true)`, ms); err != nil {
		return wrap(op, err)
	}
	if _, err := tx.Exec(ctx, `SELECT version FROM data_version FOR UPDATE`); err != nil {
		return wrap(op+": lock", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(op+": commit", err)
	}
	return nil
}

// DataVersion implements atlas.Store: one indexed row, cheap to poll.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
		return 0, wrap("read data version", err)
	}
	return v, nil
}

// Meta implements atlas.Store ("" when the key is not set).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", wrap("read meta "+key, err)
	}
	return v, nil
}

// SetMeta implements atlas.Store.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return wrap("write meta "+key, err)
	}
	return nil
}

// BoundarySets implements atlas.Store, from coarse to fine.
func (s *Store) BoundarySets(ctx context.Context) ([]atlas.BoundarySet, error) {
	rows, err := s.pool.Query(ctx, `SELECT b.info FROM boundary_sets b JOIN levels l ON l.level = b.level ORDER BY l.rank`)
	if err != nil {
		return nil, wrap("query boundary sets", err)
	}
	infos, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("query boundary sets", err)
	}
	out := make([]atlas.BoundarySet, len(infos))
	for i, info := range infos {
		if err := json.Unmarshal(info, &out[i]); err != nil {
			return nil, fmt.Errorf("decode boundary set: %w", err)
		}
	}
	return out, nil
}

// Regions implements atlas.Store.
func (s *Store) Regions(ctx context.Context, level atlas.Level) ([]atlas.Region, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, ars, name, type, gemeindefrei, ST_AsBinary(geom)
		FROM regions WHERE level = $1 ORDER BY key`, level.String())
	if err != nil {
		return nil, wrap("query regions "+level.String(), err)
	}
	defer rows.Close()
	var out []atlas.Region
	for rows.Next() {
		r := atlas.Region{Level: level}
		var g []byte
		if err := rows.Scan(&r.Key, &r.ARS, &r.Name, &r.Type, &r.Gemeindefrei, &g); err != nil {
			return nil, wrap("query regions "+level.String(), err)
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return nil, fmt.Errorf("decode geometry of %s: %w", r.Key, err)
		}
		mp, ok := geom.(orb.MultiPolygon)
		if !ok {
			return nil, fmt.Errorf("region %s: geometry %s is not a multipolygon", r.Key, geom.GeoJSONType())
		}
		r.Geom = mp
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("query regions "+level.String(), err)
	}
	return out, nil
}

// Indicators implements atlas.Store: the catalogue and its coverage read in
// one snapshot.
func (s *Store) Indicators(ctx context.Context) ([]atlas.Indicator, error) {
	var inds []atlas.Indicator
	var cov []atlas.CoverageRow
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT entry FROM indicators ORDER BY id`)
		if err != nil {
			return err
		}
		entries, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		if err != nil {
			return err
		}
		inds = make([]atlas.Indicator, len(entries))
		for i, e := range entries {
			if err := json.Unmarshal(e, &inds[i]); err != nil {
				return fmt.Errorf("decode indicator: %w", err)
			}
		}
		// regions with a value per indicator, level and year: only keys of
		// the level's boundary set where the level has one (observations of
		// another Gebietsstand are no region of the map), all keys where it
		// has none (Germany's DG); a year whose values all lie outside the
		// set keeps its row with count 0
		rows, err = tx.Query(ctx, `SELECT o.indicator, o.level, o.period,
				count(*) FILTER (WHERE b.level IS NULL OR r.key IS NOT NULL)
			FROM observations o
			LEFT JOIN boundary_sets b ON b.level = o.level
			LEFT JOIN regions r ON r.level = o.level AND r.key = o.key
			WHERE o.value IS NOT NULL
			GROUP BY o.indicator, o.level, o.period`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r atlas.CoverageRow
			var lvl string
			var period int32
			var n int64
			if err := rows.Scan(&r.Indicator, &lvl, &period, &n); err != nil {
				return err
			}
			if err = r.Level.UnmarshalText([]byte(lvl)); err != nil { // "deutschland" too
				return err
			}
			r.Period, r.Count = int(period), int(n)
			cov = append(cov, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("query indicators", err)
	}
	atlas.FillCoverage(inds, cov)
	return inds, nil
}

// Values implements atlas.Store (a range of the primary key).
func (s *Store) Values(ctx context.Context, indicator string, level atlas.Level, period int) (map[string]atlas.Value, error) {
	op := fmt.Sprintf("query values %s/%s/%d", indicator, level, period)
	rows, err := s.pool.Query(ctx, `SELECT key, value, flag FROM observations
		WHERE indicator = $1 AND level = $2 AND period = $3`, indicator, level.String(), period)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := make(map[string]atlas.Value)
	for rows.Next() {
		var key, flag string
		var v *float64
		if err := rows.Scan(&key, &v, &flag); err != nil {
			return nil, wrap(op, err)
		}
		val := atlas.Value{Value: math.NaN(), Flag: atlas.Flag(flag)}
		if v != nil {
			val.Value = *v
		}
		out[key] = val
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// Locate returns the key of the region of level that covers the point lon,
// lat (EPSG:4326), using the GiST index. ok is false when no region does
// (outside Germany, or on water that the boundary set leaves out). A point
// on a border belongs to the region with the smaller key.
func (s *Store) Locate(ctx context.Context, lon, lat float64, level atlas.Level) (key string, ok bool, err error) {
	switch {
	case math.IsNaN(lon) || lon < -180 || lon > 180:
		return "", false, &atlas.ParamError{Param: "lon", Value: strconv.FormatFloat(lon, 'g', -1, 64), Reason: "must be a longitude in degrees (-180 to 180)"}
	case math.IsNaN(lat) || lat < -90 || lat > 90:
		return "", false, &atlas.ParamError{Param: "lat", Value: strconv.FormatFloat(lat, 'g', -1, 64), Reason: "must be a latitude in degrees (-90 to 90)"}
	}
	// For a point ST_Intersects means "inside or on the border", like
	// ST_Covers, and PostGIS answers it faster (point-in-polygon shortcut).
	// MATERIALIZED keeps the planner from walking the primary key in key
	// order instead of asking the GiST index.
	var k *string
	err = s.pool.QueryRow(ctx, `WITH hits AS MATERIALIZED (
		SELECT key FROM regions
		 WHERE level = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)))
		SELECT min(key) FROM hits`, level.String(), lon, lat).Scan(&k)
	if err != nil {
		return "", false, wrap(fmt.Sprintf("locate %g,%g in %s", lon, lat, level), err)
	}
	if k == nil {
		return "", false, nil
	}
	return *k, true, nil
}

// Derived implements atlas.DerivedStore.
func (s *Store) Derived(ctx context.Context, level atlas.Level, names []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	if len(names) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT name, data FROM derived WHERE level = $1 AND name = ANY($2)`, level.String(), names)
	if err != nil {
		return nil, wrap("read derived data of "+level.String(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var b []byte
		if err := rows.Scan(&name, &b); err != nil {
			return nil, wrap("read derived data of "+level.String(), err)
		}
		out[name] = b
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("read derived data of "+level.String(), err)
	}
	return out, nil
}
