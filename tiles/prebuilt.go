package tiles

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// A layer's zoom pyramid can be simplified before it is needed — when its
// boundaries are written — and kept with them in the store: a cold tile then
// only reads what it shows and clips it, instead of reading the
// full-resolution geometry, building the coverage's topology and
// simplifying it (about 170 ms for the Gemeinden at zoom 8). Prebuild makes
// the parts to store, LoadPrebuilt reads them back.
//
// The features are grouped into cells: the tiles of zoom cellZoom that
// hold the centres of their bounds. The layer part holds the cells' bounds
// and sizes and the kind of each zoom (simplified, full resolution, or the
// full resolution of the first zoom that is); a part per cell holds its
// features (ids, keys, names, types, world bounds), a part per zoom and
// cell their geometry at that zoom. A tile reads, in one read each, the
// features of the cells whose bounds it intersects and the geometry of
// those with a feature that reaches it: 444 kB of the Gemeinden's 14 MB
// for gemeinde/8/134/86, instead of the whole layer's 3.8 MB.
//
// What is stored must be what the live pyramid would build, byte for byte:
// the parts are named after prebuiltVersion and the tolerance. Whoever
// changes how a zoom is simplified (geo.Coverage, orientPolygons, the
// full-resolution rule of pyramid.simplify) or the format here must bump
// prebuiltVersion, so that stored pyramids of earlier builds are no longer
// read (the tiles are then simplified live until the boundaries are written
// again); TestPrebuiltDigest fails as a reminder when the output changes.
const prebuiltVersion = 3

// prebuiltMaxZoom is the highest zoom stored (the default MaxZoom).
const prebuiltMaxZoom = 14

// cellZoom is the zoom of the tiles that group features into cells: small
// enough that a tile of zoom 8 reads about 3 % of the Gemeinden, large
// enough that a tile of zoom 6 needs few parts.
const cellZoom = 9

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
func cellPartName(prefix string, k int) string { return prefix + "c" + strconv.Itoa(k) }
func cellZoomPartName(prefix string, z, k int) string {
	return prefix + "z" + strconv.Itoa(z) + ".c" + strconv.Itoa(k)
}

// Kinds of a zoom (in the layer part).
const (
	zoomSimplified = 0 // its cells' geometry follows in the cell parts
	zoomFull       = 1 // full resolution: likewise, and later zooms refer to it
	zoomRef        = 2 // full resolution, that of the zoom named
)

// Prebuild simplifies data for every zoom up to the default MaxZoom with the
// default tolerance, in zoom order as the warm-up does, and returns the
// parts to store. data.Features must be in the order the store returns the
// regions (by key).
func Prebuild(data *LayerData) []PrebuiltPart {
	var opt Options
	opt.defaults()
	prefix := PrebuiltPrefix(opt)
	p := newPyramid(data, prebuiltMaxZoom, opt.Tolerance)
	// The cells, ordered by row and column, and their features in layer
	// order. Features without geometry are in no cell: no tile shows them.
	bounds := make([]orb.Bound, len(data.Features))
	byCell := map[[2]uint32][]int{}
	for i, f := range data.Features {
		if len(f.Geom) == 0 {
			continue
		}
		bounds[i] = projectMultiPolygon(f.Geom).Bound()
		x, y, _, _ := tileRange(cellZoom, orb.Bound{Min: bounds[i].Center(), Max: bounds[i].Center()})
		byCell[[2]uint32{x, y}] = append(byCell[[2]uint32{x, y}], i)
	}
	keys := make([][2]uint32, 0, len(byCell))
	for k := range byCell {
		keys = append(keys, k)
	}
	sortCoords(keys)
	cells := make([][]int, len(keys))
	layer := binary.LittleEndian.AppendUint32(nil, uint32(len(data.Features)))
	layer = appendBound(layer, p.bound)
	layer = binary.LittleEndian.AppendUint32(layer, uint32(len(keys)))
	parts := []PrebuiltPart{{Name: layerPartName(prefix)}}
	for k, key := range keys {
		cells[k] = byCell[key]
		cb := bounds[cells[k][0]]
		var b []byte
		for _, i := range cells[k] {
			cb = cb.Union(bounds[i])
			f := data.Features[i]
			b = binary.LittleEndian.AppendUint32(b, uint32(i))
			b = binary.LittleEndian.AppendUint64(b, f.ID)
			for _, s := range []string{f.Key, f.Name, f.Type} {
				b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
				b = append(b, s...)
			}
			b = appendBound(b, bounds[i])
		}
		layer = appendBound(layer, cb)
		layer = binary.LittleEndian.AppendUint32(layer, uint32(len(cells[k])))
		parts = append(parts, PrebuiltPart{Name: cellPartName(prefix, k), Data: b})
	}
	fullZoom := -1
	for z := 0; z <= prebuiltMaxZoom; z++ {
		g, _ := p.zoom(context.Background(), z) // a live pyramid never fails
		switch {
		case g.full && fullZoom >= 0:
			layer = binary.LittleEndian.AppendUint32(append(layer, zoomRef), uint32(fullZoom))
			continue
		case g.full:
			fullZoom = z
			layer = binary.LittleEndian.AppendUint32(append(layer, zoomFull), 0)
		default:
			layer = binary.LittleEndian.AppendUint32(append(layer, zoomSimplified), 0)
		}
		for k, members := range cells {
			polys := make([]orb.MultiPolygon, len(members))
			for j, i := range members {
				polys[j] = g.polys[i]
			}
			parts = append(parts, PrebuiltPart{Name: cellZoomPartName(prefix, z, k), Data: appendPolys(nil, polys)})
		}
	}
	parts[0].Data = layer
	return parts
}

// prebuilt reads a stored pyramid.
type prebuilt struct {
	prefix    string
	read      func(ctx context.Context, names []string) (map[string][]byte, error)
	tolerance float64
	maxZoom   int
	n         int // features
	bound     orb.Bound
	cells     []cellInfo
	zooms     []storedZoomSlot // kinds as stored; the pyramids copy them
}

type cellInfo struct {
	bound orb.Bound // world bounds of its features
	n     int       // its features
}

// cellSlot holds a cell's features, read on first use.
type cellSlot struct {
	m atomic.Pointer[cellFeatures]
}

type cellFeatures struct {
	idx    []int32 // position in the layer
	feats  []Feature
	bounds []orb.Bound // world bounds at full resolution
}

// storedZoomSlot holds the kind of a zoom (zoomRef: of the zoom ref) and
// its geometry by cell, read on first use.
type storedZoomSlot struct {
	kind  byte
	ref   int
	cells []zoomGeomSlot
}

type zoomGeomSlot struct {
	g atomic.Pointer[zoomGeom]
}

// LoadPrebuilt returns the layer whose pyramid is stored under prefix
// (PrebuiltPrefix), read with read (the parts stored under the names
// asked for, missing ones left out), the features and zooms of each cell
// read on first use; its Features are nil. It returns nil when nothing is stored under prefix. The caller sets
// the layer's name, titles and version.
func LoadPrebuilt(ctx context.Context, prefix string, read func(ctx context.Context, names []string) (map[string][]byte, error)) (*LayerData, error) {
	if prefix == "" {
		return nil, nil
	}
	parts, err := read(ctx, []string{layerPartName(prefix)})
	b := parts[layerPartName(prefix)]
	if err != nil || b == nil {
		return nil, err
	}
	var opt Options
	opt.defaults()
	pb := &prebuilt{prefix: prefix, read: read, tolerance: opt.Tolerance, maxZoom: prebuiltMaxZoom}
	r := reader{b: b}
	pb.n = int(r.u32())
	pb.bound = r.bound()
	nc := int(r.u32())
	if r.err != nil || nc > len(b) {
		return nil, fmt.Errorf("stored pyramid %s: %w", prefix, errCorrupt)
	}
	pb.cells = make([]cellInfo, nc)
	for k := range pb.cells {
		pb.cells[k] = cellInfo{bound: r.bound(), n: int(r.u32())}
	}
	pb.zooms = make([]storedZoomSlot, prebuiltMaxZoom+1)
	for z := range pb.zooms {
		kind, ref := r.u8(), int(r.u32())
		if kind > zoomRef || kind == zoomRef && (ref >= z || pb.zooms[ref].kind != zoomFull) {
			r.err = errCorrupt
		}
		pb.zooms[z] = storedZoomSlot{kind: kind, ref: ref}
	}
	if r.err != nil || r.off != len(b) {
		return nil, fmt.Errorf("stored pyramid %s: %w", prefix, errCorrupt)
	}
	return &LayerData{stored: pb}, nil
}

// Stored reports whether the layer's pyramid is read from the store
// (LoadPrebuilt).
func (d *LayerData) Stored() bool { return d.stored != nil }

var errCorrupt = errors.New("stored data do not decode")

// pyramid returns the stored pyramid of d serving zooms up to maxZoom.
func (pb *prebuilt) pyramid(d *LayerData, maxZoom int) *pyramid {
	p := &pyramid{data: d, tolerance: pb.tolerance, stored: pb, bound: pb.bound, cells: make([]cellSlot, len(pb.cells)), szooms: make([]storedZoomSlot, maxZoom+1)}
	for z := range p.szooms {
		p.szooms[z] = storedZoomSlot{kind: pb.zooms[z].kind, ref: pb.zooms[z].ref, cells: make([]zoomGeomSlot, len(pb.cells))}
	}
	return p
}

// decodeCellFeatures decodes the part of a cell of n features.
func (pb *prebuilt) decodeCellFeatures(b []byte, n int) (*cellFeatures, error) {
	m := &cellFeatures{idx: make([]int32, n), feats: make([]Feature, n), bounds: make([]orb.Bound, n)}
	r := reader{b: b}
	for j := range n {
		m.idx[j] = int32(r.u32())
		f := &m.feats[j]
		f.ID = r.u64()
		f.Key, f.Name, f.Type = r.str(), r.str(), r.str()
		m.bounds[j] = r.bound()
		if r.err == nil && (m.idx[j] < 0 || int(m.idx[j]) >= pb.n) {
			r.err = errCorrupt
		}
	}
	if len(b) == 0 || r.err != nil || r.off != len(b) {
		return nil, errCorrupt
	}
	return m, nil
}

// loadFeatures reads the features of cells ks, those not read yet, in one
// read (a tile's first request makes one read of what it needs rather than
// one per part).
func (p *pyramid) loadFeatures(ctx context.Context, ks []int) error {
	names := func() []string {
		var names []string
		for _, k := range ks {
			if p.cells[k].m.Load() == nil {
				names = append(names, cellPartName(p.stored.prefix, k))
			}
		}
		return names
	}
	if len(names()) == 0 {
		return nil
	}
	p.loadMu.Lock()
	defer p.loadMu.Unlock()
	missing := names() // another request may have read them meanwhile
	if len(missing) == 0 {
		return nil
	}
	parts, err := p.stored.read(ctx, missing)
	if err != nil {
		return err
	}
	// Parts are written with the layer part in one transaction: one is
	// missing only if the store lost it. Never show other data.
	for _, k := range ks {
		if p.cells[k].m.Load() == nil {
			name := cellPartName(p.stored.prefix, k)
			m, err := p.stored.decodeCellFeatures(parts[name], p.stored.cells[k].n)
			if err != nil {
				return fmt.Errorf("stored pyramid %s: %w", name, err)
			}
			p.cells[k].m.Store(m)
		}
	}
	return nil
}

// loadGeometry reads the geometry of cells ks at zoom z, that not read
// yet, in one read.
func (p *pyramid) loadGeometry(ctx context.Context, z int, ks []int) error {
	sz := &p.szooms[z]
	gz, gsz := z, sz // the zoom whose geometry zoom z shows
	if sz.kind == zoomRef {
		gz, gsz = sz.ref, &p.szooms[sz.ref]
	}
	loaded := func() bool {
		for _, k := range ks {
			if sz.cells[k].g.Load() == nil {
				return false
			}
		}
		return true
	}
	if loaded() {
		return nil
	}
	p.loadMu.Lock()
	defer p.loadMu.Unlock()
	var names []string // those another request has not read meanwhile
	for _, k := range ks {
		if gsz.cells[k].g.Load() == nil {
			names = append(names, cellZoomPartName(p.stored.prefix, gz, k))
		}
	}
	var parts map[string][]byte
	if len(names) > 0 {
		var err error
		if parts, err = p.stored.read(ctx, names); err != nil {
			return err
		}
	}
	for _, k := range ks {
		if gsz.cells[k].g.Load() == nil {
			name := cellZoomPartName(p.stored.prefix, gz, k)
			polys, err := decodePolys(parts[name], p.stored.cells[k].n)
			if err != nil {
				return fmt.Errorf("stored pyramid %s: %w", name, err)
			}
			gsz.cells[k].g.Store(newZoomGeom(gz, polys, gsz.kind != zoomSimplified, nil))
		}
		if sz.cells[k].g.Load() == nil { // zoom z refers to gz
			sz.cells[k].g.Store(newZoomGeom(z, gsz.cells[k].g.Load().polys, true, nil))
		}
	}
	return nil
}

// storedCandidates is candidates for a stored pyramid: of the cells whose
// bounds intersect b, the features whose own bounds do (those the live
// pyramid's index finds).
func (p *pyramid) storedCandidates(ctx context.Context, z int, b orb.Bound) ([]cand, error) {
	var ks []int
	for k, c := range p.stored.cells {
		if c.bound.Intersects(b) {
			ks = append(ks, k)
		}
	}
	if err := p.loadFeatures(ctx, ks); err != nil {
		return nil, err
	}
	// Only the cells with a feature that reaches b need their geometry.
	reach := ks[:0]
	for _, k := range ks {
		m := p.cells[k].m.Load()
		for j := range m.idx {
			if m.bounds[j].Intersects(b) {
				reach = append(reach, k)
				break
			}
		}
	}
	if err := p.loadGeometry(ctx, z, reach); err != nil {
		return nil, err
	}
	var out []cand
	for _, k := range reach {
		m, g := p.cells[k].m.Load(), p.szooms[z].cells[k].g.Load()
		for j := range m.idx {
			if m.bounds[j].Intersects(b) {
				out = append(out, cand{g: g, i: int32(j), idx: m.idx[j], f: &m.feats[j]})
			}
		}
	}
	slices.SortFunc(out, func(a, b cand) int { return cmp.Compare(a.idx, b.idx) })
	return out, nil
}

// allCellsRead is how many cells allCells reads at once: a request reads
// what its tile needs between two such reads (cells are read under one
// lock per pyramid), not after the whole zoom. One lock rather than one
// read per request and part: 20 cold tiles of a first map view read the
// cells they share once, in few queries (with a read per request, 20
// queries at once took a first view on PostGIS from 131–191 ms to
// 265–303 ms).
const allCellsRead = 32

// allCells returns the geometry of zoom z of every cell.
func (p *pyramid) allCells(ctx context.Context, z int) ([]*zoomGeom, error) {
	ks := make([]int, len(p.stored.cells))
	for k := range ks {
		ks[k] = k
	}
	for chunk := range slices.Chunk(ks, allCellsRead) {
		if err := p.loadGeometry(ctx, z, chunk); err != nil {
			return nil, err
		}
	}
	out := make([]*zoomGeom, len(ks))
	for k := range ks {
		out[k] = p.szooms[z].cells[k].g.Load()
	}
	return out, nil
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
