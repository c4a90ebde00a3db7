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
// whose bounds intersect (pairs found via an Index). gapArea sums the areas of
// the holes of the union of after that do not overlap any hole of the union
// of before. So a hole that existed before (an unassigned lake, a foreign
// enclave such as Jungholz) is not a gap even though its simplified outline
// differs, a sliver that opens to the outside of the covered region (at a
// coast or a national border) is not counted, and neither is a new sliver
// that runs into an existing hole. It uses simplefeatures overlays: fine for tests on subsets, slow
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
	var hbAll geom.Geometry
	if len(hb) > 0 {
		if hbAll, err = sfUnionMany(hb); err != nil {
			return 0, 0, fmt.Errorf("coverage defects: before: %w", err)
		}
	}
	for _, h := range ha {
		g, err := sfBinary("intersection", geom.Intersection, h, hbAll)
		if err != nil {
			return 0, 0, fmt.Errorf("coverage defects: %w", err)
		}
		if g.Area() == 0 {
			gapArea += h.Area()
		}
	}
	return gapArea, overlapArea, nil
}

// unionHoles returns the holes of the union of polys, one geometry per hole
// ring of the union: the area inside the ring that the union does not cover.
func unionHoles(polys []orb.MultiPolygon) ([]geom.Geometry, error) {
	gs := make([]geom.Geometry, 0, len(polys))
	for _, mp := range polys {
		if len(mp) > 0 {
			gs = append(gs, sfMultiPolygon(mp).AsGeometry())
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	u, err := sfUnionMany(gs)
	if err != nil {
		return nil, err
	}
	var holes []geom.Geometry
	for _, p := range orbAreal(nil, u) {
		for _, h := range p[1:] {
			hp := geom.NewPolygon([]geom.LineString{sfRing(h)}).ForceCCW().AsGeometry()
			g, err := sfBinary("difference", geom.Difference, hp, u)
			if err != nil {
				return nil, err
			}
			holes = append(holes, g)
		}
	}
	return holes, nil
}
