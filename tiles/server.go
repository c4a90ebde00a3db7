package tiles

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/standortatlas/standortatlas/geo"
)

// Options configure a Server. Zero values select the defaults.
type Options struct {
	// MinZoom and MaxZoom bound the zooms served (defaults 0 and 14).
	MinZoom, MaxZoom int
	// Tolerance is the simplification tolerance in tile extent units
	// (default 8 = 0.5 pixel of a 256-pixel tile, 1 pixel at 512).
	Tolerance float64
	// Buffer is the width of the strip around a tile that is kept when
	// clipping, in tile extent units (default 64).
	Buffer float64
	// CacheBytes bounds the memory of cached gzipped tiles (default 256 MB;
	// negative: no cache).
	CacheBytes int64
	// MaxTileBytes is the size an uncompressed tile should not exceed
	// (default 500,000): a tile that would be larger leaves out the
	// properties name and type (geometry, id, key and values stay).
	MaxTileBytes int
	// OmittedHeader is the response header in which the HTTP layer names
	// the properties a tile left out (Tile.Omitted); the TileJSON says so.
	OmittedHeader string
	// WarmMaxZoom is the highest zoom that Warm renders (default 8).
	WarmMaxZoom int
	// Logger receives warm-up reports and errors (default slog.Default()).
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.MaxZoom == 0 {
		o.MaxZoom = 14
	}
	if o.Tolerance == 0 {
		o.Tolerance = 8
	}
	if o.Buffer == 0 {
		o.Buffer = 64
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = 256 << 20
	}
	if o.MaxTileBytes == 0 {
		o.MaxTileBytes = 500_000
	}
	if o.WarmMaxZoom == 0 {
		o.WarmMaxZoom = 8
	}
	o.WarmMaxZoom = min(o.WarmMaxZoom, o.MaxZoom)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Server renders and caches vector tiles from a Source. It is safe for
// concurrent use.
type Server struct {
	src    Source
	opt    Options
	cache  *lru
	gzip   sync.Pool // *gzip.Writer
	gunzip sync.Pool // *gzip.Reader
	tilers sync.Pool // *tiler

	tiles flight[tileKey, *Tile]

	// polls numbers the calls of Source.Version in the order they start.
	polls atomic.Uint64
	// demand counts the requests rendering a tile that is not cached: Warm
	// waits while there are any, so requested tiles come first.
	demand atomic.Int32

	mu      sync.Mutex
	version int64  // -1 before the first request
	applied uint64 // number of the poll whose answer version is
	warmed  int64  // version the last complete Warm rendered
}

// NewServer returns a Server reading from src.
func NewServer(src Source, opt Options) *Server {
	opt.defaults()
	s := &Server{src: src, opt: opt, version: -1, warmed: -1}
	s.cache = newLRU(max(opt.CacheBytes, 0))
	return s
}

// Tile is an encoded vector tile.
type Tile struct {
	Layer   string
	Z       int
	X, Y    uint32
	Version int64 // data version of the content
	// Gzip is the gzipped MVT; nil when no feature reaches the tile.
	Gzip []byte
	// Size is the size of the uncompressed MVT in bytes.
	Size     int
	Features int
	// Trimmed is set when properties were left out to keep the tile
	// within Options.MaxTileBytes; Omitted names them ("name,type" or
	// "name,type,key"), for the response header that says so.
	Trimmed bool
	Omitted string
	// Repaired counts the features whose geometry rounding had made
	// invalid and that were repaired.
	Repaired int
	// Anchored counts the features drawn as one tile unit at their anchor
	// because rounding left nothing of them.
	Anchored int
	// ETag is a strong validator of the uncompressed content (quoted).
	ETag string

	// header holds ETag, Version and the lengths of the gzipped and the
	// uncompressed MVT as HTTP header values (HeaderValues).
	header [4]string

	// srv and key are set when the tile is cached: its identity copy is
	// then kept beside it, within the cache's bound.
	srv      *Server
	key      tileKey
	identity atomic.Pointer[[]byte]
}

// HeaderValues returns the tile's ETag, data version and the lengths of
// its gzipped and uncompressed MVT as values of an http.Header, made once
// with the tile and shared by every answer of it (they must not be
// modified): a cached tile is answered without allocating them.
func (t *Tile) HeaderValues() (etag, version, gzipLength, identityLength []string) {
	return t.header[0:1:1], t.header[1:2:2], t.header[2:3:3], t.header[3:4:4]
}

// setHeaderValues makes what HeaderValues returns, once the tile is done.
func (t *Tile) setHeaderValues() {
	t.header = [4]string{t.ETag, strconv.FormatInt(t.Version, 10), strconv.Itoa(len(t.Gzip)), strconv.Itoa(t.Size)}
}

// Empty reports whether no feature reaches the tile.
func (t *Tile) Empty() bool { return t.Gzip == nil }

// MVT returns the uncompressed tile (nil for an empty tile). For a cached
// tile it is inflated once and kept (clients that do not ask for gzip get
// the same bytes without inflating them per request); the caller must not
// modify it.
func (t *Tile) MVT() ([]byte, error) {
	if t.Gzip == nil {
		return nil, nil
	}
	if b := t.identity.Load(); b != nil {
		return *b, nil
	}
	var pool *sync.Pool
	if t.srv != nil {
		pool = &t.srv.gunzip
	}
	b, err := inflate(t.Gzip, t.Size, pool)
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	if t.srv != nil && t.identity.CompareAndSwap(nil, &b) {
		t.srv.cache.addIdentity(t.key, t, len(b))
	}
	return b, nil
}

// inflate gunzips gz into a buffer of size bytes, with a reader from pool
// (when not nil).
func inflate(gz []byte, size int, pool *sync.Pool) ([]byte, error) {
	var zr *gzip.Reader
	if pool != nil {
		zr, _ = pool.Get().(*gzip.Reader)
	}
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, err
	}
	b := make([]byte, size)
	n, err := io.ReadFull(zr, b)
	if err == nil {
		var one [1]byte
		if m, _ := zr.Read(one[:]); m != 0 {
			err = fmt.Errorf("more than the %d bytes recorded", size)
		}
	}
	if pool != nil {
		pool.Put(zr)
	}
	if err != nil {
		return nil, fmt.Errorf("inflate %d of %d bytes: %w", n, size, err)
	}
	return b, nil
}

// Version returns the current data version, dropping the tiles of other
// versions when it changed.
//
// Concurrent requests poll the source at the same time, and their answers
// can arrive in any order. The answer of the poll that started last wins:
// the answer of a poll that started before the one whose answer is current
// (a straggler) is ignored, whatever version it names, so a slow request
// never switches the server back to the state before a newer poll. A newer
// poll that names a lower version (a store restored from a backup) is
// followed like any other change.
func (s *Server) Version(ctx context.Context) (int64, error) {
	seq := s.polls.Add(1)
	v, err := s.src.Version(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq < s.applied {
		return s.version, nil
	}
	s.applied = seq
	if v != s.version {
		s.version = v
		s.cache.dropOlder(v)
	}
	return v, nil
}

// CheckTile returns an error wrapping ErrInvalidTile unless (z, x, y) is a
// tile of the server's zoom range.
func (s *Server) CheckTile(z int, x, y uint32) error {
	if z < s.opt.MinZoom || z > s.opt.MaxZoom {
		return fmt.Errorf("zoom %d outside %d–%d: %w", z, s.opt.MinZoom, s.opt.MaxZoom, ErrInvalidTile)
	}
	if n := uint64(1) << z; uint64(x) >= n || uint64(y) >= n {
		return fmt.Errorf("tile %d/%d/%d: column and row must be below %d: %w", z, x, y, n, ErrInvalidTile)
	}
	return nil
}

// Tile returns tile (z, x, y) of a layer, with the values of q when q is
// not zero, from the cache or rendered (once, however many ask at the same
// time).
func (s *Server) Tile(ctx context.Context, layer string, z int, x, y uint32, q ValueQuery) (*Tile, error) {
	if err := s.CheckTile(z, x, y); err != nil {
		return nil, err
	}
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	k := keyOf(v, layer, z, x, y, q)
	if t, ok := s.cache.get(k); ok {
		return t, nil
	}
	if ctx.Value(warmKey{}) == nil {
		s.demand.Add(1)
		defer s.demand.Add(-1)
	}
	return s.tiles.do(ctx, k, func(ctx context.Context) (*Tile, error) {
		if t, ok := s.cache.get(k); ok {
			return t, nil
		}
		t, err := s.render(ctx, layer, z, x, y, q)
		if err != nil {
			return nil, err
		}
		if t.Version == v {
			t.srv, t.key = s, k
			s.cache.put(k, t)
		}
		return t, nil
	})
}

// Cached returns tile z/x/y of a layer when it is cached for the data
// version the source knows without waiting (Source.KnownVersion); nil
// when it is not, or when the version must be read first. It renders
// nothing and reads no store, so it needs no context.
func (s *Server) Cached(layer string, z int, x, y uint32, q ValueQuery) (*Tile, error) {
	if err := s.CheckTile(z, x, y); err != nil {
		return nil, err
	}
	v, ok := s.src.KnownVersion()
	if !ok {
		return nil, nil
	}
	t, _ := s.cache.get(keyOf(v, layer, z, x, y, q))
	return t, nil
}

// Render renders a tile without using or filling the tile cache (for
// exports).
func (s *Server) Render(ctx context.Context, layer string, z int, x, y uint32, q ValueQuery) (*Tile, error) {
	if err := s.CheckTile(z, x, y); err != nil {
		return nil, err
	}
	if _, err := s.Version(ctx); err != nil {
		return nil, err
	}
	return s.render(ctx, layer, z, x, y, q)
}

func (s *Server) render(ctx context.Context, layer string, z int, x, y uint32, q ValueQuery) (*Tile, error) {
	p, err := s.pyramid(ctx, layer)
	if err != nil {
		return nil, err
	}
	var vals *ValueSet
	if !q.IsZero() {
		if vals, err = s.src.Values(ctx, layer, q); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cands, err := p.candidates(ctx, z, worldBound(z, x, y))
	if err != nil {
		return nil, err
	}
	return s.encodeTile(p, cands, z, x, y, vals)
}

// pyramid returns the geometry of a layer for every zoom: built once per
// LayerData, which the Source keeps per data version.
func (s *Server) pyramid(ctx context.Context, layer string) (*pyramid, error) {
	data, err := s.src.Layer(ctx, layer)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", layer, err)
	}
	return data.pyramid(s.opt.MaxZoom, s.opt.Tolerance)
}

// Coords returns the tiles of zoom z that features of the layer can reach
// (all others are empty), ordered by row, then column.
func (s *Server) Coords(ctx context.Context, layer string, z int) ([][2]uint32, error) {
	if err := s.CheckTile(z, 0, 0); err != nil {
		return nil, err
	}
	if _, err := s.Version(ctx); err != nil { // drops the tiles of older versions
		return nil, err
	}
	p, err := s.pyramid(ctx, layer)
	if err != nil {
		return nil, err
	}
	var out [][2]uint32
	if err := p.coords(ctx, z, func(x, y uint32) { out = append(out, [2]uint32{x, y}) }); err != nil {
		return nil, err
	}
	sortCoords(out)
	return out, nil
}

// CacheStats returns the number of cached tiles and the bytes they take.
func (s *Server) CacheStats() (tiles int, bytes int64) { return s.cache.stats() }

// Warm prepares the current data version: it loads every layer of the
// source, simplifies it for every zoom and renders (into the cache) every
// non-empty tile up to Options.WarmMaxZoom, on all CPUs but one (one CPU
// stays free for requests). It stops early when ctx ends or the data
// version changes.
//
// Requests come first: before each layer it prepares, each zoom it
// simplifies and each tile it renders, Warm waits until no request is
// rendering a tile that is not cached.
func (s *Server) Warm(ctx context.Context) error {
	ctx = context.WithValue(ctx, warmKey{}, true)
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	layers, err := s.src.Layers(ctx)
	if err != nil {
		return err
	}
	type job struct {
		layer string
		z     int
		x, y  uint32
	}
	var jobs []job
	for _, name := range layers {
		if err := s.yieldToRequests(ctx); err != nil {
			return err
		}
		p, err := s.pyramid(ctx, name)
		if err != nil {
			return err
		}
		// Only the zooms warmed: higher ones are simplified on first use,
		// so they take no memory until asked for.
		for z := s.opt.MinZoom; z <= s.opt.WarmMaxZoom; z++ {
			if err := s.yieldToRequests(ctx); err != nil {
				return err
			}
			if err := p.coords(ctx, z, func(x, y uint32) { jobs = append(jobs, job{name, z, x, y}) }); err != nil {
				return err
			}
		}
	}
	work := make(chan job)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	// Go has no priorities: a warm-up on every CPU would make a request
	// that misses the cache wait for its share of them.
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if err := s.yieldToRequests(ctx); err != nil {
					select {
					case errc <- err:
					default:
					}
					continue
				}
				if _, err := s.Tile(ctx, j.layer, j.z, j.x, j.y, ValueQuery{}); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	var stopErr error
feed:
	for i, j := range jobs {
		if i%64 == 0 {
			if cur, err := s.Version(ctx); err != nil || cur != v {
				stopErr = err
				if err == nil {
					stopErr = fmt.Errorf("data version changed from %d to %d while warming", v, cur)
				}
				break feed
			}
		}
		select {
		case work <- j:
		case <-ctx.Done():
			stopErr = ctx.Err()
			break feed
		case err := <-errc:
			stopErr = err
			break feed
		}
	}
	close(work)
	wg.Wait()
	if stopErr == nil {
		select {
		case stopErr = <-errc:
		default:
		}
	}
	if stopErr != nil {
		return fmt.Errorf("warm tiles of data version %d: %w", v, stopErr)
	}
	s.mu.Lock()
	s.warmed = v
	s.mu.Unlock()
	return nil
}

// warmKey marks the context of Warm's own tile requests.
type warmKey struct{}

// yieldToRequests waits while requests render tiles that are not cached.
func (s *Server) yieldToRequests(ctx context.Context) error {
	for s.demand.Load() > 0 {
		t := time.NewTimer(time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// KeepWarm warms the cache now and again whenever the data version changes
// (checked every interval) until ctx ends. Errors are logged, not returned.
func (s *Server) KeepWarm(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		v, err := s.Version(ctx)
		s.mu.Lock()
		warmed := s.warmed
		s.mu.Unlock()
		if err == nil && v != warmed {
			start := time.Now()
			if err := s.Warm(ctx); err != nil {
				if ctx.Err() == nil {
					s.opt.Logger.Error("warm tiles", "err", err)
				}
			} else {
				// The warm-up's scratch (simplification, clipping, encoding)
				// is garbage now: hand it back to the OS at once rather
				// than over the next minutes, so the resident memory after
				// start is what the data need.
				debug.FreeOSMemory()
				n, size := s.cache.stats()
				s.opt.Logger.Info("tiles warm", "data_version", v, "tiles", n, "cache_bytes", size, "took_ms", time.Since(start).Milliseconds())
			}
		} else if err != nil && ctx.Err() == nil {
			s.opt.Logger.Error("tiles: data version", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// encodeTile cuts tile (z, x, y) from the layer's geometry at zoom z and
// encodes it.
func (s *Server) encodeTile(p *pyramid, cands []cand, z int, x, y uint32, vals *ValueSet) (*Tile, error) {
	t := &Tile{Layer: p.data.Name, Z: z, X: x, Y: y, Version: p.data.Version}
	tl, _ := s.tilers.Get().(*tiler)
	if tl == nil {
		tl = &tiler{}
	}
	defer s.tilers.Put(tl)
	tl.reset(z, x, y, s.opt.Buffer)
	feats := make([]*geojson.Feature, 0, len(cands))
	var segs []seg
	for _, c := range cands {
		g, i := c.g, int(c.i)
		var mp orb.MultiPolygon
		for j, poly := range g.polys[i] {
			x0, y0, x1, y1 := g.partTiles(i, j)
			if x < x0 || x > x1 || y < y0 || y > y1 {
				continue
			}
			mp = tl.polygon(mp, poly)
		}
		if len(mp) > 0 {
			var suspect bool
			if suspect, segs = mayBeInvalid(mp, segs); suspect && geo.Validate(mp) != nil {
				// Rounding to the tile grid made a part narrower than a
				// tile unit touch or cross itself.
				mp = tl.repair(mp)
				t.Repaired++
			}
		}
		if len(mp) == 0 {
			// Nothing of the region survived rounding here: no region may
			// disappear at any zoom, so the tile that holds its anchor
			// draws it as one tile unit there.
			if mp = tl.anchor(g.anchors[i]); mp == nil {
				continue
			}
			t.Anchored++
		}
		f := c.f
		gf := &geojson.Feature{Type: "Feature", Geometry: mp, Properties: geojson.Properties{"key": f.Key, "name": f.Name, "type": f.Type}}
		if len(mp) == 1 {
			gf.Geometry = mp[0]
		}
		if f.ID != 0 {
			gf.ID = f.ID
		}
		if vals != nil {
			v, ok := vals.ByKey[f.Key]
			addValue(gf.Properties, v, ok)
		}
		feats = append(feats, gf)
	}
	if len(feats) == 0 {
		t.ETag = `"empty"`
		t.setHeaderValues()
		return t, nil
	}
	layers := mvt.Layers{{Name: p.data.Name, Version: 2, Extent: Extent, Features: feats}}
	raw, err := mvt.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("encode tile %s/%d/%d/%d: %w", p.data.Name, z, x, y, err)
	}
	// Too many regions for one tile (the Gemeinden at zooms where each is a
	// pixel or less): leave out name and type, then key (the id is the same
	// key as a number); geometry, id and values stay.
	for _, drop := range omissions {
		if len(raw) <= s.opt.MaxTileBytes {
			break
		}
		for _, f := range feats {
			for _, k := range drop.props {
				delete(f.Properties, k)
			}
		}
		if raw, err = mvt.Marshal(layers); err != nil {
			return nil, fmt.Errorf("encode tile %s/%d/%d/%d: %w", p.data.Name, z, x, y, err)
		}
		t.Trimmed, t.Omitted = true, drop.omitted
	}
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	zw, _ := s.gzip.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(io.Discard)
	}
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("gzip tile: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip tile: %w", err)
	}
	s.gzip.Put(zw)
	sum := sha256.Sum256(raw)
	t.Gzip, t.Size, t.Features = buf.Bytes(), len(raw), len(feats)
	t.ETag = `"` + hex.EncodeToString(sum[:12]) + `"`
	t.setHeaderValues()
	return t, nil
}

// omissions are the steps that keep a tile within Options.MaxTileBytes:
// the properties each leaves out and what has been left out after it.
var omissions = []struct {
	props   []string
	omitted string
}{{[]string{"name", "type"}, "name,type"}, {[]string{"key"}, "name,type,key"}}

// addValue sets the choropleth properties of a feature: value and class
// when the region has a (classified) value, flag when the source flagged it,
// "missing" when the source has no entry for it.
func addValue(props geojson.Properties, v Value, ok bool) {
	if !ok {
		props["flag"] = "missing"
		return
	}
	if v.HasValue {
		props["value"] = v.Value
		if v.Class >= 0 {
			props["class"] = v.Class
		}
	}
	if v.Flag != "" {
		props["flag"] = v.Flag
	}
}
