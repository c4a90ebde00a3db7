package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

func openStore(ctx context.Context, c storeConfig) (atlas.Store, error) {
	if dir := filepath.Dir(c.DBPath); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	return sqlitestore.Open(ctx, c.DBPath)
}
