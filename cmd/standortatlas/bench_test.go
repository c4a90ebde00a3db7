package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// BenchmarkSeedImport measures a first start's seeding: reading every seed
// file (BKG shapefiles in zips, xlsx, GENESIS and CSV tables), checking and
// writing them to a new embedded store.
func BenchmarkSeedImport(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "atlas.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := seedIfNeeded(context.Background(), store, false, io.Discard); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
}

var (
	benchOnce sync.Once
	benchSvc  *atlas.Service
	benchErr  error
)

func seededService(b *testing.B) *atlas.Service {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "standortatlas-bench")
		if err != nil {
			benchErr = err
			return
		}
		store, err := sqlitestore.Open(ctx, filepath.Join(dir, "atlas.db"))
		if err != nil {
			benchErr = err
			return
		}
		if benchErr = seedIfNeeded(ctx, store, false, io.Discard); benchErr != nil {
			return
		}
		benchSvc = atlas.NewService(store, atlas.Options{})
		benchErr = benchSvc.Warm(ctx)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSvc
}
