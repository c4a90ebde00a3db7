package main

import (
	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/maptiles"
)

// newIntake is the one write path as every command uses it: the store, and
// the vector tiles' zoom pyramid written with every boundary change (so
// that no tile request after a start waits for its simplification).
func newIntake(store atlas.Store) *ingest.Intake {
	return &ingest.Intake{Store: store, Derive: maptiles.Prebuild}
}
