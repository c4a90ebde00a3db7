package atlas_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
	"github.com/standortatlas/standortatlas/seeds"
)

var seeded struct {
	once sync.Once
	dir  string // removed by TestMain
	svc  *atlas.Service
	err  error
}

// TestMain removes the seeded store's temporary directory after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// seededService is a service over an embedded store filled from seeds/
// (all real data), with the display geometry built; shared by the
// benchmarks of the package.
func seededService(tb testing.TB) *atlas.Service {
	tb.Helper()
	seeded.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "atlas-bench")
		if err != nil {
			seeded.err = err
			return
		}
		seeded.dir = dir
		store, err := sqlitestore.Open(ctx, filepath.Join(dir, "atlas.db"))
		if err != nil {
			seeded.err = err
			return
		}
		m, err := ingest.ReadManifest(seeds.FS, seeds.Manifest)
		if err != nil {
			seeded.err = err
			return
		}
		if _, seeded.err = ingest.LoadManifest(ctx, seeds.FS, m, store, nil); seeded.err != nil {
			return
		}
		seeded.svc = atlas.NewService(store, atlas.Options{})
		seeded.err = seeded.svc.Warm(ctx, nil)
	})
	if seeded.err != nil {
		tb.Fatal(seeded.err)
	}
	return seeded.svc
}
