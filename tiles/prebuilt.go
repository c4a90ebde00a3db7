package tiles

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// A layer's zoom pyramid can be simplified before it is needed — when its
// boundaries are written — and kept with them in the store: a cold tile then
// only reads its zoom and clips it, instead of reading the full-resolution
// geometry, building the coverage's topology and simplifying it (about
// 170 ms for the Gemeinden at zoom 8). Prebuild makes the parts to store,
// LoadPrebuilt reads them back.
//
// What is stored must be what the live pyramid would build, byte for byte:
// the parts are named after prebuiltVersion and the tolerance. Whoever
// changes how a zoom is simplified (geo.Coverage, orientPolygons, the
// full-resolution rule of pyramid.simplify) must bump prebuiltVersion, so
// that stored pyramids of earlier builds are no longer read (the tiles are
// then simplified live until the boundaries are written again);
// TestPrebuiltDigest fails as a reminder when the output changes.
const prebuiltVersion = 1

// prebuiltMaxZoom is the highest zoom stored (the default MaxZoom).
const prebuiltMaxZoom = 14

// PrebuiltPart is one named part of a stored pyramid.
type PrebuiltPart struct {
	Name string
	Data []byte
}

// PrebuiltPrefix returns the prefix of the names under which the pyramid
// serving a Server with opt is stored: the pyramid version and tolerance;
// "" when no stored pyramid can serve opt (a MaxZoom above the zooms
// stored).
func PrebuiltPrefix(opt Options) string {
	opt.defaults()
	if opt.MaxZoom > prebuiltMaxZoom {
		return ""
	}
	return "tiles.v" + strconv.Itoa(prebuiltVersion) + ".tol" + strconv.FormatFloat(opt.Tolerance, 'g', -1, 64) + "."
}

func layerPartName(prefix string) string       { return prefix + "layer" }
func zoomPartName(prefix string, z int) string { return prefix + "z" + strconv.Itoa(z) }

// Prebuild simplifies data for every zoom up to the default MaxZoom with the
// default tolerance, in zoom order as the warm-up does, and returns the
// parts to store: the features (ids, keys, names, types, world bounds) and
// each zoom's geometry (a zoom at full resolution refers to the first one).
// data.Features must be in the order the store returns the regions (by
// key).
func Prebuild(data *LayerData) []PrebuiltPart {
	var opt Options
	opt.defaults()
	prefix := PrebuiltPrefix(opt)
	p := newPyramid(data, prebuiltMaxZoom, opt.Tolerance)
	parts := []PrebuiltPart{{Name: layerPartName(prefix), Data: encodeLayerPart(p)}}
	fullZoom := -1
	for z := 0; z <= prebuiltMaxZoom; z++ {
		g, _ := p.zoom(context.Background(), z) // a live pyramid never fails
		var b []byte
		switch {
		case g.full && fullZoom >= 0:
			b = append(b, 2)
			b = binary.LittleEndian.AppendUint32(b, uint32(fullZoom))
		case g.full:
			fullZoom = z
			b = appendPolys(append(b, 1), g.polys)
		default:
			b = appendPolys(append(b, 0), g.polys)
		}
		parts = append(parts, PrebuiltPart{Name: zoomPartName(prefix, z), Data: b})
	}
	return parts
}

// prebuilt reads a stored pyramid's zooms.
type prebuilt struct {
	prefix    string
	read      func(ctx context.Context, name string) ([]byte, error)
	tolerance float64
	maxZoom   int
	bound     orb.Bound
	bounds    []orb.Bound // world bound by feature; empty for no geometry
	hasGeom   []bool
}

// LoadPrebuilt returns the layer whose pyramid is stored under prefix
// (PrebuiltPrefix), read with read (nil when it has nothing under a name):
// its features without geometry, the zooms read on first use. It returns
// nil when nothing is stored under prefix. The caller sets the layer's
// name, titles and version.
func LoadPrebuilt(ctx context.Context, prefix string, read func(ctx context.Context, name string) ([]byte, error)) (*LayerData, error) {
	if prefix == "" {
		return nil, nil
	}
	b, err := read(ctx, layerPartName(prefix))
	if err != nil || b == nil {
		return nil, err
	}
	var opt Options
	opt.defaults()
	pb := &prebuilt{prefix: prefix, read: read, tolerance: opt.Tolerance, maxZoom: prebuiltMaxZoom}
	d := &LayerData{stored: pb}
	r := reader{b: b}
	n := int(r.u32())
	if r.err != nil || n > len(b) {
		return nil, fmt.Errorf("stored pyramid %s: %w", prefix, errCorrupt)
	}
	d.Features = make([]Feature, n)
	pb.bounds = make([]orb.Bound, n)
	pb.hasGeom = make([]bool, n)
	for i := range d.Features {
		f := &d.Features[i]
		f.ID = r.u64()
		f.Key, f.Name, f.Type = r.str(), r.str(), r.str()
		pb.hasGeom[i] = r.u8() == 1
		pb.bounds[i] = r.bound()
	}
	pb.bound = r.bound()
	if r.err != nil || r.off != len(b) {
		return nil, fmt.Errorf("stored pyramid %s: %w", prefix, errCorrupt)
	}
	return d, nil
}

var errCorrupt = errors.New("stored data do not decode")

// pyramid returns the stored pyramid of d serving zooms up to maxZoom.
func (pb *prebuilt) pyramid(d *LayerData, maxZoom int) *pyramid {
	p := &pyramid{data: d, tolerance: pb.tolerance, stored: pb, bound: pb.bound, zooms: make([]zoomSlot, maxZoom+1)}
	for i, b := range pb.bounds {
		if pb.hasGeom[i] {
			p.index.Insert(b.Min, b.Max, int32(i))
		}
	}
	return p
}

// load reads the geometry of zoom z of a stored pyramid.
func (p *pyramid) load(ctx context.Context, z int) ([]orb.MultiPolygon, bool, error) {
	name := zoomPartName(p.stored.prefix, z)
	b, err := p.stored.read(ctx, name)
	if err != nil {
		return nil, false, err
	}
	if len(b) == 0 {
		// Written with the layer part in one transaction: missing only if
		// the store lost it. Never simplify from nothing.
		return nil, false, fmt.Errorf("stored pyramid: %s missing", name)
	}
	switch b[0] {
	case 0, 1:
		polys, err := decodePolys(b[1:], len(p.data.Features))
		if err != nil {
			return nil, false, fmt.Errorf("stored pyramid %s: %w", name, err)
		}
		return polys, b[0] == 1, nil
	case 2:
		if len(b) != 5 {
			return nil, false, fmt.Errorf("stored pyramid %s: %w", name, errCorrupt)
		}
		fz := int(binary.LittleEndian.Uint32(b[1:]))
		if fz >= z {
			return nil, false, fmt.Errorf("stored pyramid %s: %w", name, errCorrupt)
		}
		g, err := p.zoom(ctx, fz)
		if err != nil {
			return nil, false, err
		}
		return g.polys, true, nil
	}
	return nil, false, fmt.Errorf("stored pyramid %s: %w", name, errCorrupt)
}

func encodeLayerPart(p *pyramid) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(len(p.data.Features)))
	for _, f := range p.data.Features {
		b = binary.LittleEndian.AppendUint64(b, f.ID)
		for _, s := range []string{f.Key, f.Name, f.Type} {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
			b = append(b, s...)
		}
		var wb orb.Bound
		has := byte(0)
		if len(f.Geom) > 0 {
			has = 1
			wb = projectMultiPolygon(f.Geom).Bound()
		}
		b = append(b, has)
		b = appendBound(b, wb)
	}
	return appendBound(b, p.bound)
}

func appendBound(b []byte, r orb.Bound) []byte {
	for _, v := range []float64{r.Min[0], r.Min[1], r.Max[0], r.Max[1]} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// appendPolys appends the structure of polys (per multipolygon its number
// of polygons, per polygon its rings, per ring its points) and then all
// points: one flat array each, decoded into the layout of geo.Compact.
func appendPolys(b []byte, polys []orb.MultiPolygon) []byte {
	nPt := 0
	for _, mp := range polys {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(mp)))
		for _, poly := range mp {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(poly)))
			for _, r := range poly {
				b = binary.LittleEndian.AppendUint32(b, uint32(len(r)))
				nPt += len(r)
			}
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(nPt))
	for _, mp := range polys {
		for _, poly := range mp {
			for _, r := range poly {
				for _, q := range r {
					b = binary.LittleEndian.AppendUint64(b, math.Float64bits(q[0]))
					b = binary.LittleEndian.AppendUint64(b, math.Float64bits(q[1]))
				}
			}
		}
	}
	return b
}

// decodePolys decodes n multipolygons written by appendPolys, in a few
// allocations (as geo.Compact lays them out).
func decodePolys(b []byte, n int) ([]orb.MultiPolygon, error) {
	r := reader{b: b}
	// First pass over the structure: sizes of the flat arrays.
	var nPoly, nRing int
	for range n {
		np := int(r.u32())
		nPoly += np
		for range np {
			nr := int(r.u32())
			nRing += nr
			r.off += 4 * nr
		}
		if r.err != nil || r.off > len(b) {
			return nil, errCorrupt
		}
	}
	nPt := int(r.u32())
	if r.err != nil || len(b)-r.off != 16*nPt {
		return nil, errCorrupt
	}
	pts := make([]orb.Point, nPt)
	for i := range pts {
		pts[i][0] = math.Float64frombits(binary.LittleEndian.Uint64(b[r.off:]))
		pts[i][1] = math.Float64frombits(binary.LittleEndian.Uint64(b[r.off+8:]))
		r.off += 16
	}
	rings := make([]orb.Ring, 0, nRing)
	ps := make([]orb.Polygon, 0, nPoly)
	out := make([]orb.MultiPolygon, n)
	s := reader{b: b}
	q := 0
	for i := range out {
		np := int(s.u32())
		if np == 0 {
			continue
		}
		p0 := len(ps)
		for range np {
			nr := int(s.u32())
			r0 := len(rings)
			for range nr {
				k := int(s.u32())
				if q+k > nPt {
					return nil, errCorrupt
				}
				rings = append(rings, orb.Ring(pts[q:q+k:q+k]))
				q += k
			}
			ps = append(ps, orb.Polygon(rings[r0:len(rings):len(rings)]))
		}
		out[i] = orb.MultiPolygon(ps[p0:len(ps):len(ps)])
	}
	if q != nPt {
		return nil, errCorrupt
	}
	return out, nil
}

// reader decodes little-endian values; the first overrun sets err.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		r.err = errCorrupt
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8() byte {
	if s := r.take(1); s != nil {
		return s[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if s := r.take(4); s != nil {
		return binary.LittleEndian.Uint32(s)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if s := r.take(8); s != nil {
		return binary.LittleEndian.Uint64(s)
	}
	return 0
}

func (r *reader) f64() float64 { return math.Float64frombits(r.u64()) }

func (r *reader) str() string { return string(r.take(int(r.u32()))) }

func (r *reader) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{r.f64(), r.f64()}, Max: orb.Point{r.f64(), r.f64()}}
}
