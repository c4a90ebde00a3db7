package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/standortatlas/standortatlas/atlas"
)

// Analyzer answers the analytical questions of the atlas from a Service:
// region profiles, comparisons, rankings, composite indices, distribution
// keys and headroom. What it reads and aligns (a Kreis profile reads every
// indicator and year once) is kept in the service's snapshot of the data
// version (atlas.Derive), so it is dropped when the data change.
type Analyzer struct {
	svc *atlas.Service
}

// New returns an Analyzer reading from svc.
func New(svc *atlas.Service) *Analyzer {
	return &Analyzer{svc: svc}
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

// levelIndex is the regions of one level (display regions of the service's snapshot).
type levelIndex struct {
	level   atlas.Level
	set     atlas.BoundarySet
	regions []atlas.Region // shared with the service: read-only
	data    *atlas.LevelData
}

func (li *levelIndex) find(key string) (atlas.Region, bool) { return li.data.Region(key) }

// index returns the position of a region in regions (-1 when it is none).
func (li *levelIndex) index(key string) int {
	if i, ok := li.data.Index(key); ok {
		return i
	}
	return -1
}

// sync returns the current data version.
func (a *Analyzer) sync(ctx context.Context) (int64, error) { return a.svc.Version(ctx) }

func (a *Analyzer) level(ctx context.Context, l atlas.Level) (*levelIndex, error) {
	_, d, err := a.svc.Level(ctx, l)
	if err != nil {
		return nil, err
	}
	return &levelIndex{level: l, set: d.Set, regions: d.Regions, data: d}, nil
}

// raw returns the stored values of an indicator, level and year by key,
// including keys that are not regions of the boundary set (aggregations
// from Gemeinden of another Gebietsstand need them). Shared: read-only.
func (a *Analyzer) raw(ctx context.Context, id string, l atlas.Level, year int) (map[string]atlas.Value, error) {
	snap, err := a.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.Values(ctx, id, l, year)
}

// column returns an indicator's values aligned with the level's regions.
func (a *Analyzer) column(ctx context.Context, id string, l atlas.Level, year int) (*column, error) {
	snap, err := a.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return atlas.Derive(ctx, snap, colKey{id, l, year}, func(ctx context.Context) (*column, error) {
		d, err := snap.Level(ctx, l)
		if err != nil {
			return nil, err
		}
		m, err := snap.Values(ctx, id, l, year)
		if err != nil {
			return nil, err
		}
		return align(d.Regions, m), nil
	})
}

// align lines values by key up with regions (NaN and missing where a
// region has none).
func align(regions []atlas.Region, m map[string]atlas.Value) *column {
	c := &column{vals: make([]float64, len(regions)), flags: make([]atlas.Flag, len(regions))}
	for i, r := range regions {
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
	return c
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
	snap, err := a.svc.Snapshot(ctx)
	if err != nil {
		return ""
	}
	return snap.Meta(ctx, "seed_version")
}

func levelParam(l atlas.Level, allowed ...atlas.Level) error {
	if slices.Contains(allowed, l) {
		return nil
	}
	return &atlas.ParamError{Param: "level", Value: l.String(), Reason: fmt.Sprintf("must be one of %v here", allowed)}
}

type normColKey struct {
	colKey
	norm atlas.Normalization
}

// normalizedColumn is a column divided as the map divides it
// (atlas.Snapshot.NormalizedValues), with the normalised indicator; info
// is nil when no normalisation was asked for, or when the data have no
// base of that year (then every value is NaN).
type normalizedColumn struct {
	*column
	ind  atlas.Indicator
	info *atlas.NormalizationInfo
}

// normColumn returns ind's column at level l and year, normalised by n
// (atlas.NormNone: the published values).
func (a *Analyzer) normColumn(ctx context.Context, ind atlas.Indicator, l atlas.Level, year int, n atlas.Normalization) (*normalizedColumn, error) {
	if n == atlas.NormNone {
		c, err := a.column(ctx, ind.ID, l, year)
		return &normalizedColumn{column: c, ind: ind}, err
	}
	snap, err := a.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return atlas.Derive(ctx, snap, normColKey{colKey{ind.ID, l, year}, n}, func(ctx context.Context) (*normalizedColumn, error) {
		d, err := snap.Level(ctx, l)
		if err != nil {
			return nil, err
		}
		m, nind, info, err := snap.NormalizedValues(ctx, ind, l, year, n, 0)
		var pe *atlas.ParamError
		if errors.As(err, &pe) {
			m, nind, info = nil, ind, nil // no base of that year: no values
		} else if err != nil {
			return nil, err
		}
		return &normalizedColumn{column: align(d.Regions, m), ind: nind, info: info}, nil
	})
}
