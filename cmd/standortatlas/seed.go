package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
	"github.com/standortatlas/standortatlas/seeds"
)

const seedMetaKey = "seed_version"

// seedIfNeeded loads the built-in seeds unless the store was already seeded
// with this manifest version. A crash half-way leaves the version unset, so
// the next start seeds again (every step replaces, none appends).
func seedIfNeeded(ctx context.Context, store atlas.Store, force bool, out io.Writer) error {
	m, err := ingest.ReadManifest(seeds.FS, seeds.Manifest)
	if err != nil {
		return err
	}
	have, err := store.Meta(ctx, seedMetaKey)
	if err != nil {
		return err
	}
	if have == m.Version && !force {
		return nil
	}
	start := time.Now()
	fmt.Fprintf(out, "seeding the store from the built-in data (version %s)…\n", m.Version)
	res, err := ingest.LoadManifest(ctx, seeds.FS, m, store, func(msg string) { fmt.Fprintln(out, "  "+msg) })
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	for _, b := range res.Boundaries {
		for _, line := range b.Report {
			fmt.Fprintf(out, "  note (%s): %s\n", b.Level, line)
		}
	}
	for _, r := range res.Releases {
		for _, line := range r.Report {
			fmt.Fprintf(out, "  note (release %d): %s\n", r.ID, line)
		}
	}
	if err := seedPlaces(ctx, store, out); err != nil {
		return fmt.Errorf("seed places: %w", err)
	}
	if err := store.SetMeta(ctx, seedMetaKey, m.Version); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d boundary sets and %d releases in %s\n", len(res.Boundaries), len(res.Releases), time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	flags := flag.NewFlagSet("seed", flag.ContinueOnError)
	flags.SetOutput(stderr)
	c.register(flags, getenv)
	force := flags.Bool("force", false, "seed even when the store already has this seed version")
	if err := flags.Parse(args); err != nil {
		return err
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	return seedIfNeeded(ctx, store, *force, stdout)
}

// seedPlaces loads the places files listed in seeds/places/places.json.
func seedPlaces(ctx context.Context, store atlas.Store, out io.Writer) error {
	specs, err := placeimport.ReadSpecs(seeds.FS, "places/places.json")
	if err != nil {
		return err
	}
	loc, err := placeimport.NewStoreLocator(ctx, store)
	if err != nil {
		return err
	}
	for _, spec := range specs {
		res, err := placeimport.Load(ctx, seeds.FS, spec, store, loc)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %d places from %s\n", len(res.Places), spec.File)
		for _, line := range res.Report {
			fmt.Fprintln(out, "  note: "+line)
		}
	}
	return nil
}
