package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
	"github.com/standortatlas/standortatlas/tiles"
	"github.com/standortatlas/standortatlas/tiles/pmtiles"
)

const exportUsage = `usage: standortatlas export pmtiles [-level kreis] [-minzoom 0] [-maxzoom 12] [-db FILE | -database-url URL] OUT.pmtiles

Writes the vector tiles of one level (the same tiles /tiles/{level}/{z}/{x}/{y}.mvt
serves: geometry, id, key, name, type) into a PMTiles v3 archive.
`

// cmdExport runs "standortatlas export pmtiles …".
func cmdExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "pmtiles" {
		fmt.Fprint(stderr, exportUsage)
		return fmt.Errorf("export: say what to export (pmtiles)")
	}
	var c storeConfig
	flags := flag.NewFlagSet("export pmtiles", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, exportUsage); flags.PrintDefaults() }
	c.register(flags, getenv)
	levelName := flags.String("level", "kreis", "level: land, kreis, vwg or gemeinde")
	minZoom := flags.Int("minzoom", 0, "lowest zoom")
	maxZoom := flags.Int("maxzoom", 12, "highest zoom (at most 14)")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return fmt.Errorf("export pmtiles: name one output file (got %d arguments)", flags.NArg())
	}
	out := flags.Arg(0)
	level, err := atlas.ParseLevel(*levelName)
	if err != nil {
		return fmt.Errorf("export pmtiles: %w", err)
	}
	if *minZoom < 0 || *minZoom > *maxZoom || *maxZoom > 14 {
		return fmt.Errorf("export pmtiles: zooms %d–%d: need 0 ≤ minzoom ≤ maxzoom ≤ 14", *minZoom, *maxZoom)
	}

	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := atlas.NewService(store, atlas.Options{})
	ts := maptiles.New(svc, tiles.Options{CacheBytes: -1, Logger: slog.New(slog.NewTextHandler(stderr, nil))}).Server()

	// Write next to the target and rename at the end, so that a failed
	// export leaves no half-written archive.
	dir := filepath.Dir(out)
	f, err := os.CreateTemp(dir, ".export-*.pmtiles")
	if err != nil {
		return fmt.Errorf("export pmtiles: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("export pmtiles: %w", err)
	}
	start := time.Now()
	st, err := pmtiles.Export(ctx, f, ts, level.String(), *minZoom, *maxZoom, dir)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export pmtiles (level %s; has the store been seeded? run standortatlas seed): %w", level, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("export pmtiles: %w", err)
	}
	info, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("export pmtiles: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: level %s, zoom %d–%d, %d tiles (%d distinct), %.1f MB, data version %d, in %s\n",
		out, level, *minZoom, *maxZoom, st.Tiles, st.Contents, float64(info.Size())/1e6, st.Version, time.Since(start).Round(time.Millisecond))
	return nil
}
