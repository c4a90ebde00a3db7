package pgstore

import (
	"context"
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
	r1, err := s.Import(ctx, atlas.Release{Source: "old1"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Import(ctx, atlas.Release{Source: "old2", Spec: "s2"}, []atlas.Indicator{ind}, obs[:3])
	if err != nil {
		t.Fatal(err)
	}
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
	r3, err := s.Import(ctx, atlas.Release{Source: "new"}, []atlas.Indicator{ind}, obs[:1])
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Releases(ctx)
	if err != nil || len(list) != 3 || list[0].ID != r1.ID || list[1].Spec != "s2" || list[2].ID != r3.ID || list[2].Replaced != 1 {
		t.Fatalf("releases after the migration = %+v, %v", list, err)
	}
	if _, err := s.Rollback(ctx, r1.ID); !errors.Is(err, atlas.ErrConflict) {
		t.Errorf("rollback below the migration: %v, want ErrConflict", err)
	}
	undone, err := s.Rollback(ctx, r2.ID)
	if err != nil || len(undone) != 1 || undone[0].ID != r3.ID {
		t.Errorf("rollback to the last release before the migration = %+v, %v", undone, err)
	}
	if vals, _ := s.Values(ctx, ind.ID, atlas.LevelLand, 2019); len(vals) == 0 {
		t.Error("data lost in the migration")
	}
}
