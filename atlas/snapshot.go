package atlas

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/geo"
)

// Snapshot is what the service derives from one data version of the store.
// It is the one cache rule of the atlas: everything computed from the data
// — the regions of each level with their geometry, the sorted catalogue,
// the values read, classified map views, encoded answers, analysis columns,
// vector-tile layers — is kept in the snapshot of the data version it was
// computed from, and dropped with that snapshot when the version changes.
// Nothing is built before it is asked for: a level is read and simplified
// on its first use.
//
// A Snapshot is safe for concurrent use; what it hands out is shared and
// must not be modified.
type Snapshot struct {
	// Version is the store's data version the snapshot belongs to.
	Version int64

	svc  *Service
	memo memo // keyed by what the data hold: levels, catalogue, values, columns
	lru  *lru // keyed by queries (unbounded in number): map views, encoded answers
}

func newSnapshot(svc *Service, version int64) *Snapshot {
	return &Snapshot{Version: version, svc: svc, memo: memo{m: map[any]*memoEntry{}}, lru: newLRU(svc.opts.CacheEntries, &svc.hits, &svc.misses)}
}

// Derive returns the value of snap stored under key, building it with build
// on first use (once, however many ask at the same time). Keys are values
// of comparable types; packages use their own key types so that keys never
// collide. Use it for values whose number is bounded by the data (one per
// level, indicator or year); answers to queries go through Service.Cached.
func Derive[T any](ctx context.Context, snap *Snapshot, key any, build func(ctx context.Context) (T, error)) (T, error) {
	v, err := snap.memo.do(ctx, key, func(ctx context.Context) (any, error) { return build(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// Remember returns the answer to a query kept in snap under key, building
// it with build on a miss. Answers to queries are unbounded in number, so
// they are kept in the snapshot's bounded cache (Options.CacheEntries,
// least recently used out); keys name the kind of answer first
// ("view|…", "answer|…", "tiles.values|…").
func Remember[T any](ctx context.Context, snap *Snapshot, key string, build func(ctx context.Context) (T, error)) (T, error) {
	if v, ok := snap.lru.get(key); ok {
		return v.(T), nil
	}
	v, err := build(ctx)
	if err != nil {
		return v, err
	}
	snap.lru.put(key, v)
	return v, nil
}

// cached is Remember for encoded answers (Service.Cached).
func (snap *Snapshot) cached(ctx context.Context, name string, build func(ctx context.Context) ([]byte, error)) (*Encoded, error) {
	return Remember(ctx, snap, "answer|"+name, func(ctx context.Context) (*Encoded, error) {
		b, err := build(ctx)
		if err != nil {
			return nil, err
		}
		return NewEncoded(b), nil
	})
}

// memo is a map of values built once per key. A failed build is not kept.
type memo struct {
	mu sync.Mutex
	m  map[any]*memoEntry
}

type memoEntry struct {
	done chan struct{}
	val  any
	err  error
}

func (m *memo) do(ctx context.Context, key any, build func(context.Context) (any, error)) (any, error) {
	for {
		m.mu.Lock()
		e, ok := m.m[key]
		if !ok {
			e = &memoEntry{done: make(chan struct{})}
			m.m[key] = e
			m.mu.Unlock()
			e.val, e.err = build(ctx)
			if e.err != nil {
				m.mu.Lock()
				delete(m.m, key)
				m.mu.Unlock()
			}
			close(e.done)
			return e.val, e.err
		}
		m.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil && ctx.Err() == nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) {
			continue // the request that built it ended; build again for this one
		}
		return e.val, e.err
	}
}

// built reports whether the value of key has been built successfully.
func (m *memo) built(key any) bool {
	m.mu.Lock()
	e, ok := m.m[key]
	m.mu.Unlock()
	if !ok {
		return false
	}
	select {
	case <-e.done:
		return e.err == nil
	default:
		return false
	}
}

// LevelData is one level of a snapshot: its boundary set and regions
// (ordered by key) with the stored and the display geometry, bounds, names
// and a key index. Display geometry is simplified once as a coverage
// (shared borders stay shared: no slivers) and rounded to 5 decimals.
type LevelData struct {
	Level Level
	Set   BoundarySet
	// Regions carry the display geometry in Geom.
	Regions []Region
	// Full is the stored geometry of each region (EPSG:4326, not
	// simplified), aligned with Regions: what OGC API – Features, tiles
	// and exports start from.
	Full []orb.MultiPolygon
	// Bounds are the bounding boxes of Full; Extent is their union.
	Bounds []orb.Bound
	Extent orb.Bound

	byKey    map[string]int
	geomJSON [][]byte // GeoJSON of the display geometry
}

// Index returns the position of a region in Regions.
func (d *LevelData) Index(key string) (int, bool) {
	i, ok := d.byKey[key]
	return i, ok
}

// Region returns the region with the given key (display geometry).
func (d *LevelData) Region(key string) (Region, bool) {
	i, ok := d.byKey[key]
	if !ok {
		return Region{}, false
	}
	return d.Regions[i], true
}

type levelKey struct{ level Level }

// errStale is returned when the data changed while a level was read.
var errStale = errors.New("atlas: data changed while being read")

// Level returns the regions of a level, read and simplified on first use.
// It fails with ErrNotFound when the level has no boundaries.
func (snap *Snapshot) Level(ctx context.Context, l Level) (*LevelData, error) {
	if l < LevelLand || l > LevelGemeinde {
		return nil, fmt.Errorf("level %s: %w", l, ErrNotFound)
	}
	return Derive(ctx, snap, levelKey{l}, func(ctx context.Context) (*LevelData, error) { return snap.buildLevel(ctx, l) })
}

// LevelBuilt reports whether the display geometry of level l has been built
// in this snapshot, without building it.
func (snap *Snapshot) LevelBuilt(l Level) bool { return snap.memo.built(levelKey{l}) }

func (snap *Snapshot) buildLevel(ctx context.Context, l Level) (*LevelData, error) {
	sl, err := snap.StoredLevel(ctx, l)
	if err != nil {
		return nil, err
	}
	// The stored level keeps the full-resolution geometry in Region.Geom:
	// the display regions are a copy of the list (sharing keys and names).
	regions := slices.Clone(sl.Regions)
	d := &LevelData{Level: l, Set: sl.Set, Regions: regions, byKey: make(map[string]int, len(regions)),
		Full: make([]orb.MultiPolygon, len(regions)), Bounds: make([]orb.Bound, len(regions)), geomJSON: make([][]byte, len(regions))}
	for i, r := range regions {
		d.Full[i] = r.Geom
		d.Bounds[i] = r.Geom.Bound()
		if i == 0 {
			d.Extent = d.Bounds[i]
		} else {
			d.Extent = d.Extent.Union(d.Bounds[i])
		}
	}
	simple := geo.NewCoverage(d.Full).Simplify(snap.svc.opts.tolerance(l))
	for i := range simple {
		simple[i] = roundMultiPolygon(simple[i], 5)
	}
	simple = geo.Compact(simple) // kept for the snapshot's life
	for i := range regions {
		regions[i].Geom = simple[i]
		d.byKey[regions[i].Key] = i
		d.geomJSON[i] = AppendGeometryJSON(nil, regions[i].Geom)
	}
	return d, nil
}

// StoredLevel is one level of a snapshot as the store holds it: the
// boundary set and the regions (ordered by key) with their stored,
// full-resolution geometry in Region.Geom. LevelData adds the display
// geometry; the vector tiles, which simplify per zoom themselves, start
// from the stored level (unless the store keeps their pyramid, see
// DerivedStore) and so never wait for the display geometry.
type StoredLevel struct {
	Level   Level
	Set     BoundarySet
	Regions []Region
}

type storedLevelKey struct{ level Level }

// StoredLevel returns the regions of a level as stored, read on first use
// (shared with Level, which simplifies them). It fails with ErrNotFound
// when the level has no boundaries.
func (snap *Snapshot) StoredLevel(ctx context.Context, l Level) (*StoredLevel, error) {
	if l < LevelLand || l > LevelGemeinde {
		return nil, fmt.Errorf("level %s: %w", l, ErrNotFound)
	}
	return Derive(ctx, snap, storedLevelKey{l}, func(ctx context.Context) (*StoredLevel, error) { return snap.readLevel(ctx, l) })
}

func (snap *Snapshot) readLevel(ctx context.Context, l Level) (*StoredLevel, error) {
	st := snap.svc.store
	regions, err := st.Regions(ctx, l)
	if err != nil {
		return nil, err
	}
	sets, err := st.BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	if v, err := st.DataVersion(ctx); err != nil {
		return nil, err
	} else if v != snap.Version {
		// Read under another version than the snapshot's: tiles and answers
		// stamped with this version must not show it.
		return nil, fmt.Errorf("boundaries of level %s: %w", l, errStale)
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("boundaries of level %s: %w", l, ErrNotFound)
	}
	// Kept for the snapshot's life: in a few large allocations.
	geoms := make([]orb.MultiPolygon, len(regions))
	for i := range regions {
		geoms[i] = regions[i].Geom
	}
	for i, g := range geo.Compact(geoms) {
		regions[i].Geom = g
	}
	sl := &StoredLevel{Level: l, Regions: regions}
	for _, set := range sets {
		if set.Level == l {
			sl.Set = set
		}
	}
	return sl, nil
}

// Derived returns the data the store keeps under names for level with its
// regions, by name (DerivedStore; names it has none under are left out,
// all of them when the store keeps none). They are read in this
// snapshot's data version or not at all: when the data changed, it fails
// with an error that DeriveCurrent retries.
func (snap *Snapshot) Derived(ctx context.Context, l Level, names []string) (map[string][]byte, error) {
	ds, ok := snap.svc.store.(DerivedStore)
	if !ok {
		return nil, nil
	}
	m, err := ds.Derived(ctx, l, names)
	if err != nil {
		return nil, fmt.Errorf("derived data of level %s: %w", l, err)
	}
	if v, err := snap.svc.store.DataVersion(ctx); err != nil {
		return nil, err
	} else if v != snap.Version {
		return nil, fmt.Errorf("derived data of level %s: %w", l, errStale)
	}
	return m, nil
}

// IsStale reports whether err says that the data changed while they were
// read for a snapshot (the snapshot is outdated; a newer one has them).
func IsStale(err error) bool { return errors.Is(err, errStale) }

type boundarySetsKey struct{}

// BoundarySets lists the boundary set of each level.
func (snap *Snapshot) BoundarySets(ctx context.Context) ([]BoundarySet, error) {
	return Derive(ctx, snap, boundarySetsKey{}, func(ctx context.Context) ([]BoundarySet, error) {
		return snap.svc.store.BoundarySets(ctx)
	})
}

type catalogueKey struct{}

// Indicators returns the catalogue with levels and years, sorted by topic and title.
func (snap *Snapshot) Indicators(ctx context.Context) ([]Indicator, error) {
	return Derive(ctx, snap, catalogueKey{}, func(ctx context.Context) ([]Indicator, error) {
		inds, err := snap.svc.store.Indicators(ctx)
		if err != nil {
			return nil, err
		}
		sets, err := snap.svc.store.BoundarySets(ctx)
		if err != nil {
			return nil, err
		}
		regions := map[Level]int{}
		for _, b := range sets {
			regions[b.Level] = b.Count
		}
		for i := range inds {
			inds[i].MarkCoverage(regions)
		}
		sort.SliceStable(inds, func(i, j int) bool {
			if inds[i].Topic != inds[j].Topic {
				return inds[i].Topic < inds[j].Topic
			}
			return inds[i].Title < inds[j].Title
		})
		return inds, nil
	})
}

// Indicator returns one catalogue entry, or ErrUnknownIndicator.
func (snap *Snapshot) Indicator(ctx context.Context, id string) (Indicator, error) {
	inds, err := snap.Indicators(ctx)
	if err != nil {
		return Indicator{}, err
	}
	for _, ind := range inds {
		if ind.ID == id {
			return ind, nil
		}
	}
	return Indicator{}, fmt.Errorf("indicator %q: %w", id, ErrUnknownIndicator)
}

type valuesKey struct {
	id    string
	level Level
	year  int
}

// Values returns the stored values of an indicator, level and year by key,
// including keys that are not regions of the boundary set. Shared: read-only.
func (snap *Snapshot) Values(ctx context.Context, id string, l Level, year int) (map[string]Value, error) {
	return Derive(ctx, snap, valuesKey{id, l, year}, func(ctx context.Context) (map[string]Value, error) {
		return snap.svc.store.Values(ctx, id, l, year)
	})
}

// YearsAt returns those of years in which indicator has at least one value
// at level (the catalogue's years are over all levels).
func (snap *Snapshot) YearsAt(ctx context.Context, indicator string, l Level, years []int) ([]int, error) {
	var out []int
	for _, y := range years {
		vals, err := snap.Values(ctx, indicator, l, y)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if !math.IsNaN(v.Value) {
				out = append(out, y)
				break
			}
		}
	}
	return out, nil
}

type metaKey struct{ name string }

// Meta returns a named setting of the store ("" when it is not set or cannot be read).
func (snap *Snapshot) Meta(ctx context.Context, name string) string {
	v, _ := Derive(ctx, snap, metaKey{name}, func(ctx context.Context) (string, error) {
		return snap.svc.store.Meta(ctx, name)
	})
	return v
}

// Intersecting returns the positions of the regions whose stored geometry
// intersects box (all regions when box is nil), in key order.
func (d *LevelData) Intersecting(box *orb.Bound) []int {
	out := make([]int, 0, len(d.Regions))
	for i := range d.Regions {
		if box == nil || geo.IntersectsBox(d.Full[i], d.Bounds[i], *box) {
			out = append(out, i)
		}
	}
	return out
}
