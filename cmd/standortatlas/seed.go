package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
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
	in := newIntake(store)
	in.Progress = func(msg string) { fmt.Fprintln(out, "  "+msg) }
	res, err := in.Seed(ctx, seeds.FS, seeds.Manifest, "places/places.json", "seed")
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
	for _, p := range res.Places {
		fmt.Fprintf(out, "  %d places (release %d)\n", p.Places, p.Release.ID)
		for _, line := range p.Report {
			fmt.Fprintln(out, "  note: "+line)
		}
	}
	if err := store.SetMeta(ctx, seedMetaKey, m.Version); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d boundary sets and %d releases in %s\n", len(res.Boundaries), len(res.Releases)+len(res.Places), time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	c.Create = true
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
