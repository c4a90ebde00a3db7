package boundaryfile

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/standortatlas/standortatlas/geo/crs"
)

// closeRing returns r closed (last point equal to the first), checking that
// it has at least 4 points then. ring is the 1-based ring number for errors.
func closeRing(r orb.Ring, ring int) (orb.Ring, error) {
	n := len(r)
	if n > 0 && r[0] != r[n-1] {
		r = append(r, r[0])
	}
	if len(r) < 4 {
		return nil, fmt.Errorf("ring %d with %d points", ring, n)
	}
	for i, p := range r {
		if !finite(p[0]) || !finite(p[1]) {
			return nil, fmt.Errorf("ring %d: point %d is not finite: %v", ring, i+1, p)
		}
	}
	return r, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// signedArea is the planar shoelace area of a closed ring: positive when
// counter-clockwise.
func signedArea(r orb.Ring) float64 {
	if len(r) < 4 {
		return 0
	}
	ox, oy := r[0][0], r[0][1]
	var a float64
	for i := 1; i < len(r)-1; i++ {
		a += (r[i][0]-ox)*(r[i+1][1]-oy) - (r[i+1][0]-ox)*(r[i][1]-oy)
	}
	return a / 2
}

type ringPos int

const (
	outside ringPos = iota
	inside
	onBoundary
)

// pointInRing locates p relative to the closed ring r (crossing number).
func pointInRing(p orb.Point, r orb.Ring) ringPos {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if onSegment(p, a, b) {
			return onBoundary
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < x {
				in = !in
			}
		}
	}
	if in {
		return inside
	}
	return outside
}

func onSegment(p, a, b orb.Point) bool {
	if p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) ||
		p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) {
		return false
	}
	return (b[0]-a[0])*(p[1]-a[1])-(b[1]-a[1])*(p[0]-a[0]) == 0
}

// ringContains reports whether the closed ring hole lies inside outer,
// judged by the first vertex of hole that is not on outer's boundary.
func ringContains(outer, hole orb.Ring) bool {
	for _, p := range hole[:len(hole)-1] {
		switch pointInRing(p, outer) {
		case inside:
			return true
		case outside:
			return false
		}
	}
	return true // every vertex on the boundary: the same ring
}

// assembleESRI groups the rings of one shapefile record into polygons.
// Clockwise rings are outer rings; counter-clockwise rings are holes of the
// smallest outer ring that contains them, or outer rings themselves when no
// outer ring does. Rings with zero area are dropped. The result is in source
// coordinates; orientation is fixed later by orient.
func assembleESRI(rings []orb.Ring) (orb.MultiPolygon, error) {
	type outerRing struct {
		ring  orb.Ring
		bound orb.Bound
		area  float64
		holes []orb.Ring
	}
	var outers []*outerRing
	var holes []orb.Ring
	for i, r := range rings {
		r, err := closeRing(r, i+1)
		if err != nil {
			return nil, err
		}
		switch a := signedArea(r); {
		case a < 0:
			outers = append(outers, &outerRing{ring: r, bound: r.Bound(), area: -a})
		case a > 0:
			holes = append(holes, r)
		}
	}
	if len(holes) > 0 {
		// Smallest outer ring first, so that the first container found is
		// the innermost one.
		byArea := slices.Clone(outers)
		slices.SortStableFunc(byArea, func(a, b *outerRing) int {
			switch {
			case a.area < b.area:
				return -1
			case a.area > b.area:
				return 1
			}
			return 0
		})
		for _, h := range holes {
			hb := h.Bound()
			var owner *outerRing
			for _, o := range byArea {
				if o.bound.Contains(hb.Min) && o.bound.Contains(hb.Max) && ringContains(o.ring, h) {
					owner = o
					break
				}
			}
			if owner == nil {
				outers = append(outers, &outerRing{ring: h})
				continue
			}
			owner.holes = append(owner.holes, h)
		}
	}
	mp := make(orb.MultiPolygon, 0, len(outers))
	for _, o := range outers {
		p := make(orb.Polygon, 0, 1+len(o.holes))
		p = append(p, o.ring)
		p = append(p, o.holes...)
		mp = append(mp, p)
	}
	return mp, nil
}

// closePolygons checks and closes the rings of already structured
// polygons (GeoJSON, WKB). Rings with zero area are kept.
func closePolygons(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	ring := 0
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		q := make(orb.Polygon, len(p))
		for j, r := range p {
			ring++
			// Clone so that closing never writes into shared memory.
			c, err := closeRing(slices.Clip(r), ring)
			if err != nil {
				return nil, err
			}
			q[j] = c
		}
		out = append(out, q)
	}
	return out, nil
}

// transform converts every point of mp with t, in place, and rejects
// coordinates that are not finite or convert to a position outside area
// (the CRS's area of use): a bad number in a file is an error, never a
// region at infinity.
func transform(mp orb.MultiPolygon, t crs.Transformer, area crs.Area) error {
	ring := 0
	for _, p := range mp {
		for _, r := range p {
			ring++
			for i, pt := range r {
				if !finite(pt[0]) || !finite(pt[1]) {
					return fmt.Errorf("ring %d: point %d (%v, %v) is not a finite number", ring, i+1, pt[0], pt[1])
				}
				lon, lat := t(pt[0], pt[1])
				if !area.Contains(lon, lat) { // also false for NaN
					return fmt.Errorf("ring %d: point %d (%v, %v) lies outside the area of use of the file's CRS (WGS84 lon %g to %g, lat %g to %g)",
						ring, i+1, pt[0], pt[1], area.West, area.East, area.South, area.North)
				}
				r[i] = orb.Point{lon, lat}
			}
		}
	}
	return nil
}

// projection returns the conversion of srid to WGS84 and its area of use.
func projection(srid int) (crs.Transformer, crs.Area, error) {
	t, err := crs.ToWGS84(srid)
	if err != nil {
		return nil, crs.Area{}, err
	}
	area, err := crs.AreaOfUse(srid)
	return t, area, err
}

// orient makes outer rings counter-clockwise and holes clockwise (RFC 7946),
// in place.
func orient(mp orb.MultiPolygon) {
	for _, p := range mp {
		for j, r := range p {
			a := signedArea(r)
			if (j == 0 && a < 0) || (j > 0 && a > 0) {
				r.Reverse()
			}
		}
	}
}
