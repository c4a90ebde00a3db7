package atlas

import (
	"context"
	"fmt"
	"math"
	"strconv"
)

// LevelRegions returns the regions of a level at full resolution (as
// stored, not simplified for display), the level's boundary set and the data
// version they belong to. It is what tile rendering and exports start from.
func (s *Service) LevelRegions(ctx context.Context, level Level) (version int64, set BoundarySet, regions []Region, err error) {
	for range 3 {
		v, err := s.Version(ctx)
		if err != nil {
			return 0, BoundarySet{}, nil, err
		}
		regions, err = s.store.Regions(ctx, level)
		if err != nil {
			return 0, BoundarySet{}, nil, err
		}
		sets, err := s.store.BoundarySets(ctx)
		if err != nil {
			return 0, BoundarySet{}, nil, err
		}
		after, err := s.store.DataVersion(ctx)
		if err != nil {
			return 0, BoundarySet{}, nil, err
		}
		if after != v {
			// The data changed while (or shortly before) it was read: read
			// again under the new version.
			s.Invalidate()
			continue
		}
		if len(regions) == 0 {
			return 0, BoundarySet{}, nil, fmt.Errorf("boundaries of level %s: %w", level, ErrNotFound)
		}
		for _, bs := range sets {
			if bs.Level == level {
				set = bs
			}
		}
		return v, set, regions, nil
	}
	return 0, BoundarySet{}, nil, fmt.Errorf("boundaries of level %s: data kept changing while being read", level)
}

// ClassedValue is one region's entry of a choropleth.
type ClassedValue struct {
	Value float64 // NaN when the region has no value
	// Flag is the observation's flag, FlagMissing when the region has no
	// observation at all (as the choropleth's "flag" property).
	Flag  Flag
	Class int // class in the legend, -1 when unclassed
}

// ChoroplethValues answers a ChoroplethQuery like Choropleth — the same
// checks, defaults, regions and classification — but as values by regional
// key (every region of the level's boundary set has an entry) instead of
// GeoJSON, for vector tiles that carry the values.
func (s *Service) ChoroplethValues(ctx context.Context, q ChoroplethQuery) (version int64, vals map[string]ClassedValue, legend Legend, err error) {
	if q.Classes == 0 {
		q.Classes = 5
	}
	if q.Method == "" {
		q.Method = MethodQuantile
	}
	ind, err := s.Indicator(ctx, q.Indicator)
	if err != nil {
		return 0, nil, Legend{}, err
	}
	if q.Year == 0 {
		q.Year = ind.DefaultYear
	}
	if !containsLevel(ind.Levels, q.Level) {
		return 0, nil, Legend{}, &ParamError{Param: "level", Value: q.Level.String(), Reason: fmt.Sprintf("indicator %s has no values at this level (levels: %v)", ind.ID, ind.Levels)}
	}
	if !containsInt(ind.Years, q.Year) {
		return 0, nil, Legend{}, &ParamError{Param: "year", Value: strconv.Itoa(q.Year), Reason: fmt.Sprintf("indicator %s has no values for this year (years %d–%d)", ind.ID, ind.Years[0], ind.Years[len(ind.Years)-1])}
	}
	v, err := s.Version(ctx)
	if err != nil {
		return 0, nil, Legend{}, err
	}
	sh, err := s.shapesFor(ctx, q.Level)
	if err != nil {
		return 0, nil, Legend{}, err
	}
	obs, err := s.store.Values(ctx, q.Indicator, q.Level, q.Year)
	if err != nil {
		return 0, nil, Legend{}, err
	}
	regionVals := make([]float64, len(sh.regions))
	for i, r := range sh.regions {
		regionVals[i] = math.NaN()
		if o, ok := obs[r.Key]; ok {
			regionVals[i] = o.Value
		}
	}
	cl, lg, err := BuildLegend(ind, regionVals, q.Classes, q.Method)
	if err != nil {
		return 0, nil, Legend{}, err
	}
	vals = make(map[string]ClassedValue, len(sh.regions))
	for i, r := range sh.regions {
		cv := ClassedValue{Value: regionVals[i], Class: cl.ClassOf(regionVals[i])}
		if o, ok := obs[r.Key]; ok {
			cv.Flag = o.Flag
		} else {
			cv.Flag = FlagMissing
		}
		vals[r.Key] = cv
	}
	return v, vals, lg, nil
}
