package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// TestMigrateKeepsHistoryFromUpgrade: a database with releases written
// before 0004_intake.sql keeps its data, and rollbacks never reach below the
// migration (the earlier releases left no history), like the embedded store
// after its upgrade to schema version 2.
func TestMigrateKeepsHistoryFromUpgrade(t *testing.T) {
	ctx := context.Background()
	pool, err := Connect(ctx, pgtest.NewDB(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == "0004_intake.sql" {
			break
		}
		if _, err := applyMigration(ctx, pool, m); err != nil {
			t.Fatal(err)
		}
	}
	s := New(pool, Options{})
	defer s.Close()
	ind, obs := storetest.Unemployment(t)
	// Two releases as the code of that schema wrote them.
	legacy := func(id int64, spec string, obs []atlas.Observation) atlas.Release {
		t.Helper()
		entry, err := json.Marshal(ind)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO releases (id, created_at, source, spec, row_count) VALUES ($1, now(), 'old', $2, $3)`, id, spec, len(obs)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO indicators (id, entry) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET entry = excluded.entry`, ind.ID, entry); err != nil {
			t.Fatal(err)
		}
		for _, o := range obs {
			var v any
			if o.Valued() {
				v = o.Value
			}
			if _, err := pool.Exec(ctx, `INSERT INTO observations (indicator, level, key, period, value, flag, release) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (indicator, level, period, key) DO UPDATE SET value = excluded.value, flag = excluded.flag, release = excluded.release`,
				o.Indicator, o.Level.String(), o.Key, o.Period, v, string(o.Flag), id); err != nil {
				t.Fatal(err)
			}
		}
		return atlas.Release{ID: id}
	}
	r1 := legacy(1, "", obs)
	r2 := legacy(2, "s2", obs[:3])
	applied, err := Migrate(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[0] != "0004_intake.sql" {
		t.Fatalf("applied %v, want 0004_intake.sql first", applied)
	}
	if v, _ := s.Meta(ctx, "history_since"); v != "3" {
		t.Errorf("history_since = %q, want 3 (first release after the migration)", v)
	}
	r3, err := storetest.Import(ctx, s, atlas.Release{Source: "new"}, []atlas.Indicator{ind}, obs[:1])
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Releases(ctx)
	if err != nil || len(list) != 3 || list[0].ID != r1.ID || list[1].Spec != "s2" || list[2].ID != r3.ID || list[2].Replaced != 1 {
		t.Fatalf("releases after the migration = %+v, %v", list, err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); !errors.Is(err, atlas.ErrConflict) {
		t.Errorf("rollback below the migration: %v, want ErrConflict", err)
	}
	undone, err := atlas.Rollback(ctx, s, r2.ID, nil)
	if err != nil || len(undone) != 1 || undone[0].ID != r3.ID {
		t.Errorf("rollback to the last release before the migration = %+v, %v", undone, err)
	}
	if vals, _ := s.Values(ctx, ind.ID, atlas.LevelLand, 2019); len(vals) == 0 {
		t.Error("data lost in the migration")
	}
}
