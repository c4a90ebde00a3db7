package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

func open(t *testing.T) atlas.Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "atlas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestReportsContract(t *testing.T) { storetest.RunReports(t, open) }

func TestSessionsContract(t *testing.T) { storetest.RunSessions(t, open) }

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "atlas.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ind, obs := storetest.Unemployment(t)
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "x"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vals, err := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if err != nil || vals["09162"].Value != 3.5 {
		t.Fatalf("after reopen 09162 = %+v, %v", vals["09162"], err)
	}
}

// TestDerivedContract runs the contract of atlas.DerivedStore; the raw
// changes of regions go through the store's own connection.
func TestDerivedContract(t *testing.T) {
	storetest.RunDerived(t, open, func(t *testing.T, s atlas.Store, sql string) {
		if _, err := s.(*Store).db.ExecContext(context.Background(), sql); err != nil {
			t.Fatal(err)
		}
	})
}
