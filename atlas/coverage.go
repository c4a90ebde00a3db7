package atlas

import "sort"

// CoverageRow counts the observations with a value of one indicator, level and period.
type CoverageRow struct {
	Indicator string
	Level     Level
	Period    int
	Count     int
}

// FillCoverage sets Levels, Years and DefaultYear of each indicator from
// coverage counts. The default year is the latest year whose count at the
// indicator's finest level reaches 90 % of the best-covered year, so that a
// map does not open on a year that only few regions reported.
func FillCoverage(inds []Indicator, rows []CoverageRow) {
	type agg struct {
		levels map[Level]bool
		years  map[int]bool
		counts map[Level]map[int]int
	}
	by := make(map[string]*agg, len(inds))
	for _, r := range rows {
		a := by[r.Indicator]
		if a == nil {
			a = &agg{levels: map[Level]bool{}, years: map[int]bool{}, counts: map[Level]map[int]int{}}
			by[r.Indicator] = a
		}
		a.levels[r.Level] = true
		a.years[r.Period] = true
		if a.counts[r.Level] == nil {
			a.counts[r.Level] = map[int]int{}
		}
		a.counts[r.Level][r.Period] += r.Count
	}
	for i := range inds {
		ind := &inds[i]
		ind.Levels, ind.Years, ind.DefaultYear, ind.Coverage = nil, nil, 0, nil
		a := by[ind.ID]
		if a == nil {
			continue
		}
		for _, l := range AllLevels() {
			if a.levels[l] {
				ind.Levels = append(ind.Levels, l)
				latest := 0
				for y, n := range a.counts[l] {
					if n > 0 && y > latest {
						latest = y
					}
				}
				ind.Coverage = append(ind.Coverage, LevelCoverage{Level: l, Year: latest, Regions: a.counts[l][latest]})
			}
		}
		for y := range a.years {
			ind.Years = append(ind.Years, y)
		}
		sort.Ints(ind.Years)
		if len(ind.Levels) == 0 {
			continue // only Germany values: a reference without a map
		}
		// Prefer Kreis (the atlas's main level), else the finest level present.
		ref := ind.Levels[len(ind.Levels)-1]
		if a.levels[LevelKreis] {
			ref = LevelKreis
		}
		best := 0
		for _, n := range a.counts[ref] {
			best = max(best, n)
		}
		for _, y := range ind.Years {
			if a.counts[ref][y]*10 >= best*9 {
				ind.DefaultYear = y
			}
		}
	}
}
