package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// Conversion between orb and simplefeatures geometries, and a guard that
// turns panics inside simplefeatures into errors.

func sfRing(r orb.Ring) geom.LineString {
	xy := make([]float64, 0, 2*len(r))
	for _, p := range r {
		xy = append(xy, p[0], p[1])
	}
	return geom.NewLineString(geom.NewSequence(xy, geom.DimXY))
}

func sfPolygon(p orb.Polygon) geom.Polygon {
	rings := make([]geom.LineString, len(p))
	for i, r := range p {
		rings[i] = sfRing(r)
	}
	return geom.NewPolygon(rings)
}

func sfMultiPolygon(mp orb.MultiPolygon) geom.MultiPolygon {
	polys := make([]geom.Polygon, len(mp))
	for i, p := range mp {
		polys[i] = sfPolygon(p)
	}
	return geom.NewMultiPolygon(polys)
}

// orbRing converts a simplefeatures ring.
func orbRing(ls geom.LineString) orb.Ring {
	seq := ls.Coordinates()
	r := make(orb.Ring, seq.Length())
	for i := range r {
		xy := seq.GetXY(i)
		r[i] = orb.Point{xy.X, xy.Y}
	}
	return r
}

// orbPolygon converts a simplefeatures polygon with RFC 7946 orientation
// (outer ring counter-clockwise, holes clockwise).
func orbPolygon(p geom.Polygon) orb.Polygon {
	if p.IsEmpty() {
		return nil
	}
	p = p.ForceCCW()
	out := make(orb.Polygon, 0, p.NumRings())
	out = append(out, orbRing(p.ExteriorRing()))
	for i := 0; i < p.NumInteriorRings(); i++ {
		out = append(out, orbRing(p.InteriorRingN(i)))
	}
	return out
}

// orbAreal appends the polygonal parts of g to dst; points and lines (which a
// set operation may produce where areas only touch) are dropped.
func orbAreal(dst orb.MultiPolygon, g geom.Geometry) orb.MultiPolygon {
	switch g.Type() {
	case geom.TypePolygon:
		if p := orbPolygon(g.MustAsPolygon()); p != nil {
			dst = append(dst, p)
		}
	case geom.TypeMultiPolygon:
		mp := g.MustAsMultiPolygon()
		for i := 0; i < mp.NumPolygons(); i++ {
			if p := orbPolygon(mp.PolygonN(i)); p != nil {
				dst = append(dst, p)
			}
		}
	case geom.TypeGeometryCollection:
		gc := g.MustAsGeometryCollection()
		for i := 0; i < gc.NumGeometries(); i++ {
			dst = orbAreal(dst, gc.GeometryN(i))
		}
	}
	return dst
}

// guard runs fn and converts a panic inside simplefeatures into an error.
func guard(op string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error in geometry library: %v", op, r)
		}
	}()
	return fn()
}

// sfBinary runs a simplefeatures set operation under guard.
func sfBinary(op string, f func(a, b geom.Geometry) (geom.Geometry, error), a, b geom.Geometry) (geom.Geometry, error) {
	var g geom.Geometry
	err := guard(op, func() error {
		var err error
		g, err = f(a, b)
		return err
	})
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("%s: %w", op, err)
	}
	return g, nil
}

// sfUnionMany unions gs under guard.
func sfUnionMany(gs []geom.Geometry) (geom.Geometry, error) {
	var g geom.Geometry
	err := guard("union", func() error {
		var err error
		g, err = geom.UnionMany(gs)
		return err
	})
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("union: %w", err)
	}
	return g, nil
}
