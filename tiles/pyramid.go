package tiles

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/standortatlas/standortatlas/geo"
)

// pyramid is a layer's geometry at every zoom: the full-resolution features
// in world coordinates as one coverage, simplified per zoom on demand — or,
// for a layer read with LoadPrebuilt, the zooms simplified before (at the
// write of the boundaries), read on demand.
type pyramid struct {
	data      *LayerData
	bound     orb.Bound // WGS84 bound of all features
	cov       *geo.Coverage
	tolerance float64 // in tile extent units
	// index holds the world-coordinate bound of every feature at full
	// resolution. Simplification keeps a subset of the vertices, so a
	// feature's bound at any zoom lies within it: one index serves every
	// zoom.
	index rtree.RTreeG[int32]
	// stored, when set, reads the zooms simplified before (cov is nil,
	// index empty): by cell, see prebuilt.
	stored *prebuilt
	cells  []cellSlot       // by cell: its features, read on first use
	szooms []storedZoomSlot // by zoom: its cells' geometry, read on first use
	loadMu sync.Mutex       // held while cells are read

	// zooms holds the geometry by zoom, each built on first use with its
	// own lock: a request for one zoom never waits for the build of another
	// (the warm-up's, say).
	zooms []zoomSlot
}

type zoomSlot struct {
	mu sync.Mutex
	g  atomic.Pointer[zoomGeom]
}

// zoomGeom is a layer simplified for one zoom.
type zoomGeom struct {
	polys []orb.MultiPolygon   // world coordinates, coverage-simplified
	index *rtree.RTreeG[int32] // the pyramid's
	// parts holds, per polygon of every feature in order, the tiles of this
	// zoom that the polygon's bound reaches (x0, y0, x1, y1); the polygons
	// of feature i start at partOff[i]. One flat array without pointers:
	// nothing for the garbage collector to scan.
	parts   [][4]uint32
	partOff []int32
	// full is true when this is the full-resolution geometry (simplifying
	// would have kept 95 % of the vertices or more): higher zooms share it.
	full bool
	// anchors holds, per feature, a point of its largest polygon (world
	// coordinates): where a feature that rounding would drop from every
	// tile is drawn as one tile unit (see tiler.anchor).
	anchors []orb.Point
}

func newPyramid(data *LayerData, maxZoom int, tolerance float64) *pyramid {
	p := &pyramid{data: data, tolerance: tolerance, zooms: make([]zoomSlot, maxZoom+1)}
	// The projected full-resolution geometry is needed only to build the
	// coverage (which keeps its own compact copy of the vertices) and the
	// index: it is not kept.
	world := make([]orb.MultiPolygon, len(data.Features))
	first := true
	for i, f := range data.Features {
		world[i] = projectMultiPolygon(f.Geom)
		if len(f.Geom) == 0 {
			continue
		}
		if b := f.Geom.Bound(); first {
			p.bound, first = b, false
		} else {
			p.bound = p.bound.Union(b)
		}
		wb := world[i].Bound()
		p.index.Insert(wb.Min, wb.Max, int32(i))
	}
	p.cov = geo.NewCoverage(world)
	return p
}

// zoom returns the geometry of zoom z, simplified from the coverage with a
// tolerance of p.tolerance tile units at that zoom the first time. Not for
// a stored pyramid (see cellZoom).
func (p *pyramid) zoom(ctx context.Context, z int) (*zoomGeom, error) {
	slot := &p.zooms[z]
	if g := slot.g.Load(); g != nil {
		return g, nil
	}
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if g := slot.g.Load(); g != nil {
		return g, nil
	}
	polys, full := p.simplify(z)
	g := newZoomGeom(z, polys, full, &p.index)
	slot.g.Store(g)
	return g, nil
}

// simplify simplifies the coverage for zoom z.
func (p *pyramid) simplify(z int) (polys []orb.MultiPolygon, full bool) {
	// A lower zoom at full resolution shares its geometry with this one.
	for lz := z - 1; lz >= 0; lz-- {
		if lg := p.zooms[lz].g.Load(); lg != nil && lg.full {
			return lg.polys, true
		}
	}
	tol := p.tolerance / (Extent * float64(uint64(1)<<z))
	polys, st := p.cov.SimplifyWithStats(tol)
	if st.ArcVerticesOut*20 >= st.ArcVerticesIn*19 {
		// Simplification keeps nearly every vertex from this zoom on:
		// take the full-resolution geometry once and share it with all
		// higher zooms rather than keep a copy per zoom.
		polys, full = p.cov.Simplify(0), true
	}
	for _, mp := range polys {
		orientPolygons(mp)
	}
	return geo.Compact(polys), full
}

// newZoomGeom returns the geometry polys of zoom z with its anchors and
// tile ranges.
func newZoomGeom(z int, polys []orb.MultiPolygon, full bool, index *rtree.RTreeG[int32]) *zoomGeom {
	g := &zoomGeom{polys: polys, index: index, full: full}
	g.anchors = make([]orb.Point, len(polys))
	for i, mp := range polys {
		g.anchors[i] = anchorOf(mp)
	}
	n := 0
	for _, mp := range polys {
		n += len(mp)
	}
	g.parts = make([][4]uint32, 0, n)
	g.partOff = make([]int32, len(polys))
	for i, mp := range polys {
		g.partOff[i] = int32(len(g.parts))
		for _, poly := range mp {
			if len(poly) == 0 || len(poly[0]) == 0 {
				g.parts = append(g.parts, [4]uint32{1, 1, 0, 0}) // empty range
				continue
			}
			x0, y0, x1, y1 := tileRange(z, poly[0].Bound())
			g.parts = append(g.parts, [4]uint32{x0, y0, x1, y1})
		}
	}
	return g
}

// cand is a feature that may reach a tile: its geometry is entry i of g.
type cand struct {
	g   *zoomGeom
	i   int32
	idx int32 // position in the layer (the order of a tile's features)
	f   *Feature
}

// candidates returns the features of zoom z whose full-resolution bounds
// intersect the world-coordinate bound b, in layer order.
func (p *pyramid) candidates(ctx context.Context, z int, b orb.Bound) ([]cand, error) {
	if p.stored != nil {
		return p.storedCandidates(ctx, z, b)
	}
	g, err := p.zoom(ctx, z)
	if err != nil {
		return nil, err
	}
	idx := g.intersecting(b, nil)
	out := make([]cand, len(idx))
	for k, i := range idx {
		out[k] = cand{g: g, i: int32(i), idx: int32(i), f: &p.data.Features[i]}
	}
	return out, nil
}

// coords calls fn for every tile of zoom z that a polygon's bound reaches,
// once each, in no particular order.
func (p *pyramid) coords(ctx context.Context, z int, fn func(x, y uint32)) error {
	seen := map[[2]uint32]bool{}
	if p.stored != nil {
		gs, err := p.allCells(ctx, z)
		if err != nil {
			return err
		}
		for _, g := range gs {
			g.tiles(seen, fn)
		}
		return nil
	}
	g, err := p.zoom(ctx, z)
	if err != nil {
		return err
	}
	g.tiles(seen, fn)
	return nil
}

// intersecting returns the indices of the features whose bounds intersect
// the world-coordinate bound b, in feature order.
func (g *zoomGeom) intersecting(b orb.Bound, dst []int) []int {
	dst = dst[:0]
	g.index.Search(b.Min, b.Max, func(_, _ [2]float64, i int32) bool {
		dst = append(dst, int(i))
		return true
	})
	slices.Sort(dst)
	return dst
}

// partTiles returns the tile range (x0, y0, x1, y1) that polygon j of
// feature i reaches at this zoom.
func (g *zoomGeom) partTiles(i, j int) (x0, y0, x1, y1 uint32) {
	r := g.parts[int(g.partOff[i])+j]
	return r[0], r[1], r[2], r[3]
}

// tiles calls fn for every tile that a polygon's bound reaches and that is
// not in seen yet (adding it), in no particular order.
func (g *zoomGeom) tiles(seen map[[2]uint32]bool, fn func(x, y uint32)) {
	for _, r := range g.parts {
		for x := r[0]; x <= r[2]; x++ {
			for y := r[1]; y <= r[3]; y++ {
				k := [2]uint32{x, y}
				if !seen[k] {
					seen[k] = true
					fn(x, y)
				}
			}
		}
	}
}

// sortCoords orders tile coordinates by row, then column.
func sortCoords(cs [][2]uint32) {
	slices.SortFunc(cs, func(a, b [2]uint32) int {
		if a[1] != b[1] {
			return cmp.Compare(a[1], b[1])
		}
		return cmp.Compare(a[0], b[0])
	})
}

// anchorOf returns the mean of the exterior vertices of the polygon of mp
// with the largest exterior area (the zero point for no polygon).
func anchorOf(mp orb.MultiPolygon) orb.Point {
	var best orb.Ring
	bestArea := -1.0
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 2 {
			continue
		}
		if a := math.Abs(area2(p[0])); a > bestArea {
			best, bestArea = p[0], a
		}
	}
	var c orb.Point
	if len(best) < 2 {
		return c
	}
	n := len(best) - 1 // closed: the last point repeats the first
	for _, q := range best[:n] {
		c[0] += q[0]
		c[1] += q[1]
	}
	return orb.Point{c[0] / float64(n), c[1] / float64(n)}
}
