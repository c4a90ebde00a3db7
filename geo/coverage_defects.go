package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// CoverageDefects returns the total area of overlaps between polygons and of
// gaps (holes in the union that were not holes in the input) — for tests and
// benchmarks.
//
// overlapArea sums the intersection areas of all pairs of polygons of after
// whose bounds intersect (pairs found via an Index). gapArea is the area of
// the holes of the union of after that are not holes of the union of before,
// so a gap that opens to the outside of the covered region (at a coast or a
// national border) is not counted; lakes that are holes in both unions are
// not gaps. It uses simplefeatures overlays: fine for tests on subsets, slow
// for thousands of polygons. before and after must have the same length.
func CoverageDefects(before, after []orb.MultiPolygon) (gapArea, overlapArea float64, err error) {
	if len(before) != len(after) {
		return 0, 0, fmt.Errorf("coverage defects: %d polygons before, %d after", len(before), len(after))
	}
	ga := make([]geom.Geometry, len(after))
	for i, mp := range after {
		ga[i] = sfMultiPolygon(mp).AsGeometry()
	}
	ix := NewIndex(after)
	for i, mp := range after {
		if len(mp) == 0 {
			continue
		}
		var ierr error
		ix.Intersecting(mp.Bound(), func(j int) bool {
			if j <= i {
				return true
			}
			g, err := sfBinary("intersection", geom.Intersection, ga[i], ga[j])
			if err != nil {
				ierr = fmt.Errorf("polygons %d and %d: %w", i, j, err)
				return false
			}
			overlapArea += g.Area()
			return true
		})
		if ierr != nil {
			return 0, 0, fmt.Errorf("coverage defects: %w", ierr)
		}
	}

	hb, err := unionHoles(before)
	if err != nil {
		return 0, 0, fmt.Errorf("coverage defects: before: %w", err)
	}
	ha, err := unionHoles(after)
	if err != nil {
		return 0, 0, fmt.Errorf("coverage defects: after: %w", err)
	}
	gaps, err := sfBinary("difference", geom.Difference, ha, hb)
	if err != nil {
		return 0, 0, fmt.Errorf("coverage defects: %w", err)
	}
	return gaps.Area(), overlapArea, nil
}

// unionHoles returns the holes of the union of polys: the area inside the
// union's hole rings that the union does not cover.
func unionHoles(polys []orb.MultiPolygon) (geom.Geometry, error) {
	gs := make([]geom.Geometry, 0, len(polys))
	for _, mp := range polys {
		if len(mp) > 0 {
			gs = append(gs, sfMultiPolygon(mp).AsGeometry())
		}
	}
	u, err := sfUnionMany(gs)
	if err != nil {
		return geom.Geometry{}, err
	}
	var holeRings []geom.Geometry
	for _, p := range orbAreal(nil, u) {
		for _, h := range p[1:] {
			holeRings = append(holeRings, geom.NewPolygon([]geom.LineString{sfRing(h)}).ForceCCW().AsGeometry())
		}
	}
	if len(holeRings) == 0 {
		return geom.Geometry{}, nil
	}
	hu, err := sfUnionMany(holeRings)
	if err != nil {
		return geom.Geometry{}, err
	}
	return sfBinary("difference", geom.Difference, hu, u)
}
