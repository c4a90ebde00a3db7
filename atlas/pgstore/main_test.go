package pgstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// TestMain runs the package's tests on STANDORTATLAS_TEST_DATABASE_URL or a
// throwaway cluster (see pgtest).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newStore returns a store on a fresh, migrated database, and the database's URL.
func newStore(t testing.TB, opts pgstore.Options) (*pgstore.Store, string) {
	t.Helper()
	url := pgtest.NewDB(t)
	ctx := context.Background()
	pool, err := pgstore.Connect(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Migrate(ctx, pool); err != nil {
		pool.Close()
		t.Fatal(err)
	}
	s := pgstore.New(pool, opts)
	t.Cleanup(func() { s.Close() })
	return s, url
}

// sqlPool opens a pool of its own on url for checks in SQL.
func sqlPool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// open returns a store on a fresh, migrated database.
func open(t *testing.T) atlas.Store {
	s, _ := newStore(t, pgstore.Options{})
	return s
}

// TestContract runs the contract suites of atlas.Store and of the optional
// write-side interfaces (atlas.ReleaseStore, atlas.TokenStore, atlas.AuditStore).
func TestContract(t *testing.T) {
	storetest.Run(t, open)
	storetest.RunReleases(t, open)
	storetest.RunTokensAndAudit(t, open)
}

// TestReportsContract runs the contract of atlas.ReportStore.
func TestReportsContract(t *testing.T) { storetest.RunReports(t, open) }

// TestSessionsContract runs the contract of atlas.SessionStore.
func TestSessionsContract(t *testing.T) { storetest.RunSessions(t, open) }

// TestDerivedContract runs the contract of atlas.DerivedStore; the raw
// changes of regions go through a pool of their own, as another instance's.
func TestDerivedContract(t *testing.T) {
	urls := map[atlas.Store]string{}
	storetest.RunDerived(t, func(t *testing.T) atlas.Store {
		s, url := newStore(t, pgstore.Options{})
		urls[s] = url
		return s
	}, func(t *testing.T, s atlas.Store, sql string) {
		if _, err := sqlPool(t, urls[s]).Exec(context.Background(), sql); err != nil {
			t.Fatal(err)
		}
	})
}
