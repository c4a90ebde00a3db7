package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb/encoding/wkb"

	"github.com/standortatlas/standortatlas/atlas"
)

// Write implements atlas.Store: the release row first (the history triggers
// attribute catalogue entries to the newest release), then boundaries,
// catalogue entries, observations, places and the audit entry, in one
// transaction.
func (s *Store) Write(ctx context.Context, c atlas.Change) (atlas.Release, error) {
	rel, err := c.Prepare()
	if err != nil {
		return rel, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return rel, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO releases(created_at, info) VALUES (?, '{}')`, rel.CreatedAt.Format(time.RFC3339))
	if err != nil {
		return rel, fmt.Errorf("insert release: %w", err)
	}
	if rel.ID, err = res.LastInsertId(); err != nil {
		return rel, err
	}
	info, err := json.Marshal(rel)
	if err != nil {
		return rel, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE releases SET info = ? WHERE id = ?`, string(info), rel.ID); err != nil {
		return rel, err
	}
	for _, b := range c.Boundaries {
		if err := writeBoundaries(ctx, tx, b); err != nil {
			return rel, err
		}
	}
	if err := writeIndicators(ctx, tx, c.Indicators); err != nil {
		return rel, err
	}
	if err := checkIndicators(ctx, tx, c.Observations); err != nil {
		return rel, err
	}
	if err := writeObservations(ctx, tx, rel.ID, c.Observations); err != nil {
		return rel, err
	}
	if err := writePlaces(ctx, tx, c.Places); err != nil {
		return rel, err
	}
	if err := writeReports(ctx, tx, rel.ID, c.Reports); err != nil {
		return rel, err
	}
	if c.Audit != nil {
		e := *c.Audit
		e.Release = rel.ID
		if _, err := appendAudit(ctx, tx, e); err != nil {
			return rel, err
		}
	}
	if !c.ReportsOnly() {
		if err := bumpVersion(ctx, tx); err != nil {
			return rel, err
		}
	}
	if err := tx.Commit(); err != nil {
		return rel, fmt.Errorf("commit release: %w", err)
	}
	return rel, nil
}

func writeBoundaries(ctx context.Context, tx *sql.Tx, b atlas.BoundaryChange) error {
	info, err := json.Marshal(b.Set)
	if err != nil {
		return err
	}
	lvl := b.Set.Level.String()
	if _, err := tx.ExecContext(ctx, `DELETE FROM regions WHERE level = ?`, lvl); err != nil {
		return fmt.Errorf("delete regions %s: %w", lvl, err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO regions(level, key, ars, name, type, gemeindefrei, geom) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range b.Regions {
		g, err := wkb.Marshal(r.Geom)
		if err != nil {
			return fmt.Errorf("encode region %s: %w", r.Key, err)
		}
		if _, err := stmt.ExecContext(ctx, lvl, r.Key, r.ARS, r.Name, r.Type, r.Gemeindefrei, g); err != nil {
			return fmt.Errorf("insert region %s: %w", r.Key, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO boundary_sets(level, info) VALUES (?, ?) ON CONFLICT(level) DO UPDATE SET info = excluded.info`, lvl, string(info)); err != nil {
		return fmt.Errorf("boundary set %s: %w", lvl, err)
	}
	// After the regions: their triggers have dropped the level's earlier
	// derived data.
	for _, d := range b.Derived {
		if _, err := tx.ExecContext(ctx, `INSERT INTO derived(level, name, data) VALUES (?, ?, ?)`, lvl, d.Name, d.Data); err != nil {
			return fmt.Errorf("derived %s of %s: %w", d.Name, lvl, err)
		}
	}
	return nil
}

func writeIndicators(ctx context.Context, tx *sql.Tx, inds []atlas.Indicator) error {
	for _, ind := range inds {
		cat := ind.Entry()
		b, err := json.Marshal(cat)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicators(id, info) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET info = excluded.info`, ind.ID, string(b)); err != nil {
			return fmt.Errorf("upsert indicator %s: %w", ind.ID, err)
		}
	}
	return nil
}

// checkIndicators returns atlas.UnknownIndicatorsError when observations
// name indicators the catalogue lacks (after the change's own entries).
func checkIndicators(ctx context.Context, tx *sql.Tx, obs []atlas.Observation) error {
	ids := map[string]bool{}
	for _, o := range obs {
		ids[o.Indicator] = true
	}
	var unknown []string
	for id := range ids {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM indicators WHERE id = ?`, id).Scan(&n); err != nil {
			return fmt.Errorf("check indicators: %w", err)
		}
		if n == 0 {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return atlas.UnknownIndicatorsError(unknown)
	}
	return nil
}

func writeObservations(ctx context.Context, tx *sql.Tx, release int64, obs []atlas.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO observations(indicator, level, key, period, value, flag, release) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(indicator, level, period, key) DO UPDATE SET value = excluded.value, flag = excluded.flag, release = excluded.release`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, o := range obs {
		var v any
		if !math.IsNaN(o.Value) {
			v = o.Value
		}
		if _, err := stmt.ExecContext(ctx, o.Indicator, o.Level.String(), o.Key, o.Period, v, string(o.Flag), release); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return fmt.Errorf("insert observation %s %s %d: %w", o.Indicator, o.Key, o.Period, err)
		}
	}
	return nil
}

func writePlaces(ctx context.Context, tx *sql.Tx, p atlas.PlaceChange) error {
	if p.Source != nil {
		info, err := json.Marshal(p.Source)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM places WHERE source = ?`, p.Source.ID); err != nil {
			return fmt.Errorf("replace places of %s: %w", p.Source.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO place_sources(id, info) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET info = excluded.info`, p.Source.ID, string(info)); err != nil {
			return fmt.Errorf("place source %s: %w", p.Source.ID, err)
		}
	}
	for _, list := range [][]atlas.Place{p.Replace, p.Add} {
		for _, pl := range list {
			info, err := json.Marshal(pl)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO places(id, source, category, status, lon, lat, info) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				pl.ID, pl.Source, pl.Category, pl.Status, pl.Lon, pl.Lat, string(info)); err != nil {
				return fmt.Errorf("insert place %s: %w", pl.ID, err)
			}
		}
	}
	for _, st := range p.Status {
		res, err := tx.ExecContext(ctx, `UPDATE places SET status = ?2, info = json_set(info, '$.status', ?2) WHERE id = ?1`, st.ID, st.Status)
		if err != nil {
			return fmt.Errorf("set status of place %s: %w", st.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return atlas.PlaceNotFoundError(st.ID)
		}
	}
	return nil
}
