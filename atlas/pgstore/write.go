package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/standortatlas/standortatlas/atlas"
)

// Write implements atlas.Store: one release, all or nothing, numbered
// without gaps (under the store's write lock), with its file hash, spec
// hash and parts. The release row is inserted first, so that the history
// triggers of migrations/0004_intake.sql attribute the catalogue entries it
// overwrites to it; then boundaries, catalogue entries, observations,
// places and the audit entry.
func (s *Store) Write(ctx context.Context, c atlas.Change) (atlas.Release, error) {
	rel, err := c.Prepare()
	if err != nil {
		return rel, err
	}
	rel.CreatedAt = rel.CreatedAt.Truncate(time.Microsecond) // what timestamptz keeps
	entries, err := indicatorEntries(c.Indicators)
	if err != nil {
		return rel, err
	}
	regions := make([][][]any, len(c.Boundaries))
	for i, b := range c.Boundaries {
		if regions[i], err = regionRows(b.Regions); err != nil {
			return rel, err
		}
	}
	places, err := placeRows(c.Places)
	if err != nil {
		return rel, err
	}
	report, parts := rel.Report, rel.Parts
	if report == nil {
		report = []string{}
	}
	if parts == nil {
		parts = []string{}
	}
	var id int64
	err = s.write(ctx, "write release "+rel.File, func(tx pgx.Tx) error {
		if c.ReportsOnly() { // the release trigger leaves the data version (migrations/0009_report_data_version.sql)
			if _, err := tx.Exec(ctx, `SELECT set_config('standortatlas.reports_only', 'on', true)`); err != nil {
				return wrap("reports only", err)
			}
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM releases`).Scan(&id); err != nil {
			return wrap("number release", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO releases (id, created_at, source, file, sha256, spec, row_count, report, parts)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, rel.CreatedAt, rel.Source, rel.File, rel.SHA256, rel.Spec, rel.Rows, report, parts); err != nil {
			return wrap("insert release", err)
		}
		for i := range c.Boundaries {
			if err := replaceBoundaries(ctx, tx, &c.Boundaries[i], regions[i]); err != nil {
				return err
			}
		}
		for i, ind := range c.Indicators {
			if _, err := tx.Exec(ctx, `INSERT INTO indicators (id, entry) VALUES ($1, $2)
				ON CONFLICT (id) DO UPDATE SET entry = excluded.entry`, ind.ID, entries[i]); err != nil {
				return wrap("upsert indicator "+ind.ID, err)
			}
		}
		if err := writeObservations(ctx, tx, id, c.Observations); err != nil {
			return err
		}
		if err := writePlaces(ctx, tx, c.Places, places); err != nil {
			return err
		}
		if err := writeReports(ctx, tx, id, c.Reports); err != nil {
			return err
		}
		if c.Audit != nil {
			e := *c.Audit
			e.Release = id
			if _, err := appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rel, err
	}
	rel.ID = id
	return rel, nil
}

func indicatorEntries(inds []atlas.Indicator) ([]json.RawMessage, error) {
	entries := make([]json.RawMessage, len(inds))
	for i, ind := range inds {
		cat := ind.Entry()
		b, err := json.Marshal(cat)
		if err != nil {
			return nil, fmt.Errorf("encode indicator %s: %w", ind.ID, err)
		}
		entries[i] = b
	}
	return entries, nil
}

// replaceRegions inserts the staged regions of one level. Geometry that
// GEOS finds invalid is repaired with ST_MakeValid (keeping polygons only,
// outer rings counter-clockwise); the statement returns what it repaired.
const replaceRegions = `
WITH staged AS MATERIALIZED (
    SELECT key, ars, name, type, gemeindefrei, ST_GeomFromWKB(wkb, 4326) AS g
      FROM boundary_stage
), checked AS MATERIALIZED (
    SELECT *, ST_IsValid(g) AS valid FROM staged
), inserted AS (
    INSERT INTO regions (level, key, ars, name, type, gemeindefrei, geom)
    SELECT $1, key, ars, name, type, gemeindefrei,
           CASE WHEN valid THEN ST_Multi(g)
                ELSE ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(g, 'method=structure'), 3)))
           END
      FROM checked
    RETURNING key, ST_IsEmpty(geom) AS empty
)
SELECT c.key, c.name, ST_IsValidReason(c.g), i.empty
  FROM checked c JOIN inserted i USING (key)
 WHERE NOT c.valid
 ORDER BY c.key`

func regionRows(regions []atlas.Region) ([][]any, error) {
	rows := make([][]any, len(regions))
	for i, r := range regions {
		g, err := wkb.Marshal(r.Geom)
		if err != nil {
			return nil, fmt.Errorf("encode region %s: %w", r.Key, err)
		}
		rows[i] = []any{r.Key, r.ARS, r.Name, r.Type, r.Gemeindefrei, g}
	}
	return rows, nil
}

// replaceBoundaries replaces the regions of b.Set.Level. Geometry that
// PostGIS finds invalid is repaired with ST_MakeValid, and each repair is
// added to the boundary set's report. b.Derived is stored after the
// regions, unless a region was repaired: it was computed from the regions
// as given, which are then not those stored.
func replaceBoundaries(ctx context.Context, tx pgx.Tx, b *atlas.BoundaryChange, rows [][]any) error {
	set := &b.Set
	lvl := set.Level.String()
	op := "replace boundaries " + lvl
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS boundary_stage (
		key text COLLATE "C", ars text, name text, type text, gemeindefrei boolean, wkb bytea) ON COMMIT DROP`); err != nil {
		return wrap(op, err)
	}
	if _, err := tx.Exec(ctx, `TRUNCATE boundary_stage`); err != nil {
		return wrap(op, err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"boundary_stage"}, []string{"key", "ars", "name", "type", "gemeindefrei", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return wrap(op+": copy", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM regions WHERE level = $1`, lvl); err != nil {
		return wrap(op+": delete", err)
	}
	res, err := tx.Query(ctx, replaceRegions, lvl)
	if err != nil {
		return wrap(op+": insert", err)
	}
	var repairs []string
	for res.Next() {
		var key, name, reason string
		var empty bool
		if err := res.Scan(&key, &name, &reason, &empty); err != nil {
			res.Close()
			return wrap(op, err)
		}
		if empty {
			res.Close()
			return fmt.Errorf("%s: region %s (%s): invalid geometry (%s), nothing left after ST_MakeValid: %w", op, key, name, reason, atlas.ErrInvalidData)
		}
		repairs = append(repairs, fmt.Sprintf("%s %s: PostGIS found the geometry invalid (%s) and repaired it with ST_MakeValid", key, name, reason))
	}
	if err := res.Err(); err != nil {
		return wrap(op+": insert", err)
	}
	set.Report = append(append([]string(nil), set.Report...), repairs...)
	info, err := json.Marshal(set)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO boundary_sets (level, info) VALUES ($1, $2)
		ON CONFLICT (level) DO UPDATE SET info = excluded.info`, lvl, json.RawMessage(info)); err != nil {
		return wrap(op+": boundary set", err)
	}
	if len(repairs) == 0 && len(b.Derived) > 0 { // the regions' triggers have dropped the level's earlier rows
		// one COPY for all parts (some 2,400 for the Kreise), not a round trip each
		parts := make([][]any, len(b.Derived))
		for i, d := range b.Derived {
			parts[i] = []any{lvl, d.Name, d.Data}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"derived"}, []string{"level", "name", "data"}, pgx.CopyFromRows(parts)); err != nil {
			return wrap(op+": derived data", err)
		}
	}
	// Fresh statistics, so that the planner asks the GiST index first
	// (and not the key index) right after an import.
	if _, err := tx.Exec(ctx, `ANALYZE regions`); err != nil {
		return wrap(op+": analyze", err)
	}
	return nil
}

// insertObservations moves the staged observations into place: the last of
// several rows with the same indicator, level, period and key wins, and a
// row replaces an earlier release's value.
const insertObservations = `
INSERT INTO observations (indicator, level, key, period, value, flag, release)
SELECT DISTINCT ON (indicator, level, period, key) indicator, level, key, period, value, flag, $1
  FROM observation_stage
 ORDER BY indicator, level, period, key, seq DESC
ON CONFLICT (indicator, level, period, key) DO UPDATE
   SET value = excluded.value, flag = excluded.flag, release = excluded.release`

func writeObservations(ctx context.Context, tx pgx.Tx, release int64, obs []atlas.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	rows := make([][]any, len(obs))
	for i, o := range obs {
		var v any
		if !math.IsNaN(o.Value) {
			v = o.Value
		}
		rows[i] = []any{int32(i), o.Indicator, o.Level.String(), o.Key, int32(o.Period), v, string(o.Flag)}
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE observation_stage (
		seq integer, indicator text COLLATE "C", level text COLLATE "C", key text COLLATE "C",
		period integer, value double precision, flag text) ON COMMIT DROP`); err != nil {
		return wrap("stage observations", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"observation_stage"},
		[]string{"seq", "indicator", "level", "key", "period", "value", "flag"}, pgx.CopyFromRows(rows)); err != nil {
		return wrap("copy observations", err)
	}
	check, err := tx.Query(ctx, `SELECT DISTINCT indicator FROM observation_stage s
		WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.id = s.indicator) ORDER BY indicator`)
	if err != nil {
		return wrap("check indicators", err)
	}
	unknown, err := pgx.CollectRows(check, pgx.RowTo[string])
	if err != nil {
		return wrap("check indicators", err)
	}
	if len(unknown) > 0 {
		return atlas.UnknownIndicatorsError(unknown)
	}
	if _, err := tx.Exec(ctx, insertObservations, release); err != nil {
		return wrap("insert observations", err)
	}
	return nil
}

const insertPlace = `INSERT INTO places (id, source, category, status, info, geom)
	VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))`

// placeRows returns the arguments of insertPlace for the places a change
// replaces and adds.
func placeRows(p atlas.PlaceChange) ([][]any, error) {
	var rows [][]any
	for _, list := range [][]atlas.Place{p.Replace, p.Add} {
		for _, pl := range list {
			info, err := json.Marshal(pl)
			if err != nil {
				return nil, fmt.Errorf("encode place %s: %w", pl.ID, err)
			}
			rows = append(rows, []any{pl.ID, pl.Source, pl.Category, pl.Status, json.RawMessage(info), pl.Lon, pl.Lat})
		}
	}
	return rows, nil
}

func writePlaces(ctx context.Context, tx pgx.Tx, p atlas.PlaceChange, rows [][]any) error {
	if src := p.Source; src != nil {
		info, err := json.Marshal(src)
		if err != nil {
			return fmt.Errorf("encode place source %s: %w", src.ID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM places WHERE source = $1`, src.ID); err != nil {
			return wrap("replace places of "+src.ID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO place_sources (id, info) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET info = excluded.info`, src.ID, json.RawMessage(info)); err != nil {
			return wrap("place source "+src.ID, err)
		}
	}
	if len(rows) > 0 {
		b := &pgx.Batch{}
		for _, r := range rows {
			b.Queue(insertPlace, r...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return wrap("insert places", err)
		}
	}
	for _, st := range p.Status {
		tag, err := tx.Exec(ctx, `UPDATE places SET status = $2, info = jsonb_set(info, '{status}', to_jsonb($2::text))
			WHERE id = $1`, st.ID, st.Status)
		if err != nil {
			return wrap("set status of place "+st.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return atlas.PlaceNotFoundError(st.ID)
		}
	}
	return nil
}
