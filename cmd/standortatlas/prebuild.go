package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

const prebuildUsage = `usage: standortatlas prebuild [-db FILE | -database-url URL]

Stores the vector tiles' zoom pyramid with the boundaries already in the store,
so that no tile after a start waits for its simplification. Every boundary
import and seed does this; a store written before (or by a build that
simplifies differently) serves its tiles simplified live until this runs.
Each level is written again through the one write path: a release and an
audit entry per level, the regions unchanged.
`

// cmdPrebuild runs "standortatlas prebuild".
func cmdPrebuild(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	flags := flag.NewFlagSet("prebuild", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, prebuildUsage); flags.PrintDefaults() }
	c.register(flags, getenv)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 0 {
		flags.Usage()
		return fmt.Errorf("prebuild: no arguments expected (got %d)", flags.NArg())
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, ok := store.(atlas.DerivedStore); !ok {
		return fmt.Errorf("prebuild: %s keeps no derived data", c)
	}
	sets, err := store.BoundarySets(ctx)
	if err != nil {
		return fmt.Errorf("prebuild: %w", err)
	}
	if len(sets) == 0 {
		return fmt.Errorf("prebuild: %s has no boundaries (run standortatlas seed or import boundaries)", c)
	}
	in := newIntake(store)
	for _, set := range sets {
		start := time.Now()
		regions, err := store.Regions(ctx, set.Level)
		if err != nil {
			return fmt.Errorf("prebuild: level %s: %w", set.Level, err)
		}
		change := atlas.Change{
			Release:    atlas.Release{Source: "boundaries_" + set.Level.String(), File: set.Source, Report: []string{"regions written again to store the tiles' zoom pyramid (standortatlas prebuild)"}},
			Boundaries: []atlas.BoundaryChange{{Set: set, Regions: regions}},
		}
		rel, err := in.Commit(ctx, cliActor(getenv), change, atlas.AuditEntry{Action: atlas.AuditBoundaries, Format: "boundaries", File: set.Source})
		if err != nil {
			return fmt.Errorf("prebuild: level %s: %w", set.Level, err)
		}
		fmt.Fprintf(stdout, "level %s: %d regions, zoom pyramid stored (release %d) in %s\n", set.Level, len(regions), rel.ID, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
