package atlas

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Service. Zero values select the defaults.
type Options struct {
	// Tolerance is the simplification tolerance per level in degrees
	// (defaults: Land 0.004, Kreis 0.002, VWG/Gemeinde 0.001).
	Tolerance map[Level]float64
	// VersionCheck is how often the store's data version is polled (default 1 s).
	VersionCheck time.Duration
	// CacheEntries bounds the number of cached answers to queries (map
	// views and encoded answers) per data version (default 256).
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

// Service answers the atlas's read questions from a Store. What it derives
// from the data lives in the Snapshot of the current data version (see
// Snapshot: the one cache rule); the service polls the store's version at
// most every Options.VersionCheck and starts a new snapshot when it changed.
type Service struct {
	store Store
	opts  Options

	hits, misses atomic.Int64

	mu        sync.Mutex
	snap      *Snapshot // nil before the first poll
	checkedAt time.Time
	warm      bool // Warm has completed at least once
	// polls numbers the store polls in the order they start; applied is
	// the number of the poll whose answer snap is.
	polls, applied uint64
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
	return &Service{store: store, opts: opts}
}

// Store returns the underlying store, for the write side (imports, tokens,
// audit) only: every read goes through the service and its snapshot.
func (s *Service) Store() Store { return s.store }

// Snapshot returns the snapshot of the current data version, polling the
// store's version at most every Options.VersionCheck.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
	s.mu.Lock()
	if s.fresh() {
		snap := s.snap
		s.mu.Unlock()
		return snap, nil
	}
	s.polls++
	seq := s.polls
	s.mu.Unlock()
	v, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq < s.applied {
		// A poll that started later has answered already: this late
		// answer must not replace its snapshot with an older state.
		return s.snap, nil
	}
	s.applied = seq
	s.checkedAt = s.opts.Now()
	if s.snap == nil || s.snap.Version != v {
		s.snap = newSnapshot(s, v)
	}
	return s.snap, nil
}

// fresh reports whether the snapshot's version was read from the store
// within Options.VersionCheck (s.mu held).
func (s *Service) fresh() bool {
	return s.snap != nil && s.opts.Now().Sub(s.checkedAt) < s.opts.VersionCheck
}

// KnownVersion returns the current data version when Version would answer
// it without reading the store (it was read within Options.VersionCheck);
// false when Version must read it.
func (s *Service) KnownVersion() (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fresh() {
		return 0, false
	}
	return s.snap.Version, true
}

// Version returns the current data version (see Snapshot).
func (s *Service) Version(ctx context.Context) (int64, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return 0, err
	}
	return snap.Version, nil
}

// Invalidate forces the next call to re-read the data version.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.checkedAt = time.Time{}
	s.mu.Unlock()
}

// Level returns the regions of a level in the current snapshot. When the
// data change while the level is read, it reads again under the new
// version, so that what it returns belongs to the version it says.
func (s *Service) Level(ctx context.Context, l Level) (*Snapshot, *LevelData, error) {
	return inCurrentSnapshot(ctx, s, l, (*Snapshot).Level)
}

// StoredLevel returns the regions of a level in the current snapshot with
// their stored geometry, without waiting for the display geometry (see
// Level for a change of the data while it is read).
func (s *Service) StoredLevel(ctx context.Context, l Level) (*Snapshot, *StoredLevel, error) {
	return inCurrentSnapshot(ctx, s, l, (*Snapshot).StoredLevel)
}

// DeriveCurrent is Derive in the current snapshot: when build finds that
// the data changed while it read (IsStale), it runs again in the snapshot
// of the new version, so that what it returns belongs to the version of the
// snapshot returned.
func DeriveCurrent[T any](ctx context.Context, s *Service, key any, build func(context.Context, *Snapshot) (T, error)) (*Snapshot, T, error) {
	return inCurrentSnapshot(ctx, s, key, func(snap *Snapshot, ctx context.Context, key any) (T, error) {
		return Derive(ctx, snap, key, func(ctx context.Context) (T, error) { return build(ctx, snap) })
	})
}

// inCurrentSnapshot returns get's level of the current snapshot, reading it
// again under the new version when the data change while it is read.
func inCurrentSnapshot[T, K any](ctx context.Context, s *Service, l K, get func(*Snapshot, context.Context, K) (T, error)) (*Snapshot, T, error) {
	var zero T
	for range 3 {
		snap, err := s.Snapshot(ctx)
		if err != nil {
			return nil, zero, err
		}
		d, err := get(snap, ctx, l)
		if errors.Is(err, errStale) {
			s.Invalidate()
			continue
		}
		return snap, d, err
	}
	return nil, zero, fmt.Errorf("%v: data kept changing while being read", l)
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
	v := int64(-1)
	if s.snap != nil {
		v = s.snap.Version
	}
	return ServiceStats{CacheHits: s.hits.Load(), CacheMisses: s.misses.Load(), Warm: s.warm, DataVersion: v}
}

// ClearCache drops the answers to queries of the current snapshot (map
// views and encoded answers); levels and values read from the store stay.
func (s *Service) ClearCache() {
	s.mu.Lock()
	snap := s.snap
	s.mu.Unlock()
	if snap != nil {
		snap.lru.clear()
	}
}

// Reset drops the snapshot of the current data version: the next request
// reads and derives everything anew (for measurements of cold answers).
func (s *Service) Reset() {
	s.mu.Lock()
	s.snap = nil
	s.mu.Unlock()
}

// Indicators returns the catalogue with levels and years.
func (s *Service) Indicators(ctx context.Context) ([]Indicator, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.Indicators(ctx)
}

// Indicator returns one catalogue entry, or ErrUnknownIndicator.
func (s *Service) Indicator(ctx context.Context, id string) (Indicator, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return Indicator{}, err
	}
	return snap.Indicator(ctx, id)
}

// BoundarySets lists the boundary set of each level.
func (s *Service) BoundarySets(ctx context.Context) ([]BoundarySet, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.BoundarySets(ctx)
}

// Cached returns the answer cached under name in the current snapshot,
// building and caching it on a miss. name must identify the answer
// completely (all parameters); answers are dropped with the snapshot when
// the data change.
func (s *Service) Cached(ctx context.Context, name string, build func(ctx context.Context) ([]byte, error)) (*Encoded, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.cached(ctx, name, build)
}

// Warm builds the display geometry of every level that has boundaries, so
// that the first requests after start or import are fast. Before each
// level it calls pause, when given (it lets requests go first: serve waits
// for a pause in them).
func (s *Service) Warm(ctx context.Context, pause func(context.Context) error) error {
	sets, err := s.BoundarySets(ctx)
	if err != nil {
		return err
	}
	for _, set := range sets {
		if pause != nil {
			if err := pause(ctx); err != nil {
				return err
			}
		}
		if _, _, err := s.Level(ctx, set.Level); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.warm = true
	s.mu.Unlock()
	return nil
}
