package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/standortatlas/standortatlas/geo"
)

// projectAll is project without dropping points inside runs beyond a box
// edge: the reference that project must give the same clip result as.
func projectAll(t *tiler, r orb.Ring) []orb.Point {
	var pts []orb.Point
	for _, p := range r {
		pts = append(pts, t.toTile(p))
	}
	if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0])
	}
	return pts
}

// starRing is a simple polygon: a closed ring around c whose vertices have
// increasing angles and random radii between lo·radius and hi·radius.
func starRing(rng *rand.Rand, c orb.Point, radius, lo, hi float64, n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := radius * (lo + (hi-lo)*rng.Float64())
		r = append(r, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	return append(r, r[0])
}

// randomPolygon is a star-shaped exterior with a small hole in the middle,
// in world coordinates near tile (z, x, y), big enough to leave and re-enter
// the tile many times.
func randomPolygon(rng *rand.Rand, z int, x, y uint32) orb.Polygon {
	wb := worldBound(z, x, y)
	size := wb.Max[0] - wb.Min[0]
	c := orb.Point{wb.Min[0] + size*(rng.Float64()*3-1), wb.Min[1] + size*(rng.Float64()*3-1)}
	radius := size * (0.3 + 3*rng.Float64())
	poly := orb.Polygon{starRing(rng, c, radius, 0.2, 1.8, 10+rng.IntN(400))}
	if rng.IntN(2) == 0 {
		hole := starRing(rng, c, radius*0.15, 0.2, 1, 5+rng.IntN(30))
		poly = append(poly, hole)
	}
	orientPolygons(orb.MultiPolygon{poly})
	return poly
}

func TestProjectDropsOnlyPointsThatCannotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const z = 10
	for i := range 2000 {
		x, y := uint32(540+rng.IntN(4)), uint32(340+rng.IntN(4))
		poly := randomPolygon(rng, z, x, y)
		tl := &tiler{}
		tl.reset(z, x, y, 64)
		var full, short [][]orb.Point
		for _, r := range poly {
			full = append(full, projectAll(tl, r))
			pts, _ := tl.project(r)
			short = append(short, append([]orb.Point(nil), pts...))
		}
		want := tl.clipRings(full)
		got := tl.clipRings(short)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("case %d: clipped to %v\nwithout dropping points %v", i, got, want)
		}
	}
}

// Clipping makes valid polygons (no zero-width bridges along the tile
// edge, holes inside their exteriors) with the area of the exact
// intersection with the buffered tile. Checked before rounding, which can
// make narrow spikes of these random polygons touch.
func TestClipKeepsPolygonsValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const z = 10
	pieces := 0
	for i := range 3000 {
		x, y := uint32(540+rng.IntN(4)), uint32(340+rng.IntN(4))
		poly := randomPolygon(rng, z, x, y)
		tl := &tiler{}
		tl.reset(z, x, y, 64)
		var rings [][]orb.Point
		var tp orb.Polygon
		for _, r := range poly {
			pts := projectAll(tl, r)
			rings = append(rings, pts)
			tp = append(tp, orb.Ring(pts))
		}
		var got orb.MultiPolygon
		for _, p := range tl.clipRings(rings) {
			var op orb.Polygon
			for _, r := range p {
				op = append(op, orb.Ring(r))
			}
			got = append(got, op)
		}
		pieces += len(got)
		if err := geo.Validate(got); err != nil {
			t.Fatalf("case %d: %v\n%v", i, err, got)
		}
		box := orb.Bound{Min: orb.Point{-64, -64}, Max: orb.Point{Extent + 64, Extent + 64}}.ToPolygon()
		want, err := geom.Intersection(sfPolygon(tp), sfPolygon(box))
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(planar.Area(got) - want.Area()); d > 1e-6*math.Max(1, want.Area()) {
			t.Fatalf("case %d: clipped area %g, exact %g", i, planar.Area(got), want.Area())
		}
		for _, p := range got {
			if area2(p[0]) <= 0 {
				t.Fatalf("case %d: exterior with area %g", i, area2(p[0])/2)
			}
			for _, h := range p[1:] {
				if area2(h) >= 0 {
					t.Fatalf("case %d: hole with area %g", i, area2(h)/2)
				}
			}
		}
	}
	t.Logf("%d random polygons clipped into %d pieces", 3000, pieces)
}

func sfPolygon(p orb.Polygon) geom.Geometry {
	var rings []geom.LineString
	for _, r := range p {
		coords := make([]float64, 0, 2*len(r))
		for _, pt := range r {
			coords = append(coords, pt[0], pt[1])
		}
		rings = append(rings, geom.NewLineString(geom.NewSequence(coords, geom.DimXY)))
	}
	return geom.NewPolygon(rings).AsGeometry()
}

func oriented(p orb.Polygon) orb.Polygon {
	orientPolygons(orb.MultiPolygon{p})
	return p
}

func TestRingOrientationAndCollapse(t *testing.T) {
	const z = 8
	tl := &tiler{}
	tl.reset(z, 100, 100, 64)
	unit := 1 / (256.0 * Extent) // one tile unit at z8 in world coordinates
	o := orb.Point{100.0 / 256, 100.0 / 256}
	square := func(x0, y0, s float64, reversed bool) orb.Ring {
		r := orb.Ring{{x0, y0}, {x0, y0 + s}, {x0 + s, y0 + s}, {x0 + s, y0}, {x0, y0}}
		if reversed {
			r.Reverse()
		}
		for i := range r {
			r[i] = orb.Point{o[0] + r[i][0]*unit, o[1] + r[i][1]*unit}
		}
		return r
	}
	for _, rev := range []bool{false, true} {
		got := tl.polygon(nil, oriented(orb.Polygon{square(100, 100, 1000, rev), square(400, 400, 100, !rev)}))
		if len(got) != 1 || len(got[0]) != 2 {
			t.Fatalf("square with hole: %v", got)
		}
		if a := area2(got[0][0]); a != 2*1000*1000 {
			t.Errorf("exterior: twice the area %g, want +2e6 (positive in tile coordinates)", a)
		}
		if a := area2(got[0][1]); a != -2*100*100 {
			t.Errorf("hole: twice the area %g, want -2e4", a)
		}
		if r := got[0][0]; r[0] != r[len(r)-1] || len(r) != 5 {
			t.Errorf("ring not closed or not 4 corners: %v", r)
		}
	}
	if got := tl.polygon(nil, oriented(orb.Polygon{square(10, 10, 0.3, false)})); len(got) != 0 {
		t.Errorf("a square of 0.3 tile units survived quantisation: %v", got)
	}
	// A polygon covering the whole tile becomes the buffered tile square;
	// a hole covering it leaves nothing.
	got := tl.polygon(nil, oriented(orb.Polygon{square(-1e5, -1e5, 3e5, false)}))
	if want := 2 * (Extent + 128.0) * (Extent + 128); len(got) != 1 || area2(got[0][0]) != want {
		t.Errorf("covering polygon clipped to %v, want the buffered square", got)
	}
	if got := tl.polygon(nil, oriented(orb.Polygon{square(-1e5, -1e5, 3e5, false), square(-1e4, -1e4, 3e4, true)})); len(got) != 0 {
		t.Errorf("polygon whose hole covers the tile: %v", got)
	}
	if got := tl.polygon(nil, oriented(orb.Polygon{square(Extent+200, 0, 100, false)})); len(got) != 0 {
		t.Errorf("polygon outside the buffered tile kept: %v", got)
	}
	// A U shape whose arms leave the tile: two pieces, not one ring with a
	// bridge along the tile edge.
	u := orb.Ring{{1000, 3000}, {1000, 5000}, {1500, 5000}, {1500, 3500}, {2500, 3500}, {2500, 5000}, {3000, 5000}, {3000, 3000}, {1000, 3000}}
	for i := range u {
		u[i] = orb.Point{o[0] + u[i][0]*unit, o[1] + (u[i][1]-1200)*unit*-1 + 3800*unit}
	}
	got = tl.polygon(nil, oriented(orb.Polygon{u}))
	if err := geo.Validate(got); err != nil {
		t.Errorf("U shape: %v: %v", err, got)
	}
}

func TestIntersectionDoesNotDependOnDirection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tl := &tiler{}
	tl.reset(5, 0, 0, 64)
	for range 10000 {
		a := orb.Point{rng.Float64()*8000 - 2000, rng.Float64()*8000 - 2000}
		b := orb.Point{rng.Float64()*8000 - 2000, rng.Float64()*8000 - 2000}
		for edge := range 4 {
			if tl.outcode(a)&(1<<edge) == tl.outcode(b)&(1<<edge) {
				continue
			}
			if p, q := tl.intersect(edge, a, b), tl.intersect(edge, b, a); p != q {
				t.Fatalf("edge %d: %v→%v crosses at %v, reversed at %v", edge, a, b, p, q)
			}
		}
	}
}

func TestTileRangeAndBounds(t *testing.T) {
	// Munich (11.58° E, 48.14° N) lies in tile 8/136/88.
	w := toWorld(orb.Point{11.58, 48.14})
	x0, y0, x1, y1 := tileRange(8, orb.Bound{Min: w, Max: w})
	if x0 != 136 || y0 != 88 || x1 != 136 || y1 != 88 {
		t.Errorf("Munich in tile 8/%d/%d–%d/%d, want 8/136/88", x0, y0, x1, y1)
	}
	b := TileBound(8, 136, 88)
	if !b.Contains(orb.Point{11.58, 48.14}) {
		t.Errorf("TileBound(8/136/88) = %v does not hold Munich", b)
	}
	if p := fromWorld(toWorld(orb.Point{13.4, 52.5})); math.Abs(p[0]-13.4) > 1e-9 || math.Abs(p[1]-52.5) > 1e-9 {
		t.Errorf("round trip gives %v", p)
	}
}
