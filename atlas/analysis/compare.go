package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/standortatlas/standortatlas/atlas"
)

// MaxCompare bounds the number of regions in a comparison.
const MaxCompare = 10

// CompareQuery selects regions (of any levels) and indicators to compare.
type CompareQuery struct {
	Keys       []string
	Indicators []string // empty = every indicator with values at one of the regions' levels
	Year       int      // 0 = the latest year common to all regions, else each region's latest
	// Normalize divides every indicator it applies to (atlas.Normalizations)
	// by the population or area of the same year, as the map does; the
	// other indicators are compared as published.
	Normalize atlas.Normalization
}

// Comparison is the answer to a CompareQuery.
type Comparison struct {
	Regions     []RegionRef        `json:"regions"`
	Indicators  []CompareIndicator `json:"indicators"`
	DataVersion int64              `json:"data_version"`
	Attribution []string           `json:"attribution"`
	Definitions map[string]string  `json:"definitions"`
}

// CompareIndicator is one indicator of a comparison.
type CompareIndicator struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Unit        string          `json:"unit"`
	Decimals    int             `json:"decimals"`
	Direction   atlas.Direction `json:"direction"`
	Source      string          `json:"source"`
	Licence     string          `json:"licence"`
	Attribution string          `json:"attribution"`
	// YearRule says how the year was chosen: "requested", "common" (latest
	// year with a value for every region) or "latest per region".
	YearRule string `json:"year_rule"`
	// Normalization says how the values were divided (nil: as published),
	// NormalizationNote why a normalisation asked for was not applied.
	Normalization     *atlas.NormalizationInfo `json:"normalization,omitempty"`
	NormalizationNote string                   `json:"normalization_note,omitempty"`
	Values            []CompareValue           `json:"values"`
	// Germany is Germany's value in the comparison's year (official DG row
	// or a sum of counts over regions that all have one); nil when the
	// regions are compared in different years.
	Germany *Reference `json:"germany,omitempty"`
}

// CompareValue is one region's value of one indicator.
type CompareValue struct {
	Key   string      `json:"key"`
	Level atlas.Level `json:"level"`
	Year  *int        `json:"year"`
	Value *float64    `json:"value"`
	Flag  *atlas.Flag `json:"flag"`
	Rank  *int        `json:"rank"`
	Of    *int        `json:"of"`
	Note  string      `json:"note,omitempty"`
}

// Compare compares up to MaxCompare regions.
func (a *Analyzer) Compare(ctx context.Context, q CompareQuery) (*Comparison, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	if len(q.Keys) == 0 || len(q.Keys) > MaxCompare {
		return nil, &atlas.ParamError{Param: "keys", Value: fmt.Sprint(q.Keys), Reason: fmt.Sprintf("give 1 to %d regional keys separated by commas", MaxCompare)}
	}
	out := &Comparison{Regions: []RegionRef{}, Indicators: []CompareIndicator{}, DataVersion: v,
		Definitions: map[string]string{"rank": profileDefinitions()["rank"], "year_rule": "requested: year=…; common: letztes Jahr mit Wert für alle Gebiete; latest per region: sonst das letzte Jahr mit Wert je Gebiet"}}
	type reg struct {
		ref RegionRef
		li  *levelIndex
		idx int
	}
	var regs []reg
	levels := map[atlas.Level]bool{}
	for _, key := range q.Keys {
		l, ok := atlas.LevelOfKey(key)
		if !ok || !atlas.ValidKey(l, key) {
			return nil, &atlas.ParamError{Param: "keys", Value: key, Reason: "not a regional key of 2, 5, 8 or 9 digits"}
		}
		li, err := a.level(ctx, l)
		if err != nil {
			return nil, err
		}
		r, ok := li.find(key)
		if !ok {
			return nil, fmt.Errorf("region %s is not a %s of the boundary set (Gebietsstand %s): %w", key, l, li.set.Gebietsstand, atlas.ErrNotFound)
		}
		ref := RegionRef{Key: r.Key, Name: r.Name, Level: l, Type: r.Type}
		regs = append(regs, reg{ref, li, li.index(key)})
		out.Regions = append(out.Regions, ref)
		if !slices.Contains(out.Attribution, li.set.Attribution) {
			out.Attribution = append(out.Attribution, li.set.Attribution)
		}
		levels[l] = true
	}
	var inds []atlas.Indicator
	if len(q.Indicators) == 0 {
		all, err := a.svc.Indicators(ctx)
		if err != nil {
			return nil, err
		}
		for _, ind := range all {
			for l := range levels {
				if slices.Contains(ind.Levels, l) {
					inds = append(inds, ind)
					break
				}
			}
		}
	} else {
		for _, id := range q.Indicators {
			if !atlas.ValidIndicatorID(id) {
				return nil, &atlas.ParamError{Param: "indicators", Value: id, Reason: "not a valid indicator id"}
			}
			ind, err := a.svc.Indicator(ctx, id)
			if err != nil {
				return nil, err
			}
			inds = append(inds, ind)
		}
	}
	for l := range levels {
		if err := a.preload(ctx, inds, l); err != nil {
			return nil, err
		}
	}
	for _, ind := range inds {
		ci := CompareIndicator{ID: ind.ID, Title: ind.Title, Unit: ind.Unit, Decimals: ind.Decimals, Direction: ind.Direction, Source: ind.Source, Licence: ind.Licence, Attribution: ind.Attribution, Values: []CompareValue{}}
		// valued[r] = years with a value for region r, divided by norm.
		valuedBy := func(norm atlas.Normalization) ([][]int, bool, error) {
			valued, found := make([][]int, len(regs)), false
			for ri, r := range regs {
				if !slices.Contains(ind.Levels, r.ref.Level) {
					continue
				}
				for _, y := range ind.Years {
					c, err := a.normColumn(ctx, ind, r.ref.Level, y, norm)
					if err != nil {
						return nil, false, err
					}
					if !math.IsNaN(c.vals[r.idx]) {
						valued[ri], found = append(valued[ri], y), true
					}
				}
			}
			return valued, found, nil
		}
		norm := atlas.NormNone
		if slices.Contains(atlas.Normalizations(ind), q.Normalize) {
			norm = q.Normalize
		}
		valued, found, err := valuedBy(norm)
		if err != nil {
			return nil, err
		}
		if norm != atlas.NormNone && !found {
			// no base in any year with values (a count of 2019, populations of 2021 and 2023):
			// the published values, in their own unit, and the reason
			ci.NormalizationNote = "nicht umgerechnet: die Daten haben keine Bezugsgröße (Bevölkerung, Fläche) für die Jahre dieses Indikators"
			norm = atlas.NormNone
			if valued, _, err = valuedBy(norm); err != nil {
				return nil, err
			}
		}
		year := q.Year
		ci.YearRule = "requested"
		if year == 0 {
			ci.YearRule = "latest per region"
			for i := len(ind.Years) - 1; i >= 0; i-- {
				y := ind.Years[i]
				all := true
				for ri := range regs {
					if !slices.Contains(valued[ri], y) {
						all = false
						break
					}
				}
				if all {
					year, ci.YearRule = y, "common"
					break
				}
			}
		}
		for ri, r := range regs {
			cv := CompareValue{Key: r.ref.Key, Level: r.ref.Level}
			y := year
			if y == 0 && len(valued[ri]) > 0 {
				y = valued[ri][len(valued[ri])-1]
			}
			switch {
			case !slices.Contains(ind.Levels, r.ref.Level):
				cv.Note = fmt.Sprintf("keine Werte auf der Ebene %s", r.ref.Level)
			case y == 0 && norm != atlas.NormNone:
				cv.Note = fmt.Sprintf("kein Wert mit Bezugsgröße (%s) in den Daten", norm)
			case y == 0:
				cv.Note = "kein Wert in den Daten"
			case !slices.Contains(ind.Years, y):
				cv.Year = &y
				cv.Note = fmt.Sprintf("keine Werte für %d", y)
			default:
				c, err := a.normColumn(ctx, ind, r.ref.Level, y, norm)
				if err != nil {
					return nil, err
				}
				if c.info != nil && ci.Normalization == nil {
					ci.Normalization, ci.Title, ci.Unit, ci.Decimals, ci.Attribution = c.info, c.ind.Title, c.ind.Unit, c.ind.Decimals, c.ind.Attribution
				}
				if c.info == nil && norm != atlas.NormNone {
					cv.Note = fmt.Sprintf("keine Bezugsgröße für %d (%s)", y, norm)
				}
				yy := y
				cv.Year, cv.Value, cv.Flag = &yy, valPtr(c.vals[r.idx]), flagPtr(c.flags[r.idx])
				if cv.Value != nil {
					rank, of, _ := rankOf(c.vals, *cv.Value)
					cv.Rank, cv.Of = &rank, &of
				}
			}
			ci.Values = append(ci.Values, cv)
		}
		if year != 0 && (norm == atlas.NormNone || ci.Normalization != nil) {
			if ci.Germany, err = a.germanyNormalized(ctx, ind, year, ci.Normalization); err != nil {
				return nil, err
			}
		}
		out.Indicators = append(out.Indicators, ci)
		if !slices.Contains(out.Attribution, ci.Attribution) {
			out.Attribution = append(out.Attribution, ci.Attribution)
		}
	}
	return out, nil
}

// RankingQuery selects a ranking of the regions of a level.
type RankingQuery struct {
	Level     atlas.Level
	Indicator string
	Year      int    // 0 = the latest year with values at the level
	Order     string // "desc" (default: 1 = highest) or "asc" (1 = lowest)
	Land      string // optional: only the regions of this Land
	Normalize atlas.Normalization
	BaseYear  int
}

// Ranking is the answer to a RankingQuery.
type Ranking struct {
	Level         atlas.Level              `json:"level"`
	Land          string                   `json:"land,omitempty"`
	Indicator     atlas.Indicator          `json:"indicator"`
	Year          int                      `json:"year"`
	Order         string                   `json:"order"`
	Normalization *atlas.NormalizationInfo `json:"normalization"`
	Ranked        int                      `json:"ranked"`
	Unranked      int                      `json:"unranked"`
	TieRule       string                   `json:"tie_rule"`
	Entries       []RankEntry              `json:"entries"`
	// Germany is Germany's value of the year (normalised like the ranking:
	// Germany's count divided by Germany's base), Land the ranked Land's
	// value when the ranking is limited to one Land (unnormalised rankings only).
	Germany     *Reference        `json:"germany,omitempty"`
	LandValue   *Reference        `json:"land_value,omitempty"`
	Boundaries  map[string]string `json:"boundaries"`
	DataVersion int64             `json:"data_version"`
	Attribution []string          `json:"attribution"`
}

// RankEntry is one region of a ranking; regions without a value come last
// with rank null.
type RankEntry struct {
	Rank  *int        `json:"rank"`
	Key   string      `json:"key"`
	Name  string      `json:"name"`
	Type  string      `json:"type"`
	Value *float64    `json:"value"`
	Flag  *atlas.Flag `json:"flag"`
}

// Ranking ranks the regions of a level by one indicator.
func (a *Analyzer) Ranking(ctx context.Context, q RankingQuery) (*Ranking, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	if q.Order == "" {
		q.Order = "desc"
	}
	if q.Order != "desc" && q.Order != "asc" {
		return nil, &atlas.ParamError{Param: "order", Value: q.Order, Reason: "must be desc or asc"}
	}
	if q.Land != "" && !atlas.ValidKey(atlas.LevelLand, q.Land) {
		return nil, &atlas.ParamError{Param: "land", Value: q.Land, Reason: "must be a 2-digit Land key"}
	}
	ind, err := a.svc.Indicator(ctx, q.Indicator)
	if err != nil {
		return nil, err
	}
	if err := ind.Available(q.Level, 0); err != nil {
		return nil, err
	}
	li, err := a.level(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	years, err := a.yearsAt(ctx, ind, q.Level)
	if err != nil {
		return nil, err
	}
	if len(years) == 0 {
		return nil, &atlas.ParamError{Param: "indicator", Value: ind.ID, Reason: fmt.Sprintf("no values at level %s", q.Level)}
	}
	if q.Year == 0 {
		q.Year = years[len(years)-1]
	}
	if !slices.Contains(years, q.Year) {
		return nil, &atlas.ParamError{Param: "year", Value: strconv.Itoa(q.Year), Reason: fmt.Sprintf("indicator %s has no values at level %s for this year (years: %v)", ind.ID, q.Level, years)}
	}
	raw, nind, norm, err := a.svc.NormalizedValues(ctx, ind, q.Level, q.Year, q.Normalize, q.BaseYear)
	if err != nil {
		return nil, err
	}
	out := &Ranking{Level: q.Level, Land: q.Land, Indicator: nind, Year: q.Year, Order: q.Order, Normalization: norm, DataVersion: v,
		TieRule:     "gleiche Werte teilen sich den besten Rang (1, 2, 2, 4); Gebiete ohne Wert am Ende mit rank null",
		Boundaries:  map[string]string{"name": li.set.Name, "gebietsstand": li.set.Gebietsstand},
		Attribution: atlas.Attribution(nind, li.set)}
	if out.Germany, err = a.germanyNormalized(ctx, ind, q.Year, norm); err != nil {
		return nil, err
	}
	if norm == nil {
		if q.Land != "" && q.Level != atlas.LevelLand {
			if out.LandValue, err = a.landReference(ctx, ind, atlas.Region{Key: q.Land}, q.Level, q.Year); err != nil {
				return nil, err
			}
		}
	}
	var entries []RankEntry
	var vals []float64
	for _, r := range li.regions {
		if q.Land != "" && r.Key[:2] != q.Land {
			continue
		}
		e := RankEntry{Key: r.Key, Name: r.Name, Type: r.Type}
		x, ok := raw[r.Key]
		if !ok {
			x = atlas.Value{Value: math.NaN(), Flag: atlas.FlagMissing}
		}
		e.Value, e.Flag = valPtr(x.Value), flagPtr(x.Flag)
		entries = append(entries, e)
		vals = append(vals, x.Value)
	}
	sign := 1.0
	if q.Order == "asc" {
		sign = -1
	}
	signed := make([]float64, len(vals))
	for i, x := range vals {
		signed[i] = sign * x
	}
	rk := ranks(signed)
	for i := range entries {
		if entries[i].Value == nil {
			out.Unranked++
			continue
		}
		rank := rk[i]
		entries[i].Rank = &rank
		out.Ranked++
	}
	slices.SortStableFunc(entries, func(x, y RankEntry) int {
		switch {
		case x.Rank == nil && y.Rank == nil:
			return 0
		case x.Rank == nil:
			return 1
		case y.Rank == nil:
			return -1
		}
		return *x.Rank - *y.Rank
	})
	out.Entries = entries
	if out.Entries == nil {
		out.Entries = []RankEntry{}
	}
	return out, nil
}
