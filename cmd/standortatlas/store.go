package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// openStore opens the store c selects: PostGIS (whose schema must be
// migrated unless c.Migrate) or the embedded store file.
func openStore(ctx context.Context, c storeConfig) (atlas.Store, error) {
	return openServeStore(ctx, c, io.Discard)
}

// openServeStore is openStore reporting applied migrations to out.
func openServeStore(ctx context.Context, c storeConfig, out io.Writer) (atlas.Store, error) {
	if c.DatabaseURL != "" {
		return openPostGIS(ctx, c, out)
	}
	if !c.Create && !c.Init {
		if _, err := os.Stat(c.DBPath); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("embedded store %s does not exist (check -db or STANDORTATLAS_DB; \"standortatlas seed\" or \"serve\" creates and seeds it; an import into a new, empty store needs -init): %w", c.DBPath, atlas.ErrNotFound)
		}
	}
	if dir := filepath.Dir(c.DBPath); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	return sqlitestore.Open(ctx, c.DBPath)
}

func openPostGIS(ctx context.Context, c storeConfig, out io.Writer) (atlas.Store, error) {
	if !c.Migrate {
		return pgstore.Open(ctx, c.DatabaseURL, pgstore.Options{})
	}
	pool, err := pgstore.Connect(ctx, c.DatabaseURL, pgstore.Options{})
	if err != nil {
		return nil, err
	}
	applied, err := pgstore.Migrate(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if len(applied) > 0 {
		fmt.Fprintf(out, "applied schema migrations %s\n", strings.Join(applied, ", "))
	}
	return pgstore.New(pool, pgstore.Options{}), nil
}

// openImportStore opens the store for an import: unless c.Init, it must
// already hold boundaries (a seeded or filled store), so that an import
// never lands silently in a new, empty store.
func openImportStore(ctx context.Context, c storeConfig) (atlas.Store, error) {
	store, err := openStore(ctx, c)
	if err != nil || c.Init {
		return store, err
	}
	sets, err := store.BoundarySets(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(sets) == 0 {
		store.Close()
		return nil, fmt.Errorf("%s has no boundaries: it is new or empty (check -db / -database-url; \"standortatlas seed\" fills it; give -init to import into it anyway)", c)
	}
	return store, nil
}

// watchStore lets svc notice writes of other instances at once where the
// store can tell (PostGIS: LISTEN/NOTIFY); without it the service still
// polls the data version every second. stop ends the watch and waits for it.
func watchStore(ctx context.Context, store atlas.Store, svc *atlas.Service, logger *slog.Logger) (stop func()) {
	w, ok := store.(interface {
		Watch(ctx context.Context, changed func()) error
	})
	if !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Watch(ctx, svc.Invalidate); err != nil {
			logger.Warn("cannot listen for data changes; polling the data version every second", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// openStoreAs opens the store and checks that it offers the optional
// interface T (releases, tokens, audit, places); what names the command in
// the error.
func openStoreAs[T any](ctx context.Context, c storeConfig, what string) (atlas.Store, T, error) {
	var zero T
	store, err := openStore(ctx, c)
	if err != nil {
		return nil, zero, err
	}
	t, ok := store.(T)
	if !ok {
		store.Close()
		return nil, zero, fmt.Errorf("%s: %w", what, atlas.ErrNotSupported)
	}
	return store, t, nil
}
