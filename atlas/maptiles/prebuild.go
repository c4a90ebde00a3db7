package maptiles

import (
	"slices"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/tiles"
)

// Prebuild returns the derived data to store with the regions of a
// boundary change (ingest.Intake.Derive): the vector tiles' zoom pyramid
// (tiles.Prebuild), which the tile source reads instead of simplifying the
// level itself. The features are made as for live tiles (feature), in
// key order as the stores return them.
func Prebuild(b atlas.BoundaryChange) []atlas.Derived {
	if len(b.Regions) == 0 {
		return nil
	}
	regions := slices.Clone(b.Regions)
	slices.SortFunc(regions, func(a, b atlas.Region) int { return strings.Compare(a.Key, b.Key) })
	ld := &tiles.LayerData{Features: make([]tiles.Feature, len(regions))}
	for i, r := range regions {
		ld.Features[i] = feature(r)
	}
	parts := tiles.Prebuild(ld)
	out := make([]atlas.Derived, len(parts))
	for i, p := range parts {
		out[i] = atlas.Derived{Name: featureVersion + p.Name, Data: p.Data}
	}
	return out
}
