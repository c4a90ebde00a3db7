package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/standortatlas/standortatlas/atlas"
)

// Analyzer answers the analytical questions of the atlas from a Service:
// region profiles, comparisons, rankings, composite indices, distribution
// keys and headroom. It keeps the values it read in memory per data version
// (a Kreis profile reads every indicator and year once) and drops them when
// the store's data version changes.
type Analyzer struct {
	svc *atlas.Service

	mu      sync.Mutex
	version int64
	raws    map[colKey]map[string]atlas.Value
	cols    map[colKey]*column
	levels  map[atlas.Level]*levelIndex
}

// New returns an Analyzer reading from svc.
func New(svc *atlas.Service) *Analyzer {
	return &Analyzer{svc: svc, version: -1}
}

// Service returns the underlying service.
func (a *Analyzer) Service() *atlas.Service { return a.svc }

type colKey struct {
	id    string
	level atlas.Level
	year  int
}

// column is one indicator's values of one year at one level, aligned with
// the level's regions (levelIndex.regions).
type column struct {
	vals  []float64 // NaN where there is no value
	flags []atlas.Flag
	n     int // regions with a value
}

// levelIndex is the regions of one level (display regions of the service).
type levelIndex struct {
	level   atlas.Level
	set     atlas.BoundarySet
	regions []atlas.Region // shared with the service: read-only
	byKey   map[string]int
}

func (li *levelIndex) find(key string) (atlas.Region, bool) {
	i, ok := li.byKey[key]
	if !ok {
		return atlas.Region{}, false
	}
	return li.regions[i], true
}

// sync checks the data version and drops everything read for an older one.
func (a *Analyzer) sync(ctx context.Context) (int64, error) {
	v, err := a.svc.Version(ctx)
	if err != nil {
		return 0, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if v != a.version {
		a.version = v
		a.raws = map[colKey]map[string]atlas.Value{}
		a.cols = map[colKey]*column{}
		a.levels = map[atlas.Level]*levelIndex{}
	}
	return v, nil
}

func (a *Analyzer) level(ctx context.Context, l atlas.Level) (*levelIndex, error) {
	a.mu.Lock()
	li := a.levels[l]
	a.mu.Unlock()
	if li != nil {
		return li, nil
	}
	regions, set, err := a.svc.DisplayRegions(ctx, l)
	if err != nil {
		return nil, err
	}
	li = &levelIndex{level: l, set: set, regions: regions, byKey: make(map[string]int, len(regions))}
	for i, r := range regions {
		li.byKey[r.Key] = i
	}
	a.mu.Lock()
	a.levels[l] = li
	a.mu.Unlock()
	return li, nil
}

// raw returns the stored values of an indicator, level and year by key,
// including keys that are not regions of the boundary set (aggregations
// from Gemeinden of another Gebietsstand need them). Shared: read-only.
func (a *Analyzer) raw(ctx context.Context, id string, l atlas.Level, year int) (map[string]atlas.Value, error) {
	k := colKey{id, l, year}
	a.mu.Lock()
	m, ok := a.raws[k]
	a.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := a.svc.Store().Values(ctx, id, l, year)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.raws[k] = m
	a.mu.Unlock()
	return m, nil
}

// column returns an indicator's values aligned with the level's regions.
func (a *Analyzer) column(ctx context.Context, id string, l atlas.Level, year int) (*column, error) {
	k := colKey{id, l, year}
	a.mu.Lock()
	c := a.cols[k]
	a.mu.Unlock()
	if c != nil {
		return c, nil
	}
	li, err := a.level(ctx, l)
	if err != nil {
		return nil, err
	}
	m, err := a.raw(ctx, id, l, year)
	if err != nil {
		return nil, err
	}
	c = &column{vals: make([]float64, len(li.regions)), flags: make([]atlas.Flag, len(li.regions))}
	for i, r := range li.regions {
		v, ok := m[r.Key]
		if !ok {
			c.vals[i], c.flags[i] = math.NaN(), atlas.FlagMissing
			continue
		}
		c.vals[i], c.flags[i] = v.Value, v.Flag
		if !math.IsNaN(v.Value) {
			c.n++
		}
	}
	a.mu.Lock()
	a.cols[k] = c
	a.mu.Unlock()
	return c, nil
}

// yearsAt returns the years in which ind has a value for at least one
// region of level l, ascending.
func (a *Analyzer) yearsAt(ctx context.Context, ind atlas.Indicator, l atlas.Level) ([]int, error) {
	if !slices.Contains(ind.Levels, l) {
		return nil, nil
	}
	var out []int
	for _, y := range ind.Years {
		c, err := a.column(ctx, ind.ID, l, y)
		if err != nil {
			return nil, err
		}
		if c.n > 0 {
			out = append(out, y)
		}
	}
	return out, nil
}

// preload reads the columns of every indicator and year at level l,
// several at a time, so that a profile's first request does not issue
// hundreds of queries one after another.
func (a *Analyzer) preload(ctx context.Context, inds []atlas.Indicator, l atlas.Level) error {
	type job struct {
		id   string
		year int
	}
	var jobs []job
	for _, ind := range inds {
		if !slices.Contains(ind.Levels, l) {
			continue
		}
		for _, y := range ind.Years {
			jobs = append(jobs, job{ind.ID, y})
		}
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	next := make(chan job)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := range next {
				if errs[w] != nil {
					continue
				}
				if _, err := a.column(ctx, j.id, l, j.year); err != nil {
					errs[w] = err
				}
			}
		}(w)
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// indicator returns a catalogue entry, or a derived indicator.
func (a *Analyzer) indicator(ctx context.Context, id string) (atlas.Indicator, error) {
	if d, ok, err := a.derived(ctx, id); ok || err != nil {
		return d.ind, err
	}
	return a.svc.Indicator(ctx, id)
}

// seedVersion is the version of the built-in seeds the store was filled
// from, when it was (cmd/standortatlas records it under this meta key).
func (a *Analyzer) seedVersion(ctx context.Context) string {
	v, err := a.svc.Store().Meta(ctx, "seed_version")
	if err != nil {
		return ""
	}
	return v
}

func levelParam(l atlas.Level, allowed ...atlas.Level) error {
	if slices.Contains(allowed, l) {
		return nil
	}
	return &atlas.ParamError{Param: "level", Value: l.String(), Reason: fmt.Sprintf("must be one of %v here", allowed)}
}
