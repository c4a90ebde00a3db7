package atlas

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/geo"
)

// Options configure a Service. Zero values select the defaults.
type Options struct {
	// Tolerance is the simplification tolerance per level in degrees
	// (defaults: Land 0.004, Kreis 0.002, VWG/Gemeinde 0.001).
	Tolerance map[Level]float64
	// VersionCheck is how often the store's data version is polled (default 1 s).
	VersionCheck time.Duration
	// CacheEntries bounds the number of cached encoded responses (default 256).
	CacheEntries int
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

func (o Options) tolerance(l Level) float64 {
	if t, ok := o.Tolerance[l]; ok {
		return t
	}
	switch l {
	case LevelLand:
		return 0.004
	case LevelKreis:
		return 0.002
	}
	return 0.001
}

// Service answers the atlas's read questions (indicator catalogue,
// choropleths, boundaries) from a Store, with display geometry simplified
// once per data version and encoded answers cached.
type Service struct {
	store Store
	opts  Options

	mu        sync.Mutex
	version   int64
	checkedAt time.Time
	shapes    map[Level]*levelShapes
	inds      []Indicator
	cache     *responseCache
	building  map[Level]*sync.Mutex

	warm bool // Warm has completed at least once
}

// levelShapes is the display geometry of one level for one data version.
type levelShapes struct {
	set      BoundarySet
	regions  []Region // Geom simplified, EPSG:4326
	byKey    map[string]int
	geomJSON [][]byte
}

// NewService returns a Service reading from store.
func NewService(store Store, opts Options) *Service {
	if opts.VersionCheck == 0 {
		opts.VersionCheck = time.Second
	}
	if opts.CacheEntries == 0 {
		opts.CacheEntries = 256
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{store: store, opts: opts, version: -1, cache: newResponseCache(opts.CacheEntries)}
	s.building = map[Level]*sync.Mutex{}
	for _, l := range AllLevels() {
		s.building[l] = &sync.Mutex{}
	}
	return s
}

// Store returns the underlying store.
func (s *Service) Store() Store { return s.store }

// Version returns the current data version, polling the store at most every
// Options.VersionCheck; when it changed, cached geometry and answers are dropped.
func (s *Service) Version(ctx context.Context) (int64, error) {
	s.mu.Lock()
	if s.version >= 0 && s.opts.Now().Sub(s.checkedAt) < s.opts.VersionCheck {
		v := s.version
		s.mu.Unlock()
		return v, nil
	}
	s.mu.Unlock()
	v, err := s.store.DataVersion(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkedAt = s.opts.Now()
	if v != s.version {
		s.version = v
		s.shapes = map[Level]*levelShapes{}
		s.inds = nil
		s.cache.clear()
	}
	return v, nil
}

// Invalidate forces the next call to re-read the data version.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.checkedAt = time.Time{}
	s.mu.Unlock()
}

// ServiceStats are counters for monitoring.
type ServiceStats struct {
	CacheHits   int64
	CacheMisses int64
	// Warm reports whether the display geometry of every level with
	// boundaries has been built at least once (readiness).
	Warm        bool
	DataVersion int64
}

// Stats returns the service's counters.
func (s *Service) Stats() ServiceStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ServiceStats{CacheHits: s.cache.hits.Load(), CacheMisses: s.cache.misses.Load(), Warm: s.warm, DataVersion: s.version}
}

// ClearCache drops the cached encoded answers (not the display geometry).
func (s *Service) ClearCache() { s.cache.clear() }

// Indicators returns the catalogue with levels and years.
func (s *Service) Indicators(ctx context.Context) ([]Indicator, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	inds := s.inds
	s.mu.Unlock()
	if inds != nil {
		return inds, nil
	}
	inds, err = s.store.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(inds, func(i, j int) bool {
		if inds[i].Topic != inds[j].Topic {
			return inds[i].Topic < inds[j].Topic
		}
		return inds[i].Title < inds[j].Title
	})
	s.mu.Lock()
	if s.version == v {
		s.inds = inds
	}
	s.mu.Unlock()
	return inds, nil
}

// Indicator returns one catalogue entry, or ErrUnknownIndicator.
func (s *Service) Indicator(ctx context.Context, id string) (Indicator, error) {
	inds, err := s.Indicators(ctx)
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

// shapesFor returns the display geometry of a level, building it once per data version.
func (s *Service) shapesFor(ctx context.Context, level Level) (*levelShapes, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	sh := s.shapes[level]
	s.mu.Unlock()
	if sh != nil {
		return sh, nil
	}
	b := s.building[level]
	if b == nil {
		return nil, fmt.Errorf("level %s: %w", level, ErrNotFound)
	}
	b.Lock()
	defer b.Unlock()
	s.mu.Lock()
	sh = s.shapes[level]
	s.mu.Unlock()
	if sh != nil {
		return sh, nil
	}
	sh, err = s.buildShapes(ctx, level)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.version == v {
		s.shapes[level] = sh
	}
	s.mu.Unlock()
	return sh, nil
}

func (s *Service) buildShapes(ctx context.Context, level Level) (*levelShapes, error) {
	regions, err := s.store.Regions(ctx, level)
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("boundaries of level %s: %w", level, ErrNotFound)
	}
	sets, err := s.store.BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	sh := &levelShapes{byKey: make(map[string]int, len(regions))}
	for _, set := range sets {
		if set.Level == level {
			sh.set = set
		}
	}
	polys := make([]orb.MultiPolygon, len(regions))
	for i, r := range regions {
		polys[i] = r.Geom
	}
	simple := geo.NewCoverage(polys).Simplify(s.opts.tolerance(level))
	sh.geomJSON = make([][]byte, len(regions))
	for i := range regions {
		regions[i].Geom = roundMultiPolygon(simple[i], 5)
		sh.byKey[regions[i].Key] = i
		sh.geomJSON[i] = AppendGeometryJSON(nil, regions[i].Geom)
	}
	sh.regions = regions
	return sh, nil
}

// Warm builds the display geometry of every level that has boundaries, so
// that the first requests after start or import are fast.
func (s *Service) Warm(ctx context.Context) error {
	sets, err := s.store.BoundarySets(ctx)
	if err != nil {
		return err
	}
	for _, set := range sets {
		if _, err := s.shapesFor(ctx, set.Level); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.warm = true
	s.mu.Unlock()
	return nil
}
